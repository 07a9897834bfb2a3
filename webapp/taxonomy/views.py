"""taxonomy module: the place and function type-ahead endpoints used by the forms and the search box."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass

from flask import Blueprint, current_app, jsonify, request
from flask.typing import ResponseReturnValue

from webapp.taxonomy.gazetteer import get_gazetteer
from webapp.taxonomy.taxonomy import DATA_FILE
from webapp.taxonomy.text import LANGS, normalize

bp = Blueprint("taxonomy", __name__)

MAX_QUERY_LENGTH = 100
MAX_LIMIT = 20


def _error(parameter: str, message: str) -> ResponseReturnValue:
    return jsonify({"error": message, "parameter": parameter}), 400


def _limit() -> int | ResponseReturnValue:
    raw_limit = request.args.get("limit", "10")
    try:
        limit = int(raw_limit)
    except ValueError:
        return _error("limit", "limit must be an integer")
    if not 1 <= limit <= MAX_LIMIT:
        return _error("limit", f"limit must be between 1 and {MAX_LIMIT}")
    return limit


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
    limit = _limit()
    if isinstance(limit, tuple):
        return limit
    gazetteer = get_gazetteer()
    places = gazetteer.suggest(q, lang, limit)
    response = jsonify([gazetteer.describe(place, lang) for place in places])
    # Public data that changes only with a deploy: let browsers and proxies keep it a while.
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


@dataclass(frozen=True, slots=True)
class _Surface:
    key: str  # normalized: folded words joined by single spaces
    spaced: str  # " " + key: a word-start test is one substring search
    code: str
    lang: str
    text: str
    is_label: bool


_surfaces: tuple[list[_Surface], dict[str, dict[str, str]]] | None = None
_surfaces_lock = threading.Lock()


def _function_surfaces() -> tuple[list[_Surface], dict[str, dict[str, str]]]:
    """Every label and synonym of every function in the four languages, normalized once per process,
    and each function's labels. Read from the taxonomy's data file, not through ``get_taxonomy``: the
    package imports this module, and the full Taxonomy's matching index is not needed here."""
    global _surfaces
    if _surfaces is None:
        with _surfaces_lock:
            if _surfaces is None:
                data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
                items = []
                labels = {}
                for raw in data["functions"]:
                    code = raw["code"]
                    labels[code] = raw["labels"]
                    for lang in LANGS:
                        if raw["labels"].get(lang):
                            label = raw["labels"][lang]
                            items.append(
                                _Surface(normalize(label), " " + normalize(label), code, lang, label, True)
                            )
                        for synonym in raw["synonyms"].get(lang, []):
                            items.append(
                                _Surface(
                                    normalize(synonym), " " + normalize(synonym), code, lang, synonym, False
                                )
                            )
                _surfaces = ([item for item in items if item.key], labels)
    return _surfaces


def suggest_functions(q: str, lang: str | None, limit: int) -> list[dict]:
    """Functions whose label or synonym in any language starts with ``q`` (or has a word that does).

    Ranked: the whole text starting with the query before a later word; the reader's language
    before the others; labels before synonyms; shorter before longer. Each answer is labelled in
    the reader's language and says what it matched when that was another word ("fotograaf").
    """
    key = normalize(q)
    if not key:
        return []
    best: dict[str, tuple[tuple, _Surface]] = {}
    surfaces, labels = _function_surfaces()
    spaced = " " + key
    for item in surfaces:
        if spaced not in item.spaced:
            continue
        position = 0 if item.key.startswith(key) else 1
        rank = (position, item.lang != lang, not item.is_label, len(item.key), item.key)
        if item.code not in best or rank < best[item.code][0]:
            best[item.code] = (rank, item)
    out = []
    for _rank, item in sorted(best.values(), key=lambda pair: pair[0])[:limit]:
        label = labels[item.code].get(lang or "en") or labels[item.code]["en"]
        answer = {"id": item.code, "label": label}
        if normalize(label) != item.key:
            answer["matched"] = item.text
        out.append(answer)
    return out


@bp.get("/functions/suggest")
def functions_suggest() -> ResponseReturnValue:
    """Autocomplete functions: ?q=prefix&lang=nl|fr|de|en&limit=N → [{id, label, matched?}].

    Matches labels and synonyms in all four languages, answers in the reader's language: the
    function picker's type-ahead ("fotog" → Photographer in an English page).
    """
    q = (request.args.get("q") or "").strip()
    if len(q) < 1:
        return _error("q", "q must be at least 1 character")
    if len(q) > MAX_QUERY_LENGTH:
        return _error("q", f"q must be at most {MAX_QUERY_LENGTH} characters")
    lang = request.args.get("lang") or None
    if lang is not None and lang not in current_app.config.get("LANGUAGES", ("en", "nl", "fr", "de")):
        return _error("lang", "lang must be one of nl, fr, de, en")
    limit = _limit()
    if isinstance(limit, tuple):
        return limit
    response = jsonify(suggest_functions(q, lang, limit))
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response
