"""Occurrences of an event: its RRULE expanded in the event's own zone, with exceptions applied.

The rule repeats wall-clock times in the event's zone (python-dateutil over naive local times,
then the zone attached), so "first Thursday of each month at 19:00 Brussels" stays 19:00 in
summer and in winter; stored and compared times are UTC. Expansion is bounded (``MAX_OCCURRENCES``,
``HORIZON``) so an unbounded rule never makes an endless list.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dateutil.rrule import DAILY, rrulestr

MAX_OCCURRENCES = 400
#: How far ahead an open-ended rule is expanded (search documents, feeds, the month view).
HORIZON = timedelta(days=2 * 366)
UTC = UTC


@dataclass(frozen=True)
class Occurrence:
    start: datetime  # UTC
    end: datetime  # UTC
    #: The start the rule gives (UTC): RECURRENCE-ID of a moved occurrence, the EXDATE of a cancelled one.
    original_start: datetime
    cancelled: bool = False
    moved: bool = False


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("Europe/Brussels")


def valid_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def check_rrule(rule: str) -> str:
    """The rule normalised (upper case, no "RRULE:" prefix), or ValueError if dateutil refuses it."""
    value = rule.strip().upper().removeprefix("RRULE:")
    if not value:
        return ""
    if "\n" in value or "\r" in value:
        raise ValueError("one line")
    rule = rrulestr(value, dtstart=datetime(2027, 1, 1, 19, 0))
    # Events repeat by the day or longer: an hourly rule's occurrences overlap each other, and a
    # calendar app reading FREQ=SECONDLY from the feed would show one every second for ever.
    if getattr(rule, "_freq", DAILY) > DAILY:
        raise ValueError("repeats within a day")
    return value


def rule_starts(starts_at: datetime, tz_name: str, rule: str | None, until: datetime) -> list[datetime]:
    """UTC starts the rule gives (the first one included), up to ``until`` (UTC)."""
    tz = zone(tz_name)
    first_local = starts_at.astimezone(tz).replace(tzinfo=None)
    if not rule:
        return [starts_at.astimezone(UTC)]
    local_until = until.astimezone(tz).replace(tzinfo=None)
    out: list[datetime] = []
    for local in rrulestr(rule, dtstart=first_local):
        if local > local_until or len(out) >= MAX_OCCURRENCES:
            break
        out.append(local.replace(tzinfo=tz).astimezone(UTC))
    return out


def occurrences(
    event: Any, *, until: datetime | None = None, include_cancelled: bool = False
) -> list[Occurrence]:
    """Every occurrence from the first one to ``until`` (default: the horizon from now), in start order."""
    until = until or (max(datetime.now(UTC), event.starts_at) + HORIZON)
    duration = event.ends_at - event.starts_at
    exceptions = {exc.original_start: exc for exc in getattr(event, "exceptions", [])}
    out: list[Occurrence] = []
    for start in rule_starts(event.starts_at, event.timezone, event.rrule, until):
        exc = exceptions.get(start)
        if exc is None:
            out.append(Occurrence(start, start + duration, start))
        elif exc.cancelled:
            if include_cancelled:
                out.append(Occurrence(start, start + duration, start, cancelled=True))
        else:
            new_start = exc.starts_at or start
            out.append(Occurrence(new_start, exc.ends_at or new_start + duration, start, moved=True))
    out.sort(key=lambda o: o.start)
    return out


def next_occurrence(
    event: Any, after: datetime | None = None, before: datetime | None = None
) -> Occurrence | None:
    """The first occurrence still running at ``after`` (default now) and starting by ``before``."""
    after = after or datetime.now(UTC)
    for occ in occurrences(event, until=max(after, before or after, event.starts_at) + HORIZON):
        if occ.end >= after and (before is None or occ.start <= before):
            return occ
    return None


def local(moment: datetime, tz_name: str) -> datetime:
    """A UTC moment in the event's zone (what pages show)."""
    return moment.astimezone(zone(tz_name))


__all__ = [
    "HORIZON",
    "Occurrence",
    "check_rrule",
    "local",
    "next_occurrence",
    "occurrences",
    "rule_starts",
    "valid_zone",
    "zone",
]
