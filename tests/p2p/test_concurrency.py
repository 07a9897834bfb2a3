"""Two overlapping bookings can never both be accepted, even when accepted at the same instant by
several workers: 50 overlapping requests accepted from 8 threads → exactly one accepted, every
other refused with the clear "already booked" answer. Runs on SQLite (BEGIN IMMEDIATE) and on
PostgreSQL (the ex_bookings_no_overlap exclusion constraint)."""

from __future__ import annotations

import itertools
import threading

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
    db.session.expire_all()
    accepted = list(db.session.scalars(select(Booking.id).where(Booking.status == "accepted")))
    assert len(outcomes["accepted"]) == 1 and accepted == outcomes["accepted"], outcomes
    assert len(outcomes["taken"]) == REQUESTS - 1 and outcomes["other"] == []
    from webapp.p2p.views import refusal_message

    with app.test_request_context():
        assert "already booked" in refusal_message("taken")


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
