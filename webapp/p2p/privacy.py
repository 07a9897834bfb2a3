"""The board's share of a user's personal data, for export (Art. 20) and erasure (Art. 17).

Erasure removes the user's listings with their photo files (and tells the index at once);
bookings, messages and reviews they took part in stay for the other party, with the erased
side shown as "former member" (the foreign keys become NULL; messages they wrote lose their
text); reports they filed stay for staff without the reporter.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import delete, or_, select, update

from webapp.core import photos
from webapp.core.privacy import PersonalData, register_personal_data
from webapp.extensions import db
from webapp.p2p.models import (
    PHOTO_FOLDER,
    BoardNotice,
    BoardPreference,
    Booking,
    BookingMessage,
    Listing,
    ListingReport,
    Review,
)
from webapp.p2p.service import delete_listing

FORMER_MESSAGE = "(message of a former member)"


def _row(row: Any, skip: tuple[str, ...] = ()) -> dict[str, Any]:
    return {c.name: getattr(row, c.key) for c in row.__table__.columns if c.name not in skip}


def export_board(user: Any) -> dict[str, Any]:
    listings = db.session.scalars(select(Listing).where(Listing.user_id == user.id).order_by(Listing.id))
    bookings = list(
        db.session.scalars(
            select(Booking)
            .where(or_(Booking.owner_id == user.id, Booking.borrower_id == user.id))
            .order_by(Booking.id)
        )
    )
    ids = [b.id for b in bookings]
    messages = db.session.scalars(
        select(BookingMessage).where(BookingMessage.booking_id.in_(ids)).order_by(BookingMessage.id)
    )
    reviews = db.session.scalars(
        select(Review)
        .where(or_(Review.author_id == user.id, Review.subject_id == user.id))
        .order_by(Review.id)
    )
    reports = db.session.scalars(select(ListingReport).where(ListingReport.reporter_id == user.id))
    preference = db.session.get(BoardPreference, user.id)
    notices = db.session.scalars(
        select(BoardNotice).where(BoardNotice.user_id == user.id).order_by(BoardNotice.id)
    )
    return {
        "listings": [
            {
                **_row(listing, ("user_id",)),
                "sectors": listing.sectors,
                "windows": [{"from": w.starts_on, "to": w.ends_on} for w in listing.windows],
                "slots": [
                    {"weekday": s.weekday, "from": f"{s.starts_at:%H:%M}", "to": f"{s.ends_at:%H:%M}"}
                    for s in listing.slots
                ],
                # The files themselves are in the ZIP export under these names (export_files).
                "photos": [
                    {"file": f"p2p/{_photo_name(listing.id, n)}", "added_at": photo.created_at}
                    for n, photo in enumerate(listing.photos, 1)
                ],
            }
            for listing in listings
        ],
        "bookings": [_row(b) | {"role": "owner" if b.owner_id == user.id else "borrower"} for b in bookings],
        "booking_messages": [
            {
                "booking_id": m.booking_id,
                "mine": m.sender_id == user.id,
                "body": m.body,
                "created_at": m.created_at,
            }
            for m in messages
        ],
        "reviews": [_row(r) | {"mine": r.author_id == user.id} for r in reviews],
        "listing_reports": [_row(r, ("reporter_id",)) for r in reports],
        "digest": _row(preference, ("user_id",)) if preference else None,
        "digest_notices": [_row(n, ("user_id",)) for n in notices],
    }


def _photo_name(listing_id: int, n: int) -> str:
    return f"listing-{listing_id}-photo-{n}.webp"


def export_files(user: Any) -> list[tuple[str, Any]]:
    """The photos of the user's listings, as stored (re-encoded WebP), for the ZIP export."""
    out = []
    for listing in db.session.scalars(select(Listing).where(Listing.user_id == user.id).order_by(Listing.id)):
        for n, photo in enumerate(listing.photos, 1):
            path = photos.photo_path(photo.filename, PHOTO_FOLDER)
            if path is not None and path.exists():
                out.append((_photo_name(listing.id, n), path))
    return out


def erase_board(user: Any) -> None:
    db.session.execute(delete(BoardNotice).where(BoardNotice.user_id == user.id))
    db.session.execute(delete(BoardPreference).where(BoardPreference.user_id == user.id))
    photo_files: list[str] = []
    for listing in list(db.session.scalars(select(Listing).where(Listing.user_id == user.id))):
        photo_files += delete_listing(listing)
    db.session.execute(
        update(BookingMessage)
        .where(BookingMessage.sender_id == user.id)
        .values(body=FORMER_MESSAGE, sender_id=None)
    )
    db.session.execute(update(Booking).where(Booking.owner_id == user.id).values(owner_id=None))
    db.session.execute(
        update(Booking).where(Booking.borrower_id == user.id).values(borrower_id=None, note=None)
    )
    db.session.execute(update(Review).where(Review.author_id == user.id).values(author_id=None))
    db.session.execute(update(Review).where(Review.subject_id == user.id).values(subject_id=None))
    db.session.execute(update(Listing).where(Listing.hidden_by_id == user.id).values(hidden_by_id=None))
    db.session.execute(
        update(ListingReport).where(ListingReport.reporter_id == user.id).values(reporter_id=None)
    )
    db.session.flush()
    # Files go after the rows are flushed (as the directory's card photos do): a photo of an
    # erased listing must not survive even if a later step fails and the erasure is retried.
    for filename in photo_files:
        photos.delete_photo(filename, PHOTO_FOLDER)


def register(app: Flask) -> None:
    register_personal_data(
        app,
        PersonalData(
            name="p2p",
            models=[Listing, Booking, BookingMessage, Review, ListingReport, BoardPreference, BoardNotice],
            export=export_board,
            erase=erase_board,
            files=export_files,
            order=40,
        ),
    )
