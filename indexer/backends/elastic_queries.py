"""Pure request builders and response readers for the Elasticsearch backend.

Everything here takes plain data (``SearchQuery``, ``Document``, dicts) and returns
plain dicts, so the requests are tested by comparing them to literal dicts without a
server (the warehouse ``tests/unit/test_search.py`` approach). ``elastic.py`` only
sends what these functions build.

Decisions that shape the requests (see the Elasticsearch facts in issue 3):

- Every filter (visibility, facets, geo radius) goes *inside* ``knn.filter``: a filter
  beside the kNN section is applied after the top-k is picked and returns fewer hits.
- ``num_candidates`` is about 10×k (capped at Elasticsearch's 10,000).
- Totals, facet counts and pages cover the embedded backend's match set: BM25 matches
  scoring at least ``fusion.LEXICAL_MATCH_FLOOR`` of the best one, plus the vector
  neighbours fusion keeps. When the BM25 leg did not bring back every such match, one
  more request counts them (``match_set_body``: the BM25 query or the kNN neighbours' ids,
  ``min_score`` at the floor); it also serves the page of a text query in another order
  than relevance, sorted by Elasticsearch. kNN aggregations alone would only see the top k.
- Range filters are ``range`` queries on ``date_range``/``double_range`` fields (relation
  INTERSECTS, CONTAINS, WITHIN; ``must_not`` INTERSECTS for disjoint), in every leg with
  the other filters. The "soonest" order is a Painless script over ``when_starts`` and
  ``when_ends`` (the intervals' bounds as sorted doc values: intervals are merged, so the
  i-th start pairs with the i-th end).
- The ``rrf`` retriever needs an Enterprise licence (403 on Basic), so hybrid
  retrieval is one ``_msearch`` (BM25 + one kNN request per embedder) fused on the
  client; ``retriever_body`` exists for licensed clusters only.
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

import numpy as np

from indexer import fusion
from indexer.geo import haversine_km
from indexer.types import (
    FACET_FIELDS,
    HL_END,
    HL_START,
    RANGE_FIELDS,
    SOONEST_FIELD,
    TEXT_FIELDS,
    Document,
    GeoFilter,
    RangeFilter,
    SearchQuery,
)

#: search_config/ at the repository root: settings, mappings and the vector field template.
CONFIG_DIR = Path(__file__).resolve().parents[2] / "search_config"
#: Generated from the taxonomy by the taxonomy helper (Solr synonym format).
SYNONYM_FILES = ("functions.txt", "sectors.txt")

#: Languages with their own analyzed subfield on every text field.
LANGS = ("nl", "fr", "de", "en")

# --- named weights (tuned together with indexer/fusion.py's leg weights) ---------------
#: multi_match over the subfields of one field: best subfield + this share of the others.
TIE_BREAKER = 0.3
#: Typo tolerance of the BM25 leg (``_fuzzy_match``): the first letter must be right (typos
#: there are rare, and it keeps the term expansion small), at most this many variants per word.
FUZZY_PREFIX_LENGTH = 1
FUZZY_MAX_EXPANSIONS = 20
#: Terms aggregation size per facet.
FACET_SIZE = 50
#: num_candidates = NUM_CANDIDATES_FACTOR × k, capped by Elasticsearch's limit.
NUM_CANDIDATES_FACTOR = 10
MAX_NUM_CANDIDATES = 10_000
#: Hits the BM25 leg returns for fusion: twice the page's end for the first pages (fusion sees
#: some depth), at least the page's end for deeper ones (every page up to the total is filled),
#: never beyond Elasticsearch's result window (index.max_result_window, 10,000 by default).
MIN_LEG_DEPTH = 50
MAX_LEG_DEPTH = 500
MAX_RESULT_WINDOW = 10_000
#: Stands for an open interval end in ``when_starts``/``when_ends`` (doubles cannot hold ±inf
#: in JSON); far beyond any epoch second a document carries.
OPEN_BOUND = 1.0e300
#: Doc-value fields the "soonest" script reads: the starts and the ends of ``when``'s intervals.
SOONEST_STARTS = f"{SOONEST_FIELD}_starts"
SOONEST_ENDS = f"{SOONEST_FIELD}_ends"
#: The start of the first interval ending at or after params.from; documents without one last.
SOONEST_SCRIPT = (
    f"def starts = doc['{SOONEST_STARTS}']; def ends = doc['{SOONEST_ENDS}']; "
    "for (int i = 0; i < ends.size(); ++i) { if (ends[i] >= params.from) { return starts[i]; } } "
    "return Double.MAX_VALUE;"
)
#: RangeFilter relations as range-query relations (disjoint = must_not INTERSECTS).
RANGE_RELATIONS = {
    "overlaps": "INTERSECTS",
    "contains": "CONTAINS",
    "within": "WITHIN",
    "disjoint": "INTERSECTS",
}
#: Highlight fragment length for the long ``body`` field (other fields are shown whole).
BODY_FRAGMENT_SIZE = 160
#: Reciprocal-rank constant for the licensed ``rrf`` retriever.
RRF_RANK_CONSTANT = 60
#: Versions are the row's own (external): Elasticsearch refuses (409, counted as stale) a
#: write whose version is lower than the stored one. ``external_gte`` rather than
#: ``external`` because the protocol skips only *lower* versions: an equal version is the
#: same row state and may be written again (a retried batch, a document builder that
#: changed, a new embedder's vectors), as the embedded backend does.
VERSION_TYPE = "external_gte"

_NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")


# --- names ------------------------------------------------------------------------------


def _check_name(part: str, what: str) -> str:
    if not _NAME_RE.match(part) or ".." in part:
        raise ValueError(
            f"{what} {part!r} is not a valid Elasticsearch index name part (lowercase a-z0-9_.-)"
        )
    return part


def alias_name(prefix: str, entity: str) -> str:
    """The stable name every read and write goes through: ``<prefix>-<entity>``."""
    return f"{_check_name(prefix, 'prefix')}-{_check_name(entity, 'entity')}"


def building_alias(prefix: str, entity: str) -> str:
    """Alias on an index being rebuilt, so writers in any process also write there."""
    return f"{alias_name(prefix, entity)}-building"


def index_name(prefix: str, entity: str, when: datetime | None = None) -> str:
    """A concrete index ``<prefix>-<entity>-<UTC timestamp>`` behind the alias."""
    when = when or datetime.now(UTC)
    return f"{alias_name(prefix, entity)}-{when.astimezone(UTC):%Y%m%dt%H%M%S%f}"


def lock_index_name(prefix: str) -> str:
    """The small index holding one rebuild lock document per entity. Entity names start with
    a letter or digit, so ``<prefix>-_locks`` can never be an entity's alias."""
    return f"{_check_name(prefix, 'prefix')}-_locks"


def initial_index_name(prefix: str, entity: str) -> str:
    """The first index of an entity, made by ``ensure_index``: a fixed name, so web workers
    starting together create it once (the others get resource_already_exists) instead of
    several timestamped indices behind one alias. Rebuilds make timestamped ones."""
    return f"{alias_name(prefix, entity)}-initial"


def vector_field(embedder: str) -> str:
    """The dense_vector field of one embedder; dots and other characters become ``_``."""
    safe = re.sub(r"[^a-z0-9_]", "_", embedder.lower())
    if not safe.strip("_"):
        raise ValueError(f"embedder name {embedder!r} gives no usable field name")
    return f"vec_{safe}"


# --- index configuration ----------------------------------------------------------------


@lru_cache(maxsize=8)
def _read_json(path: str) -> str:
    return Path(path).read_text(encoding="utf-8")


def load_json(name: str, config_dir: Path = CONFIG_DIR) -> dict[str, Any]:
    """A fresh copy of one search_config file (callers may change it)."""
    return json.loads(_read_json(str(config_dir / name)))


def config_version(config_dir: Path = CONFIG_DIR) -> int:
    return int(load_json("mappings.json", config_dir)["_meta"]["kring"]["config_version"])


def load_synonyms(synonyms_dir: Path | None = None) -> list[str]:
    """Solr-format rules from the taxonomy's synonym files; [] when none exist yet."""
    directory = synonyms_dir if synonyms_dir is not None else CONFIG_DIR / "synonyms"
    rules: list[str] = []
    for name in SYNONYM_FILES:
        path = directory / name
        if not path.is_file():
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if line and not line.startswith("#"):
                rules.append(line)
    return rules


def vector_mapping(dims: int, config_dir: Path = CONFIG_DIR) -> dict[str, Any]:
    """One embedder's dense_vector mapping: int8_hnsw set explicitly (ES 9.1+ would
    otherwise pick bbq_hnsw for >= 384 dims, which needs rescoring)."""
    if dims <= 0:
        raise ValueError(f"dims must be positive, not {dims}")
    field = load_json("vector_field.json", config_dir)
    field["dims"] = int(dims)
    return field


def index_body(
    dims: Mapping[str, int],
    synonyms: Sequence[str] | None = None,
    config_dir: Path = CONFIG_DIR,
) -> dict[str, Any]:
    """Settings and mappings for a new index of any entity.

    Synonym rules are inlined into the ``synonym_graph`` filter, which only the folded
    subfield's search analyzer uses (lowercase and asciifolding before it, nothing after it):
    a stop filter after synonym_graph corrupts the token graph of every multi-word synonym
    holding a stop word ("ingénieur du son", "chef de chœur"), one before it makes such rules
    unparsable. The language subfields analyze queries as documents: stop words and stems,
    no synonyms. Without rules the filter is removed (index creation would fail on an empty
    rule list). ``_meta.kring.config_hash`` records the configuration (``config_hash``).
    """
    settings, mappings = _base_config(synonyms, config_dir)
    mappings["_meta"]["kring"]["config_hash"] = config_hash(synonyms, config_dir)
    for name, size in sorted(dims.items()):
        mappings["properties"][vector_field(name)] = vector_mapping(size, config_dir)
    mappings["_meta"]["kring"]["embedders"] = {name: int(size) for name, size in sorted(dims.items())}
    return {"settings": settings, "mappings": mappings}


def _base_config(
    synonyms: Sequence[str] | None, config_dir: Path = CONFIG_DIR
) -> tuple[dict[str, Any], dict[str, Any]]:
    """settings.json and mappings.json with the synonym rules inlined (no vector fields yet)."""
    settings = load_json("settings.json", config_dir)
    mappings = load_json("mappings.json", config_dir)
    analysis = settings["index"]["analysis"]
    if synonyms:
        analysis["filter"]["kring_synonyms"]["synonyms"] = list(synonyms)
    else:
        del analysis["filter"]["kring_synonyms"]
        for analyzer in analysis["analyzer"].values():
            analyzer["filter"] = [f for f in analyzer.get("filter", []) if f != "kring_synonyms"]
    return settings, mappings


def config_hash(synonyms: Sequence[str] | None = None, config_dir: Path = CONFIG_DIR) -> str:
    """A digest of everything an index is created with except the embedders' dims: settings,
    analyzers, synonym rules, mappings and the vector field template.

    Stored in the index's ``_meta`` at creation, so ``ensure_index`` notices a changed
    analyzer, synonym or shard setting that ``config_version`` alone would not (settings
    cannot be compared as read back: Elasticsearch normalises and adds to them). ``_meta``
    itself (version, notes) is left out; the version is compared on its own.
    """
    settings, mappings = _base_config(synonyms, config_dir)
    mappings.pop("_meta", None)
    payload = {
        "settings": settings,
        "mappings": mappings,
        "vector_field": load_json("vector_field.json", config_dir),
    }
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]


def vector_dims_mismatch(current: Mapping[str, Any], dims: Mapping[str, int]) -> dict[str, tuple[int, int]]:
    """Embedders whose vector field exists in ``current`` with other dims: {name: (index, embedder)}."""
    have = current.get("properties", {})
    out: dict[str, tuple[int, int]] = {}
    for name, size in sorted(dims.items()):
        field = have.get(vector_field(name))
        if field is not None and int(field.get("dims", size)) != int(size):
            out[name] = (int(field["dims"]), int(size))
    return out


def index_problems(
    current: Mapping[str, Any],
    dims: Mapping[str, int],
    synonyms: Sequence[str] | None,
    config_dir: Path = CONFIG_DIR,
) -> tuple[list[str], list[str]]:
    """Why an index whose mapping is ``current`` should be rebuilt: (required, recommended).

    Required: a vector field with other dims than its embedder (kNN requests fail on it).
    Recommended: an older ``config_version`` or another ``config_hash`` (settings, analyzers,
    synonyms or mappings changed since the index was built; it still answers, as before).
    """
    required = [
        f"{vector_field(name)} has {have} dims in the index but the embedder gives {want}"
        for name, (have, want) in vector_dims_mismatch(current, dims).items()
    ]
    recommended = []
    kring = (current.get("_meta") or {}).get("kring") or {}
    version, wanted_version = kring.get("config_version"), config_version(config_dir)
    if version != wanted_version:
        recommended.append(f"built with search_config version {version}, the code has {wanted_version}")
    stored, wanted_hash = kring.get("config_hash"), config_hash(synonyms, config_dir)
    if stored != wanted_hash:
        recommended.append(
            f"index configuration {stored or 'without a hash'} differs from the code's {wanted_hash} "
            "(settings, analyzers, synonyms or mappings changed)"
        )
    return required, recommended


def mapping_update(
    current: Mapping[str, Any], dims: Mapping[str, int], config_dir: Path = CONFIG_DIR
) -> dict[str, Any] | None:
    """The put_mapping body that adds what ``current`` lacks (new embedders, new fields).

    Returns None when nothing is missing. Raises ValueError when an existing vector
    field has other dims: that needs a rebuild, a mapping cannot change in place.
    """
    wanted = index_body(dims, synonyms=None, config_dir=config_dir)["mappings"]
    have = current.get("properties", {})
    mismatch = vector_dims_mismatch(current, dims)
    if mismatch:
        name, (index_dims, size) = next(iter(mismatch.items()))
        raise ValueError(
            f"{vector_field(name)} has {index_dims} dims in the index but the embedder gives "
            f"{size}: rebuild the index (flask indexer reindex)"
        )
    missing = {k: v for k, v in wanted["properties"].items() if k not in have}
    if not missing:
        return None
    meta = copy.deepcopy(current.get("_meta") or {})
    kring = meta.setdefault("kring", {})
    kring.setdefault("config_version", wanted["_meta"]["kring"]["config_version"])
    embedders = dict(kring.get("embedders") or {})
    embedders.update({name: int(size) for name, size in dims.items()})
    kring["embedders"] = dict(sorted(embedders.items()))
    return {"properties": missing, "_meta": meta}


# --- documents and bulk actions ---------------------------------------------------------


def document_source(doc: Document, vectors: Mapping[str, Sequence[float]] | None = None) -> dict[str, Any]:
    """The stored document: generic fields, so one mapping serves every entity."""
    source: dict[str, Any] = {"id": doc.id, "version": doc.version, "visibility": doc.visibility}
    if doc.lang:
        source["lang"] = doc.lang
    for name, text in doc.fields.items():
        if text:
            source[name] = text
    for name, values in doc.facets.items():
        if values:
            source[name] = list(values)
    if doc.location is not None:
        lat, lon = doc.location
        source["location"] = {"lat": float(lat), "lon": float(lon)}
    sort: dict[str, Any] = {}
    if doc.sort.get("name") is not None:
        sort["name"] = str(doc.sort["name"])
    if doc.sort.get("recent") is not None:
        sort["recent"] = float(doc.sort["recent"])
    if sort:
        source["sort"] = sort
    for name, spans in doc.ranges.items():
        source[name] = [range_value(name, start, end) for start, end in spans]
    if doc.ranges.get(SOONEST_FIELD):
        spans = doc.ranges[SOONEST_FIELD]
        source[SOONEST_STARTS] = [-OPEN_BOUND if start is None else float(start) for start, _ in spans]
        source[SOONEST_ENDS] = [OPEN_BOUND if end is None else float(end) for _, end in spans]
    source["payload"] = doc.payload
    for name, vector in (vectors or {}).items():
        source[vector_field(name)] = [float(x) for x in vector]
    return source


def _range_bound(field: str, value: float) -> float | int:
    """Dates travel as epoch milliseconds (what date_range stores), numbers as they are."""
    return int(round(value * 1000)) if RANGE_FIELDS[field] == "date" else float(value)


def range_value(field: str, start: float | None, end: float | None) -> dict[str, float | int]:
    """One interval of a range field: closed bounds, an open end left out (unbounded)."""
    value: dict[str, float | int] = {}
    if start is not None:
        value["gte"] = _range_bound(field, start)
    if end is not None:
        value["lte"] = _range_bound(field, end)
    return value


def bulk_actions(
    target: str, docs: Sequence[Document], vectors: Mapping[str, np.ndarray]
) -> list[dict[str, Any]]:
    """Index actions with external versions, for ``helpers.streaming_bulk``."""
    for name, matrix in vectors.items():
        if len(matrix) != len(docs):
            raise ValueError(f"{name}: {len(matrix)} vectors for {len(docs)} documents")
    actions = []
    for row, doc in enumerate(docs):
        actions.append(
            {
                "_op_type": "index",
                "_index": target,
                "_id": doc.id,
                "version": int(doc.version),
                "version_type": VERSION_TYPE,
                "_source": document_source(doc, {name: m[row] for name, m in vectors.items()}),
            }
        )
    return actions


def delete_actions(target: str, ids: Iterable[str]) -> list[dict[str, Any]]:
    return [{"_op_type": "delete", "_index": target, "_id": str(i)} for i in ids]


def alias_swap_actions(
    alias: str,
    new_index: str,
    old_indices: Iterable[str],
    *,
    building: str | None = None,
    squatter: bool = False,
) -> list[dict[str, Any]]:
    """One atomic ``_aliases`` call: the alias moves from the old index(es) to the new one.

    ``building``: the building alias to take off the new index in the same call.
    ``squatter``: a concrete index named like the alias (auto-created by a write while the
    alias was missing) is deleted in the same call (``remove_index`` runs before the other
    actions), so the alias can take its name without a moment with neither.
    """
    actions: list[dict[str, Any]] = [{"remove_index": {"index": alias}}] if squatter else []
    actions.append({"add": {"index": new_index, "alias": alias}})
    actions += [{"remove": {"index": old, "alias": alias}} for old in sorted(old_indices) if old != new_index]
    if building is not None:
        actions.append({"remove": {"index": new_index, "alias": building}})
    return actions


# --- queries ----------------------------------------------------------------------------
#
# The same match set and order as the embedded backend (indexer/backends/embedded.py):
# with text, the matches are the lexical matches plus the vector neighbours fusion keeps,
# fused by indexer/fusion.py, then boost and proximity bonuses are added; without text
# (or with every leg weighted 0) every document passing the filters matches, ranked by
# the bonuses when there are preferences, else by the requested order.


def point_of(query: SearchQuery) -> GeoFilter | None:
    """Where distances are measured from: the hard radius, else the proximity preference."""
    return query.geo or query.near


def effective_sort(query: SearchQuery, *, has_text: bool | None = None) -> str:
    """``distance`` needs a point; ``relevance`` without text or preferences means most recent."""
    if has_text is None:
        has_text = bool(query.text.strip())
    order = query.sort
    if order == "distance" and point_of(query) is None:
        order = "relevance"
    if order == "relevance" and not has_text and not query.boosts and query.near is None:
        order = "recent"
    return order


def filter_clauses(query: SearchQuery) -> list[dict[str, Any]]:
    """Hard filters, shared verbatim by the BM25 request and every ``knn.filter``."""
    clauses: list[dict[str, Any]] = [{"terms": {"visibility": list(query.visibility)}}]
    for name in sorted(query.filters):
        if name not in FACET_FIELDS:
            raise ValueError(f"unknown filter field {name!r}")
        values = list(query.filters[name])
        if values:
            clauses.append({"terms": {name: values}})
    if query.geo is not None:
        clauses.append(
            {
                "geo_distance": {
                    "distance": f"{query.geo.radius_km:g}km",
                    "location": {"lat": query.geo.lat, "lon": query.geo.lon},
                }
            }
        )
    clauses += [range_clause(flt) for flt in query.ranges]
    if query.exclude:
        clauses.append({"bool": {"must_not": [{"ids": {"values": sorted(query.exclude)}}]}})
    return clauses


def range_clause(flt: RangeFilter) -> dict[str, Any]:
    """A range filter as a range query on the range field (Elasticsearch's range field type:
    a document matches when one of its ranges stands in the relation to the query's)."""
    bounds: dict[str, Any] = range_value(flt.field, flt.start, flt.end)
    if RANGE_FIELDS[flt.field] == "date":
        bounds["format"] = "epoch_millis"
    bounds["relation"] = RANGE_RELATIONS[flt.relation]
    clause = {"range": {flt.field: bounds}}
    if flt.relation == "disjoint":
        return {"bool": {"must_not": [clause]}}
    return clause


def _fmt(boost: float) -> str:
    return f"{boost:g}"


def text_fields(lang: str | None) -> list[str]:
    """Fields of the multi_match: each text field raw, folded and language-analyzed.

    A known query language uses its own analyzer only; otherwise all four compete and
    best_fields keeps the best one (plus TIE_BREAKER of the others).
    """
    langs = (lang,) if lang in LANGS else LANGS
    fields = []
    for name, boost in TEXT_FIELDS.items():
        b = _fmt(boost)
        fields += [f"{name}^{b}", f"{name}.folded^{b}"] + [f"{name}.{code}^{b}" for code in langs]
    return fields


def _multi_match(text: str, lang: str | None, boost: float | None = None) -> dict[str, Any]:
    clause: dict[str, Any] = {
        "query": text,
        "fields": text_fields(lang),
        "type": "best_fields",
        "tie_breaker": TIE_BREAKER,
    }
    if boost is not None:
        clause["boost"] = boost
    return {"multi_match": clause}


def fuzzy_fields() -> list[str]:
    """Fields of the typo-tolerant clause: the folded (unstemmed) subfields only, since a fuzzy
    match of a stem is no longer a word anyone typed."""
    return [f"{name}.folded^{_fmt(boost)}" for name, boost in TEXT_FIELDS.items()]


def _fuzzy_match(text: str) -> dict[str, Any]:
    """The user's words again, each allowed ``fuzziness: AUTO`` edits ("fotgraaf", "tradcteur"),
    at ``fusion.FUZZY_WEIGHT`` of an exact match: the embedded backend's typo expansion."""
    return {
        "multi_match": {
            "query": text,
            "fields": fuzzy_fields(),
            "type": "best_fields",
            "tie_breaker": TIE_BREAKER,
            "fuzziness": "AUTO",
            "prefix_length": FUZZY_PREFIX_LENGTH,
            "max_expansions": FUZZY_MAX_EXPANSIONS,
            "boost": fusion.FUZZY_WEIGHT,
        }
    }


def lexical_query(query: SearchQuery) -> dict[str, Any]:
    """The BM25 leg: the user's words, or the taxonomy expansions at a lower weight.

    Either may match ("fotograaf" must find cards that only say "photographer"). Boosts
    and proximity are not here: fusion adds them as bonuses, as the embedded backend does.
    """
    return {"bool": {"filter": filter_clauses(query), "must": [lexical_match(query)]}}


def lexical_match(query: SearchQuery) -> dict[str, Any]:
    """The scoring part of the BM25 leg (without filters), shared with ``match_set_body``."""
    text = query.text.strip()
    expansion = " ".join(e.strip() for e in query.expansions if e.strip())
    should = [_multi_match(text, query.lang)]
    if text:
        should.append(_fuzzy_match(text))
    if expansion:
        # Same weight as the embedded backend gives expansion words.
        should.append(_multi_match(expansion, None, fusion.EXPANSION_WEIGHT))
    if len(should) == 1:
        return should[0]
    return {"bool": {"should": should, "minimum_should_match": 1}}


def preference_clauses(query: SearchQuery, *, boost_bonus: float, near_bonus: float) -> list[dict[str, Any]]:
    """Soft preferences scored like fusion's bonuses: ``boost_bonus`` per boosted field a
    document satisfies, ``near_bonus`` within ``near.radius_km`` decaying linearly to half
    at the edge (nothing beyond it)."""
    clauses: list[dict[str, Any]] = []
    for name in sorted(query.boosts):
        if name not in FACET_FIELDS:
            raise ValueError(f"unknown boost field {name!r}")
        values = list(query.boosts[name])
        if values:
            clauses.append({"constant_score": {"filter": {"terms": {name: values}}, "boost": boost_bonus}})
    if query.near is not None and query.near.radius_km > 0:
        point = {"lat": query.near.lat, "lon": query.near.lon}
        radius = f"{query.near.radius_km:g}km"
        clauses.append(
            {
                "function_score": {
                    "query": {"geo_distance": {"distance": radius, "location": point}},
                    "functions": [{"linear": {"location": {"origin": point, "scale": radius, "decay": 0.5}}}],
                    "boost_mode": "replace",
                    "boost": near_bonus,
                }
            }
        )
    return clauses


def sort_clause(order: str, query: SearchQuery) -> list[Any]:
    """Elasticsearch sort for an effective order; the score breaks ties, then ``id`` (stable pages)."""
    tail: list[Any] = [{"id": {"order": "asc"}}]
    if order == "relevance":
        return ["_score", {"sort.recent": {"order": "desc", "missing": "_last"}}, *tail]
    if order == "recent":
        return [{"sort.recent": {"order": "desc", "missing": "_last"}}, "_score", *tail]
    if order == "name":
        return [{"sort.name": {"order": "asc", "missing": "_last"}}, "_score", *tail]
    if order == "distance":
        point = point_of(query)
        if point is None:
            raise ValueError("distance order needs geo or near")
        return [
            {
                "_geo_distance": {
                    "location": {"lat": point.lat, "lon": point.lon},
                    "order": "asc",
                    "unit": "km",
                    "distance_type": "arc",
                }
            },
            "_score",
            *tail,
        ]
    if order == "soonest":
        start = query.soonest_from()
        script = {
            "lang": "painless",
            "source": SOONEST_SCRIPT,
            "params": {"from": -OPEN_BOUND if start is None else float(start)},
        }
        return [{"_script": {"type": "number", "order": "asc", "script": script}}, "_score", *tail]
    raise ValueError(f"unknown order {order!r}")


def source_fields(query: SearchQuery) -> list[str]:
    """What hits bring back: display payload, location (distances), sort keys, and the facets
    that are boosted ("why", bonuses) or counted (vector-only matches are counted here)."""
    facets = {f for f in (*query.boosts, *query.facets) if f in FACET_FIELDS}
    return ["payload", "location", "sort", *sorted(facets)]


def highlight_clause(lang: str | None = None) -> dict[str, Any]:
    """Highlight the raw, folded and language subfields (only the query's language when known:
    highlighting runs on every returned candidate, so fewer fields is faster)."""
    langs = (lang,) if lang in LANGS else LANGS
    fields: dict[str, Any] = {}
    for name in TEXT_FIELDS:
        options: dict[str, Any] = (
            {"fragment_size": BODY_FRAGMENT_SIZE, "number_of_fragments": 1}
            if name == "body"
            else {"number_of_fragments": 0}
        )
        for sub in (name, f"{name}.folded", *(f"{name}.{code}" for code in langs)):
            fields[sub] = dict(options)
    return {"pre_tags": [HL_START], "post_tags": [HL_END], "fields": fields}


def facet_aggs(query: SearchQuery) -> dict[str, Any]:
    aggs = {}
    for name in query.facets:
        if name not in FACET_FIELDS:
            raise ValueError(f"unknown facet field {name!r}")
        aggs[name] = {"terms": {"field": name, "size": FACET_SIZE}}
    return aggs


def leg_depth(query: SearchQuery) -> int:
    """How many hits the score-ranked lexical leg returns for fusion (see MIN_LEG_DEPTH)."""
    need = query.offset + query.limit
    return min(MAX_RESULT_WINDOW, max(MIN_LEG_DEPTH, min(MAX_LEG_DEPTH, 2 * need), need))


def page_window(offset: int, limit: int) -> tuple[int, int]:
    """``from`` and ``size`` kept inside the result window (a page beyond it is empty, not an
    error)."""
    start = min(max(offset, 0), MAX_RESULT_WINDOW)
    return start, max(0, min(limit, MAX_RESULT_WINDOW - start))


def num_candidates(k: int) -> int:
    return min(MAX_NUM_CANDIDATES, max(k, NUM_CANDIDATES_FACTOR * k))


def bm25_body(query: SearchQuery, *, size: int) -> dict[str, Any]:
    """The lexical leg: filters, text, facet counts and highlights in one request, best first.

    Its facet counts and total cover every BM25 match; they are the answer's only when every
    match reached the match floor (see ``match_set_body``)."""
    body: dict[str, Any] = {
        "query": lexical_query(query),
        "size": size,
        "track_total_hits": True,
        "_source": source_fields(query),
    }
    if query.facets:
        body["aggs"] = facet_aggs(query)
    body["highlight"] = highlight_clause(query.lang)
    return body


def match_set_body(
    query: SearchQuery,
    *,
    lexical_top: float | None,
    vector_ids: Iterable[str],
    order: str = "relevance",
) -> dict[str, Any]:
    """The match set of a text query as one request: its total and facet counts, and for another
    order than relevance the requested page in that order.

    A document matches when its BM25 score reaches ``fusion.LEXICAL_MATCH_FLOOR`` × the best
    one (``lexical_top``, the BM25 leg's first score; None when the lexical leg did not run or
    found nothing) or when it is one of the vector neighbours fusion kept (``vector_ids``):
    those score ``lexical_top`` through a constant_score clause, which is above the floor, and
    ``min_score`` (which also applies to aggregations) drops everything below it.
    """
    ids = sorted(set(vector_ids))
    by_id = {"ids": {"values": ids}}
    if lexical_top is not None and lexical_top > 0:
        should: list[dict[str, Any]] = [lexical_match(query)]
        if ids:
            should.append({"constant_score": {"filter": by_id, "boost": lexical_top}})
        match: dict[str, Any] = {
            "bool": {"filter": filter_clauses(query), "should": should, "minimum_should_match": 1}
        }
        body: dict[str, Any] = {"query": match, "min_score": fusion.LEXICAL_MATCH_FLOOR * lexical_top}
    else:
        body = {"query": {"bool": {"filter": [*filter_clauses(query), by_id]}}}
    body["track_total_hits"] = True
    if order == "relevance":
        body["size"] = 0
    else:
        start, size = page_window(query.offset, query.limit)
        body.update(
            {
                "size": size,
                "from": start,
                "sort": sort_clause(order, query),
                "track_scores": True,
                "_source": source_fields(query),
                "highlight": highlight_clause(query.lang),
            }
        )
    if query.facets:
        body["aggs"] = facet_aggs(query)
    return body


def browse_body(query: SearchQuery, *, boost_bonus: float, near_bonus: float) -> dict[str, Any]:
    """No text: every document passing the filters, ranked by preferences or sorted, paged here."""
    bool_query: dict[str, Any] = {"filter": filter_clauses(query)}
    should = preference_clauses(query, boost_bonus=boost_bonus, near_bonus=near_bonus)
    if should:
        bool_query["should"] = should
    start, size = page_window(query.offset, query.limit)
    body: dict[str, Any] = {
        "query": {"bool": bool_query},
        "size": size,
        "from": start,
        "track_total_hits": True,
        "_source": source_fields(query),
        "sort": sort_clause(effective_sort(query, has_text=False), query),
    }
    if query.facets:
        body["aggs"] = facet_aggs(query)
    return body


def _knn_section(query: SearchQuery, embedder: str, vector: Sequence[float], k: int) -> dict[str, Any]:
    return {
        "field": vector_field(embedder),
        "query_vector": [float(x) for x in np.asarray(vector, dtype=np.float32).reshape(-1)],
        "k": k,
        "num_candidates": num_candidates(k),
        # Every filter inside the kNN search (pre-filtering), never beside it.
        "filter": {"bool": {"filter": filter_clauses(query)}},
    }


def knn_body(query: SearchQuery, embedder: str, vector: Sequence[float], *, k: int) -> dict[str, Any]:
    """One vector leg: the k nearest documents among those passing every filter."""
    return {
        "knn": _knn_section(query, embedder, vector, k),
        "size": k,
        "_source": source_fields(query),
    }


def msearch_payload(alias: str, bodies: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Header/body pairs for one ``_msearch`` round trip."""
    payload: list[dict[str, Any]] = []
    for body in bodies:
        payload += [{"index": alias}, body]
    return payload


def retriever_body(
    query: SearchQuery,
    vectors: Mapping[str, Sequence[float]],
    weights: Mapping[str, float],
    *,
    k: int,
) -> dict[str, Any]:
    """Server-side fusion with the ``rrf`` retriever: Enterprise licence only (403 on Basic).

    Leg weights only decide which legs run (rrf weighs legs equally) and preferences are
    not applied: the client-side fusion is the reference, this is for licensed clusters
    that prefer one request.
    """
    retrievers: list[dict[str, Any]] = []
    if weights.get("lexical", 0) > 0:
        retrievers.append({"standard": {"query": lexical_query(query)}})
    for name in sorted(vectors):
        if weights.get(name, 0) > 0:
            retrievers.append({"knn": _knn_section(query, name, vectors[name], k)})
    body: dict[str, Any] = {
        "retriever": {
            "rrf": {"retrievers": retrievers, "rank_window_size": k, "rank_constant": RRF_RANK_CONSTANT}
        },
        "size": query.limit,
        "from": query.offset,
        "track_total_hits": True,
        "_source": source_fields(query),
        "highlight": highlight_clause(query.lang),
    }
    if query.facets:
        body["aggs"] = facet_aggs(query)
    return body


# --- reading responses ------------------------------------------------------------------


def leg_hits(response: Mapping[str, Any]) -> list[tuple[str, float]]:
    """(id, raw score) in rank order."""
    return [(h["_id"], float(h.get("_score") or 0.0)) for h in response.get("hits", {}).get("hits", [])]


def total_of(response: Mapping[str, Any]) -> int:
    total = response.get("hits", {}).get("total", 0)
    return int(total["value"] if isinstance(total, Mapping) else total)


def facets_of(response: Mapping[str, Any], names: Iterable[str]) -> dict[str, list[tuple[str, int]]]:
    aggs = response.get("aggregations") or {}
    out: dict[str, list[tuple[str, int]]] = {}
    for name in names:
        buckets = (aggs.get(name) or {}).get("buckets", [])
        out[name] = [(str(b["key"]), int(b["doc_count"])) for b in buckets]
    return out


def merge_highlights(highlight: Mapping[str, Sequence[str]], lang: str | None = None) -> dict[str, str]:
    """Subfield snippets → one snippet per text field, preferring the unstemmed forms."""
    order = ["", ".folded"] + ([f".{lang}"] if lang in LANGS else []) + [f".{c}" for c in LANGS if c != lang]
    out: dict[str, str] = {}
    for name in TEXT_FIELDS:
        for suffix in order:
            snippets = highlight.get(name + suffix)
            if snippets:
                out[name] = " … ".join(snippets)
                break
    return out


def highlighted_terms(highlights: Mapping[str, str]) -> list[str]:
    """Distinct matched terms (lowercased) in order of appearance, for the "why" line."""
    pattern = re.compile(re.escape(HL_START) + "(.*?)" + re.escape(HL_END), re.S)
    seen: dict[str, None] = {}
    for snippet in highlights.values():
        for term in pattern.findall(snippet):
            seen.setdefault(term.lower(), None)
    return list(seen)


def knn_similarity(score: float) -> float:
    """Elasticsearch's cosine kNN score is (1 + cos) / 2; give back the cosine."""
    return 2.0 * float(score) - 1.0


def location_of(source: Mapping[str, Any]) -> tuple[float, float] | None:
    loc = source.get("location")
    if isinstance(loc, Mapping) and "lat" in loc and "lon" in loc:
        return float(loc["lat"]), float(loc["lon"])
    return None


def preference_bonus(
    query: SearchQuery,
    source: Mapping[str, Any],
    *,
    boost_bonus: float,
    near_bonus: float,
    boost_bonuses: Mapping[str, float] | None = None,
) -> float:
    """What fusion adds for soft preferences: ``boost_bonus`` per boosted facet field the
    document satisfies (or that field's amount in ``boost_bonuses``, see
    ``fusion.boost_bonuses``), ``near_bonus`` within ``near.radius_km`` decaying to half at
    the edge. With text, pass ``near_bonus=0`` and scale by ``preference_factor``."""
    bonus = 0.0
    for name, values in query.boosts.items():
        have = source.get(name) or []
        have = have if isinstance(have, list) else [have]
        if values and set(values) & set(have):
            bonus += (boost_bonuses or {}).get(name, boost_bonus)
    location = location_of(source)
    if query.near is not None and location is not None and query.near.radius_km > 0:
        km = haversine_km(query.near.lat, query.near.lon, *location)
        if km <= query.near.radius_km:
            bonus += near_bonus * (1.0 - 0.5 * km / query.near.radius_km)
    return bonus


def preference_factor(query: SearchQuery, source: Mapping[str, Any]) -> float:
    """What fusion multiplies a text match's score by for proximity (``fusion.near_factor``),
    as the embedded backend does: 1 without a location."""
    location = location_of(source)
    if query.near is None or location is None or query.near.radius_km <= 0:
        return 1.0
    km = haversine_km(query.near.lat, query.near.lon, *location)
    return float(fusion.near_factor(km, query.near.radius_km, fusion.near_gain(query)))


def preference_tier(query: SearchQuery, source: Mapping[str, Any]) -> float:
    """``fusion.trade_tier`` for a document's source (its ``function`` codes)."""
    have = source.get("function") or []
    return fusion.trade_tier(query, have if isinstance(have, list) else [have])


def count_facets(
    counted: Mapping[str, list[tuple[str, int]]],
    sources: Iterable[Mapping[str, Any]],
    names: Iterable[str],
) -> dict[str, list[tuple[str, int]]]:
    """Add the facet values of extra matches (vector-only hits) to counts from an aggregation."""
    out: dict[str, list[tuple[str, int]]] = {}
    sources = list(sources)
    for name in names:
        counts = dict(counted.get(name, []))
        for source in sources:
            values = source.get(name) or []
            for value in set(values if isinstance(values, list) else [values]):
                counts[str(value)] = counts.get(str(value), 0) + 1
        out[name] = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:FACET_SIZE]
    return out
