"""The app's handle on the indexer: one SearchService per app, and searching with a fallback.

``run_search`` never fails a page: if the backend fails, the answer comes from the entity's
database fallback, flagged degraded, and a circuit breaker keeps further requests off a dead
backend for a while (CHECKLIST 34).
"""

from __future__ import annotations

import logging
import threading
import time

from flask import Flask, current_app

from indexer.types import SearchQuery, SearchResult
from webapp.core.search.registry import entities

log = logging.getLogger(__name__)

BREAKER_SECONDS = 30.0

_service_lock = threading.Lock()


def get_service():  # -> indexer.service.SearchService
    """The app's SearchService (backend + embedders), created once per app."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    service = app.extensions.get("kring_search_service")
    if service is not None:
        return service
    with _service_lock:
        service = app.extensions.get("kring_search_service")
        if service is None:
            from indexer.backends import create_backend
            from indexer.embeddings import load_embedders
            from indexer.service import SearchService

            cfg = app.config
            backend = create_backend(
                cfg["SEARCH_BACKEND"],
                data_dir=cfg["DATA_DIR"],
                url=cfg.get("ELASTICSEARCH_URL"),
                prefix=cfg["SEARCH_INDEX_PREFIX"],
                timeout=cfg["SEARCH_TIMEOUT_S"],
            )
            embedders = load_embedders(cfg["EMBEDDING_MODEL"], cache_dir=cfg["MODEL_CACHE_DIR"])
            service = SearchService(backend, embedders)
            for name in entities(app):
                service.ensure_index(name)
            app.extensions["kring_search_service"] = service
    return service


def close_service(app: Flask) -> None:
    service = app.extensions.pop("kring_search_service", None)
    if service is not None:
        service.backend.close()


def run_search(query: SearchQuery) -> SearchResult:
    """Search through the backend; if it fails, answer from the database, flagged degraded.

    A failure opens a circuit for BREAKER_SECONDS so a dead backend costs nothing per request.
    """
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    spec = entities(app)[query.entity]
    opened_at = app.extensions.get("kring_search_breaker", 0.0)
    if time.monotonic() - opened_at > BREAKER_SECONDS:
        try:
            return get_service().search(query)
        except Exception:  # noqa: BLE001 - any backend failure degrades to the database
            log.exception("search backend failed; answering from the database")
            app.extensions["kring_search_breaker"] = time.monotonic()
    if spec.fallback is None:
        return SearchResult(total=0, hits=[], backend="none", degraded=True)
    result = spec.fallback(query)
    result.degraded = True
    return result


__all__ = ["BREAKER_SECONDS", "close_service", "get_service", "run_search"]
