"""The indexer's vocabulary: documents in, queries in, hits out. Plain data, no Flask.

Every feature (members, clients; later listings, events, assignments) turns its
rows into ``Document``s; every backend answers ``SearchQuery``s with a
``SearchResult``. Field names are generic so one mapping serves every entity.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Iterable, Literal, get_args

#: Visibilities a document may have in an index. Drafts are never indexed.
VISIBILITIES = ("public", "community")

#: Searchable text fields and their lexical boosts. ``labels`` holds the
#: taxonomy labels of the row's function and sectors in nl/fr/de/en (plus
#: synonyms), which is what carries trade names across languages; ``concepts`` the words, in
#: the four languages, of the intent/object concepts the row's own text names ("mariages" →
#: wedding, huwelijk, Hochzeit …), which carries what a card offers across languages.
TEXT_FIELDS: dict[str, float] = {
    "title": 2.0,
    "labels": 3.0,
    "concepts": 1.0,
    "headline": 1.5,
    "keywords": 2.0,
    "body": 1.0,
}

#: Keyword fields every entity may fill; filterable and countable.
#: ("kind" and "type": a listing's kind and whether it is an offer or a request; "category" and
#: "group": an event's category and sector group.)
FACET_FIELDS = (
    "sector",
    "function",
    "country",
    "region",
    "city",
    "language",
    "kind",
    "type",
    "category",
    "group",
)

#: Range fields every entity may fill, and their kind. Values are lists of closed intervals
#: [start, end]; dates are UTC epoch seconds, None is an open end, a number is (v, v).
#: "when": when the thing happens (an event's occurrences); "available": availability windows;
#: "blocked": booked or unavailable periods; "years": a number such as years of experience.
RANGE_FIELDS: dict[str, str] = {"when": "date", "available": "date", "blocked": "date", "years": "number"}
#: The range field the "soonest" order reads.
SOONEST_FIELD = "when"

#: Markers around highlighted terms in ``Hit.highlights`` (private-use code points):
#: the web layer escapes the text first, then turns these into <mark>.
HL_START = "\ue000"
HL_END = "\ue001"

Mode = Literal["hybrid", "lexical", "semantic"]
Sort = Literal["relevance", "recent", "name", "distance", "soonest"]
#: How a RangeFilter relates the query's period to a document's intervals (see RangeFilter).
Relation = Literal["overlaps", "contains", "within", "disjoint"]
#: The same values as tuples, for validating request parameters.
MODES: tuple[str, ...] = get_args(Mode)
SORTS: tuple[str, ...] = get_args(Sort)
RELATIONS: tuple[str, ...] = get_args(Relation)

#: One closed interval [start, end]; None is an open end.
Interval = tuple[float | None, float | None]


def _bound(value: Any, what: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"{what} must be a number (epoch seconds for dates) or None, not {value!r}")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{what} must be finite (None is the open end), not {value!r}")
    return value


def normalise_intervals(field: str, values: Iterable[Any]) -> list[Interval]:
    """Validated intervals of one range field, sorted and with overlapping or touching ones merged.

    Merging keeps a field's intervals disjoint and ordered, so their sorted starts pair with
    their sorted ends: what Elasticsearch's sorted doc values give the "soonest" sort script.
    """
    if field not in RANGE_FIELDS:
        raise ValueError(f"unknown range field {field!r} (known: {sorted(RANGE_FIELDS)})")
    spans: list[tuple[float, float]] = []
    for value in values:
        if isinstance(value, (tuple, list)):
            if len(value) != 2:
                raise ValueError(f"{field}: an interval is (start, end), not {value!r}")
            start, end = _bound(value[0], f"{field} start"), _bound(value[1], f"{field} end")
        else:
            start = end = _bound(value, field)
            if start is None:
                raise ValueError(f"{field}: None is only allowed as an interval end")
        lo = -math.inf if start is None else start
        hi = math.inf if end is None else end
        if lo > hi:
            raise ValueError(f"{field}: interval starts after it ends: {value!r}")
        spans.append((lo, hi))
    spans.sort()
    merged: list[list[float]] = []
    for lo, hi in spans:
        if merged and lo <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], hi)
        else:
            merged.append([lo, hi])
    return [(None if lo == -math.inf else lo, None if hi == math.inf else hi) for lo, hi in merged]


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
    #: Range field (RANGE_FIELDS) → closed intervals [start, end] (dates in UTC epoch seconds,
    #: None = open end; a plain number v stands for (v, v)). Normalised on creation: sorted,
    #: overlapping or touching intervals merged, empty fields dropped.
    ranges: dict[str, list[Interval]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.visibility not in VISIBILITIES:
            raise ValueError(f"visibility must be one of {VISIBILITIES}, not {self.visibility!r}")
        unknown = set(self.fields) - set(TEXT_FIELDS)
        if unknown:
            raise ValueError(f"unknown text fields: {sorted(unknown)}")
        unknown = set(self.facets) - set(FACET_FIELDS)
        if unknown:
            raise ValueError(f"unknown facet fields: {sorted(unknown)}")
        ranges = {name: normalise_intervals(name, values) for name, values in self.ranges.items()}
        self.ranges = {name: spans for name, spans in ranges.items() if spans}


@dataclass(frozen=True)
class GeoFilter:
    lat: float
    lon: float
    radius_km: float


@dataclass(frozen=True)
class RangeFilter:
    """A hard filter on a range field, against the period [start, end] (None = unbounded).

    relation "overlaps": some interval of the document intersects the period (an event taking
    place in it); "contains": some interval contains the whole period (a listing available
    throughout); "within": some interval lies inside the period; "disjoint": no interval
    intersects it (no booked period in the way) – a document without the field passes.
    Bounds are closed: an interval ending at the period's start overlaps it. Dates are epoch
    seconds (Elasticsearch compares them to the millisecond).
    """

    field: str
    start: float | None = None
    end: float | None = None
    relation: Relation = "overlaps"

    def __post_init__(self) -> None:
        if self.field not in RANGE_FIELDS:
            raise ValueError(f"unknown range field {self.field!r} (known: {sorted(RANGE_FIELDS)})")
        if self.relation not in RELATIONS:
            raise ValueError(f"relation must be one of {RELATIONS}, not {self.relation!r}")
        start, end = _bound(self.start, "start"), _bound(self.end, "end")
        if start is not None and end is not None and start > end:
            raise ValueError(f"range filter on {self.field!r} starts after it ends")
        if self.relation == "contains" and start is None and end is None:
            # "Contains all of time" has no range-query form (Elasticsearch reads it as "exists").
            raise ValueError(f"a 'contains' filter on {self.field!r} needs a start or an end")
        object.__setattr__(self, "start", start)
        object.__setattr__(self, "end", end)


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
    #: Hard range filters (AND across filters), applied with every other filter before ranking.
    ranges: tuple[RangeFilter, ...] = ()
    #: Document ids that must neither be returned nor counted: rows the database already knows
    #: are hidden while the index has not caught up yet (the outbox still holds their change).
    exclude: tuple[str, ...] = ()
    #: Facet fields to count over the filtered result set.
    facets: tuple[str, ...] = ()
    #: "relevance" needs text; without text the backend falls back to "recent". "distance" needs
    #: ``geo`` or ``near`` (nearest first). "soonest": by the start of the first ``when`` interval
    #: ending at or after ``soonest_from()``; documents without one last; ties by score, then id.
    sort: Sort = "relevance"
    #: Lower bound of the "soonest" order (UTC epoch seconds); see ``soonest_from``.
    sort_from: float | None = None
    offset: int = 0
    limit: int = 20

    def soonest_from(self) -> float | None:
        """Where "soonest" starts looking: ``sort_from``, else the start of an "overlaps" filter
        on ``when`` (events in a period are ordered from that period on), else no lower bound."""
        if self.sort_from is not None:
            return float(self.sort_from)
        for flt in self.ranges:
            if flt.field == SOONEST_FIELD and flt.relation == "overlaps" and flt.start is not None:
                return flt.start
        return None


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
