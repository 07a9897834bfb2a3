"""JSON API v1: read-only, csrf-exempt (create_app), documented in openapi.yaml.

Generic over entities: every entity registered with an ``ApiSpec`` (members today; listings
and events next) answers ``/api/v1/<collection>/search`` with the same search its HTML page
runs, and ``/api/v1/<collection>/<id>`` with one row. Visibility is the platform's:
anonymous callers see public rows, signed-in (session) callers also community rows, drafts
never. E-mail addresses never appear in any answer; contact goes through the relay.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, abort, request
from flask_login import current_user

from webapp.core.permissions import visible_visibilities
from webapp.core.search import EntitySpec, api_entity
from webapp.core.search.page import SearchPage, run
from webapp.core.search.params import ParamError

bp = Blueprint("api", __name__, url_prefix="/api/v1")

OPENAPI_PATH = Path(__file__).with_name("openapi.yaml")


def _dumps(payload: Any) -> str:
    """JSON with <, > and & as \\u escapes: the same data, but no markup even if sniffed as HTML."""
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _json(payload: Any, status: int = 200) -> Response:
    response = Response(_dumps(payload), status=status, mimetype="application/json")
    # Visibility depends on the session cookie and an unpublished row must vanish at once:
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
        # "within": a radius filter; "near": nearer first, nothing left out (place_mode switches).
        "mode": page.place.mode,
        "from_text": page.place.from_text,
    }


def _wider(page: SearchPage) -> list[dict[str, Any]]:
    """Counts of a wider radius and of everywhere, when few cards lie within the radius."""
    if page.widen is None:
        return []
    return [
        {"radius_km": link.args.get("radius_km") and float(link.args["radius_km"]), "total": link.count}
        for link in page.widen.options
    ]


def search_payload(spec: EntitySpec, page: SearchPage) -> dict[str, Any]:
    """The documented shape (openapi.yaml: MemberSearchResult), the same for every collection."""
    api = spec.api
    if api is None:
        raise LookupError(f"{spec.name!r} is not in the API")
    return {
        "total": page.total,
        "page": page.params.page,
        "per_page": page.params.per_page,
        "query": {
            "text": page.text,
            "place": _place(page),
            "sectors": list(dict.fromkeys(page.sectors)),
            "functions": list(dict.fromkeys(page.functions)),
            # The recognised trade (function codes, else sector codes) results are matched against.
            "trade": list(page.trade),
            "wider": _wider(page),
            "unknown_place": page.unknown_place,
            "did_you_mean": page.did_you_mean.label if page.did_you_mean is not None else None,
        },
        "no_good_match": page.no_good_match,
        "results": [
            {
                "id": r.id,
                **api.result(r),
                "distance_km": r.distance_km,
                "score": r.score,
                "why": r.why,
                "of_trade": r.of_trade,
            }
            for r in page.results
        ],
        "facets": {
            name: [{"key": v.key, "label": v.label, "count": v.count} for v in page.facets.get(name, [])]
            for name in api.facets
        },
        "degraded": page.degraded,
    }


def _entity(collection: str) -> EntitySpec:
    spec = api_entity(collection)
    if spec is None or spec.load is None or spec.page is None:
        abort(404)
    return spec


@bp.get("/<collection>/search")
def search(collection: str) -> Response:
    """Search a collection: the same search its HTML page runs."""
    spec = _entity(collection)
    try:
        page = run(spec.name, request.args, current_user, facets=spec.api.facets)  # type: ignore[union-attr]
    except ParamError as exc:
        return param_error(exc)
    return _json(search_payload(spec, page))


@bp.get("/<collection>/<int:item_id>")
def detail(collection: str, item_id: int) -> Response:
    """One row the caller may see; anything else (draft, community when anonymous, missing) is 404."""
    spec = _entity(collection)
    row = spec.load([item_id]).get(item_id)  # type: ignore[misc]
    # Search visibility rules, not ownership: the API shows published rows only, even to their owner.
    if row is None or row.visibility not in visible_visibilities(current_user):
        abort(404)
    return _json(spec.api.detail(row))  # type: ignore[union-attr]


@bp.get("/openapi.yaml")
def openapi() -> Response:
    """The API's OpenAPI 3.1 description (grown by the later public-API work)."""
    return Response(OPENAPI_PATH.read_text(encoding="utf-8"), mimetype="application/yaml")
