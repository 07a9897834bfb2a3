"""The peer-to-peer board: listings (offers and requests), their availability, bookings, the
message thread of a booking, reviews and reports.

No money changes hands through the site: a listing is something a member lends, shares or
offers (equipment, workspace, mentoring, coaching, a service) or asks for. A listing's
``visibility`` (``PublishableMixin``) is what the platform's search, API and pages read: it is
the owner's chosen audience (``audience``: community or public) only while the listing is
active and not hidden by staff, and "draft" otherwise, so a paused, closed or hidden listing is
absent everywhere at once through the platform's one rule.
"""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    Time,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ExcludeConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.core.models import SectorLinkMixin, SectorsMixin, UTCDateTime, utcnow
from webapp.core.places import PlaceMixin
from webapp.core.publishing import PublishableMixin
from webapp.extensions import db

TYPES = ("offer", "request")
KINDS = ("equipment", "workspace", "mentoring", "coaching", "service")
STATUSES = ("draft", "active", "paused", "closed")
AUDIENCES = ("community", "public")
BOOKING_STATES = ("requested", "accepted", "handed_over", "returned", "declined", "cancelled", "no_show")
#: States in which a booking holds its days: two of these may never overlap on one listing.
HOLDING = ("accepted", "handed_over", "returned")
REVIEW_ROLES = ("owner", "borrower")
#: A listing shows at most this many photos.
PHOTOS_MAX = 4
#: Where the listings' photos live under DATA_DIR (the platform's upload rules, webapp.core.photos).
PHOTO_FOLDER = "photos/listings"
#: Kinds that may declare weekly slots (a studio's opening hours, a mentor's free afternoon).
SLOT_KINDS = ("workspace", "mentoring", "coaching")
#: Kinds booked as a session at a time, with or without slots (a workspace only with slots).
TIMED_KINDS = ("mentoring", "coaching")

_HOLDING_SQL = "status IN ('accepted', 'handed_over', 'returned')"


class Listing(PlaceMixin, PublishableMixin, SectorsMixin, db.Model):
    __tablename__ = "listings"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: On erasure the owner's listings go with them (their bookings stay, see Booking.listing_id).
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: The owner's member card (imported listings name it; mentoring offers show it).
    profile_id: Mapped[int | None] = mapped_column(
        ForeignKey("member_profiles.id", ondelete="SET NULL"), index=True
    )
    external_id: Mapped[str | None] = mapped_column(String(100), unique=True)
    type: Mapped[str] = mapped_column(String(8), nullable=False)
    kind: Mapped[str] = mapped_column(String(12), nullable=False, index=True)
    title: Mapped[str] = mapped_column(String(160), nullable=False)
    description: Mapped[str] = mapped_column(Text, nullable=False, default="")
    #: The language the listing is written in (nl, fr, de, en).
    language: Mapped[str | None] = mapped_column(String(2))
    #: Pick-up, deposit agreed between members, insurance note: shown with the listing.
    conditions: Mapped[str | None] = mapped_column(Text)
    #: Where to pick up: never public, shown only to the borrower of an accepted booking.
    pickup_address: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(8), default="draft", nullable=False, index=True)
    audience: Mapped[str] = mapped_column(String(10), default="community", nullable=False)
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    hidden_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    user = relationship("User", foreign_keys=[user_id])
    profile = relationship("MemberProfile")
    sector_links: Mapped[list[ListingSector]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="ListingSector.position"
    )
    windows: Mapped[list[ListingWindow]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="ListingWindow.starts_on"
    )
    photos: Mapped[list[ListingPhoto]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="ListingPhoto.id"
    )
    slots: Mapped[list[ListingSlot]] = relationship(
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="[ListingSlot.weekday, ListingSlot.starts_at]",
    )

    __table_args__ = (
        CheckConstraint("type IN ('offer', 'request')", name="type"),
        CheckConstraint(
            "kind IN ('equipment', 'workspace', 'mentoring', 'coaching', 'service')", name="kind"
        ),
        CheckConstraint("status IN ('draft', 'active', 'paused', 'closed')", name="status"),
    )

    def __repr__(self) -> str:
        return f"<Listing {self.id} {self.type}/{self.kind} {self.status} {self.visibility}>"


class ListingSector(SectorLinkMixin, db.Model):
    __tablename__ = "listing_sectors"

    listing_id: Mapped[int] = mapped_column(ForeignKey("listings.id", ondelete="CASCADE"), primary_key=True)


class ListingWindow(db.Model):
    """A period the listing is available in (days, both ends included; None: open-ended).

    A listing without windows is available any day; with windows, only inside one of them."""

    __tablename__ = "listing_windows"

    id: Mapped[int] = mapped_column(primary_key=True)
    listing_id: Mapped[int] = mapped_column(
        ForeignKey("listings.id", ondelete="CASCADE"), nullable=False, index=True
    )
    starts_on: Mapped[date | None] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)

    def __repr__(self) -> str:
        return f"<ListingWindow {self.listing_id} {self.starts_on}..{self.ends_on}>"


class ListingPhoto(db.Model):
    """A photo of a listing: a re-encoded WebP under a random name in ``PHOTO_FOLDER``, served only
    to those who may see the listing (``p2p.photo``)."""

    __tablename__ = "listing_photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    listing_id: Mapped[int] = mapped_column(
        ForeignKey("listings.id", ondelete="CASCADE"), nullable=False, index=True
    )
    filename: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    def __repr__(self) -> str:
        return f"<ListingPhoto {self.id} listing={self.listing_id}>"


class ListingSlot(db.Model):
    """A weekly slot ("Tuesdays 14:00–18:00"): day of week (0 = Monday) and local wall-clock times.

    Times are in the board's one zone, Europe/Brussels (``LOCAL_ZONE``), whatever the place: a
    slot means the same hours in summer and winter. A listing with slots is booked by the session
    (webapp.p2p.service.is_timed): a session lies inside one slot and inside a window."""

    __tablename__ = "listing_slots"

    id: Mapped[int] = mapped_column(primary_key=True)
    listing_id: Mapped[int] = mapped_column(
        ForeignKey("listings.id", ondelete="CASCADE"), nullable=False, index=True
    )
    weekday: Mapped[int] = mapped_column(Integer, nullable=False)
    starts_at: Mapped[time] = mapped_column(Time, nullable=False)
    ends_at: Mapped[time] = mapped_column(Time, nullable=False)

    __table_args__ = (
        CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday"),
        CheckConstraint("ends_at > starts_at", name="times"),
    )

    def __repr__(self) -> str:
        return f"<ListingSlot {self.listing_id} {self.weekday} {self.starts_at}-{self.ends_at}>"


class Booking(db.Model):
    """A member asks for a listing for days, or for a session at a time; its owner accepts or
    declines.

    Every booking holds the instants ``[starts_at, ends_at)`` (UTC): a whole-day booking from its
    first day's 00:00 to the day after its last, 00:00, in Europe/Brussels; a timed session
    (``timed``) from its start to its end. ``starts_on``/``ends_on`` are its local days (a session:
    its one day). Two holding bookings (accepted, handed over, returned) of one listing never
    overlap in time: on PostgreSQL an exclusion constraint on their ``tsrange`` says so
    (``ex_bookings_no_overlap``, btree_gist); on
    SQLite the acceptance runs under ``BEGIN IMMEDIATE`` (webapp.p2p.service.accept_booking).
    The listing may go (its owner erased their account): the booking stays for the other party,
    with the title it had.
    """

    __tablename__ = "bookings"

    id: Mapped[int] = mapped_column(primary_key=True)
    listing_id: Mapped[int | None] = mapped_column(ForeignKey("listings.id", ondelete="SET NULL"), index=True)
    listing_title: Mapped[str] = mapped_column(String(160), nullable=False)
    #: NULL once that party erased their account ("former member").
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    borrower_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    starts_on: Mapped[date] = mapped_column(Date, nullable=False)
    ends_on: Mapped[date] = mapped_column(Date, nullable=False)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    #: A session at a time (mentoring, coaching, a workspace's slot), not whole days.
    timed: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    status: Mapped[str] = mapped_column(String(12), default="requested", nullable=False, index=True)
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow, nullable=False)
    pickup_reminded: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    return_reminded: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)

    listing = relationship("Listing")
    messages: Mapped[list[BookingMessage]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="BookingMessage.id"
    )

    __table_args__ = (
        CheckConstraint("ends_on >= starts_on", name="dates"),
        CheckConstraint("ends_at > starts_at", name="times"),
        CheckConstraint(
            "status IN ('requested', 'accepted', 'handed_over', 'returned', 'declined', 'cancelled', "
            "'no_show')",
            name="status",
        ),
        ExcludeConstraint(
            (text("listing_id"), "="),
            (func.tsrange(text("starts_at"), text("ends_at"), text("'[)'")), "&&"),
            name="ex_bookings_no_overlap",
            using="gist",
            where=text(_HOLDING_SQL),
        ).ddl_if(dialect="postgresql"),
    )

    @property
    def holds_days(self) -> bool:
        return self.status in HOLDING

    def __repr__(self) -> str:
        return f"<Booking {self.id} listing={self.listing_id} {self.starts_on}..{self.ends_on} {self.status}>"


class BookingMessage(db.Model):
    """One message in the thread between the two parties of a booking."""

    __tablename__ = "booking_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(
        ForeignKey("bookings.id", ondelete="CASCADE"), nullable=False, index=True
    )
    sender_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    body: Mapped[str] = mapped_column(Text, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    def __repr__(self) -> str:
        return f"<BookingMessage {self.id} booking={self.booking_id}>"


class Review(db.Model):
    """One side's short review of a returned booking: one per side, editable for 14 days."""

    __tablename__ = "reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("bookings.id", ondelete="CASCADE"), nullable=False)
    #: "owner" (the lender reviews the borrower) or "borrower" (reviews the lender and listing).
    role: Mapped[str] = mapped_column(String(8), nullable=False)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    subject_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    listing_id: Mapped[int | None] = mapped_column(ForeignKey("listings.id", ondelete="SET NULL"), index=True)
    rating: Mapped[int] = mapped_column(Integer, nullable=False)
    text: Mapped[str] = mapped_column(Text, nullable=False, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow, nullable=False)

    __table_args__ = (
        UniqueConstraint("booking_id", "role", name="uq_reviews_booking_role"),
        CheckConstraint("rating BETWEEN 1 AND 5", name="rating"),
    )

    def __repr__(self) -> str:
        return f"<Review {self.id} booking={self.booking_id} {self.role} {self.rating}>"


class ListingReport(db.Model):
    """A member reports a listing to staff."""

    __tablename__ = "listing_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    listing_id: Mapped[int] = mapped_column(
        ForeignKey("listings.id", ondelete="CASCADE"), nullable=False, index=True
    )
    reporter_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    reason: Mapped[str] = mapped_column(Text, nullable=False)
    status: Mapped[str] = mapped_column(String(12), default="open", nullable=False)  # open | handled
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    def __repr__(self) -> str:
        return f"<ListingReport {self.id} {self.status}>"


class BoardPreference(db.Model):
    """A member's choice about the board's daily "wanted" digest (on unless they opt out)."""

    __tablename__ = "board_preferences"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    digest: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)
    last_digest_on: Mapped[date | None] = mapped_column(Date)

    def __repr__(self) -> str:
        return f"<BoardPreference {self.user_id} digest={self.digest}>"


class BoardNotice(db.Model):
    """A request that fits one of a member's offers, waiting for their next daily digest."""

    __tablename__ = "board_notices"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True
    )
    listing_id: Mapped[int] = mapped_column(ForeignKey("listings.id", ondelete="CASCADE"), nullable=False)
    #: The search's "why" line for the offer that fits (in the recipient's language when queued).
    why: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    #: The same line in each site language ({"nl": "...", ...}): the digest picks the recipient's
    #: language when it is sent, so a changed language preference is followed too.
    why_texts: Mapped[dict] = mapped_column(JSON, default=dict, nullable=False, server_default=text("'{}'"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    #: Set once handled: mailed in a digest, or dropped because the member opted out.
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (UniqueConstraint("user_id", "listing_id", name="uq_board_notices_user_listing"),)

    def __repr__(self) -> str:
        return f"<BoardNotice {self.id} user={self.user_id} listing={self.listing_id}>"


__all__ = [
    "BoardNotice",
    "BoardPreference",
    "AUDIENCES",
    "BOOKING_STATES",
    "Booking",
    "BookingMessage",
    "HOLDING",
    "KINDS",
    "Listing",
    "ListingPhoto",
    "ListingReport",
    "ListingSector",
    "PHOTOS_MAX",
    "PHOTO_FOLDER",
    "ListingSlot",
    "ListingWindow",
    "REVIEW_ROLES",
    "Review",
    "SLOT_KINDS",
    "STATUSES",
    "TIMED_KINDS",
    "TYPES",
]
