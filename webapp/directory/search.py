"""The directory's two searchable entities, as the platform's search needs them.

Everything generic (parameters, query understanding, running the search, hydration,
explanations, facets, the database fallback, the JSON API) lives in ``webapp.core.search``;
this module only says what is particular to member and client cards: their filters and
facets, how a hit is shown, where the fallback finds their columns, and their API shape.
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence

from flask import Flask
from flask_babel import gettext as _
from sqlalchemy import select

from webapp.core.mail import external_url
from webapp.core.permissions import visible_visibilities
from webapp.core.search import ApiSpec, EntitySpec, PageSpec, register_entity
from webapp.core.search.documents import result_rows
from webapp.core.search.fallback import FallbackSpec, Link, column_range, fallback
from webapp.core.search.page import Result, SearchPage, run
from webapp.core.search.params import RangeParam
from webapp.directory.documents import (
    build_clients,
    build_members,
    client_document,
    client_ids,
    load_clients,
    load_members,
    member_document,
    member_ids,
)
from webapp.directory.models import ClientProfile, ClientSector, MemberLanguage, MemberProfile, MemberSector
from webapp.directory.service import availability
from webapp.extensions import db
from webapp.taxonomy.labels import taxonomy_label

PLACE_FILTERS = ("country", "region", "city")
MEMBER_FILTERS = ("sector", "function", *PLACE_FILTERS, "language")
CLIENT_FILTERS = ("sector", *PLACE_FILTERS)
#: Client descriptions are long: a result shows their start.
CLIENT_SUMMARY_CHARS = 200


def _years_label(low: str | None, high: str | None) -> str:
    if low and high:
        return _("%(low)s to %(high)s years of experience", low=low, high=high)
    if low:
        return _("at least %(n)s years of experience", n=low)
    return _("at most %(n)s years of experience", n=high)


#: "At least 10 years of experience": years_min / years_max bound the card's experience_years.
YEARS = RangeParam("years_min", "years_max", (("years", "within"),), kind="number", label=_years_label)


def _member_present(card: Any, lang: str) -> dict[str, Any]:
    label = taxonomy_label("function", card.function_code, lang) if card.function_code else ""
    return {
        "function": card.function_code,
        "function_label": label or card.function_text or "",
        "photo": card.photo_filename,
    }


def _client_summary(card: Any) -> str:
    text = card.description or ""
    if len(text) > CLIENT_SUMMARY_CHARS:
        text = text[:CLIENT_SUMMARY_CHARS].rsplit(" ", 1)[0] + "…"
    return text


def _browse_label() -> str:
    return _("Browse all cards without search words")


#: What a member result shows (``_member_present``, the title, the summary, the "why" tags).
MEMBER_RESULT_COLUMNS = ("display_name", "headline", "function_code", "function_text", "photo_filename")
CLIENT_RESULT_COLUMNS = ("name", "description")


def _member_cards(ids: Sequence[int]) -> dict[int, Any]:
    """A result list's member rows in one query with their sectors (documents and the detail
    page load whole rows through ``load_members``)."""
    return result_rows(MemberProfile, ids, MEMBER_RESULT_COLUMNS, (MemberSector, MemberSector.profile_id))


def _client_cards(ids: Sequence[int]) -> dict[int, Any]:
    return result_rows(ClientProfile, ids, CLIENT_RESULT_COLUMNS, (ClientSector, ClientSector.profile_id))


MEMBER_PAGE = PageSpec(
    facets=MEMBER_FILTERS,
    filters=MEMBER_FILTERS,
    title=lambda card: card.display_name,
    summary=lambda card: card.headline or "",
    present=_member_present,
    browse_label=_browse_label,
    ranges=(YEARS,),
    hydrate=_member_cards,
)
CLIENT_PAGE = PageSpec(
    facets=CLIENT_FILTERS,
    filters=CLIENT_FILTERS,
    title=lambda card: card.name,
    summary=_client_summary,
    browse_label=_browse_label,
    hydrate=_client_cards,
)

MEMBER_FALLBACK = FallbackSpec(
    model=MemberProfile,
    text_columns=lambda: [MemberProfile.display_name, MemberProfile.headline, MemberProfile.function_text],
    name_column=MemberProfile.display_name,
    to_document=member_document,
    load=load_members,
    columns={"function": MemberProfile.function_code},
    ranges={"years": column_range(MemberProfile.experience_years)},
    links={
        "sector": Link(MemberSector, MemberSector.profile_id, MemberSector.sector_code),
        "language": Link(MemberLanguage, MemberLanguage.profile_id, MemberLanguage.language),
    },
)
CLIENT_FALLBACK = FallbackSpec(
    model=ClientProfile,
    text_columns=lambda: [ClientProfile.name, ClientProfile.description],
    name_column=ClientProfile.name,
    to_document=client_document,
    load=load_clients,
    links={"sector": Link(ClientSector, ClientSector.profile_id, ClientSector.sector_code)},
)


# --- the JSON API (webapp.api serves /api/v1/members/…) ------------------------------------------------


def member_api_result(result: Result) -> dict[str, Any]:
    """One search result (openapi.yaml: MemberSearchResult.results)."""
    return {
        "name": result.title,
        "function": result.data.get("function"),
        "sectors": result.sectors,
        "place": result.place,
        "country": result.country,
    }


def member_api_detail(card: MemberProfile) -> dict[str, Any]:
    """One published card (openapi.yaml: MemberCard); never an e-mail address."""
    return {
        "id": card.id,
        "name": card.display_name,
        "function": card.function_code,
        "function_label": taxonomy_label("function", card.function_code) or None,
        "function_text": card.function_text,
        "sectors": card.sectors,
        "headline": card.headline,
        "bio": card.bio,
        "skills": list(card.skills or []),
        "languages": card.languages,
        "experience_years": card.experience_years,
        "availability": availability(card),
        "place": card.place_name,
        "country": card.country,
        "lat": round(card.lat, 3) if card.lat is not None else None,
        "lon": round(card.lon, 3) if card.lon is not None else None,
        "website": card.website,
        "card_language": card.card_language,
        "visibility": card.visibility,
        # On BASE_URL, never the request's Host header (a forged Host would go into the answer).
        "url": external_url("directory.member", profile_id=card.id),
    }


MEMBER_API = ApiSpec(
    collection="members",
    facets=("sector", "function", "country", "language"),
    result=member_api_result,
    detail=member_api_detail,
)


ENTITIES = (
    EntitySpec(
        "member",
        model=MemberProfile,
        build=build_members,
        all_ids=member_ids,
        load=load_members,
        fallback=fallback(MEMBER_FALLBACK),
        page=MEMBER_PAGE,
        api=MEMBER_API,
        document_version=3,  # 2: years of experience as a range; 3: the concepts field
    ),
    EntitySpec(
        "client",
        model=ClientProfile,
        build=build_clients,
        all_ids=client_ids,
        load=load_clients,
        fallback=fallback(CLIENT_FALLBACK),
        page=CLIENT_PAGE,
    ),
)


def register(app: Flask) -> None:
    """The directory's search entities: members (page + API) and clients (page)."""
    for spec in ENTITIES:
        register_entity(app, spec)


def search_members(params: Mapping[str, Any], viewer: Any, lang: str | None = None) -> SearchPage:
    """The member directory's search, shared by /directory and /api/v1/members/search."""
    return run("member", params, viewer, lang)


def newest_cards(viewer: Any, limit: int = 6) -> list[MemberProfile]:
    """The newest published member cards this viewer may see (the home page's section)."""
    return list(
        db.session.scalars(
            select(MemberProfile)
            .where(MemberProfile.visibility.in_(visible_visibilities(viewer)))
            .order_by(MemberProfile.published_at.desc().nulls_last(), MemberProfile.id.desc())
            .limit(limit)
        )
    )


__all__ = [
    "CLIENT_PAGE",
    "MEMBER_API",
    "MEMBER_PAGE",
    "newest_cards",
    "register",
    "search_members",
]
