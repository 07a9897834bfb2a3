"""`flask events import FILE.jsonl`: events (and groups) from JSON lines, idempotent on external_id.

An event line (the issue's format)::

    {"external_id": "ev-1", "title": "...", "description": "...", "category": "networking",
     "languages": ["nl"], "sectors": [...], "start": "2027-03-18T19:00", "end": "2027-03-18T21:30",
     "timezone": "Europe/Brussels", "rrule": "FREQ=MONTHLY;BYDAY=1TH;COUNT=10",
     "exdates": ["2027-05-06T19:00"], "venue": "...", "place": "Gent", "country": "BE",
     "online_url": null, "capacity": 40, "status": "published", "visibility": "public",
     "group": "<group external_id>"}

start/end/exdates are local times in ``timezone``. ``title``/``description`` may also be objects
by language ({"nl": "...", "fr": "..."}); without that the text is in the first spoken language.
A line with ``"type": "group"`` makes a sector group: external_id, name, description, sectors,
place, country, visibility. Bad lines are reported with their number; the others are imported.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Iterable

from sqlalchemy import select

from webapp.core.models import set_links
from webapp.core.places import place_values, resolve_place
from webapp.core.publishing import mark_changed
from webapp.core.text import InputError, normalize_website
from webapp.core.vocabulary import CONTENT_LANGUAGES
from webapp.events import service
from webapp.events.forms import parse_local
from webapp.events.models import CATEGORIES, Event, EventGroup, GroupSector
from webapp.events.recurrence import check_rrule, rule_starts, valid_zone
from webapp.extensions import db
from webapp.taxonomy import get_gazetteer, get_taxonomy


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)


def _place(record: dict[str, Any]) -> Any:
    name = record.get("place")
    if not name:
        return None
    country = (record.get("country") or "").upper() or None
    if country:
        found = get_gazetteer().resolve(str(name), country=country)
        if found:
            return found[0]
    resolution = resolve_place(str(name))
    if resolution.place is None:
        raise ValueError(f"unknown place {name!r}")
    return resolution.place


def _sectors(values: Any) -> list[str]:
    codes = []
    for value in values or []:
        code = get_taxonomy().resolve("sector", str(value))
        if code is None:
            raise ValueError(f"unknown sector {value!r}")
        codes.append(code)
    return list(dict.fromkeys(codes))


def _texts(record: dict[str, Any], languages: list[str]) -> list[tuple[str, str, str]]:
    title, description = record.get("title"), record.get("description") or ""
    if isinstance(title, dict):
        descriptions = description if isinstance(description, dict) else {}
        texts = [(lang, str(t).strip(), str(descriptions.get(lang) or "")) for lang, t in title.items()]
    else:
        lang = next((x for x in languages if x in CONTENT_LANGUAGES), "en")
        texts = [(lang, str(title or "").strip(), str(description))]
    for lang, text, _d in texts:
        if lang not in CONTENT_LANGUAGES:
            raise ValueError(f"unknown text language {lang!r}")
        if not text or len(text) > 200 or any(c in text for c in "\r\n"):
            raise ValueError("title must be one line of 1 to 200 characters")
    return texts


def import_group(record: dict[str, Any]) -> str:
    ext = str(record.get("external_id") or "").strip()
    if not ext or not record.get("name"):
        raise ValueError("a group needs external_id and name")
    group = db.session.scalar(select(EventGroup).where(EventGroup.external_id == ext))
    created = group is None
    if group is None:
        group = EventGroup(external_id=ext, visibility="draft")
        db.session.add(group)
    before = (
        None
        if created
        else (group.name, group.description, group.place_id, group.visibility, tuple(group.sectors))
    )
    group.name = str(record["name"])[:160]
    group.description = record.get("description")
    for key, value in place_values(_place(record)).items():
        setattr(group, key, value)
    set_links(group.sector_links, GroupSector, "sector_code", _sectors(record.get("sectors")), ordered=True)
    group.visibility = (
        record.get("visibility", "public")
        if record.get("visibility") in ("public", "community")
        else "public"
    )
    db.session.flush()
    if created:
        return "created"
    after = (group.name, group.description, group.place_id, group.visibility, tuple(group.sectors))
    return "unchanged" if after == before else "updated"


def import_event(record: dict[str, Any]) -> str:
    ext = str(record.get("external_id") or "").strip()
    if not ext or len(ext) > 100:
        raise ValueError("external_id is required (at most 100 characters)")
    category = record.get("category")
    if category not in CATEGORIES:
        raise ValueError(f"category must be one of {', '.join(CATEGORIES)}")
    tz = record.get("timezone") or "Europe/Brussels"
    if not valid_zone(tz):
        raise ValueError(f"unknown timezone {tz!r}")
    start, end = parse_local(record.get("start"), tz), parse_local(record.get("end"), tz)
    if start is None or end is None or end <= start:
        raise ValueError("start and end must be local times such as 2027-03-18T19:00, end after start")
    rrule = check_rrule(record["rrule"]) if record.get("rrule") else None
    languages = [str(x).lower() for x in record.get("languages") or []]
    online = record.get("online_url")
    if online:
        try:
            online = normalize_website(online)
        except InputError as exc:
            raise ValueError("online_url must be an http(s) address") from exc
    capacity = record.get("capacity")
    if capacity is not None and (not isinstance(capacity, int) or isinstance(capacity, bool) or capacity < 1):
        raise ValueError("capacity must be a positive whole number")
    status = record.get("status", "published")
    visibility = record.get("visibility", "public")
    if status not in ("published", "draft", "cancelled") or visibility not in ("public", "community"):
        raise ValueError("status: published/draft/cancelled; visibility: public/community")
    group_id = None
    if record.get("group"):
        group = db.session.scalar(select(EventGroup).where(EventGroup.external_id == str(record["group"])))
        if group is None:
            raise ValueError(f"unknown group {record['group']!r}")
        group_id = group.id
    data = service.EventData(
        texts=_texts(record, languages),
        category=category,
        languages=languages,
        sectors=_sectors(record.get("sectors")),
        timezone=tz,
        starts_at=start,
        ends_at=end,
        rrule=rrule,
        venue=record.get("venue"),
        place=_place(record),
        online_url=online,
        capacity=capacity,
        organiser_kind="group" if group_id else "staff",
        group_id=group_id,
    )
    exdates = []
    for raw in record.get("exdates") or []:
        moment = parse_local(raw, tz)
        if moment is None:
            raise ValueError(f"bad exdate {raw!r}")
        exdates.append(moment)
    event = db.session.scalar(select(Event).where(Event.external_id == ext))
    created = event is None
    before = _fingerprint(event) if event is not None else None
    if event is None:
        event = service.create_event(None, data, external_id=ext)
    else:
        service.apply(event, data)
    known = set(
        rule_starts(event.starts_at, tz, rrule, max(event.starts_at, end) + service.timedelta(days=800))
    )
    wanted = {m.astimezone(service.UTC) for m in exdates}
    if not wanted <= known:
        raise ValueError("an exdate is not an occurrence of the rule")
    for exc in list(event.exceptions):
        if exc.cancelled and exc.original_start not in wanted:
            event.exceptions.remove(exc)
    for moment in sorted(wanted):
        if not any(e.original_start == moment for e in event.exceptions):
            from webapp.events.models import EventException

            event.exceptions.append(EventException(original_start=moment, cancelled=True))
    service.set_status(event, status, visibility, actor_id=None, via="import")
    db.session.flush()
    if created:
        return "created"
    if _fingerprint(event) == before:
        return "unchanged"
    mark_changed(event)
    return "updated"


def _fingerprint(event: Event) -> Any:
    return (
        event.category,
        tuple(event.languages or []),
        event.timezone,
        event.starts_at,
        event.ends_at,
        event.rrule,
        event.venue,
        event.place_id,
        event.online_url,
        event.capacity,
        event.group_id,
        event.visibility,
        event.cancelled,
        tuple((t.lang, t.title, t.description) for t in event.texts),
        tuple(event.sectors),
        tuple((e.original_start, e.cancelled) for e in event.exceptions),
    )


def import_lines(lines: Iterable[str]) -> ImportReport:
    report = ImportReport()
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            if not isinstance(record, dict):
                raise ValueError("each line must be a JSON object")
            with db.session.begin_nested():
                outcome = import_group(record) if record.get("type") == "group" else import_event(record)
            setattr(report, outcome, getattr(report, outcome) + 1)
        except (ValueError, TypeError, KeyError) as exc:
            report.errors.append((number, str(exc)[:200]))
    db.session.commit()
    return report


__all__ = ["ImportReport", "import_event", "import_group", "import_lines"]
