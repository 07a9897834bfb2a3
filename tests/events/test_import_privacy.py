"""`flask events import` (idempotent on external_id, bad lines reported, local times in the given
zone), the demo (deterministic, idempotent), and personal data (export and erasure)."""

from __future__ import annotations

import json
from datetime import date

from sqlalchemy import select

from tests.events.helpers import BRUSSELS, make_event
from tests.factories import fresh, make_user
from webapp.events import service
from webapp.events.demo import iter_demo_records
from webapp.events.models import Event, EventGroup, FeedToken, GroupMember, Rsvp
from webapp.events.recurrence import occurrences

GROUP = {
    "type": "group",
    "external_id": "g-1",
    "name": "Illustratoren Vlaanderen",
    "sectors": ["visual arts"],
    "place": "Gent",
    "country": "BE",
    "visibility": "public",
}
EVENT = {
    "external_id": "ev-1",
    "title": "Maandelijkse meetup",
    "description": "Eerste donderdag.",
    "category": "sector_meetup",
    "languages": ["nl"],
    "sectors": ["photography"],
    "start": "2027-03-04T19:00",
    "end": "2027-03-04T21:30",
    "timezone": "Europe/Brussels",
    "rrule": "FREQ=MONTHLY;BYDAY=1TH;COUNT=10",
    "exdates": ["2027-05-06T19:00"],
    "venue": "De Studio",
    "place": "Gent",
    "country": "BE",
    "online_url": None,
    "capacity": 40,
    "status": "published",
    "visibility": "public",
    "group": "g-1",
}


def _run(app, tmp_path, records, raw_lines=()):
    path = tmp_path / "events.jsonl"
    path.write_text("\n".join([json.dumps(r) for r in records] + list(raw_lines)) + "\n", encoding="utf-8")
    return app.test_cli_runner().invoke(args=["events", "import", str(path)])


def test_import_is_idempotent_and_reports_bad_lines(app, db, tmp_path):
    bad = {**EVENT, "external_id": "ev-2", "category": "party"}
    result = _run(app, tmp_path, [GROUP, EVENT, bad], raw_lines=["{not json"])
    assert result.exit_code == 1
    assert "created 2, updated 0, unchanged 0, bad lines 2" in result.output
    assert "line 3: category must be one of" in result.output and "line 4:" in result.output
    event = db.session.scalar(select(Event).where(Event.external_id == "ev-1"))
    assert event.group.name == "Illustratoren Vlaanderen" and event.capacity == 40
    starts = [o.start.astimezone(BRUSSELS) for o in occurrences(event)]
    assert len(starts) == 9 and {s.strftime("%H:%M") for s in starts} == {"19:00"}  # one EXDATE of 10
    assert date(2027, 5, 6) not in {s.date() for s in starts}
    version = event.version
    again = _run(app, tmp_path, [GROUP, EVENT])
    assert again.exit_code == 0 and "created 0, updated 0, unchanged 2" in again.output
    assert fresh(event).version == version
    changed = _run(app, tmp_path, [GROUP, {**EVENT, "capacity": 50}])
    assert "updated 1" in changed.output and fresh(event).version > version
    assert db.session.scalar(select(db.func.count()).select_from(Event)) == 1


def test_import_refuses_an_exdate_that_is_no_occurrence(app, db, tmp_path):
    result = _run(app, tmp_path, [GROUP, {**EVENT, "exdates": ["2027-05-07T19:00"]}])
    assert result.exit_code == 1 and "not an occurrence" in result.output
    assert db.session.scalar(select(Event)) is None


def test_demo_is_deterministic_and_spread_over_cities_and_languages():
    first = list(iter_demo_records(1, today=date(2027, 1, 15)))
    assert first == list(iter_demo_records(1, today=date(2027, 1, 15)))
    events = [r for r in first if r.get("type") != "group"]
    assert len(events) >= 150
    assert {lang for r in events for lang in r["languages"]} >= {"nl", "fr", "de", "en"}
    assert len({r["place"] for r in events}) >= 8
    months = {r["start"][:7] for r in events}
    assert len(months) >= 12
    assert any(r.get("rrule") for r in events)


def test_export_and_erasure(app, db, user):
    from webapp.core.privacy import erase_user, export_user_data

    organiser = make_user("org@example.org")
    event = make_event(organiser, capacity=1)
    draft = make_event(organiser, status="draft")
    group = EventGroup(name="Groep", visibility="public")
    db.session.add(group)
    db.session.flush()
    db.session.add(GroupMember(group_id=group.id, user_id=user.id, role="member"))
    db.session.commit()
    service.rsvp(event.id, user, True)
    waiting = make_user("next@example.org")
    service.rsvp(event.id, waiting, True)
    token = service.feed_token(user)
    db.session.commit()
    data = export_user_data(user)["events"]
    assert data["rsvps"][0]["status"] == "going" and data["feed_token"] == token
    assert data["group_memberships"][0]["group_id"] == group.id
    assert export_user_data(organiser)["events"]["organised_events"][0]["id"] == event.id

    erase_user(user)
    db.session.commit()
    assert db.session.scalar(select(Rsvp).where(Rsvp.user_id == user.id)) is None
    assert db.session.get(FeedToken, user.id) is None
    assert db.session.get(GroupMember, (group.id, user.id)) is None
    promoted = db.session.scalar(select(Rsvp).where(Rsvp.user_id == waiting.id))
    assert promoted.status == "going" and fresh(event).going_count == 1  # the freed place went on

    erase_user(organiser)
    db.session.commit()
    assert fresh(event).user_id is None  # people signed up keep their event
    assert db.session.get(Event, draft.id) is None


def test_demo_load_brings_groups_and_events_idempotently(app, db):
    from webapp.demo.service import load_demo

    first = load_demo(0, 0)
    assert "demo events: 172 created, 0 updated, 0 unchanged" in first
    assert db.session.scalar(select(db.func.count()).select_from(EventGroup)) == 12
    again = load_demo(0, 0)
    assert "demo events: 0 created, 0 updated, 172 unchanged" in again
