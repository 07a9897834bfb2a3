"""The indexer's vocabulary: documents in, queries in, hits out. Plain data, no Flask.

Every feature (members, clients; later listings, events, assignments) turns its
rows into ``Document``s; every backend answers ``SearchQuery``s with a
``SearchResult``. Field names are generic so one mapping serves every entity.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, get_args

#: Visibilities a document may have in an index. Drafts are never indexed.
VISIBILITIES = ("public", "community")

#: Searchable text fields and their lexical boosts. ``labels`` holds the
#: taxonomy labels of the row's function and sectors in nl/fr/de/en (plus
#: synonyms), which is what carries trade names across languages.
TEXT_FIELDS: dict[str, float] = {
    "title": 2.0,
    "labels": 3.0,
    "headline": 1.5,
    "keywords": 2.0,
    "body": 1.0,
}

#: Keyword fields every entity may fill; filterable and countable.
FACET_FIELDS = ("sector", "function", "country", "region", "city", "language", "kind")

#: Markers around highlighted terms in ``Hit.highlights`` (private-use code points):
#: the web layer escapes the text first, then turns these into <mark>.
HL_START = "\ue000"
HL_END = "\ue001"

Mode = Literal["hybrid", "lexical", "semantic"]
Sort = Literal["relevance", "recent", "name", "distance"]
#: The same values as tuples, for validating request parameters.
MODES: tuple[str, ...] = get_args(Mode)
SORTS: tuple[str, ...] = get_args(Sort)


@dataclass
class Document:
    """One row as the search index sees it."""

    id: str
    #: Grows with every change of the row (e.g. updated_at in microseconds);
    #: a write with a lower version than the stored one is ignored.
    version: int
    visibility: str
    fields: dict[str, str]
    facets: dict[str, list[str]] = field(default_factory=dict)
    #: (lat, lon) in degrees, or None.
    location: tuple[float, float] | None = None
    #: Language the row is written in ("nl", "fr", "de", "en"), if known.
    lang: str | None = None
    #: What the encoders read (usually title, labels, headline, keywords, body).
    embed_text: str = ""
    #: Sort keys: "name" (str) and "recent" (float timestamp).
    sort: dict[str, Any] = field(default_factory=dict)
    #: Display data returned with hits. Nothing private goes in here.
    payload: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.visibility not in VISIBILITIES:
            raise ValueError(f"visibility must be one of {VISIBILITIES}, not {self.visibility!r}")
        unknown = set(self.fields) - set(TEXT_FIELDS)
        if unknown:
            raise ValueError(f"unknown text fields: {sorted(unknown)}")
        unknown = set(self.facets) - set(FACET_FIELDS)
        if unknown:
            raise ValueError(f"unknown facet fields: {sorted(unknown)}")


@dataclass(frozen=True)
class GeoFilter:
    lat: float
    lon: float
    radius_km: float


@dataclass
class SearchQuery:
    """What to look for. Built by the web layer's query understanding."""

    entity: str
    text: str = ""
    mode: Mode = "hybrid"
    #: Visibilities the caller may see: ("public",) anonymously, both when signed in.
    visibility: tuple[str, ...] = ("public",)
    #: Hard filters: facet field → accepted values (OR within a field, AND across fields).
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: Hard radius filter (a place named with a cue word, or explicit place + radius parameters).
    geo: GeoFilter | None = None
    #: Proximity preference without filtering (a place recognised without a cue): documents
    #: within ``radius_km`` rank higher, nothing is dropped. Distances are reported from
    #: ``geo`` or, failing that, from ``near``.
    near: GeoFilter | None = None
    #: Soft preferences: facet field → values whose documents rank higher.
    #: A guessed function/sector boosts; it never drops a good match lacking the tag.
    boosts: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: Extra lexical terms (e.g. the English labels of a recognised Dutch trade name).
    expansions: tuple[str, ...] = ()
    #: The query's language as guessed by query understanding; steers fusion weights.
    lang: str | None = None
    #: Facet fields to count over the filtered result set.
    facets: tuple[str, ...] = ()
    #: "relevance" needs text; without text the backend falls back to "recent".
    sort: Sort = "relevance"
    offset: int = 0
    limit: int = 20


@dataclass
class Explanation:
    """One reason a hit ranks where it does; the web layer renders it in the user's language.

    kinds: "lexical" {"terms": [...], "fields": [...]}, "semantic" {"similarity": float, "model": str},
    "boost" {"facet": str, "value": str}, "distance" {"km": float}.
    """

    kind: str
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass
class Hit:
    id: str
    score: float
    payload: dict[str, Any] = field(default_factory=dict)
    distance_km: float | None = None
    #: field → snippet (unescaped) with matched terms between HL_START and HL_END.
    highlights: dict[str, str] = field(default_factory=dict)
    why: list[Explanation] = field(default_factory=list)
    #: leg name ("lexical" or an embedder name) → (1-based rank, raw score).
    legs: dict[str, tuple[int, float]] = field(default_factory=dict)


@dataclass
class SearchResult:
    total: int
    hits: list[Hit]
    #: facet field → [(value, count)], most frequent first.
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    took_ms: float = 0.0
    backend: str = ""
    #: True when the answer came from a fallback (backend down) and may be incomplete.
    degraded: bool = False


@dataclass
class BulkReport:
    indexed: int = 0
    #: Writes skipped because the index already held a newer version.
    stale: int = 0
    #: id → error message for documents that failed.
    errors: dict[str, str] = field(default_factory=dict)
