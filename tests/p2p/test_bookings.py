"""Bookings: the state machine, mails to the other party in their language through a real SMTP
server, the thread, the pick-up address, .ics, reminders, reviews, and that nobody acts on a
booking they are not part of (404, nothing changed)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.conftest import post_form, sign_in
from tests.factories import make_user
from tests.p2p.helpers import make_listing, soon


@pytest.fixture
def lender(app):
    """A verified member who lends, reading mail in Dutch."""
    return make_user("lena@example.org", locale="nl")


@pytest.fixture
def borrower(app):
    """A verified member who borrows, reading mail in French."""
    return make_user("bruno@example.org", locale="fr")


def _mails(app, smtp_server) -> list:
    from webapp.core.mail import drain_mail

    app.config["MAIL_URL"] = smtp_server.url
    drain_mail(force=True)
    return smtp_server.messages


def test_the_whole_flow_mails_each_change_to_the_other_party_in_their_language(
    app, db, lender, borrower, smtp_server
):
    from webapp.p2p.models import Booking

    listing = make_listing(lender, pickup_address="Veldstraat 1, 9000 Gent")
    them = sign_in(app.test_client(), borrower)
    owner = sign_in(app.test_client(), lender)
    response = post_form(
        them,
        f"/board/listings/{listing.id}/book",
        {"starts_on": soon(3).isoformat(), "ends_on": soon(5).isoformat(), "note": "Voor een concert"},
    )
    assert response.status_code == 302
    booking = db.session.scalars(select(Booking)).one()
    assert booking.status == "requested" and booking.borrower_id == borrower.id
    page = them.get(f"/board/bookings/{booking.id}").get_data(as_text=True)
    assert "Veldstraat" not in page  # not before acceptance

    steps = [(owner, "accept", "accepted"), (owner, "handover", "handed_over"), (owner, "return", "returned")]
    for client, action, state in steps:
        assert post_form(client, f"/board/bookings/{booking.id}/{action}").status_code == 302
        db.session.expire_all()
        assert db.session.get(Booking, booking.id).status == state
        if state == "accepted":
            assert "Veldstraat 1, 9000 Gent" in them.get(f"/board/bookings/{booking.id}").get_data(
                as_text=True
            )
            assert "Veldstraat" not in app.test_client().get(f"/board/listings/{listing.id}").get_data(
                as_text=True
            )
            ics = them.get(f"/board/bookings/{booking.id}/booking.ics")
            assert ics.status_code == 200 and ics.mimetype == "text/calendar"
            text = ics.get_data(as_text=True)
            assert f"DTSTART;VALUE=DATE:{soon(3):%Y%m%d}" in text
            assert f"DTEND;VALUE=DATE:{soon(6):%Y%m%d}" in text and "SUMMARY:PA system to lend" in text

    messages = _mails(app, smtp_server)
    to = [(m["envelope_to"][0], m["msg"]["Subject"]) for m in messages]
    assert to[0][0] == "lena@example.org" and "Nieuwe" in to[0][1]  # request → owner, in Dutch
    assert [t for t, _s in to[1:]] == ["bruno@example.org"] * 3  # each change → borrower
    assert all("réservation" in s.lower() for _t, s in to[1:]), to  # in French
    assert "Voor een concert" in messages[0]["msg"].get_content()
    # The days read in each reader's language, not as 2027-03-04.
    from babel.dates import format_date

    assert format_date(soon(3), "full", locale="nl") in messages[0]["msg"].get_content()
    assert format_date(soon(5), "full", locale="fr") in messages[1]["msg"].get_content()
    assert soon(3).isoformat() not in messages[0]["msg"].get_content()


def test_the_thread_between_the_two_parties(app, db, lender, borrower, smtp_server):
    from webapp.p2p import service

    listing = make_listing(lender)
    booking = service.request_booking(listing, borrower, soon(3), soon(4))
    db.session.commit()
    smtp_server.messages.clear()
    them = sign_in(app.test_client(), borrower)
    assert (
        post_form(
            them, f"/board/bookings/{booking.id}/messages", {"body": "Kan ik om 9 uur komen?"}
        ).status_code
        == 302
    )
    owner = sign_in(app.test_client(), lender)
    assert "Kan ik om 9 uur komen?" in owner.get(f"/board/bookings/{booking.id}").get_data(as_text=True)
    mails = [m for m in _mails(app, smtp_server) if "9 uur" in m["msg"].get_content()]
    assert [m["envelope_to"] for m in mails] == [["lena@example.org"]]


def test_outsiders_see_nothing_and_change_nothing(app, db, lender, borrower, user):
    from webapp.p2p import service
    from webapp.p2p.models import Booking, BookingMessage

    listing = make_listing(lender)
    booking = service.request_booking(listing, borrower, soon(3), soon(4))
    db.session.commit()
    outsider = sign_in(app.test_client(), user)
    assert outsider.get(f"/board/bookings/{booking.id}").status_code == 404
    assert outsider.get(f"/board/bookings/{booking.id}/booking.ics").status_code == 404
    for action in ("accept", "decline", "cancel", "handover", "return", "noshow"):
        assert post_form(outsider, f"/board/bookings/{booking.id}/{action}").status_code == 404
    assert post_form(outsider, f"/board/bookings/{booking.id}/messages", {"body": "hi"}).status_code == 404
    assert (
        post_form(outsider, f"/board/bookings/{booking.id}/review", {"rating": "1", "text": "x"}).status_code
        == 404
    )
    # The borrower cannot accept their own request either.
    assert (
        post_form(sign_in(app.test_client(), borrower), f"/board/bookings/{booking.id}/accept").status_code
        == 404
    )
    db.session.expire_all()
    assert db.session.get(Booking, booking.id).status == "requested"
    assert db.session.scalar(select(func.count()).select_from(BookingMessage)) == 0


def test_unavailable_and_booked_days_are_refused_with_a_message(app, db, lender, borrower, user):
    from webapp.p2p import service
    from webapp.p2p.models import Booking

    listing = make_listing(lender, windows=[(soon(1), soon(20))])
    first = service.request_booking(listing, borrower, soon(3), soon(6))
    db.session.commit()
    service.accept_booking(first.id, actor_id=lender.id)
    client = sign_in(app.test_client(), user)
    cases = [
        ((soon(5), soon(7)), "already booked"),
        ((soon(18), soon(25)), "unavailable"),
        ((soon(-2), soon(1)), "in the past"),
        ((soon(9), soon(8)), "comes before"),
    ]
    for (start, end), words in cases:
        response = post_form(
            client,
            f"/board/listings/{listing.id}/book",
            {"starts_on": start.isoformat(), "ends_on": end.isoformat(), "note": "kept note"},
        )
        html = response.get_data(as_text=True)
        assert response.status_code == 400 and words in html, (start, end)
        assert "kept note" in html
    assert db.session.scalar(select(func.count()).select_from(Booking)) == 1
    page = client.get(f"/board/listings/{listing.id}").get_data(as_text=True)
    assert "booked" in page  # the calendar marks held days


def test_reviews_one_per_side_editable_for_14_days(app, db, lender, borrower):
    from webapp.p2p import service
    from webapp.p2p.models import Review

    listing = make_listing(lender)
    booking = service.request_booking(listing, borrower, soon(1), soon(2))
    db.session.commit()
    service.accept_booking(booking.id, actor_id=lender.id)
    them = sign_in(app.test_client(), borrower)
    assert (
        post_form(them, f"/board/bookings/{booking.id}/review", {"rating": "5", "text": "Top"}).status_code
        == 404
    )
    service.change_booking(booking, "handover", actor_id=lender.id)
    service.change_booking(booking, "return", actor_id=lender.id)
    db.session.commit()
    assert (
        post_form(them, f"/board/bookings/{booking.id}/review", {"rating": "5", "text": "Top"}).status_code
        == 302
    )
    assert (
        post_form(them, f"/board/bookings/{booking.id}/review", {"rating": "4", "text": "Goed"}).status_code
        == 302
    )
    owner = sign_in(app.test_client(), lender)
    assert (
        post_form(
            owner, f"/board/bookings/{booking.id}/review", {"rating": "5", "text": "Zorgvuldig"}
        ).status_code
        == 302
    )
    reviews = db.session.scalars(select(Review).order_by(Review.role)).all()
    assert [(r.role, r.rating, r.text) for r in reviews] == [
        ("borrower", 4, "Goed"),
        ("owner", 5, "Zorgvuldig"),
    ]
    assert "Goed" in app.test_client().get(f"/board/listings/{listing.id}").get_data(as_text=True)
    reviews[0].created_at -= timedelta(days=15)
    db.session.commit()
    assert (
        post_form(them, f"/board/bookings/{booking.id}/review", {"rating": "1", "text": "Late"}).status_code
        == 404
    )


def test_reminders_the_day_before_pickup_and_return_once(app, db, lender, borrower, smtp_server):
    from webapp.p2p import service

    listing = make_listing(lender)
    booking = service.request_booking(listing, borrower, soon(1), soon(2))
    db.session.commit()
    service.accept_booking(booking.id, actor_id=lender.id)
    smtp_server.messages.clear()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["p2p", "remind"])
    assert "1 reminder queued" in result.output
    assert runner.invoke(args=["p2p", "remind"]).output.startswith("0 reminders")
    assert service.send_reminders(soon(1)) == 1  # the day before the return
    mails = [(m["envelope_to"][0], m["msg"]["Subject"]) for m in _mails(app, smtp_server)]
    reminders = sorted(m for m in mails if "Morgen" in m[1] or "Demain" in m[1])
    assert len(reminders) == 4  # pick-up and return, to each party once, in their language
    assert [t for t, _s in reminders] == ["bruno@example.org"] * 2 + ["lena@example.org"] * 2
    assert all("Demain" in s for t, s in reminders if t.startswith("bruno"))


def test_erasure_keeps_the_other_sides_booking_as_former_member(app, db, lender, borrower):
    from webapp.core.privacy import erase_user, export_user_data
    from webapp.p2p import service
    from webapp.p2p.models import Booking, Listing

    listing = make_listing(lender)
    booking = service.request_booking(listing, borrower, soon(1), soon(2))
    service.post_message(booking, sender_id=lender.id, body="Welkom, Lena hier")
    db.session.commit()
    exported = export_user_data(lender)["p2p"]
    assert exported["listings"][0]["title"] == "PA system to lend"
    assert (
        exported["bookings"][0]["role"] == "owner"
        and exported["booking_messages"][0]["body"] == "Welkom, Lena hier"
    )
    erase_user(lender)
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Listing)) == 0
    kept = db.session.get(Booking, booking.id)
    assert (
        kept.owner_id is None
        and kept.borrower_id == borrower.id
        and kept.listing_title == "PA system to lend"
    )
    assert "Lena" not in kept.messages[0].body
    page = sign_in(app.test_client(), borrower).get(f"/board/bookings/{booking.id}").get_data(as_text=True)
    assert "former member" in page
