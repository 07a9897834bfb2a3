"""The Elasticsearch requests, built without a server and compared to literal dicts."""

from __future__ import annotations

import copy
import dataclasses
import json
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest

from indexer import fusion
from indexer.backends import elastic_queries as q
from indexer.types import (
    FACET_FIELDS,
    HL_END,
    HL_START,
    RANGE_FIELDS,
    TEXT_FIELDS,
    Document,
    GeoFilter,
    RangeFilter,
    SearchQuery,
)

DIMS = {"use_m3": 512, "minilm": 384}
GHENT = GeoFilter(lat=51.05, lon=3.72, radius_km=25)

NL_FIELDS = [
    "title^2", "title.folded^2", "title.nl^2",
    "labels^3", "labels.folded^3", "labels.nl^3",
    "concepts^1", "concepts.folded^1", "concepts.nl^1",
    "headline^1.5", "headline.folded^1.5", "headline.nl^1.5",
    "keywords^2", "keywords.folded^2", "keywords.nl^2",
    "body^1", "body.folded^1", "body.nl^1",
]  # fmt: skip
#: The typo-tolerant clause of a text query: folded fields only, fuzziness AUTO, half weight.
FUZZY_FIELDS = [
    "title.folded^2",
    "labels.folded^3",
    "concepts.folded^1",
    "headline.folded^1.5",
    "keywords.folded^2",
    "body.folded^1",
]


def _fuzzy(text: str) -> dict:
    return {
        "multi_match": {
            "query": text,
            "fields": FUZZY_FIELDS,
            "type": "best_fields",
            "tie_breaker": 0.3,
            "fuzziness": "AUTO",
            "prefix_length": 1,
            "max_expansions": 20,
            "boost": 0.5,
        }
    }


def _doc(**overrides) -> Document:
    values = dict(
        id="42",
        version=1700000000123456,
        visibility="public",
        fields={"title": "Anna Peeters", "labels": "fotograaf photographe Fotograf photographer", "body": ""},
        facets={"function": ["photographer"], "sector": ["media", "events"], "country": ["BE"]},
        location=(51.05, 3.72),
        lang="nl",
        embed_text="Anna Peeters fotograaf",
        sort={"name": "Peeters, Anna", "recent": 1700000000.5},
        payload={"name": "Anna Peeters", "place": "Gent"},
    )
    values.update(overrides)
    return Document(**values)


# --- names ----------------------------------------------------------------------------


def test_names_follow_prefix_entity_timestamp():
    when = datetime(2025, 3, 4, 5, 6, 7, 890, tzinfo=UTC)
    assert q.alias_name("kring", "member") == "kring-member"
    assert q.building_alias("kring", "member") == "kring-member-building"
    assert q.initial_index_name("kring", "member") == "kring-member-initial"
    assert q.index_name("kring", "member", when) == "kring-member-20250304t050607000890"


@pytest.mark.parametrize("prefix", ["Kring", "-kring", "kr ing", "kr*ing", "", "a..b"])
def test_invalid_index_names_are_refused(prefix):
    with pytest.raises(ValueError):
        q.alias_name(prefix, "member")


def test_vector_field_names_are_safe_field_names():
    assert q.vector_field("minilm") == "vec_minilm"
    assert q.vector_field("use_m3") == "vec_use_m3"
    # A model directory name must not create an object path (dots) in the mapping.
    assert q.vector_field("paraphrase-multilingual-MiniLM-L12-v2.onnx") == (
        "vec_paraphrase_multilingual_minilm_l12_v2_onnx"
    )
    with pytest.raises(ValueError):
        q.vector_field("...")


# --- index configuration --------------------------------------------------------------


def test_index_body_has_one_int8_hnsw_vector_field_per_embedder():
    body = q.index_body(DIMS, synonyms=None)
    props = body["mappings"]["properties"]
    vectors = {name: field for name, field in props.items() if field.get("type") == "dense_vector"}
    assert vectors == {
        "vec_minilm": {
            "type": "dense_vector",
            "element_type": "float",
            "dims": 384,
            "index": True,
            "similarity": "cosine",
            "index_options": {"type": "int8_hnsw", "m": 16, "ef_construction": 100},
        },
        "vec_use_m3": {
            "type": "dense_vector",
            "element_type": "float",
            "dims": 512,
            "index": True,
            "similarity": "cosine",
            "index_options": {"type": "int8_hnsw", "m": 16, "ef_construction": 100},
        },
    }
    assert body["mappings"]["_meta"]["kring"]["embedders"] == {"minilm": 384, "use_m3": 512}
    assert body["mappings"]["dynamic"] == "strict"


def test_synonyms_are_inlined_only_where_no_stop_filter_can_break_them():
    """Only the folded subfield's search analyzer has synonym_graph, with no stop filter before
    or after it (analysis chain checked in test_elastic_analysis.py); the language subfields
    analyze query and document alike, stop words and stemming only."""
    rules = ["fotograaf, photographe, fotograf, photographer", "geluidstechnicus, sound engineer"]
    body = q.index_body(DIMS, synonyms=rules)
    analysis = body["settings"]["index"]["analysis"]
    assert analysis["filter"]["kring_synonyms"] == {
        "type": "synonym_graph",
        "lenient": True,
        "synonyms": rules,
    }
    with_synonyms = {name for name, a in analysis["analyzer"].items() if "kring_synonyms" in a["filter"]}
    assert with_synonyms == {"kring_folded_search"}
    assert analysis["analyzer"]["kring_folded_search"]["filter"] == [
        "lowercase",
        "asciifolding",
        "kring_synonyms",
    ]
    for name in TEXT_FIELDS:
        field = body["mappings"]["properties"][name]
        assert field["analyzer"] == "kring_standard" and "search_analyzer" not in field
        assert field["fields"]["folded"] == {
            "type": "text",
            "analyzer": "kring_folded",
            "search_analyzer": "kring_folded_search",
        }
        for code in q.LANGS:
            assert field["fields"][code] == {"type": "text", "analyzer": f"kring_{code}"}


def test_without_synonym_files_the_filter_is_dropped():
    body = q.index_body(DIMS, synonyms=[])
    analysis = body["settings"]["index"]["analysis"]
    assert "kring_synonyms" not in analysis["filter"]
    assert all("kring_synonyms" not in a["filter"] for a in analysis["analyzer"].values())
    assert (
        analysis["analyzer"]["kring_folded_search"]["filter"]
        == analysis["analyzer"]["kring_folded"]["filter"]
    )


def test_synonym_files_are_read_in_solr_format(tmp_path: Path):
    (tmp_path / "functions.txt").write_text(
        "# generated from the taxonomy\n\nfotograaf, photographe, Fotograf, photographer\n", encoding="utf-8"
    )
    (tmp_path / "sectors.txt").write_text("événementiel, evenementen, events\n", encoding="utf-8")
    assert q.load_synonyms(tmp_path) == [
        "fotograaf, photographe, Fotograf, photographer",
        "événementiel, evenementen, events",
    ]
    assert q.load_synonyms(tmp_path / "missing") == []


def test_every_referenced_analyzer_filter_and_normalizer_is_defined():
    body = q.index_body(DIMS, synonyms=["a, b"])
    analysis = body["settings"]["index"]["analysis"]
    builtin_filters = {"lowercase", "asciifolding", "german_normalization"}
    for analyzer in analysis["analyzer"].values():
        assert analyzer["tokenizer"] == "standard"
        for name in analyzer["filter"]:
            assert name in analysis["filter"] or name in builtin_filters, name

    def walk(props):
        for field in props.values():
            for key in ("analyzer", "search_analyzer"):
                if key in field:
                    assert field[key] in analysis["analyzer"], field[key]
            if "normalizer" in field:
                assert field["normalizer"] in analysis["normalizer"]
            walk(field.get("fields", {}))
            walk(field.get("properties", {}))

    walk(body["mappings"]["properties"])


def test_mapping_covers_every_document_field_and_facet():
    """Consistency between indexer/types.py and search_config/: a new Document field or facet
    without a mapping fails here (the strict mapping would reject such documents)."""
    props = q.index_body(DIMS, synonyms=None)["mappings"]["properties"]
    for name in TEXT_FIELDS:
        assert props[name]["type"] == "text"
        assert set(props[name]["fields"]) == {"folded", "nl", "fr", "de", "en"}
        for code in q.LANGS:
            assert props[name]["fields"][code]["analyzer"] == f"kring_{code}"
    for name in FACET_FIELDS:
        assert props[name] == {"type": "keyword"}
    assert props["id"] == {"type": "keyword"}
    assert props["visibility"] == {"type": "keyword"}
    assert props["lang"] == {"type": "keyword"}
    assert props["version"] == {"type": "long"}
    assert props["location"] == {"type": "geo_point"}
    assert props["payload"] == {"type": "object", "enabled": False}
    assert props["sort"]["properties"]["name"]["normalizer"] == "kring_sort"
    assert props["sort"]["properties"]["recent"] == {"type": "double"}
    range_types = {"date": "date_range", "number": "double_range"}
    for name, kind in RANGE_FIELDS.items():
        assert props[name]["type"] == range_types[kind]
        if kind == "date":  # the builders send epoch milliseconds
            assert "epoch_millis" in props[name]["format"].split("||")
    # The soonest script's doc values: the when intervals' bounds, sorted, never searched.
    assert props[q.SOONEST_STARTS] == props[q.SOONEST_ENDS] == {"type": "double", "index": False}
    # Every Document attribute is mapped, or deliberately not stored.
    stored = {
        "id": "id", "version": "version", "visibility": "visibility", "location": "location",
        "lang": "lang", "sort": "sort", "payload": "payload",
    }  # fmt: skip
    not_stored = {
        "fields": "spread over TEXT_FIELDS",
        "facets": "spread over FACET_FIELDS",
        "ranges": "spread over RANGE_FIELDS (+ when_starts/when_ends)",
        "embed_text": "vectors",
    }
    assert {f.name for f in dataclasses.fields(Document)} == set(stored) | set(not_stored)
    assert all(props.get(target) for target in stored.values())
    # Text, facet and range names never collide with each other or with the fixed fields.
    names = [*TEXT_FIELDS, *FACET_FIELDS, *RANGE_FIELDS, q.SOONEST_STARTS, q.SOONEST_ENDS, *stored]
    assert len(names) == len(set(names))


def test_vector_dims_in_the_mapping_match_the_embedders():
    dims = {"use_m3": 512, "minilm": 384, "custom.model": 768}
    props = q.index_body(dims, synonyms=None)["mappings"]["properties"]
    mapped = {name: f["dims"] for name, f in props.items() if f.get("type") == "dense_vector"}
    assert mapped == {q.vector_field(name): size for name, size in dims.items()}


def test_search_config_files_are_valid_versioned_json():
    for name in ("settings.json", "mappings.json", "vector_field.json"):
        json.loads((q.CONFIG_DIR / name).read_text(encoding="utf-8"))
    assert q.config_version() >= 1
    assert q.load_json("vector_field.json")["index_options"]["type"] == "int8_hnsw"


def test_config_hash_covers_settings_synonyms_and_mappings_but_not_dims(tmp_path: Path):
    """ensure_index compares it: a changed analyzer or synonym rule must show, a new embedder
    (added in place) must not."""
    base = q.config_hash(["a, b"])
    assert base == q.config_hash(["a, b"])
    assert len(base) == 16 and int(base, 16) >= 0
    assert q.config_hash(["a, b, c"]) != base
    assert q.config_hash([]) != base
    body = q.index_body({"minilm": 384}, synonyms=["a, b"])
    assert body["mappings"]["_meta"]["kring"]["config_hash"] == base
    assert (
        q.index_body({"minilm": 768, "use_m3": 512}, synonyms=["a, b"])["mappings"]["_meta"]["kring"][
            "config_hash"
        ]
        == base
    )

    def edited(name: str, change) -> str:
        copy_dir = tmp_path / name
        copy_dir.mkdir()
        for file in ("settings.json", "mappings.json", "vector_field.json"):
            (copy_dir / file).write_text((q.CONFIG_DIR / file).read_text(encoding="utf-8"), encoding="utf-8")
        target, data = change(copy_dir)
        (copy_dir / target).write_text(json.dumps(data), encoding="utf-8")
        return q.config_hash(["a, b"], copy_dir)

    def stop_words(d: Path):
        data = json.loads((d / "settings.json").read_text())
        data["index"]["analysis"]["filter"]["kring_fr_stop"]["stopwords"] = "_none_"
        return "settings.json", data

    def shards(d: Path):
        data = json.loads((d / "settings.json").read_text())
        data["index"]["number_of_shards"] = 2
        return "settings.json", data

    def note_only(d: Path):
        data = json.loads((d / "mappings.json").read_text())
        data["_meta"]["kring"]["note"] = "reworded"
        return "mappings.json", data

    def hnsw(d: Path):
        data = json.loads((d / "vector_field.json").read_text())
        data["index_options"]["m"] = 32
        return "vector_field.json", data

    assert edited("stop", stop_words) != base
    assert edited("shards", shards) != base
    assert edited("hnsw", hnsw) != base
    assert edited("note", note_only) == base  # _meta is not configuration


def test_index_problems_required_and_recommended():
    rules = ["a, b"]
    current = q.index_body({"minilm": 384, "use_m3": 512}, synonyms=rules)["mappings"]
    assert q.index_problems(current, {"minilm": 384, "use_m3": 512}, rules) == ([], [])
    assert q.index_problems(current, {"minilm": 384, "other": 8}, rules) == ([], [])  # added in place
    required, recommended = q.index_problems(current, {"minilm": 768}, rules)
    assert required == ["vec_minilm has 384 dims in the index but the embedder gives 768"]
    assert recommended == []
    assert q.vector_dims_mismatch(current, {"minilm": 768, "use_m3": 512}) == {"minilm": (384, 768)}

    old = copy.deepcopy(current)
    old["_meta"]["kring"]["config_version"] = 2
    del old["_meta"]["kring"]["config_hash"]
    required, recommended = q.index_problems(old, {"minilm": 384}, rules)
    assert required == []
    assert recommended == [
        f"built with search_config version 2, the code has {q.config_version()}",
        f"index configuration without a hash differs from the code's {q.config_hash(rules)} "
        "(settings, analyzers, synonyms or mappings changed)",
    ]


def test_mapping_update_adds_new_embedder_only():
    current = q.index_body({"use_m3": 512}, synonyms=None)["mappings"]
    update = q.mapping_update(current, {"use_m3": 512, "minilm": 384})
    assert update == {
        "properties": {"vec_minilm": q.vector_mapping(384)},
        "_meta": {
            "kring": {
                **current["_meta"]["kring"],
                "embedders": {"minilm": 384, "use_m3": 512},
            }
        },
    }
    assert q.mapping_update(current, {"use_m3": 512}) is None


def test_mapping_update_adds_the_range_fields_to_an_index_of_config_version_1():
    current = q.index_body({"minilm": 384}, synonyms=None)["mappings"]
    added = [*RANGE_FIELDS, q.SOONEST_STARTS, q.SOONEST_ENDS]
    for name in added:
        del current["properties"][name]
    current["_meta"]["kring"]["config_version"] = 1
    update = q.mapping_update(current, {"minilm": 384})
    assert update == {
        "properties": {
            "when": {"type": "date_range", "format": "strict_date_optional_time||epoch_millis"},
            "available": {"type": "date_range", "format": "strict_date_optional_time||epoch_millis"},
            "blocked": {"type": "date_range", "format": "strict_date_optional_time||epoch_millis"},
            "years": {"type": "double_range"},
            "when_starts": {"type": "double", "index": False},
            "when_ends": {"type": "double", "index": False},
        },
        # The index says what it was created with: ensure_index keeps warning until a reindex.
        "_meta": {"kring": {**current["_meta"]["kring"], "embedders": {"minilm": 384}}},
    }
    assert update["_meta"]["kring"]["config_version"] == 1 < q.config_version()


def test_mapping_update_refuses_changed_dims():
    current = q.index_body({"minilm": 384}, synonyms=None)["mappings"]
    with pytest.raises(ValueError, match="rebuild"):
        q.mapping_update(current, {"minilm": 768})


# --- documents and bulk -----------------------------------------------------------------


def test_document_source():
    source = q.document_source(_doc(), {"minilm": np.array([0.6, 0.8], dtype=np.float32)})
    assert source == {
        "id": "42",
        "version": 1700000000123456,
        "visibility": "public",
        "lang": "nl",
        "title": "Anna Peeters",
        "labels": "fotograaf photographe Fotograf photographer",
        "function": ["photographer"],
        "sector": ["media", "events"],
        "country": ["BE"],
        "location": {"lat": 51.05, "lon": 3.72},
        "sort": {"name": "Peeters, Anna", "recent": 1700000000.5},
        "payload": {"name": "Anna Peeters", "place": "Gent"},
        "vec_minilm": [pytest.approx(0.6), pytest.approx(0.8)],
    }
    props = q.index_body({"minilm": 2}, synonyms=None)["mappings"]["properties"]
    assert set(source) <= set(props)  # the strict mapping accepts it


def test_bulk_actions_use_external_versions_and_the_alias():
    docs = [_doc(), _doc(id="43", version=5, location=None, lang=None, facets={}, sort={}, payload={})]
    vectors = {"minilm": np.array([[1.0, 0.0], [0.0, 1.0]], dtype=np.float32)}
    actions = q.bulk_actions("kring-member", docs, vectors)
    assert actions[1] == {
        "_op_type": "index",
        "_index": "kring-member",
        "_id": "43",
        "version": 5,
        "version_type": "external_gte",
        "_source": {
            "id": "43",
            "version": 5,
            "visibility": "public",
            "title": "Anna Peeters",
            "labels": "fotograaf photographe Fotograf photographer",
            "payload": {},
            "vec_minilm": [0.0, 1.0],
        },
    }
    assert [a["_id"] for a in actions] == ["42", "43"]
    assert actions[0]["_source"]["vec_minilm"] == [1.0, 0.0]
    assert {(a["version_type"], a["_op_type"]) for a in actions} == {("external_gte", "index")}


def test_document_source_carries_ranges_and_the_soonest_bounds():
    doc = _doc(
        fields={"title": "Repair café"},
        facets={},
        location=None,
        sort={},
        payload={},
        ranges={
            "when": [(1700086400, None), (1700000000.25, 1700003600)],
            "available": [(None, 1700000000)],
            "years": [12, 3],
        },
    )
    source = q.document_source(doc)
    assert source == {
        "id": "42",
        "version": 1700000000123456,
        "visibility": "public",
        "lang": "nl",
        "title": "Repair café",
        # Dates in epoch milliseconds, an open end left out; numbers as (v, v).
        "when": [{"gte": 1700000000250, "lte": 1700003600000}, {"gte": 1700086400000}],
        "available": [{"lte": 1700000000000}],
        "years": [{"gte": 3.0, "lte": 3.0}, {"gte": 12.0, "lte": 12.0}],
        # Epoch seconds, sorted; the i-th start pairs with the i-th end; open ends as ±OPEN_BOUND.
        "when_starts": [1700000000.25, 1700086400.0],
        "when_ends": [1700003600.0, q.OPEN_BOUND],
        "payload": {},
    }
    props = q.index_body({}, synonyms=None)["mappings"]["properties"]
    assert set(source) <= set(props)


def test_bulk_actions_refuse_mismatched_vectors():
    with pytest.raises(ValueError):
        q.bulk_actions("kring-member", [_doc()], {"minilm": np.zeros((2, 4), dtype=np.float32)})


def test_delete_and_alias_swap_actions():
    assert q.delete_actions("kring-member", ["1", "2"]) == [
        {"_op_type": "delete", "_index": "kring-member", "_id": "1"},
        {"_op_type": "delete", "_index": "kring-member", "_id": "2"},
    ]
    assert q.alias_swap_actions("kring-member", "kring-member-2", ["kring-member-1", "kring-member-0"]) == [
        {"add": {"index": "kring-member-2", "alias": "kring-member"}},
        {"remove": {"index": "kring-member-0", "alias": "kring-member"}},
        {"remove": {"index": "kring-member-1", "alias": "kring-member"}},
    ]
    assert q.alias_swap_actions("kring-member", "kring-member-2", []) == [
        {"add": {"index": "kring-member-2", "alias": "kring-member"}}
    ]
    swap = q.alias_swap_actions(
        "kring-member", "kring-member-2", [], building="kring-member-building", squatter=True
    )
    assert swap == [
        {"remove_index": {"index": "kring-member"}},
        {"add": {"index": "kring-member-2", "alias": "kring-member"}},
        {"remove": {"index": "kring-member-2", "alias": "kring-member-building"}},
    ]
    assert q.lock_index_name("kring") == "kring-_locks"
    with pytest.raises(ValueError):
        q.alias_name("kring", "_locks")  # no entity can be named like the lock index


# --- queries ----------------------------------------------------------------------------


def _query(**overrides) -> SearchQuery:
    values = dict(
        entity="member",
        text="fotograaf",
        lang="nl",
        visibility=("public", "community"),
        filters={"country": ("BE", "NL"), "sector": ("media",)},
        geo=GHENT,
        facets=("sector", "function"),
        limit=10,
    )
    values.update(overrides)
    return SearchQuery(**values)


FILTERS = [
    {"terms": {"visibility": ["public", "community"]}},
    {"terms": {"country": ["BE", "NL"]}},
    {"terms": {"sector": ["media"]}},
    {"geo_distance": {"distance": "25km", "location": {"lat": 51.05, "lon": 3.72}}},
]


def test_filter_clauses():
    assert q.filter_clauses(_query()) == FILTERS
    assert q.filter_clauses(SearchQuery(entity="member")) == [{"terms": {"visibility": ["public"]}}]
    with pytest.raises(ValueError):
        q.filter_clauses(_query(filters={"email": ("x@example.org",)}))


def _highlight(lang_fields: tuple[str, ...]) -> dict:
    fields = {}
    for name in TEXT_FIELDS:
        options = (
            {"fragment_size": 160, "number_of_fragments": 1} if name == "body" else {"number_of_fragments": 0}
        )
        for sub in (name, f"{name}.folded", *(f"{name}.{code}" for code in lang_fields)):
            fields[sub] = options
    return {"pre_tags": [HL_START], "post_tags": [HL_END], "fields": fields}


def test_bm25_body():
    # Boosts and proximity are not part of the lexical leg: fusion adds them as bonuses.
    query = _query(
        expansions=("photographer", "photographe"),
        boosts={"function": ("photographer",)},
        near=GeoFilter(lat=51.05, lon=3.72, radius_km=10),
        geo=None,
    )
    assert q.bm25_body(query, size=50) == {
        "query": {
            "bool": {
                "filter": FILTERS[:3],
                "must": [
                    {
                        "bool": {
                            "should": [
                                {
                                    "multi_match": {
                                        "query": "fotograaf",
                                        "fields": NL_FIELDS,
                                        "type": "best_fields",
                                        "tie_breaker": 0.3,
                                    }
                                },
                                _fuzzy("fotograaf"),
                                {
                                    "multi_match": {
                                        "query": "photographer photographe",
                                        "fields": q.text_fields(None),
                                        "type": "best_fields",
                                        "tie_breaker": 0.3,
                                        "boost": 0.5,
                                    }
                                },
                            ],
                            "minimum_should_match": 1,
                        }
                    }
                ],
            }
        },
        "size": 50,
        "track_total_hits": True,
        "_source": ["payload", "location", "sort", "function", "sector"],
        "aggs": {
            "sector": {"terms": {"field": "sector", "size": 50}},
            "function": {"terms": {"field": "function", "size": 50}},
        },
        "highlight": _highlight(("nl",)),
    }


def test_bm25_body_without_expansions_or_facets():
    query = _query(lang=None, facets=(), filters={}, geo=None, visibility=("public",))
    assert q.bm25_body(query, size=60) == {
        "query": {
            "bool": {
                "filter": [{"terms": {"visibility": ["public"]}}],
                "must": [
                    {
                        "bool": {
                            "should": [
                                {
                                    "multi_match": {
                                        "query": "fotograaf",
                                        "fields": q.text_fields(None),
                                        "type": "best_fields",
                                        "tie_breaker": 0.3,
                                    }
                                },
                                _fuzzy("fotograaf"),
                            ],
                            "minimum_should_match": 1,
                        }
                    }
                ],
            }
        },
        "size": 60,
        "track_total_hits": True,
        "_source": ["payload", "location", "sort"],
        "highlight": _highlight(q.LANGS),
    }


def test_text_fields_without_a_language_use_all_four_analyzers():
    fields = q.text_fields(None)
    assert len(fields) == len(TEXT_FIELDS) * 6
    assert {"body.nl^1", "body.fr^1", "body.de^1", "body.en^1", "labels.folded^3"} <= set(fields)


def test_knn_body_keeps_every_filter_inside_knn():
    body = q.knn_body(_query(), "minilm", np.array([0.6, 0.8], dtype=np.float32), k=100)
    assert body == {
        "knn": {
            "field": "vec_minilm",
            "query_vector": [pytest.approx(0.6), pytest.approx(0.8)],
            "k": 100,
            "num_candidates": 1000,
            "filter": {"bool": {"filter": FILTERS}},
        },
        "size": 100,
        "_source": ["payload", "location", "sort", "function", "sector"],
    }
    # Nothing that would filter after the kNN step.
    assert "query" not in body and "post_filter" not in body


def test_num_candidates_is_ten_times_k_capped():
    assert q.num_candidates(50) == 500
    assert q.num_candidates(2000) == 10_000
    assert q.leg_depth(_query(offset=0, limit=10)) == 50
    assert q.leg_depth(_query(offset=100, limit=20)) == 240
    # Deeper pages: as deep as the page's end, so every page up to the total has hits...
    assert q.leg_depth(_query(offset=480, limit=20)) == 500
    assert q.leg_depth(_query(offset=5000, limit=20)) == 5020
    # ...within the result window.
    assert q.leg_depth(_query(offset=9990, limit=20)) == 10_000
    assert q.page_window(40, 20) == (40, 20)
    assert q.page_window(9990, 20) == (9990, 10)
    assert q.page_window(20_000, 20) == (10_000, 0)


def test_msearch_payload_pairs_headers_and_bodies():
    query = _query()
    bm25 = q.bm25_body(query, size=50)
    knn = q.knn_body(query, "use_m3", [1.0, 0.0], k=100)
    assert q.msearch_payload("kring-member", [bm25, knn]) == [
        {"index": "kring-member"},
        bm25,
        {"index": "kring-member"},
        knn,
    ]


def test_excluded_ids_are_a_must_not_in_every_leg():
    query = SearchQuery(entity="member", text="foto", exclude=("42", "7"))
    assert q.filter_clauses(query) == [
        {"terms": {"visibility": ["public"]}},
        {"bool": {"must_not": [{"ids": {"values": ["42", "7"]}}]}},
    ]


def test_range_filter_clauses():
    query = SearchQuery(
        entity="event",
        ranges=(
            RangeFilter("when", 1700000000, 1700086400.5),
            RangeFilter("available", 1700000000, None, "contains"),
            RangeFilter("blocked", 1700000000, 1700003600, "disjoint"),
            RangeFilter("years", None, 5, "within"),
        ),
    )
    assert q.filter_clauses(query) == [
        {"terms": {"visibility": ["public"]}},
        {
            "range": {
                "when": {
                    "gte": 1700000000000,
                    "lte": 1700086400500,
                    "format": "epoch_millis",
                    "relation": "INTERSECTS",
                }
            }
        },
        {"range": {"available": {"gte": 1700000000000, "format": "epoch_millis", "relation": "CONTAINS"}}},
        {
            "bool": {
                "must_not": [
                    {
                        "range": {
                            "blocked": {
                                "gte": 1700000000000,
                                "lte": 1700003600000,
                                "format": "epoch_millis",
                                "relation": "INTERSECTS",
                            }
                        }
                    }
                ]
            }
        },
        {"range": {"years": {"lte": 5.0, "relation": "WITHIN"}}},
    ]


def test_range_filters_are_in_every_leg_with_the_other_filters():
    query = _query(ranges=(RangeFilter("when", 1700000000, None),), facets=())
    ranged = [
        *FILTERS,
        {"range": {"when": {"gte": 1700000000000, "format": "epoch_millis", "relation": "INTERSECTS"}}},
    ]
    assert q.bm25_body(query, size=50)["query"]["bool"]["filter"] == ranged
    assert q.knn_body(query, "minilm", [1.0, 0.0], k=100)["knn"]["filter"] == {"bool": {"filter": ranged}}
    browse = q.browse_body(dataclasses.replace(query, text=""), boost_bonus=0.2, near_bonus=0.1)
    assert browse["query"] == {"bool": {"filter": ranged}}
    counted = q.match_set_body(query, lexical_top=4.0, vector_ids=["7"])
    assert counted["query"]["bool"]["filter"] == ranged


def test_soonest_sort_clause():
    def script(start: float) -> dict:
        return {
            "_script": {
                "type": "number",
                "order": "asc",
                "script": {"lang": "painless", "source": q.SOONEST_SCRIPT, "params": {"from": start}},
            }
        }

    tail = ["_score", {"id": {"order": "asc"}}]
    query = SearchQuery(entity="event", sort="soonest")
    assert q.sort_clause("soonest", query) == [script(-q.OPEN_BOUND), *tail]
    # From the start of the period an overlaps filter on "when" asks for, unless sort_from says.
    in_june = dataclasses.replace(query, ranges=(RangeFilter("when", 1717200000, 1719791999),))
    assert q.sort_clause("soonest", in_june) == [script(1717200000.0), *tail]
    assert q.sort_clause("soonest", dataclasses.replace(in_june, sort_from=1718000000)) == [
        script(1718000000.0),
        *tail,
    ]
    assert q.effective_sort(query) == "soonest"
    assert q.effective_sort(dataclasses.replace(query, text="repair")) == "soonest"
    assert q.browse_body(query, boost_bonus=0.2, near_bonus=0.1)["sort"] == [script(-q.OPEN_BOUND), *tail]
    # The script reads the fields the document builder fills.
    assert "doc['when_starts']" in q.SOONEST_SCRIPT and "doc['when_ends']" in q.SOONEST_SCRIPT


def test_match_set_body_counts_the_floor_and_the_vector_neighbours():
    query = _query(filters={}, geo=None, facets=("sector",))
    assert q.match_set_body(query, lexical_top=8.0, vector_ids=["9", "3"]) == {
        "query": {
            "bool": {
                "filter": [{"terms": {"visibility": ["public", "community"]}}],
                "should": [
                    {
                        "bool": {
                            "should": [
                                {
                                    "multi_match": {
                                        "query": "fotograaf",
                                        "fields": NL_FIELDS,
                                        "type": "best_fields",
                                        "tie_breaker": 0.3,
                                    }
                                },
                                _fuzzy("fotograaf"),
                            ],
                            "minimum_should_match": 1,
                        }
                    },
                    # Vector neighbours score the best BM25 score: always above the floor.
                    {"constant_score": {"filter": {"ids": {"values": ["3", "9"]}}, "boost": 8.0}},
                ],
                "minimum_should_match": 1,
            }
        },
        "min_score": fusion.LEXICAL_MATCH_FLOOR * 8.0,
        "track_total_hits": True,
        "size": 0,
        "aggs": {"sector": {"terms": {"field": "sector", "size": 50}}},
    }


def test_match_set_body_serves_a_sorted_page():
    query = _query(filters={}, geo=None, facets=(), sort="name", offset=40, limit=20)
    body = q.match_set_body(query, lexical_top=8.0, vector_ids=[], order="name")
    assert body == {
        "query": {
            "bool": {
                "filter": [{"terms": {"visibility": ["public", "community"]}}],
                "should": [q.lexical_match(query)],
                "minimum_should_match": 1,
            }
        },
        "min_score": fusion.LEXICAL_MATCH_FLOOR * 8.0,
        "track_total_hits": True,
        "size": 20,
        "from": 40,
        "sort": [{"sort.name": {"order": "asc", "missing": "_last"}}, "_score", {"id": {"order": "asc"}}],
        "track_scores": True,
        "_source": ["payload", "location", "sort"],
        "highlight": _highlight(("nl",)),
    }


def test_match_set_body_without_a_lexical_leg_is_the_vector_neighbours():
    query = _query(filters={}, geo=None, facets=(), mode="semantic", sort="recent")
    body = q.match_set_body(query, lexical_top=None, vector_ids=["2", "1"], order="recent")
    assert body["query"] == {
        "bool": {
            "filter": [{"terms": {"visibility": ["public", "community"]}}, {"ids": {"values": ["1", "2"]}}]
        }
    }
    assert "min_score" not in body and (body["from"], body["size"]) == (0, 10)


def test_effective_sort_matches_the_embedded_backend():
    plain = SearchQuery(entity="member")
    assert q.effective_sort(plain) == "recent"
    assert q.effective_sort(SearchQuery(entity="member", text="x")) == "relevance"
    assert q.effective_sort(SearchQuery(entity="member", text="x", sort="distance")) == "relevance"
    assert q.effective_sort(SearchQuery(entity="member", sort="distance")) == "recent"
    # Preferences without text rank by their bonuses.
    assert q.effective_sort(SearchQuery(entity="member", boosts={"sector": ("media",)})) == "relevance"
    assert q.effective_sort(SearchQuery(entity="member", near=GHENT)) == "relevance"
    assert q.effective_sort(SearchQuery(entity="member", near=GHENT, sort="distance")) == "distance"
    assert q.effective_sort(SearchQuery(entity="member", sort="name")) == "name"


def test_sort_clauses():
    tail = {"id": {"order": "asc"}}
    assert q.sort_clause("relevance", _query()) == [
        "_score",
        {"sort.recent": {"order": "desc", "missing": "_last"}},
        tail,
    ]
    assert q.sort_clause("recent", _query()) == [
        {"sort.recent": {"order": "desc", "missing": "_last"}},
        "_score",
        tail,
    ]
    assert q.sort_clause("name", _query()) == [
        {"sort.name": {"order": "asc", "missing": "_last"}},
        "_score",
        tail,
    ]
    assert q.sort_clause("distance", _query()) == [
        {
            "_geo_distance": {
                "location": {"lat": 51.05, "lon": 3.72},
                "order": "asc",
                "unit": "km",
                "distance_type": "arc",
            }
        },
        "_score",
        tail,
    ]
    with pytest.raises(ValueError):
        q.sort_clause("distance", SearchQuery(entity="member"))


def test_browse_body_pages_the_filtered_set():
    query = SearchQuery(entity="member", offset=40, limit=20, facets=("country",), expansions=("ignored",))
    assert q.browse_body(query, boost_bonus=0.08, near_bonus=0.08) == {
        "query": {"bool": {"filter": [{"terms": {"visibility": ["public"]}}]}},
        "size": 20,
        "from": 40,
        "track_total_hits": True,
        "_source": ["payload", "location", "sort", "country"],
        "sort": [{"sort.recent": {"order": "desc", "missing": "_last"}}, "_score", {"id": {"order": "asc"}}],
        "aggs": {"country": {"terms": {"field": "country", "size": 50}}},
    }


def test_browse_body_ranks_by_preferences_like_fusion_bonuses():
    query = SearchQuery(entity="member", boosts={"function": ("photographer",)}, near=GHENT)
    body = q.browse_body(query, boost_bonus=0.08, near_bonus=0.1)
    ghent = {"lat": 51.05, "lon": 3.72}
    assert body["query"] == {
        "bool": {
            "filter": [{"terms": {"visibility": ["public"]}}],
            "should": [
                {"constant_score": {"filter": {"terms": {"function": ["photographer"]}}, "boost": 0.08}},
                {
                    "function_score": {
                        # Only inside the radius, 1 at the centre, 0.5 at the edge.
                        "query": {"geo_distance": {"distance": "25km", "location": ghent}},
                        "functions": [
                            {"linear": {"location": {"origin": ghent, "scale": "25km", "decay": 0.5}}}
                        ],
                        "boost_mode": "replace",
                        "boost": 0.1,
                    }
                },
            ],
        }
    }
    assert body["sort"][0] == "_score"


def test_preference_bonus_matches_fusion_semantics():
    query = _query(boosts={"function": ("photographer",), "sector": ("it",)}, near=GHENT, geo=None)
    at_ghent = {"function": ["photographer"], "location": {"lat": 51.05, "lon": 3.72}}
    assert q.preference_bonus(query, at_ghent, boost_bonus=0.08, near_bonus=0.1) == pytest.approx(0.18)
    edge = {"location": {"lat": 51.05 + 25 / 111.2, "lon": 3.72}}  # ~25 km north
    assert q.preference_bonus(query, edge, boost_bonus=0.08, near_bonus=0.1) == pytest.approx(0.05, abs=0.002)
    far = {"function": "painter", "location": {"lat": 50.0, "lon": 3.72}}
    assert q.preference_bonus(query, far, boost_bonus=0.08, near_bonus=0.1) == 0.0


def test_count_facets_adds_vector_only_matches():
    counted = {"sector": [("media", 3), ("it", 1)]}
    extra = [{"sector": ["it", "events"]}, {"sector": "it"}, {}]
    assert q.count_facets(counted, extra, ("sector", "country")) == {
        "sector": [("it", 3), ("media", 3), ("events", 1)],
        "country": [],
    }


def test_retriever_body_uses_rrf_with_filters_inside_knn():
    query = _query(facets=())
    body = q.retriever_body(query, {"minilm": [1.0, 0.0]}, {"lexical": 1.0, "minilm": 0.7}, k=100)
    assert body["retriever"] == {
        "rrf": {
            "retrievers": [
                {"standard": {"query": q.lexical_query(query)}},
                {
                    "knn": {
                        "field": "vec_minilm",
                        "query_vector": [1.0, 0.0],
                        "k": 100,
                        "num_candidates": 1000,
                        "filter": {"bool": {"filter": FILTERS}},
                    }
                },
            ],
            "rank_window_size": 100,
            "rank_constant": 60,
        }
    }
    assert (body["size"], body["from"]) == (10, 0)


# --- responses --------------------------------------------------------------------------


def test_reading_responses():
    response = {
        "hits": {
            "total": {"value": 123, "relation": "eq"},
            "hits": [{"_id": "7", "_score": 3.5}, {"_id": "9", "_score": 1.25}],
        },
        "aggregations": {
            "sector": {"buckets": [{"key": "media", "doc_count": 4}, {"key": "it", "doc_count": 1}]}
        },
    }
    assert q.leg_hits(response) == [("7", 3.5), ("9", 1.25)]
    assert q.total_of(response) == 123
    assert q.facets_of(response, ("sector", "country")) == {
        "sector": [("media", 4), ("it", 1)],
        "country": [],
    }


def test_highlights_merge_subfields_and_list_terms():
    highlight = {
        "labels.nl": [f"{HL_START}fotograaf{HL_END} photographe"],
        "labels.folded": [f"{HL_START}Fotograaf{HL_END} photographe"],
        "body.en": [f"takes {HL_START}photos{HL_END} of {HL_START}events{HL_END}"],
    }
    merged = q.merge_highlights(highlight, "nl")
    assert merged == {
        "labels": f"{HL_START}Fotograaf{HL_END} photographe",
        "body": f"takes {HL_START}photos{HL_END} of {HL_START}events{HL_END}",
    }
    assert q.highlighted_terms(merged) == ["fotograaf", "photos", "events"]


def test_scores_and_distances():
    assert q.knn_similarity(1.0) == 1.0 and q.knn_similarity(0.5) == 0.0
    assert q.haversine_km(50.85, 4.35, 51.05, 3.72) == pytest.approx(49.0, abs=1.5)  # Brussels-Ghent
    assert q.location_of({"location": {"lat": 1, "lon": 2}}) == (1.0, 2.0)
    assert q.location_of({}) is None


def test_the_real_encoders_fit_the_mapping(embed):
    """The dims the default encoders produce are the dims the index is created with."""
    props = q.index_body(embed.dims, synonyms=None)["mappings"]["properties"]
    assert {name: props[q.vector_field(name)]["dims"] for name in embed.dims} == embed.dims


def test_contract_cards_fit_the_strict_mapping():
    from tests.indexer.contract import cards, events

    props = q.index_body({"minilm": 2}, synonyms=None)["mappings"]["properties"]
    for doc in [*cards(), *events()]:
        source = q.document_source(doc, {"minilm": [1.0, 0.0]})
        assert set(source) <= set(props), doc.id
        assert set(source.get("sort", {})) <= set(props["sort"]["properties"])
