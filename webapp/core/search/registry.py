"""What a module tells the platform about each of its searchable entities.

One ``EntitySpec`` per entity (members, clients; listings, events, assignments next) drives
everything generic: the outbox worker (build documents from row ids), rebuilds (which rows
exist), the database fallback, the search page (filters, facets, how a hit is shown) and the
JSON API. A module registers its specs in its ``init_app``; nothing here knows any module.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Sequence

from flask import Flask, current_app

from indexer.types import Document, SearchQuery, SearchResult


def default_tags(row: Any) -> list[tuple[str, str]]:
    """The row's own taxonomy tags (kind, code): its sectors, and its function when it has one."""
    tags = [("sector", code) for code in getattr(row, "sectors", ())]
    function = getattr(row, "function_code", None)
    if function:
        tags.append(("function", function))
    return tags


@dataclass
class PageSpec:
    """How the entity's search page (and the API's search) reads parameters and shows hits."""

    #: Facet fields counted for the page, in display order.
    facets: tuple[str, ...]
    #: Filter parameters accepted (names of webapp.core.search.params.FILTERS); recognised trade
    #: names boost only entities that accept a "function" filter.
    filters: tuple[str, ...]
    #: The row's name as a result title.
    title: Callable[[Any], str]
    #: One line under the title (a headline, a short description).
    summary: Callable[[Any], str] = lambda row: ""
    #: Entity-specific display fields of a result (a member's trade label, photo…), in ``lang``.
    present: Callable[[Any, str], dict[str, Any]] = lambda row, lang: {}
    #: The row's taxonomy tags, which the "why" line uses to leave out words they already say.
    tags: Callable[[Any], list[tuple[str, str]]] = default_tags
    #: Text fields whose highlighted snippet a result shows, in order of preference.
    snippet_fields: tuple[str, ...] = ("headline", "body", "keywords")
    #: Label of the "search without words" suggestion ("Browse all cards without search words").
    browse_label: Callable[[], str] | None = None
    #: Filters of the entity's own beyond the platform's (name → parser, see params.FILTERS).
    filter_parsers: dict[str, Callable[..., tuple[str, ...]]] = field(default_factory=dict)
    #: Labels of the entity's own facet values (field → (key, lang) → label).
    facet_labels: dict[str, Callable[[str, str], str]] = field(default_factory=dict)
    #: Period / number parameters (webapp.core.search.params.RangeParam) → range filters.
    ranges: tuple[Any, ...] = ()
    #: Orders the page offers (params.DEFAULT_SORTS, or with "soonest" for dated entities).
    sorts: tuple[str, ...] = ("relevance", "recent", "name", "distance")
    #: The order without search words and without a place ("recent"; "soonest" for events).
    browse_sort: str = "recent"
    #: ids → {id: row} with only what a result list shows, in one query (default: EntitySpec.load,
    #: which may load more for documents and detail pages).
    hydrate: Callable[[Sequence[int]], dict[int, Any]] | None = None


@dataclass
class ApiSpec:
    """The entity in the JSON API: /api/v1/<collection>/search and /api/v1/<collection>/<id>."""

    collection: str
    #: Facets the API search answers with, in this order.
    facets: tuple[str, ...]
    #: One search result (webapp.core.search.page.Result) → its JSON fields besides the common ones.
    result: Callable[[Any], dict[str, Any]]
    #: One row the caller may see → its JSON document.
    detail: Callable[[Any], dict[str, Any]]


@dataclass
class EntitySpec:
    name: str
    #: The model whose rows are this entity's documents (``entity_of`` maps rows back to ``name``).
    model: type
    #: ids → {id: Document, or None when the row must leave the index (draft, hidden, deleted)}.
    build: Callable[[list[int]], dict[int, Document | None]]
    #: ids of every row that may be indexed (a rebuild builds from these).
    all_ids: Callable[[], Iterable[int]]
    #: ids → {id: row}, with what hydration needs loaded (one query per table, no N+1).
    load: Callable[[Sequence[int]], dict[int, Any]] | None = None
    #: Answer from the database when the backend is down (filters only, plain text match).
    fallback: Callable[[SearchQuery], SearchResult] | None = None
    page: PageSpec | None = None
    api: ApiSpec | None = None
    #: Bump when ``build`` puts something new into the documents: at start every row of the entity
    #: is queued for re-indexing once (webapp.core.search.outbox.requeue_outdated).
    document_version: int = 1


def register_entity(app: Flask, spec: EntitySpec) -> None:
    app.extensions.setdefault("kring_search_entities", {})[spec.name] = spec


def entities(app: Flask | None = None) -> dict[str, EntitySpec]:
    app = app or current_app
    return app.extensions.get("kring_search_entities", {})


def entity_of(row: Any) -> str:
    """The entity name a row is indexed under (its model's registration)."""
    for spec in entities().values():
        if isinstance(row, spec.model):
            return spec.name
    raise LookupError(f"no search entity is registered for {type(row).__name__}")


def api_entity(collection: str) -> EntitySpec | None:
    """The entity published in the API as ``collection`` ("members"), if any."""
    for spec in entities().values():
        if spec.api is not None and spec.api.collection == collection:
            return spec
    return None


__all__ = [
    "ApiSpec",
    "EntitySpec",
    "PageSpec",
    "api_entity",
    "default_tags",
    "entities",
    "entity_of",
    "register_entity",
]
