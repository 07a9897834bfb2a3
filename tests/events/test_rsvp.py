"""RSVP: capacity, the fair waiting list, promotion mails, the organiser's logged override, the
private attendee list, CSV, mailing attendees, reminders; and the capacity under concurrency on
SQLite and PostgreSQL (100 sign-ups at once for 20 places, repeated)."""

from __future__ import annotations

import csv
import io
import threading
from datetime import timedelta

import pytest
from sqlalchemy import select, text

from tests.conftest import in_threads, post_form, sign_in
from tests.events.helpers import make_event, soon
from tests.factories import audit_events, fresh, mails, make_user
from webapp.core.mail import drain_mail
from webapp.core.models import utcnow
from webapp.events import service
from webapp.events.models import Event, Rsvp


def _status(event_id: int, user) -> str | None:
    from webapp.extensions import db

    row = db.session.scalar(select(Rsvp).where(Rsvp.event_id == event_id, Rsvp.user_id == user.id))
    return row.status if row else None


def test_capacity_waiting_list_and_promotion_mail(app, db, user, smtp_server):
    app.config["MAIL_URL"] = smtp_server.url
    event = make_event(user, capacity=2)
    people = [make_user(f"p{i}@example.org", locale="nl") for i in range(4)]
    for person in people:
        service.rsvp(event.id, person, True)
    assert [_status(event.id, p) for p in people] == ["going", "going", "waiting", "waiting"]
    assert fresh(event).going_count == 2

    service.rsvp(event.id, people[0], False)  # a place frees up: the first waiting person gets it
    assert [_status(event.id, p) for p in people] == ["not_going", "going", "going", "waiting"]
    assert fresh(event).going_count == 2
    drain_mail()
    sent = [m for m in smtp_server.messages if m["envelope_to"] == ["p2@example.org"]]
    assert len(sent) == 1
    assert "Netwerkavond fotografen" in sent[0]["msg"]["Subject"]
    assert [m["envelope_to"] for m in smtp_server.messages] == [["p2@example.org"]]


def test_signing_up_twice_keeps_ones_place(app, db, user):
    event = make_event(user, capacity=1)
    a, b = make_user(), make_user()
    service.rsvp(event.id, a, True)
    service.rsvp(event.id, b, True)
    first = db.session.scalar(select(Rsvp).where(Rsvp.user_id == b.id)).arrival
    service.rsvp(event.id, b, True)
    assert db.session.scalar(select(Rsvp).where(Rsvp.user_id == b.id)).arrival == first
    assert fresh(event).going_count == 1


def test_database_refuses_overbooking_even_without_the_service(app, db, user):
    """The CHECK constraint is the last word: a write past capacity fails."""
    event = make_event(user, capacity=1)
    with pytest.raises(Exception):  # noqa: B017 - IntegrityError on both databases
        db.session.execute(text("UPDATE events SET going_count = 2 WHERE id = :id"), {"id": event.id})
        db.session.commit()
    db.session.rollback()


def test_registration_deadline_and_cancelled_events_refuse(app, db, user):
    event = make_event(user, registration_deadline=utcnow() - timedelta(hours=1))
    with pytest.raises(service.RsvpError):
        service.rsvp(event.id, make_user(), True)
    other = make_event(user, status="cancelled")
    with pytest.raises(service.RsvpError):
        service.rsvp(other.id, make_user(), True)


def test_organiser_override_is_logged_and_keeps_the_rule(app, db, user):
    event = make_event(user, capacity=1)
    a, b = make_user(), make_user()
    service.rsvp(event.id, a, True)
    waiting = service.rsvp(event.id, b, True)
    assert waiting.status == "waiting"
    client = sign_in(app.test_client(), user)
    response = post_form(
        client, f"/events/{event.id}/attendees/{waiting.id}/promote", token_from=f"/events/{event.id}"
    )
    assert response.status_code == 302
    ev = fresh(event)
    assert ev.going_count == 2 and ev.capacity == 2
    assert _status(event.id, b) == "going"
    (entry,) = audit_events("events.override")
    assert entry.actor_id == user.id and entry.subject_user_id == b.id


def test_attendee_list_is_private_to_organisers(app, db, user):
    event = make_event(user, capacity=5)
    guest = make_user("guest@example.org")
    waiting = service.rsvp(event.id, guest, True)
    stranger = sign_in(app.test_client(), make_user())
    for url in (f"/events/{event.id}/attendees", f"/events/{event.id}/attendees.csv"):
        assert stranger.get(url).status_code == 404
    assert post_form(stranger, f"/events/{event.id}/attendees/{waiting.id}/promote").status_code == 404
    assert (
        post_form(stranger, f"/events/{event.id}/mail", {"subject": "Hi", "body": "Spam"}).status_code == 404
    )
    assert mails() == []
    organiser = sign_in(app.test_client(), user)
    page = organiser.get(f"/events/{event.id}/attendees")
    assert page.status_code == 200 and "guest" in page.get_data(as_text=True)
    rows = list(
        csv.reader(io.StringIO(organiser.get(f"/events/{event.id}/attendees.csv").get_data(as_text=True)))
    )
    assert rows[0] == ["name", "email", "status", "arrival", "since"]
    assert rows[1][1:3] == ["guest@example.org", "going"]


def test_csv_export_defuses_formulas(app, db, user):
    event = make_event(user)
    evil = make_user("=cmd@example.org")
    service.rsvp(event.id, evil, True)
    out = service.attendees_csv(fresh(event))
    assert "'=cmd@example.org" in out


def test_mail_attendees_goes_only_to_those_going(app, db, user, smtp_server):
    app.config["MAIL_URL"] = smtp_server.url
    event = make_event(user, capacity=1)
    going, waiting = make_user("going@example.org"), make_user("waiting@example.org")
    service.rsvp(event.id, going, True)
    service.rsvp(event.id, waiting, True)
    client = sign_in(app.test_client(), user)
    response = post_form(
        client,
        f"/events/{event.id}/mail",
        {"subject": "Parking", "body": "Park behind the hall."},
        token_from=f"/events/{event.id}/attendees",
    )
    assert response.status_code == 302
    drain_mail()
    assert [m["envelope_to"] for m in smtp_server.messages] == [["going@example.org"]]
    assert "Park behind the hall." in smtp_server.messages[0]["msg"].get_content()


def test_reminders_the_day_before_only_to_those_going_once(app, db, user, smtp_server):
    app.config["MAIL_URL"] = smtp_server.url
    start = soon(days=0, hour=12) + timedelta(days=1)
    event = make_event(user, capacity=1, start=start)
    far = make_event(user, start=soon(days=5))
    going, waiting, later = (
        make_user("r1@example.org"),
        make_user("r2@example.org"),
        make_user("r3@example.org"),
    )
    service.rsvp(event.id, going, True)
    service.rsvp(event.id, waiting, True)
    service.rsvp(far.id, later, True)
    now = start - timedelta(hours=20)
    assert service.send_reminders(now) == 1
    assert service.send_reminders(now) == 0  # once per occurrence
    drain_mail()
    assert [m["envelope_to"] for m in smtp_server.messages] == [["r1@example.org"]]
    assert "Netwerkavond fotografen" in smtp_server.messages[0]["msg"]["Subject"]


def test_rsvp_route_as_member_and_csrf(app, db, user):
    event = make_event(user, capacity=3)
    member = sign_in(app.test_client(), make_user())
    assert member.post(f"/events/{event.id}/rsvp", data={"going": "yes"}).status_code == 400
    response = post_form(
        member, f"/events/{event.id}/rsvp", {"going": "yes"}, token_from=f"/events/{event.id}"
    )
    assert response.status_code == 302
    assert fresh(event).going_count == 1
    draft = make_event(user, status="draft")
    assert post_form(member, f"/events/{draft.id}/rsvp", {"going": "yes"}).status_code == 404


@pytest.mark.db
@pytest.mark.parametrize("round_", range(3))
def test_concurrent_signups_never_exceed_capacity(app, db, user, round_):
    """100 sign-ups released together for 20 places: exactly 20 going, the other 80 waiting,
    and the queue is the arrival order (the first 20 numbers went, the rest wait in order)."""
    event = make_event(user, capacity=20)
    people = [make_user(f"c{round_}-{i}@example.org") for i in range(100)]
    ids = [p.id for p in people]
    outcomes: dict[int, str] = {}
    lock = threading.Lock()

    def work(n: int) -> None:
        from webapp.accounts.models import User
        from webapp.extensions import db as _db

        person = _db.session.get(User, ids[n])
        row = service.rsvp(event.id, person, True)
        with lock:
            outcomes[ids[n]] = row.status

    in_threads(app, work, 100, timeout=300)
    db.session.expire_all()
    rows = list(db.session.scalars(select(Rsvp).where(Rsvp.event_id == event.id).order_by(Rsvp.arrival)))
    assert len(rows) == 100
    assert sum(r.status == "going" for r in rows) == 20
    assert sum(r.status == "waiting" for r in rows) == 80
    assert [r.status for r in rows] == ["going"] * 20 + ["waiting"] * 80
    assert [r.arrival for r in rows] == list(range(1, 101))
    assert db.session.get(Event, event.id).going_count == 20
    assert sorted(outcomes.values()).count("going") == 20

    # Then 10 cancel at once: exactly the first 10 waiting move up, still never over capacity.
    leaving = [r.user_id for r in rows[:10]]

    def cancel(n: int) -> None:
        from webapp.accounts.models import User
        from webapp.extensions import db as _db

        service.rsvp(event.id, _db.session.get(User, leaving[n]), False)

    in_threads(app, cancel, 10, timeout=300)
    db.session.expire_all()
    rows = list(db.session.scalars(select(Rsvp).where(Rsvp.event_id == event.id).order_by(Rsvp.arrival)))
    assert [r.status for r in rows] == ["not_going"] * 10 + ["going"] * 20 + ["waiting"] * 70
    assert db.session.get(Event, event.id).going_count == 20


def test_weekly_digest_of_new_events_that_fit(app, db, user, smtp_server):
    from tests.factories import code, member_card, place
    from webapp.core.places import place_values
    from webapp.core.search import drain_search
    from webapp.events.digest import send_digests

    app.config["MAIL_URL"] = smtp_server.url
    photo = code("sector", "photography")
    member_card(user, display_name="Ann", sectors=[photo], **place_values(place("Gent")))
    client = sign_in(app.test_client(), user)
    assert (
        post_form(client, "/events/mine/digest", {"weekly": "y"}, token_from="/events/mine").status_code
        == 302
    )
    make_event(make_user(), title="Fotografen Gent", city="Gent", sectors=(photo,))
    make_event(make_user(), title="Koks Gent", city="Gent")
    drain_search()
    later = utcnow() + timedelta(days=7, minutes=1)
    assert send_digests(later) == 1
    assert send_digests(later) == 0  # at most weekly
    drain_mail()
    (mail,) = smtp_server.messages
    body = mail["msg"].get_content()
    assert mail["envelope_to"] == ["ann@example.org"]
    assert "Fotografen Gent" in body and "Koks Gent" not in body
