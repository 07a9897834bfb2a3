"""Calendar feeds (RFC 5545) that real calendars read: one event, the public feeds, a member's own.

Written with the ``icalendar`` library, which escapes text (``,`` ``;`` ``\\`` and line breaks)
and folds lines at 75 octets, so no title can inject a property or a component (CHECKLIST 21).
Times carry their TZID with a VTIMEZONE generated from the zone database, so a rule repeating at
19:00 Brussels stays 19:00 across DST. UIDs are stable (``event-<id>@<host>``), SEQUENCE is the
row's version (bumped on every change), cancelled events and occurrences say STATUS:CANCELLED
(an occurrence cancelled in a series is an EXDATE; a moved one a RECURRENCE-ID override).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Iterable
from urllib.parse import urlsplit

import icalendar
from flask import current_app

from webapp.core.mail import external_url
from webapp.events.models import Event
from webapp.events.recurrence import local, zone
from webapp.events.service import ordered_texts

PRODID = "-//Kring//Events//EN"


def _host() -> str:
    return (
        urlsplit(current_app.config.get("BASE_URL", "") or "http://kring.localhost").hostname
        or "kring.localhost"
    )


def uid(event: Event) -> str:
    return f"event-{event.id}@{_host()}"


def _vevent(event: Event, lang: str | None, *, alarm_minutes: int | None) -> list[icalendar.Event]:
    texts = ordered_texts(event, lang)
    title = texts[0].title if texts else ""
    description = "\n\n".join(
        (t.title + "\n" + (t.description or "")).strip() if len(texts) > 1 else (t.description or "")
        for t in texts
    ).strip()
    tz = zone(event.timezone)
    url = external_url("events.event", event_id=event.id)
    sequence = max(0, int(event.version or 1) - 1)
    stamp = (event.updated_at or event.created_at or datetime.now().astimezone()).astimezone(zone("UTC"))

    def base(start: datetime, end: datetime) -> icalendar.Event:
        vevent = icalendar.Event()
        vevent.add("uid", uid(event))
        vevent.add("dtstamp", stamp)
        vevent.add("sequence", sequence)
        vevent.add("summary", title)
        if description:
            vevent.add("description", description + "\n\n" + url)
        else:
            vevent.add("description", url)
        vevent.add("dtstart", local(start, event.timezone))
        vevent.add("dtend", local(end, event.timezone))
        vevent.add("url", url)
        where = ", ".join(p for p in (event.venue, event.place_name) if p) or event.online_url
        if where:
            vevent.add("location", where)
        vevent.add("categories", [event.category])
        vevent.add("status", "CANCELLED" if event.cancelled else "CONFIRMED")
        if alarm_minutes:
            alarm = icalendar.Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", title)
            alarm.add("trigger", timedelta(minutes=-alarm_minutes))
            vevent.add_component(alarm)
        return vevent

    master = base(event.starts_at, event.ends_at)
    out = [master]
    if event.rrule:
        master.add("rrule", icalendar.vRecur.from_ical(event.rrule))
        exdates = [local(exc.original_start, event.timezone) for exc in event.exceptions if exc.cancelled]
        if exdates:
            master.add("exdate", exdates)
        duration = event.ends_at - event.starts_at
        for exc in event.exceptions:
            if exc.cancelled or exc.starts_at is None:
                continue
            moved = base(exc.starts_at, exc.ends_at or exc.starts_at + duration)
            moved.add("recurrence-id", exc.original_start.astimezone(tz))
            out.append(moved)
    return out


def calendar(
    events: Iterable[Event], *, name: str, lang: str | None = None, alarm_minutes: int | None = None
) -> bytes:
    """A VCALENDAR of ``events`` (the caller decides which: visibility is checked before)."""
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", icalendar.vText(name))
    for event in events:
        for component in _vevent(event, lang, alarm_minutes=alarm_minutes):
            cal.add_component(component)
    cal.add_missing_timezones()
    return cal.to_ical()


def webcal(url: str) -> str:
    """The same feed as a webcal:// link (calendar apps subscribe instead of downloading)."""
    parts = urlsplit(url)
    return "webcal://" + parts.netloc + parts.path + (f"?{parts.query}" if parts.query else "")


def feed_response(body: bytes, filename: str) -> Any:
    from flask import Response

    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


__all__ = ["calendar", "feed_response", "uid", "webcal"]
