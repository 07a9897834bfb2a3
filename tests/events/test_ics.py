"""Calendar feeds read by real calendar libraries (icalendar, recurring-ical-events): DST, RRULE,
EXDATE, moved occurrences, SEQUENCE, STATUS:CANCELLED, escaping and folding (CHECKLIST 21), and
feeds that never carry drafts or community events (except a member's own token feed)."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import recurring_ical_events
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import post_form, sign_in
from tests.events.helpers import make_event
from tests.factories import fresh, make_user
from webapp.events import ics, service
from webapp.events.models import Event

BRUSSELS = ZoneInfo("Europe/Brussels")


def _unescape(value: str) -> str:
    """RFC 5545 TEXT unescaping (3.3.11), written out: \\n, \\, \\; and \\\\."""
    return re.sub(r"\\([nN,;\\])", lambda m: "\n" if m.group(1) in "nN" else m.group(1), value)


def _parse(body: bytes) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(body)


def test_monthly_rule_stays_at_19_local_across_dst(app, db, user):
    start = datetime(2027, 1, 7, 19, 0, tzinfo=BRUSSELS)  # first Thursday of January 2027
    event = make_event(user, start=start, rrule="FREQ=MONTHLY;BYDAY=1TH;COUNT=12")
    body = ics.calendar([fresh(event)], name="Test")
    cal = _parse(body)
    assert cal.walk("VTIMEZONE")[0]["TZID"] == "Europe/Brussels"
    vevent = cal.walk("VEVENT")[0]
    assert vevent["DTSTART"].params["TZID"] == "Europe/Brussels"
    found = recurring_ical_events.of(cal).between(date(2027, 1, 1), date(2028, 1, 1))
    starts = sorted(o["DTSTART"].dt for o in found)
    assert len(starts) == 12
    assert {s.astimezone(BRUSSELS).strftime("%H:%M") for s in starts} == {"19:00"}
    march = next(s for s in starts if s.month == 3)
    november = next(s for s in starts if s.month == 11)
    assert march.astimezone(BRUSSELS).day == 4 and november.astimezone(BRUSSELS).day == 4
    # 19:00 local is 18:00 UTC in winter and 17:00 UTC in summer: the zone really moves.
    assert march.utcoffset() == timedelta(hours=1)
    assert next(s for s in starts if s.month == 4).utcoffset() == timedelta(hours=2)
    assert november.utcoffset() == timedelta(hours=1)


def test_exdate_and_moved_occurrence(app, db, user):
    start = datetime(2027, 3, 4, 19, 0, tzinfo=BRUSSELS)
    event = make_event(user, start=start, rrule="FREQ=MONTHLY;BYDAY=1TH;COUNT=4")
    april = datetime(2027, 4, 1, 19, 0, tzinfo=BRUSSELS)
    may = datetime(2027, 5, 6, 19, 0, tzinfo=BRUSSELS)
    service.set_occurrence(event, april, cancelled=True)
    moved = datetime(2027, 5, 7, 20, 0, tzinfo=BRUSSELS)
    service.set_occurrence(event, may, cancelled=False, starts_at=moved, ends_at=moved + timedelta(hours=2))
    db.session.commit()
    cal = _parse(ics.calendar([fresh(event)], name="Test"))
    found = recurring_ical_events.of(cal).between(date(2027, 1, 1), date(2028, 1, 1))
    starts = sorted(o["DTSTART"].dt.astimezone(BRUSSELS).replace(tzinfo=None) for o in found)
    assert starts == [
        datetime(2027, 3, 4, 19, 0),
        datetime(2027, 5, 7, 20, 0),
        datetime(2027, 6, 3, 19, 0),
    ]
    uids = {v["UID"] for v in cal.walk("VEVENT")}
    assert uids == {ics.uid(event)}


def test_sequence_grows_on_every_change_and_cancel_says_cancelled(app, db, user):
    event = make_event(user)
    seq = lambda: int(_parse(ics.calendar([fresh(event)], name="x")).walk("VEVENT")[0]["SEQUENCE"])  # noqa: E731
    first = seq()
    ev = fresh(event)
    data = service.EventData(
        texts=[("nl", "Nieuwe titel", "")],
        category="workshop",
        languages=["nl"],
        sectors=[],
        timezone="Europe/Brussels",
        starts_at=ev.starts_at,
        ends_at=ev.ends_at,
    )
    service.update_event(ev, data)
    db.session.commit()
    second = seq()
    assert second > first
    service.set_status(fresh(event), "cancelled", "public", actor_id=user.id)
    db.session.commit()
    vevent = _parse(ics.calendar([fresh(event)], name="x")).walk("VEVENT")[0]
    assert int(vevent["SEQUENCE"]) > second
    assert vevent["STATUS"] == "CANCELLED"
    assert [str(c) for c in vevent["CATEGORIES"].cats] == ["workshop"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(title=st.text(min_size=1, max_size=200).filter(lambda t: t.strip() and "\r" not in t))
def test_any_title_parses_back_to_one_vevent(app, db, title):
    """CHECKLIST 21: escaping and folding; nothing a title holds can add a property or component."""
    event = Event(
        id=1,
        category="networking",
        languages=["nl"],
        timezone="Europe/Brussels",
        version=3,
        starts_at=datetime(2027, 3, 4, 18, 0, tzinfo=ZoneInfo("UTC")),
        ends_at=datetime(2027, 3, 4, 20, 0, tzinfo=ZoneInfo("UTC")),
        visibility="public",
        cancelled=False,
    )
    from webapp.events.models import EventText

    event.texts = [EventText(lang="nl", title=title, description=title, position=0)]
    event.exceptions = []
    body = ics.calendar([event], name=title)
    assert all(len(line) <= 75 for line in body.split(b"\r\n"))
    cal = _parse(body)
    vevents = cal.walk("VEVENT")
    assert len(vevents) == 1
    assert str(vevents[0]["SUMMARY"]) == title
    # X- properties come back raw from the parser: unescaping them as TEXT gives the name back.
    assert _unescape(cal["X-WR-CALNAME"].to_ical().decode()) == title
    assert set(vevents[0].keys()) == {
        "UID",
        "DTSTAMP",
        "SEQUENCE",
        "SUMMARY",
        "DESCRIPTION",
        "DTSTART",
        "DTEND",
        "URL",
        "LOCATION",
        "CATEGORIES",
        "STATUS",
    } - ({"LOCATION"})
    db.session.expunge_all()


def test_public_feed_has_no_drafts_no_community_and_filters(app, db, user):
    from webapp.core.search import drain_search

    public = make_event(user, title="Publiek netwerk", category="networking")
    make_event(user, title="Alleen leden", visibility="community")
    make_event(user, title="Nog een concept", status="draft")
    make_event(user, title="Atelier public", category="workshop", texts=[("fr", "Atelier public", "")])
    drain_search()
    client = app.test_client()
    cal = _parse(client.get("/events/feed.ics").data)
    titles = sorted(str(v["SUMMARY"]) for v in cal.walk("VEVENT"))
    assert titles == ["Atelier public", "Publiek netwerk"]
    member = sign_in(app.test_client(), make_user())
    titles = sorted(str(v["SUMMARY"]) for v in _parse(member.get("/events/feed.ics").data).walk("VEVENT"))
    assert titles == ["Atelier public", "Publiek netwerk"]  # signed in or not: the feed is public
    only = _parse(client.get("/events/feed.ics?category=networking").data)
    assert [str(v["SUMMARY"]) for v in only.walk("VEVENT")] == ["Publiek netwerk"]
    assert client.get(f"/events/{public.id}.ics").status_code == 200
    assert client.get("/events/feed.ics?category=nonsense").status_code == 400


def test_event_ics_of_draft_and_community(app, db, user):
    draft = make_event(user, status="draft")
    community = make_event(user, visibility="community")
    anon = app.test_client()
    assert anon.get(f"/events/{draft.id}.ics").status_code == 404
    assert anon.get(f"/events/{community.id}.ics").status_code == 404
    member = sign_in(app.test_client(), make_user())
    assert member.get(f"/events/{draft.id}.ics").status_code == 404
    assert member.get(f"/events/{community.id}.ics").status_code == 200


def test_private_token_feed_and_reset(app, db, user):
    community = make_event(user, title="Leden onder elkaar", visibility="community")
    make_event(user, title="Ik ga niet", visibility="public")
    member = make_user("feed@example.org")
    service.rsvp(community.id, member, True)
    token = service.feed_token(member)
    db.session.commit()
    anon = app.test_client()
    cal = _parse(anon.get(f"/events/me/{token}.ics").data)
    assert [str(v["SUMMARY"]) for v in cal.walk("VEVENT")] == ["Leden onder elkaar"]
    assert cal.walk("VALARM")
    browser = sign_in(app.test_client(), member)
    page = browser.get("/events/mine").get_data(as_text=True)
    assert f"webcal://localhost/events/me/{token}.ics" in page or "webcal://" in page
    assert post_form(browser, "/events/mine/feed/reset", token_from="/events/mine").status_code == 302
    assert anon.get(f"/events/me/{token}.ics").status_code == 404
    new = service.feed_token(fresh(member))
    assert new != token and anon.get(f"/events/me/{new}.ics").status_code == 200
    assert anon.get("/events/me/not-a-token.ics").status_code == 404
