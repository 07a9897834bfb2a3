"""The app's handle on the indexer: one SearchService per app, and searching with a fallback.

``run_search`` never fails a page and never waits on a remote backend: if the backend fails,
the answer comes from the entity's database fallback, flagged degraded, and a circuit breaker
keeps further requests off it for a while (CHECKLIST 34). Building the service talks to the
backend (Elasticsearch: the cluster, the aliases, the mappings), so for a remote backend the
request path never builds it: it starts the build in a background thread and answers from
the database until the service exists; a failed build opens the breaker like a failed search.
The embedded backend is local (it loads files and the encoders), so requests wait for it.
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


def _lock(app: Flask) -> threading.Lock:
    """One build at a time per app (dict.setdefault is atomic, so two threads get the same lock)."""
    return app.extensions.setdefault("kring_search_lock", threading.Lock())


def _build(app: Flask):  # -> indexer.service.SearchService
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
        ca_certs=cfg.get("ELASTICSEARCH_CA_CERTS"),
        ca_fingerprint=cfg.get("ELASTICSEARCH_CA_FINGERPRINT"),
        api_key=cfg.get("ELASTICSEARCH_API_KEY"),
    )
    try:
        embedders = load_embedders(cfg["EMBEDDING_MODEL"], cache_dir=cfg["MODEL_CACHE_DIR"])
        service = SearchService(backend, embedders)
        for name in entities(app):
            service.ensure_index(name)
    except BaseException:
        backend.close()
        raise
    return service


def get_service():  # -> indexer.service.SearchService
    """The app's SearchService (backend + embedders), created once per app; waits while it is built.

    For CLI commands and the outbox workers, which may wait. Requests go through
    ``request_service``."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    service = app.extensions.get("kring_search_service")
    if service is not None:
        return service
    with _lock(app):
        service = app.extensions.get("kring_search_service")
        if service is None:
            service = _build(app)
            app.extensions["kring_search_service"] = service
            app.extensions.pop("kring_search_breaker", None)
    return service


def is_remote(app: Flask) -> bool:
    """A backend behind the network (it can hang); the embedded one is files and memory."""
    return app.config.get("SEARCH_BACKEND") != "embedded"


def _build_in_background(app: Flask) -> None:
    lock = _lock(app)
    if not lock.acquire(blocking=False):
        return  # a build is already under way
    try:
        if app.extensions.get("kring_search_service") is None:
            app.extensions["kring_search_service"] = _build(app)
            app.extensions.pop("kring_search_breaker", None)
    except Exception:  # noqa: BLE001 - any failure to reach the backend: answer from the database
        log.exception("search backend could not be set up; answering from the database")
        app.extensions["kring_search_breaker"] = time.monotonic()
    finally:
        lock.release()


def request_service():  # -> indexer.service.SearchService | None
    """The service if a request may use it now; None while a remote backend is still being set up.

    A remote backend's service is built in a background thread (one at a time), so no request
    ever waits on the network or on another request's build."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    service = app.extensions.get("kring_search_service")
    if service is not None or not is_remote(app):
        return service if service is not None else get_service()
    if not _lock(app).locked():
        threading.Thread(target=_build_in_background, args=(app,), name="search-setup", daemon=True).start()
    return None


def close_service(app: Flask) -> None:
    service = app.extensions.pop("kring_search_service", None)
    if service is not None:
        service.backend.close()


def breaker_open(app: Flask) -> bool:
    """True for BREAKER_SECONDS after the backend failed (a search, or setting the service up)."""
    return (
        time.monotonic() - app.extensions.get("kring_search_breaker", -BREAKER_SECONDS - 1) <= BREAKER_SECONDS
    )


def run_search(query: SearchQuery) -> SearchResult:
    """Search through the backend; if it fails or is not ready, answer from the database, flagged degraded.

    A failure opens a circuit for BREAKER_SECONDS so a dead backend costs nothing per request.
    """
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    spec = entities(app)[query.entity]
    if not breaker_open(app):
        try:
            service = request_service()
            if service is not None:
                return service.search(query)
        except Exception:  # noqa: BLE001 - any backend failure degrades to the database
            log.exception("search backend failed; answering from the database")
            app.extensions["kring_search_breaker"] = time.monotonic()
    if spec.fallback is None:
        return SearchResult(total=0, hits=[], backend="none", degraded=True)
    result = spec.fallback(query)
    result.degraded = True
    return result


__all__ = [
    "BREAKER_SECONDS",
    "breaker_open",
    "close_service",
    "get_service",
    "is_remote",
    "request_service",
    "run_search",
]
