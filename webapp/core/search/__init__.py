"""Search on the platform: the entity registry, the outbox, the service, generic search pages.

Submodules: ``registry`` (what modules register), ``outbox`` (writes → index), ``service``
(the indexer handle, fallback and breaker), ``fallback`` (database answers), ``params``,
``page`` and ``explain`` (a search page for any registered entity), ``cli`` (`flask indexer`).
The names below are the ones modules use.
"""

from __future__ import annotations

from webapp.core.search.outbox import (
    SEARCH_WORKER,
    DrainReport,
    drain_all,
    drain_search,
    drain_step,
    iter_documents,
    outbox_status,
    queue_index,
    reindex,
    wake_indexer,
)
from webapp.core.search.registry import (
    ApiSpec,
    EntitySpec,
    PageSpec,
    api_entity,
    entities,
    entity_of,
    register_entity,
)
from webapp.core.search.service import BREAKER_SECONDS, breaker_open, close_service, get_service, run_search

__all__ = [
    "BREAKER_SECONDS",
    "breaker_open",
    "SEARCH_WORKER",
    "ApiSpec",
    "DrainReport",
    "EntitySpec",
    "PageSpec",
    "api_entity",
    "close_service",
    "drain_all",
    "drain_search",
    "drain_step",
    "entities",
    "entity_of",
    "get_service",
    "iter_documents",
    "outbox_status",
    "queue_index",
    "register_entity",
    "reindex",
    "run_search",
    "wake_indexer",
]
