"""Two overlapping bookings can never both be accepted, even when accepted at the same instant by
several workers: 50 overlapping requests accepted from 8 threads → exactly one accepted, every
other refused with the clear "already booked" answer; the same for timed sessions, while sessions
of one day that do not overlap are all accepted. Runs on SQLite (BEGIN IMMEDIATE) and on
PostgreSQL (the ex_bookings_no_overlap exclusion constraint on the bookings' time ranges)."""

from __future__ import annotations

import itertools
import threading
from datetime import time, timedelta

import pytest
from sqlalchemy import select, update

from tests.conftest import in_threads
from tests.factories import make_user
from tests.p2p.helpers import make_listing, soon

pytestmark = pytest.mark.db

REQUESTS = 50
THREADS = 8


def test_fifty_overlapping_requests_accepted_from_eight_threads_give_exactly_one(app, db):
    from webapp.p2p import service
    from webapp.p2p.models import Booking

    owner = make_user("owner@example.org")
    listing = make_listing(owner)
    ids = []
    for n in range(REQUESTS):
        borrower = make_user(f"borrower{n}@example.org")
        # Every request overlaps every other: each covers day 10, starting 0–4 days before.
        booking = service.request_booking(listing, borrower, soon(6 + n % 5), soon(10 + n % 3))
        ids.append(booking.id)
    db.session.commit()
    owner_id = owner.id

    outcomes = _accept_from_threads(app, ids, owner_id)
    db.session.expire_all()
    accepted = list(db.session.scalars(select(Booking.id).where(Booking.status == "accepted")))
    assert len(outcomes["accepted"]) == 1 and accepted == outcomes["accepted"], outcomes
    assert len(outcomes["taken"]) == REQUESTS - 1 and outcomes["other"] == []
    from webapp.p2p.views import refusal_message

    with app.test_request_context():
        assert "already booked" in refusal_message("taken")


def _accept_from_threads(app, ids: list[int], owner_id: int) -> dict[str, list[int]]:
    """The owner accepts every request at once from THREADS workers; who got what."""
    from webapp.p2p import service

    queue = iter(ids)
    lock = threading.Lock()
    outcomes: dict[str, list[int]] = {"accepted": [], "taken": [], "other": []}

    def work(_n: int) -> None:
        while True:
            with lock:
                booking_id = next(queue, None)
            if booking_id is None:
                return
            try:
                service.accept_booking(booking_id, actor_id=owner_id)
                key = "accepted"
            except service.BookingRefused as exc:
                key = "taken" if exc.code == "taken" else "other"
            with lock:
                outcomes[key].append(booking_id)

    in_threads(app, work, THREADS)
    return outcomes


def _mentoring_on(owner, weekday: int):
    """A mentoring offer with one weekly slot, 09:00–17:00 on ``weekday``."""
    from webapp.extensions import db
    from webapp.p2p import service

    listing = make_listing(owner, title="Mentoring sessions", kind="mentoring")
    data = service.clean_listing_data(
        {
            "type": "offer",
            "kind": "mentoring",
            "title": listing.title,
            "language": "en",
            "audience": "public",
            "slots": [(weekday, "09:00", "17:00")],
        }
    )
    service.save_listing(listing, data, user_id=owner.id, keep_place=True)
    db.session.commit()
    return listing


def test_fifty_overlapping_sessions_accepted_from_eight_threads_give_exactly_one(app, db):
    from webapp.p2p import service
    from webapp.p2p.models import Booking

    owner = make_user("mentor@example.org")
    day = soon(10)
    listing = _mentoring_on(owner, day.weekday())
    ids = []
    for n in range(REQUESTS):
        borrower = make_user(f"mentee{n}@example.org")
        # Every session holds 14:45–15:00: it starts 14:00 to 14:45 and lasts an hour.
        start = time(14, 15 * (n % 4))
        end = time(15, 15 * (n % 4))
        ids.append(service.request_session(listing, borrower, day, start, end).id)
    db.session.commit()
    outcomes = _accept_from_threads(app, ids, owner.id)
    db.session.expire_all()
    accepted = list(db.session.scalars(select(Booking.id).where(Booking.status == "accepted")))
    assert len(outcomes["accepted"]) == 1 and accepted == outcomes["accepted"], outcomes
    assert len(outcomes["taken"]) == REQUESTS - 1 and outcomes["other"] == []
    from webapp.p2p.views import refusal_message

    with app.test_request_context():
        assert "already booked" in refusal_message("taken", timed=True)


def test_sessions_of_one_day_that_do_not_overlap_are_all_accepted_at_once(app, db):
    """Eight hours of one day, each asked for twice, accepted from 8 threads at once: each hour
    once (eight accepted, touching ends are no overlap), each second ask refused."""
    from webapp.p2p import service
    from webapp.p2p.models import Booking

    owner = make_user("mentor@example.org")
    day = soon(10)
    listing = _mentoring_on(owner, day.weekday())
    ids = []
    for n in range(16):
        hour = 9 + n % 8
        borrower = make_user(f"mentee{n}@example.org")
        ids.append(service.request_session(listing, borrower, day, time(hour), time(hour + 1)).id)
    db.session.commit()
    outcomes = _accept_from_threads(app, ids, owner.id)
    db.session.expire_all()
    held = db.session.scalars(
        select(Booking).where(Booking.status == "accepted").order_by(Booking.starts_at)
    ).all()
    assert len(held) == 8 and len(outcomes["taken"]) == 8 and outcomes["other"] == [], outcomes
    assert all(a.ends_at == b.starts_at for a, b in itertools.pairwise(held))
    assert held[-1].ends_at - held[0].starts_at == timedelta(hours=8)


def test_the_database_itself_refuses_a_second_overlapping_accepted_booking(app, db):
    """Bypassing the service (a bug, a console, a script) cannot double-book either on PostgreSQL;
    SQLite has no such constraint, which is why its acceptance is serialised."""
    from sqlalchemy.exc import IntegrityError

    from webapp.p2p import service
    from webapp.p2p.models import Booking

    if db.engine.dialect.name != "postgresql":
        pytest.skip("the exclusion constraint exists on PostgreSQL only")
    owner, a, b = (make_user(f"{x}@example.org") for x in ("o", "a", "b"))
    listing = make_listing(owner)
    first = service.request_booking(listing, a, soon(3), soon(5))
    second = service.request_booking(listing, b, soon(5), soon(7))
    db.session.commit()
    db.session.execute(update(Booking).where(Booking.id == first.id).values(status="accepted"))
    db.session.commit()
    with pytest.raises(IntegrityError, match="ex_bookings_no_overlap"):
        db.session.execute(update(Booking).where(Booking.id == second.id).values(status="accepted"))
        db.session.commit()
    db.session.rollback()
    # Touching days are an overlap too (both ends are whole days); the next day is free.
    third = service.request_booking(listing, b, soon(6), soon(8))
    db.session.commit()
    service.accept_booking(third.id, actor_id=owner.id)
    assert list(itertools.chain(db.session.scalars(select(Booking.status).order_by(Booking.id)))) == [
        "accepted",
        "requested",
        "accepted",
    ]


def test_the_database_itself_refuses_a_second_overlapping_accepted_session(app, db):
    """On PostgreSQL the constraint is on the bookings' time ranges: an overlapping session is
    refused by the database, a session that only touches the first one is not."""
    from sqlalchemy.exc import IntegrityError

    from webapp.p2p import service
    from webapp.p2p.models import Booking

    if db.engine.dialect.name != "postgresql":
        pytest.skip("the exclusion constraint exists on PostgreSQL only")
    owner, a, b = (make_user(f"{x}@example.org") for x in ("o", "a", "b"))
    day = soon(10)
    listing = _mentoring_on(owner, day.weekday())
    first = service.request_session(listing, a, day, time(10), time(11))
    clash = service.request_session(listing, b, day, time(10, 30), time(11, 30))
    touching = service.request_session(listing, b, day, time(11), time(12))
    db.session.commit()
    db.session.execute(update(Booking).where(Booking.id == first.id).values(status="accepted"))
    db.session.commit()
    with pytest.raises(IntegrityError, match="ex_bookings_no_overlap"):
        db.session.execute(update(Booking).where(Booking.id == clash.id).values(status="accepted"))
        db.session.commit()
    db.session.rollback()
    db.session.execute(update(Booking).where(Booking.id == touching.id).values(status="accepted"))
    db.session.commit()
    statuses = list(db.session.scalars(select(Booking.status).order_by(Booking.id)))
    assert statuses == ["accepted", "requested", "accepted"]
