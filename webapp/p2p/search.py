"""The board's searchable entity ("listing"), as the platform's search needs it: its filters
(kind, offer/request, sector, place, language, available over dates), how a hit is shown, its
database fallback and its API shape (``/api/v1/listings/search`` and ``/api/v1/listings/<id>``).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from flask import Flask
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import and_, exists, false, or_, select

from indexer import fusion
from webapp.core.mail import external_url
from webapp.core.search import ApiSpec, EntitySpec, PageSpec, register_entity
from webapp.core.search.fallback import FallbackSpec, Link, fallback
from webapp.core.search.page import Result
from webapp.core.search.params import LOCAL_ZONE, RangeParam, choice_filter
from webapp.p2p.documents import build_listings, listing_document, listing_ids, load_listings
from webapp.p2p.models import HOLDING, KINDS, TYPES, Booking, Listing, ListingSector, ListingWindow
from webapp.taxonomy.labels import place_name_label


def kind_label(kind: str, lang: str | None = None) -> str:
    labels = {
        "equipment": _("Equipment"),
        "workspace": _("Workspace"),
        "mentoring": _("Mentoring"),
        "coaching": _("Coaching"),
        "service": _("Service"),
    }
    return labels.get(kind, kind)


def type_label(type_: str, lang: str | None = None) -> str:
    return {"offer": _("Offer"), "request": _("Request")}.get(type_, type_)


def _available_label(start: str | None, end: str | None) -> str:
    from webapp.core.search.page import range_label

    return _("available %(period)s", period=range_label(start, end, "date"))


#: Available over the whole period: inside one window, and no accepted booking in the way.
AVAILABLE = RangeParam(
    "available_from",
    "available_to",
    (("available", "contains"), ("blocked", "disjoint")),
    label=_available_label,
)
FILTERS = ("sector", "country", "region", "city", "language", "kind", "type")


def owner_name(listing: Listing, viewer: Any = None) -> str:
    """The owner's card name when the viewer may see that card, else "a member": a listing never
    reveals a card its owner did not publish to this viewer."""
    from webapp.core.permissions import may_see

    card = listing.profile or (getattr(listing.user, "member_profile", None) if listing.user else None)
    if card is not None and may_see(viewer if viewer is not None else current_user, card):
        return card.display_name
    return _("A member of the cooperative")


def _present(listing: Listing, lang: str) -> dict[str, Any]:
    return {
        "kind": listing.kind,
        "type": listing.type,
        "kind_label": kind_label(listing.kind),
        "type_label": type_label(listing.type),
        "owner_name": owner_name(listing),
        # The first photo as the result's thumbnail (served under the listing's own visibility).
        "photo": listing.photos[0].filename if listing.photos else None,
    }


def _summary(listing: Listing) -> str:
    text = listing.description or ""
    return text if len(text) <= 200 else text[:200].rsplit(" ", 1)[0] + "…"


def _browse_label() -> str:
    return _("Browse the whole board without search words")


LISTING_PAGE = PageSpec(
    facets=("kind", "type", "sector", "country", "city", "language"),
    filters=FILTERS,
    title=lambda listing: listing.title,
    summary=_summary,
    present=_present,
    snippet_fields=("body",),
    browse_label=_browse_label,
    filter_parsers={"kind": choice_filter("kind", KINDS), "type": choice_filter("type", TYPES)},
    facet_labels={"kind": kind_label, "type": type_label},
    ranges=(AVAILABLE,),
)


def _day(moment: float | None) -> date | None:
    """A range filter's bound (epoch seconds) as the cooperative's day it falls on: windows and
    bookings are whole days, so comparing days is exact."""
    return None if moment is None else datetime.fromtimestamp(moment, LOCAL_ZONE).date()


def _instant(moment: float) -> datetime:
    return datetime.fromtimestamp(moment, UTC)


def _available_condition(flt: Any) -> Any:
    """``available`` in SQL, as the index reads the windows (documents.available_ranges): no window
    at all is available any day; otherwise one window (open ends count) holds the whole period."""
    start, end = _day(flt.start), _day(flt.end)
    if flt.relation != "contains":
        return false()  # the board's search asks only "contains"; anything else matches nothing
    holds = [ListingWindow.listing_id == Listing.id]
    holds.append(
        ListingWindow.starts_on.is_(None)
        if start is None
        else or_(ListingWindow.starts_on.is_(None), ListingWindow.starts_on <= start)
    )
    holds.append(
        ListingWindow.ends_on.is_(None)
        if end is None
        else or_(ListingWindow.ends_on.is_(None), ListingWindow.ends_on >= end)
    )
    no_windows = ~exists(select(ListingWindow.id).where(ListingWindow.listing_id == Listing.id))
    return or_(no_windows, exists(select(ListingWindow.id).where(and_(*holds))))


def _blocked_condition(flt: Any) -> Any:
    """``blocked`` in SQL, as the index reads it (documents.listing_document): the instants
    ``[starts_at, ends_at)`` held by accepted, handed-over or returned bookings, so one accepted
    session inside the period is in the way."""
    overlap = [Booking.listing_id == Listing.id, Booking.status.in_(HOLDING)]
    if flt.end is not None:
        overlap.append(Booking.starts_at <= _instant(flt.end))
    if flt.start is not None:
        overlap.append(Booking.ends_at > _instant(flt.start))
    held = exists(select(Booking.id).where(*overlap))
    if flt.relation == "disjoint":
        return ~held
    if flt.relation == "overlaps":
        return held
    return false()


LISTING_FALLBACK = FallbackSpec(
    model=Listing,
    text_columns=lambda: [Listing.title, Listing.description],
    name_column=Listing.title,
    to_document=listing_document,
    load=load_listings,
    columns={"kind": Listing.kind, "type": Listing.type, "language": Listing.language},
    links={"sector": Link(ListingSector, ListingSector.listing_id, ListingSector.sector_code)},
    ranges={"available": _available_condition, "blocked": _blocked_condition},
)


def api_result(result: Result) -> dict[str, Any]:
    """One search result: the fields the issue's API names (besides id, distance_km, score, why)."""
    listing: Listing = result.row
    return {
        "external_id": listing.external_id,
        "title": listing.title,
        "kind": listing.kind,
        "type": listing.type,
        "owner_name": result.data.get("owner_name"),
        "place": listing.place_name,
        "url": external_url("p2p.listing", listing_id=listing.id),
    }


def api_detail(listing: Listing) -> dict[str, Any]:
    """One listing the caller may see; never the pick-up address, never an e-mail address."""
    return {
        "id": listing.id,
        "external_id": listing.external_id,
        "title": listing.title,
        "description": listing.description,
        "kind": listing.kind,
        "type": listing.type,
        "sectors": listing.sectors,
        "language": listing.language,
        "conditions": listing.conditions,
        "owner_name": owner_name(listing),
        "place": place_name_label(listing, "en") or listing.place_name,
        "country": listing.country,
        "availability": [
            {
                "from": w.starts_on.isoformat() if w.starts_on else None,
                "to": w.ends_on.isoformat() if w.ends_on else None,
            }
            for w in listing.windows
        ],
        # Weekly slots: 0 = Monday, local times in Europe/Brussels.
        "slots": [
            {"weekday": s.weekday, "from": s.starts_at.strftime("%H:%M"), "to": s.ends_at.strftime("%H:%M")}
            for s in listing.slots
        ],
        "visibility": listing.visibility,
        "url": external_url("p2p.listing", listing_id=listing.id),
    }


LISTING_API = ApiSpec(
    collection="listings",
    facets=("kind", "type", "sector", "country", "language"),
    result=api_result,
    detail=api_detail,
)

ENTITY = EntitySpec(
    "listing",
    model=Listing,
    build=build_listings,
    all_ids=listing_ids,
    load=load_listings,
    fallback=fallback(LISTING_FALLBACK),
    page=LISTING_PAGE,
    api=LISTING_API,
    # 2: the trades a listing's texts name, in the labels field; 3: blocked ranges are held instants
    document_version=3,
)

#: The board's own fusion values (indexer.fusion.ENTITY_TUNABLE), tuned on the tune split of
#: tests/p2p/relevance/judged: listings are short texts in one language, so the lexical leg's
#: weight is halved against the members' (0.3-0.7 is a plateau; 1.0 put hybrid under the
#: semantic leg for Dutch queries, 1.5 under both legs for French ones).
FUSION = {"LEXICAL_SCALE": 0.5}


def register(app: Flask) -> None:
    register_entity(app, ENTITY)
    fusion.set_entity_tuning(ENTITY.name, **FUSION)


__all__ = [
    "AVAILABLE",
    "ENTITY",
    "LISTING_API",
    "LISTING_PAGE",
    "kind_label",
    "owner_name",
    "register",
    "type_label",
]
