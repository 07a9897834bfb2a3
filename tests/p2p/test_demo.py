"""The board's demo data: loaded by `flask demo load`, deterministic, idempotent, in four languages,
with bookings that never double-book and reviews."""

from __future__ import annotations

from sqlalchemy import func, select

from webapp.core.search.params import LOCAL_ZONE


def test_demo_load_fills_the_board_deterministically_and_idempotently(app, db):
    from webapp.demo.service import load_demo
    from webapp.p2p.demo import _members, listing_records
    from webapp.p2p.models import HOLDING, Booking, Listing, Review

    summary = load_demo(40, 0)
    assert "board demo: 300 listings (300 created" in summary
    listings = db.session.scalars(select(Listing)).all()
    assert len(listings) == 300
    assert {listing.language for listing in listings} == {"nl", "fr", "de", "en"}
    assert {listing.kind for listing in listings} == {
        "equipment",
        "workspace",
        "mentoring",
        "coaching",
        "service",
    }
    assert sum(listing.visibility != "draft" for listing in listings) > 200
    bookings = db.session.scalar(select(func.count()).select_from(Booking))
    reviews = db.session.scalar(select(func.count()).select_from(Review))
    assert bookings > 30 and reviews > 10
    held = db.session.scalars(select(Booking).where(Booking.status.in_(HOLDING))).all()
    for a in held:
        for b in held:
            if a.id < b.id and a.listing_id == b.listing_id:
                assert a.ends_at <= b.starts_at or b.ends_at <= a.starts_at, (a, b)
    # Mentors and coaches keep weekly slots, and their bookings are sessions inside them.
    from webapp.p2p.service import in_slot, is_timed

    mentors = [x for x in listings if x.kind in ("mentoring", "coaching") and x.type == "offer"]
    assert mentors and all(x.slots for x in mentors)
    sessions = db.session.scalars(select(Booking).where(Booking.timed.is_(True))).all()
    assert len(sessions) > 5
    for session in sessions:
        local = session.starts_at.astimezone(LOCAL_ZONE), session.ends_at.astimezone(LOCAL_ZONE)
        assert is_timed(session.listing) and local[0].date() == local[1].date() == session.starts_on
        assert in_slot(session.listing, session.starts_on, local[0].time(), local[1].time()), session

    from webapp.core.models import SearchOutboxEntry

    queued = select(func.count()).where(SearchOutboxEntry.entity == "listing")
    before = db.session.scalar(queued)
    again = load_demo(40, 0)
    assert db.session.scalar(queued) == before  # nothing re-queued
    assert "0 created, 0 updated, 300 unchanged" in again
    assert db.session.scalar(select(func.count()).select_from(Booking)) == bookings
    members = _members()
    assert listing_records(members, 300, 1) == listing_records(members, 300, 1)
    assert listing_records(members, 300, 1) != listing_records(members, 300, 2)
