"""The events' search entity: the calendar page, "near me", the feeds' filters and
``/api/v1/events/…`` all run ``webapp.core.search.page.run("event", …)``.

What is particular to events: the filters ``category`` and ``group``, the period ``from``/``to``
(an event matches when one of its occurrences overlaps it), soonest first without search words,
and in results the next occurrence inside the period, shown in the event's own zone.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Mapping

from flask import Flask, has_request_context, request
from flask_babel import gettext as _

from indexer import fusion
from webapp.core.mail import external_url
from webapp.core.search import ApiSpec, EntitySpec, PageSpec, register_entity
from webapp.core.search.page import Result, SearchPage, run
from webapp.core.search.params import ParamError, RangeParam, choice_filter, parse_ranges
from webapp.events.documents import build_events, category_label, event_ids, event_tags, load_events
from webapp.events.fallback import search_events_in_database
from webapp.events.models import CATEGORIES, Event, EventGroup
from webapp.events.recurrence import Occurrence, local, next_occurrence
from webapp.events.service import display_title
from webapp.extensions import db

UTC = UTC
EVENT_FILTERS = ("sector", "category", "language", "group", "country", "region", "city")
#: An event matches a period when one of its occurrences overlaps it; soonest first.
WHEN = RangeParam("from", "to", (("when", "overlaps"),))


def _groups(values: list[str], lang: str, parsed: dict[str, tuple[str, ...]]) -> tuple[str, ...]:
    out: list[str] = []
    for value in values:
        if not value.isdigit() or len(value) > 12:
            raise ParamError("group", _("must be a group number"))
        out.append(str(int(value)))
    return tuple(dict.fromkeys(out))


def _group_label(key: str, lang: str) -> str:
    group = db.session.get(EventGroup, int(key)) if key.isdigit() else None
    return group.name if group is not None else key


def period(params: Mapping[str, Any] | None = None) -> tuple[datetime | None, datetime | None]:
    """The ``from``/``to`` of a request as UTC moments (None when open)."""
    if params is None:
        params = request.args if has_request_context() else {}
    try:
        _raw, filters = parse_ranges(params, (WHEN,))
    except ParamError:
        return None, None
    if not filters:
        return None, None
    flt = filters[0]
    start = datetime.fromtimestamp(flt.start, UTC) if flt.start is not None else None
    end = datetime.fromtimestamp(flt.end, UTC) if flt.end is not None else None
    return start, end


def occurrence_in_period(event: Event, params: Mapping[str, Any] | None = None) -> Occurrence | None:
    """The next occurrence inside the request's period (from now when it has no start)."""
    start, end = period(params)
    after = start or datetime.now(UTC)
    return next_occurrence(event, after, end) or next_occurrence(event, after)


def _present(event: Event, lang: str) -> dict[str, Any]:
    occ = occurrence_in_period(event)
    return {
        "category": event.category,
        "category_label": category_label(event.category, lang),
        "start": local(occ.start, event.timezone) if occ else None,
        "end": local(occ.end, event.timezone) if occ else None,
        "moved": bool(occ and occ.moved),
        "timezone": event.timezone,
        "languages": list(event.languages or []),
        "online": bool(event.online_url),
        "full": event.capacity is not None and event.going_count >= event.capacity,
    }


def _browse_label() -> str:
    return _("Show all upcoming events")


EVENT_PAGE = PageSpec(
    facets=("category", "language", "sector", "city", "group"),
    filters=EVENT_FILTERS,
    title=lambda event: display_title(event, _lang()),
    summary=lambda event: event.venue or ("online" if event.online_url else ""),
    present=_present,
    tags=event_tags,
    snippet_fields=("body", "keywords"),
    browse_label=_browse_label,
    filter_parsers={"category": choice_filter("category", CATEGORIES), "group": _groups},
    facet_labels={"category": category_label, "group": _group_label},
    ranges=(WHEN,),
    sorts=("relevance", "soonest", "distance", "name"),
    browse_sort="soonest",
)


def _lang() -> str:
    from webapp.taxonomy.labels import reader_language

    return reader_language(None)


def api_result(result: Result) -> dict[str, Any]:
    """One search result: /api/v1/events/search (openapi.yaml: EventSearchResult)."""
    event: Event = result.row
    start, end = result.data.get("start"), result.data.get("end")
    return {
        "external_id": event.external_id,
        "title": result.title,
        "category": event.category,
        "start": start.isoformat() if start else None,
        "end": end.isoformat() if end else None,
        "timezone": event.timezone,
        "place": event.place_name,
        "url": external_url("events.event", event_id=event.id),
        "ics_url": external_url("events.event_ics", event_id=event.id),
    }


def api_detail(event: Event) -> dict[str, Any]:
    """One published event (never an attendee, never an address)."""
    occ = next_occurrence(event)
    return {
        "id": event.id,
        "external_id": event.external_id,
        "texts": [{"lang": t.lang, "title": t.title, "description": t.description} for t in event.texts],
        "category": event.category,
        "languages": list(event.languages or []),
        "sectors": event.sectors,
        "status": event.status,
        "visibility": event.visibility,
        "start": local(event.starts_at, event.timezone).isoformat(),
        "end": local(event.ends_at, event.timezone).isoformat(),
        "next_start": local(occ.start, event.timezone).isoformat() if occ else None,
        "next_end": local(occ.end, event.timezone).isoformat() if occ else None,
        "timezone": event.timezone,
        "rrule": event.rrule,
        "venue": event.venue,
        "place": event.place_name,
        "country": event.country,
        "online_url": event.online_url,
        "capacity": event.capacity,
        "going": event.going_count,
        "group": event.group_id,
        "url": external_url("events.event", event_id=event.id),
        "ics_url": external_url("events.event_ics", event_id=event.id),
    }


EVENT_API = ApiSpec(
    collection="events",
    facets=("category", "language", "sector", "city", "group"),
    result=api_result,
    detail=api_detail,
)

ENTITY = EntitySpec(
    "event",
    model=Event,
    build=build_events,
    all_ids=event_ids,
    load=load_events,
    fallback=search_events_in_database,
    page=EVENT_PAGE,
    api=EVENT_API,
    document_version=2,  # 2: the trades the texts name (labels), who it is for in the embedded text
)

#: The calendar's own fusion values (indexer.fusion.ENTITY_TUNABLE), tuned on the tune split of
#: tests/events/relevance_set: one goes to an event in person, so a place named in the query
#: weighs three times what it does for a member's card (2-5 is a plateau; 1 let a Cologne meetup
#: outrank the Antwerp one for "photographers networking Antwerp"), and the lexical leg, which
#: carries the trade names across languages, counts double (2-3 is a plateau; 1 lost an English
#: request's Dutch translators' workshop).
FUSION = {"NEAR_GAIN": 3.0, "LEXICAL_SCALE": 2.0}


def register(app: Flask) -> None:
    register_entity(app, ENTITY)
    fusion.set_entity_tuning(ENTITY.name, **FUSION)


#: "Near me" and "for you": how far from the member's card place.
NEAR_ME_KM = 30
FOR_YOU_KM = 50


def member_place(user: Any) -> Any:
    """The place on the member's own card (published or not: it is their own), or None."""
    card = getattr(user, "member_profile", None) if getattr(user, "is_authenticated", False) else None
    return card if card is not None and card.place_id else None


def for_you(user: Any, lang: str | None = None, limit: int = 5) -> list[tuple[Result, list[str]]]:
    """Upcoming events in the member's sectors near their card's place, each with why it fits."""
    card = member_place(user)
    sectors = list(getattr(getattr(user, "member_profile", None), "sectors", []) or [])
    if card is None and not sectors:
        return []
    params: dict[str, Any] = {"per_page": str(limit), "sort": "soonest"}
    if sectors:
        params["sector"] = sectors
    if card is not None:
        params["place"], params["radius_km"] = str(card.place_id), str(FOR_YOU_KM)
    page = run("event", params, user, lang)
    out = []
    from webapp.taxonomy.labels import taxonomy_label

    for result in page.results:
        why = [
            _("your sector: %(sector)s", sector=taxonomy_label("sector", code, lang))
            for code in result.row.sectors
            if code in sectors
        ][:2]
        if result.distance_km is not None and card is not None:
            why.append(
                _("%(km)s km from %(place)s", km=int(round(result.distance_km)), place=card.place_name)
            )
        out.append((result, why))
    return out


def search_events(params: Mapping[str, Any], viewer: Any, lang: str | None = None) -> SearchPage:
    return run("event", params, viewer, lang)


__all__ = [
    "for_you",
    "member_place",
    "EVENT_API",
    "EVENT_PAGE",
    "WHEN",
    "occurrence_in_period",
    "period",
    "register",
    "search_events",
]
