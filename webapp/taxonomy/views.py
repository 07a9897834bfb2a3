"""taxonomy module: the place autocomplete endpoint used by profile forms and the search box."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request
from flask.typing import ResponseReturnValue

from webapp.taxonomy.gazetteer import get_gazetteer

bp = Blueprint("taxonomy", __name__)

MAX_QUERY_LENGTH = 100
MAX_LIMIT = 20


def _error(parameter: str, message: str) -> ResponseReturnValue:
    return jsonify({"error": message, "parameter": parameter}), 400


@bp.get("/places/suggest")
def places_suggest() -> ResponseReturnValue:
    """Autocomplete places: ?q=prefix&lang=nl|fr|de|en&limit=N → [{id, label, country, region, ...}]."""
    q = (request.args.get("q") or "").strip()
    if len(q) < 2:
        return _error("q", "q must be at least 2 characters")
    if len(q) > MAX_QUERY_LENGTH:
        return _error("q", f"q must be at most {MAX_QUERY_LENGTH} characters")
    lang = request.args.get("lang") or None
    if lang is not None and lang not in current_app.config.get("LANGUAGES", ("en", "nl", "fr", "de")):
        return _error("lang", "lang must be one of nl, fr, de, en")
    raw_limit = request.args.get("limit", "10")
    try:
        limit = int(raw_limit)
    except ValueError:
        return _error("limit", "limit must be an integer")
    if not 1 <= limit <= MAX_LIMIT:
        return _error("limit", f"limit must be between 1 and {MAX_LIMIT}")
    gazetteer = get_gazetteer()
    places = gazetteer.suggest(q, lang, limit)
    response = jsonify([gazetteer.describe(place, lang) for place in places])
    # Public data that changes only with a deploy: let browsers and proxies keep it a while.
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response
