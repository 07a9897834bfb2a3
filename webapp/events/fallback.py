"""The events' database fallback: the calendar and ``/api/v1/events/search`` when the search backend
is down (CHECKLIST 34).

The generic fallback (``webapp.core.search.fallback``) matches columns of one row; an event's
words live in ``event_texts`` (one row per language), its spoken languages in a JSON list and its
dates in an RRULE, and it is ordered by its next occurrence rather than by publication. So this
does the same job in its own terms: visibility (never drafts, never cancelled events), the same
filters (sector, category, group, language, place facets, place + radius, ``from``/``to``) and a
plain case-insensitive substring match (every word in some title, description, venue, place or
group name, in any language, or a word of the category) in SQL; the exact radius, the languages
and the occurrences in the period in Python. The answer is flagged degraded: the page says
"limited search".
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any, Iterable

from sqlalchemy import and_, func, or_, select

from indexer.types import VISIBILITIES, Explanation, Hit, SearchQuery, SearchResult
from webapp.core.search.fallback import FallbackSpec, Link
from webapp.core.text import sort_name
from webapp.events.documents import CATEGORY_WORDS
from webapp.events.models import Event, EventException, EventGroup, EventSector, EventText
from webapp.events.recurrence import HORIZON, occurrences
from webapp.extensions import db
from webapp.taxonomy import haversine_km

#: Facets whose SQL conditions the generic spec already knows (link tables, plain columns, places).
_PLACES = FallbackSpec(
    model=Event,
    text_columns=lambda: [],
    name_column=Event.id,
    to_document=lambda row: None,
    load=lambda ids: {},
    columns={"category": Event.category},
    links={"sector": Link(EventSector, EventSector.event_id, EventSector.sector_code)},
)
#: IN lists are sent in chunks (SQLite's bound-parameter limit).
_CHUNK = 900
_INF = math.inf


def _like(column: Any, word: str) -> Any:
    escaped = word.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return func.lower(column).like(f"%{escaped}%", escape="\\")


def _categories_for(word: str) -> list[str]:
    """Categories one of whose words (in any language) contains ``word`` ("netwerkevent", "atelier")."""
    word = word.lower()
    return [
        category
        for category, words in CATEGORY_WORDS.items()
        if any(word in phrase.lower() for phrase in words.values())
    ]


def _word_condition(word: str) -> Any:
    in_texts = select(EventText.event_id).where(
        or_(_like(EventText.title, word), _like(EventText.description, word))
    )
    in_groups = select(EventGroup.id).where(_like(EventGroup.name, word))
    alternatives = [
        Event.id.in_(in_texts),
        _like(Event.venue, word),
        _like(Event.place_name, word),
        Event.group_id.in_(in_groups),
    ]
    categories = _categories_for(word)
    if categories:
        alternatives.append(Event.category.in_(categories))
    return or_(*alternatives)


def text_condition(query: SearchQuery) -> Any | None:
    """Every word matches somewhere, or the event carries a recognised sector (as the index boosts)."""
    words = [w for w in query.text.split() if len(w) >= 2][:8]
    alternatives = []
    if words:
        alternatives.append(and_(*[_word_condition(w) for w in words]))
    sectors = query.boosts.get("sector")
    if sectors:
        alternatives.append(_PLACES.facet_condition("sector", tuple(sectors)))
    return or_(*alternatives) if alternatives else None


def _filter_condition(name: str, values: tuple[str, ...]) -> Any:
    """SQL for one filter; ``language`` (a JSON list) is checked in Python and passes here."""
    if name == "group":
        return Event.group_id.in_([int(v) for v in values if v.isdigit()])
    if name == "language":
        return True
    return _PLACES.facet_condition(name, values)


def _period(query: SearchQuery) -> list[tuple[float | None, float | None]]:
    return [(flt.start, flt.end) for flt in query.ranges if flt.field == "when"]


def _prefilter(query: SearchQuery) -> list[Any]:
    conds: list[Any] = [
        Event.visibility.in_([v for v in query.visibility if v in VISIBILITIES and v != "draft"]),
        Event.cancelled.is_(False),
    ]
    for name, values in query.filters.items():
        if values:
            conds.append(_filter_condition(name, tuple(values)))
    for flt in query.ranges:
        if flt.field != "when" or flt.relation != "overlaps":
            conds.append(False)  # events have no other range: it matches nothing, as in the index
            continue
        single = [Event.rrule.is_(None)]
        if flt.end is not None:
            single.append(Event.starts_at <= datetime.fromtimestamp(flt.end, UTC))
        if flt.start is not None:
            single.append(Event.ends_at >= datetime.fromtimestamp(flt.start, UTC))
        # A recurring event's occurrences (moved ones too) are checked in Python.
        conds.append(or_(and_(*single), Event.rrule.is_not(None)))
    text = text_condition(query)
    if text is not None:
        conds.append(text)
    if query.geo is not None:
        geo = query.geo
        dlat = geo.radius_km / 111.0
        dlon = geo.radius_km / (111.0 * max(0.05, math.cos(math.radians(geo.lat))))
        conds += [
            Event.lat.between(geo.lat - dlat, geo.lat + dlat),
            Event.lon.between(geo.lon - dlon, geo.lon + dlon),
        ]
    if query.exclude:
        conds.append(Event.id.not_in([int(i) for i in query.exclude if str(i).isdigit()]))
    return conds


def _chunks(ids: list[int]) -> Iterable[list[int]]:
    for n in range(0, len(ids), _CHUNK):
        yield ids[n : n + _CHUNK]


def _exceptions(ids: list[int]) -> dict[int, list[Any]]:
    out: dict[int, list[Any]] = {}
    for chunk in _chunks(ids):
        for exc in db.session.scalars(select(EventException).where(EventException.event_id.in_(chunk))):
            out.setdefault(exc.event_id, []).append(
                SimpleNamespace(
                    original_start=exc.original_start,
                    cancelled=exc.cancelled,
                    starts_at=exc.starts_at,
                    ends_at=exc.ends_at,
                )
            )
    return out


def _spans(row: Any, exceptions: list[Any], until: datetime) -> list[tuple[float, float]]:
    if not row.rrule:
        return [(row.starts_at.timestamp(), row.ends_at.timestamp())]
    light = SimpleNamespace(
        starts_at=row.starts_at,
        ends_at=row.ends_at,
        timezone=row.timezone,
        rrule=row.rrule,
        exceptions=exceptions,
    )
    return [(o.start.timestamp(), o.end.timestamp()) for o in occurrences(light, until=until)]


def _overlaps(spans: list[tuple[float, float]], start: float | None, end: float | None) -> bool:
    return any((end is None or s <= end) and (start is None or e >= start) for s, e in spans)


def _first_start_ending_from(spans: list[tuple[float, float]], bound: float | None) -> float:
    """The start of the first occurrence ending at or after ``bound`` (the index's "soonest" key)."""
    starts = [s for s, e in sorted(spans) if bound is None or e >= bound]
    return starts[0] if starts else _INF


def _titles(ids: list[int]) -> dict[int, str]:
    """Each event's first title (the organiser's first language)."""
    out: dict[int, tuple[int, str]] = {}
    for chunk in _chunks(ids):
        rows = db.session.execute(
            select(EventText.event_id, EventText.position, EventText.title).where(
                EventText.event_id.in_(chunk)
            )
        )
        for event_id, position, title in rows:
            if event_id not in out or position < out[event_id][0]:
                out[event_id] = (position, title)
    return {k: v[1] for k, v in out.items()}


def _count(values: Iterable[str]) -> list[tuple[str, int]]:
    counts: dict[str, int] = {}
    for value in values:
        if value:
            counts[value] = counts.get(value, 0) + 1
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))


def _facets(names: Iterable[str], rows: list[Any]) -> dict[str, list[tuple[str, int]]]:
    ids = [r.id for r in rows]
    out: dict[str, list[tuple[str, int]]] = {}
    for name in names:
        if name == "category":
            out[name] = _count(r.category for r in rows)
        elif name == "language":
            out[name] = _count(lang for r in rows for lang in dict.fromkeys(r.languages or []))
        elif name == "group":
            out[name] = _count(str(r.group_id) for r in rows if r.group_id)
        elif name == "city":
            out[name] = _count(str(r.place_id) if r.place_id else (r.place_name or "") for r in rows)
        elif name == "country":
            out[name] = _count((r.country or "").upper() for r in rows)
        elif name == "region":
            out[name] = _count(f"{r.country.upper()}.{r.region}" for r in rows if r.country and r.region)
        elif name == "sector":
            codes: list[str] = []
            for chunk in _chunks(ids):
                codes += db.session.scalars(
                    select(EventSector.sector_code).where(EventSector.event_id.in_(chunk))
                )
            out[name] = _count(codes)
    return out


def search_events_in_database(query: SearchQuery) -> SearchResult:
    """The ``EntitySpec.fallback`` of events: what the index would answer, from the database."""
    columns = (
        Event.id,
        Event.starts_at,
        Event.ends_at,
        Event.rrule,
        Event.timezone,
        Event.languages,
        Event.category,
        Event.group_id,
        Event.place_id,
        Event.place_name,
        Event.country,
        Event.region,
        Event.lat,
        Event.lon,
    )
    rows = db.session.execute(select(*columns).where(*_prefilter(query))).all()
    languages = set(query.filters.get("language", ()))
    if languages:
        rows = [r for r in rows if languages & set(r.languages or [])]
    periods = _period(query)
    bound = query.soonest_from()
    if query.sort == "relevance" and bound is None:
        bound = datetime.now(UTC).timestamp()  # words and no period: what is still ahead first
    ends = [e for _s, e in periods if e is not None]
    until = datetime.fromtimestamp(max(ends), UTC) if ends and len(ends) == len(periods) else None
    exceptions = _exceptions([r.id for r in rows if r.rrule])
    center = query.geo or query.near
    now = datetime.now(UTC)
    candidates: list[tuple[Any, float | None, float]] = []
    for row in rows:
        if query.geo is not None:
            if row.lat is None or row.lon is None:
                continue
            if haversine_km(query.geo.lat, query.geo.lon, row.lat, row.lon) > query.geo.radius_km:
                continue
        horizon = until or max(now, row.starts_at) + HORIZON
        spans = _spans(row, exceptions.get(row.id, []), horizon)
        if not spans or not all(_overlaps(spans, s, e) for s, e in periods):
            continue
        distance = None
        if center is not None and row.lat is not None and row.lon is not None:
            distance = haversine_km(center.lat, center.lon, row.lat, row.lon)
        candidates.append((row, distance, _first_start_ending_from(spans, bound)))

    if query.sort == "name":
        titles = _titles([c[0].id for c in candidates])
        candidates.sort(key=lambda c: (sort_name(titles.get(c[0].id, "")), c[0].id))
    elif query.sort == "distance" and center is not None:
        candidates.sort(key=lambda c: (c[1] is None, c[1] or 0.0, c[2], c[0].id))
    elif query.sort == "recent":
        candidates.sort(key=lambda c: -c[0].id)
    else:  # soonest, and "relevance", which has no meaning here: the next occurrence first
        candidates.sort(key=lambda c: (c[2], c[0].id))

    total = len(candidates)
    page = candidates[query.offset : query.offset + query.limit] if query.limit > 0 else []
    facets = _facets(query.facets, [c[0] for c in candidates]) if query.facets else {}
    titles = _titles([c[0].id for c in page])
    hits = [
        Hit(
            id=str(row.id),
            score=0.0,
            payload={"title": titles.get(row.id, "")},
            distance_km=distance,
            why=[Explanation("distance", {"km": round(distance, 1)})] if distance is not None else [],
        )
        for row, distance, _key in page
    ]
    return SearchResult(total=total, hits=hits, facets=facets, backend="database", degraded=True)


__all__ = ["search_events_in_database", "text_condition"]
