"""JSON API v1: read-only, csrf-exempt (create_app), documented in openapi.yaml.

Visibility is the directory's: anonymous callers see public cards, signed-in
(session) callers also community cards, drafts never. E-mail addresses never
appear in any answer; contact goes through the relay on the card page.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, abort, request, url_for
from flask_login import current_user

from webapp.directory import search
from webapp.directory.documents import load_members
from webapp.directory.permissions import visible_visibilities
from webapp.directory.search import ParamError, SearchPage
from webapp.directory.service import availability, taxonomy_label

bp = Blueprint("api", __name__, url_prefix="/api/v1")

OPENAPI_PATH = Path(__file__).with_name("openapi.yaml")
#: Facets the members search answers with, in this order.
MEMBER_FACETS = ("sector", "function", "country", "language")


def _dumps(payload: Any) -> str:
    """JSON with <, > and & as \\u escapes: the same data, but no markup even if sniffed as HTML."""
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _json(payload: Any, status: int = 200) -> Response:
    response = Response(_dumps(payload), status=status, mimetype="application/json")
    # Visibility depends on the session cookie and an unpublished card must vanish at once:
    # no shared or stale copies.
    response.headers["Cache-Control"] = "no-store"
    response.vary.add("Cookie")
    response.vary.add("Accept-Language")
    return response


def param_error(exc: ParamError) -> Response:
    return _json({"error": {"code": 400, "parameter": exc.parameter, "message": exc.message}}, 400)


def _place(page: SearchPage) -> dict[str, Any] | None:
    if page.place is None:
        return None
    return {
        "name": page.place.label,
        "lat": round(page.place.lat, 5),
        "lon": round(page.place.lon, 5),
        "country": page.place.country,
        "radius_km": page.place.radius_km,
    }


def search_payload(page: SearchPage, facets: tuple[str, ...] = MEMBER_FACETS) -> dict[str, Any]:
    """The documented shape (openapi.yaml: MemberSearchResult)."""
    return {
        "total": page.total,
        "page": page.params.page,
        "per_page": page.params.per_page,
        "query": {
            "text": page.text,
            "place": _place(page),
            "sectors": list(dict.fromkeys(page.sectors)),
            "functions": list(dict.fromkeys(page.functions)),
        },
        "results": [
            {
                "id": r.id,
                "name": r.name,
                "function": r.function,
                "sectors": r.sectors,
                "place": r.place,
                "country": r.country,
                "distance_km": r.distance_km,
                "score": r.score,
                "why": r.why,
            }
            for r in page.results
        ],
        "facets": {
            name: [{"key": v.key, "label": v.label, "count": v.count} for v in page.facets.get(name, [])]
            for name in facets
        },
        "degraded": page.degraded,
    }


@bp.get("/members/search")
def members_search() -> Response:
    """Search the member directory: the same search the /directory page runs."""
    try:
        page = search.search_members(request.args, current_user)
    except ParamError as exc:
        return param_error(exc)
    return _json(search_payload(page))


@bp.get("/members/<int:profile_id>")
def member(profile_id: int) -> Response:
    """One card the caller may see; anything else (draft, community when anonymous, missing) is 404."""
    card = load_members([profile_id]).get(profile_id)
    # Search visibility rules, not ownership: the API shows published cards only, even to their owner.
    if card is None or card.visibility not in visible_visibilities(current_user):
        abort(404)
    return _json(
        {
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
            "url": url_for("directory.member", profile_id=card.id, _external=True),
        }
    )


@bp.get("/openapi.yaml")
def openapi() -> Response:
    """The API's OpenAPI 3.1 description (grown by the later public-API work)."""
    return Response(OPENAPI_PATH.read_text(encoding="utf-8"), mimetype="application/yaml")
