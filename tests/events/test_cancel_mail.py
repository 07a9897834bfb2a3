"""Cancelling an event mails those going and those waiting; cancelling one date of a recurring
event mails those going. Through the mail outbox to a real SMTP server (aiosmtpd), in each
recipient's language, with the time in the event's zone; drafts mail nobody; one mail per person
per cancellation, even when two organisers cancel at once."""

from __future__ import annotations

from datetime import timedelta

from tests.conftest import in_threads, post_form, sign_in
from tests.events.helpers import make_event, soon
from tests.factories import fresh, make_user
from webapp.core.mail import drain_mail
from webapp.events import service
from webapp.events.models import Event
from webapp.events.recurrence import occurrences
from webapp.extensions import db as _db


def _by_recipient(smtp_server) -> dict[str, list]:
    out: dict[str, list] = {}
    for m in smtp_server.messages:
        (to,) = m["envelope_to"]
        out.setdefault(to, []).append(m["msg"])
    return out


def _two_languages(**extra):
    return [
        ("nl", "Netwerkavond fotografen", "Kom kennismaken."),
        ("fr", "Soirée réseau des photographes", "Venez faire connaissance."),
    ]


def _people(event):
    going = make_user("going.nl@example.org", locale="nl")
    waiting = make_user("waiting.fr@example.org", locale="fr")
    left = make_user("left.de@example.org", locale="de")
    for person in (going, waiting, left):
        service.rsvp(event.id, person, True)
    service.rsvp(event.id, left, False)  # gave the place back: promoted "waiting", who now goes
    late = make_user("late.de@example.org", locale="de")
    service.rsvp(event.id, late, True)  # full again: waits
    return going, waiting, left, late


def test_cancelling_mails_going_and_waiting_once_in_their_language(app, db, user, smtp_server):
    app.config["MAIL_URL"] = smtp_server.url
    start = soon(days=12, hour=19)  # 19:00 Brussels: 17:00 or 18:00 UTC
    event = make_event(user, texts=_two_languages(), capacity=2, start=start, languages=("nl", "fr"))
    going, waiting, left, late = _people(event)
    drain_mail()
    smtp_server.messages.clear()  # the promotion mail is another test's business

    from tests.events.test_pages import _form

    organiser = sign_in(app.test_client(), user)
    form = _form(
        title_1="Netwerkavond fotografen",
        title_2="Soirée réseau des photographes",
        start=start.strftime("%Y-%m-%dT%H:%M"),
        end=(start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        capacity="2",
        status="cancelled",
    )
    url = f"/events/{event.id}/edit"
    assert post_form(organiser, url, form, token_from=url).status_code == 302
    assert fresh(event).cancelled
    # Saving it again as cancelled, or cancelling again through the service, is no new cancellation.
    assert post_form(organiser, url, form, token_from=url).status_code == 302
    service.set_status(fresh(event), "cancelled", "public", actor_id=user.id)
    _db.session.commit()
    drain_mail()

    mails = _by_recipient(smtp_server)
    assert sorted(mails) == ["going.nl@example.org", "late.de@example.org", "waiting.fr@example.org"]
    assert all(len(v) == 1 for v in mails.values())
    (nl,), (fr,), (de,) = (
        mails["going.nl@example.org"],
        mails["waiting.fr@example.org"],
        mails["late.de@example.org"],
    )
    assert nl["Subject"] == "[Kring] Geannuleerd: Netwerkavond fotografen"
    assert fr["Subject"] == "[Kring] Annulé\u00a0: Soirée réseau des photographes"
    assert de["Subject"].startswith("[Kring] Abgesagt: ")
    when = f"{start:%Y-%m-%d} 19:00 (Europe/Brussels)"
    for msg in (nl, fr, de):
        assert when in msg.get_content()
        assert f"/events/{event.id}" in msg.get_content()
    assert "left.de@example.org" not in mails


def test_drafts_mail_nobody(app, db, user, smtp_server):
    app.config["MAIL_URL"] = smtp_server.url
    event = make_event(user, capacity=5)
    service.rsvp(event.id, make_user("was.going@example.org"), True)
    drain_mail()
    service.set_status(fresh(event), "draft", "public", actor_id=user.id)  # back to draft
    _db.session.commit()
    service.set_status(fresh(event), "cancelled", "public", actor_id=user.id)
    _db.session.commit()
    assert fresh(event).cancelled
    drain_mail()
    assert smtp_server.messages == []


def test_cancelling_one_date_mails_those_going_to_it(app, db, user, smtp_server):
    app.config["MAIL_URL"] = smtp_server.url
    start = soon(days=3, hour=19)
    event = make_event(user, start=start, rrule="FREQ=WEEKLY;COUNT=6", capacity=1)
    going = make_user("weekly.going@example.org", locale="fr")
    waiting = make_user("weekly.waiting@example.org", locale="nl")
    service.rsvp(event.id, going, True)
    service.rsvp(event.id, waiting, True)
    second, third = occurrences(fresh(event))[1:3]

    stranger = sign_in(app.test_client(), make_user())
    data = {"original": second.original_start.isoformat(), "action": "cancel"}
    assert post_form(stranger, f"/events/{event.id}/occurrence", data).status_code == 404
    organiser = sign_in(app.test_client(), user)
    url = f"/events/{event.id}"
    for _twice in range(2):  # the second time is no new cancellation
        assert post_form(organiser, f"{url}/occurrence", data, token_from=url).status_code == 302
    drain_mail()
    assert [m["envelope_to"] for m in smtp_server.messages] == [["weekly.going@example.org"]]
    msg = smtp_server.messages[0]["msg"]
    assert msg["Subject"].startswith("[Kring] Annulé le ")
    day = second.start.astimezone(start.tzinfo)
    assert f"{day:%Y-%m-%d} 19:00 (Europe/Brussels)" in msg.get_content()

    # A moved date, then cancelled: the mail names where it had been moved to.
    moved_to = third.start + timedelta(days=1, hours=1)
    service.set_occurrence(
        fresh(event),
        third.original_start,
        cancelled=False,
        starts_at=moved_to,
        ends_at=moved_to + timedelta(hours=2),
    )
    _db.session.commit()
    service.set_occurrence(fresh(event), third.original_start, cancelled=True)
    _db.session.commit()
    service.set_occurrence(fresh(event), third.original_start, cancelled=True)
    _db.session.commit()
    drain_mail()
    assert len(smtp_server.messages) == 2
    body = smtp_server.messages[1]["msg"].get_content()
    assert f"{moved_to.astimezone(start.tzinfo):%Y-%m-%d} 20:00 (Europe/Brussels)" in body


def test_two_organisers_cancelling_at_once_send_one_mail_each(app, db, user, smtp_server):
    app.config["MAIL_URL"] = smtp_server.url
    event = make_event(user, capacity=3)
    for n in range(3):
        service.rsvp(event.id, make_user(f"at.once{n}@example.org"), True)
    drain_mail()

    def cancel(n: int) -> None:
        ev = _db.session.get(Event, event.id)
        service.set_status(ev, "cancelled", "public", actor_id=user.id)
        _db.session.commit()

    in_threads(app, cancel, 2, timeout=120)
    drain_mail()
    assert sorted(m["envelope_to"][0] for m in smtp_server.messages) == [
        "at.once0@example.org",
        "at.once1@example.org",
        "at.once2@example.org",
    ]
