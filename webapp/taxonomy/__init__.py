"""Taxonomy (sectors, functions in nl/fr/de/en) and the place gazetteer.

Flask-free: both load once per process and are shared. The gazetteer follows the app's
GAZETTEER_COUNTRIES (and caches under MODEL_CACHE_DIR) when called inside an app context.
"""

from __future__ import annotations

import threading

from flask import Flask

from webapp.taxonomy.gazetteer import Gazetteer, Place, get_gazetteer, haversine_km
from webapp.taxonomy.taxonomy import Entry, Taxonomy, TermMatch, load_taxonomy

__all__ = [
    "Entry",
    "Gazetteer",
    "Place",
    "Taxonomy",
    "TermMatch",
    "get_gazetteer",
    "get_taxonomy",
    "haversine_km",
    "init_app",
]

_lock = threading.Lock()
_taxonomy: Taxonomy | None = None


def get_taxonomy() -> Taxonomy:
    """The process-wide taxonomy (built on first use)."""
    global _taxonomy
    if _taxonomy is None:
        with _lock:
            if _taxonomy is None:
                _taxonomy = load_taxonomy()
    return _taxonomy


def init_app(app: Flask) -> None:
    """The place autocomplete endpoint (/places/suggest)."""
    from webapp.taxonomy.views import bp

    app.register_blueprint(bp)
