"""ElasticsearchBackend wiring without a cluster.

A small HTTP endpoint stands in for Elasticsearch (tests/indexer/es_server.py: it records
requests and answers canned JSON with the product header the official client checks); the
backend, the client and the request builders under test are the real ones. Live behaviour
is covered by test_elastic_contract.py when ELASTICSEARCH_URL is set; timeouts, retries,
TLS and the rebuild lock by test_elastic_resilience.py.
"""

from __future__ import annotations

import json
import socket
import time
from typing import Any

import numpy as np
import pytest

from indexer.backends import elastic_queries as q
from indexer.backends.base import BackendUnavailable, SearchBackend
from indexer.backends.elastic import ElasticsearchBackend
from indexer.types import HL_END, HL_START, Document, GeoFilter, SearchQuery
from tests.indexer.es_server import FakeElasticsearch

PREFIX = "t"
ALIAS = "t-member"
#: The client sends bulk bodies with PUT.
BULK = "PUT|POST"


@pytest.fixture
def es():
    """A fake Elasticsearch endpoint with no building alias and no indices."""
    fake = FakeElasticsearch()
    yield fake
    fake.close()


@pytest.fixture
def backend(es):
    """The real backend pointed at the fake endpoint."""
    b = ElasticsearchBackend(es.url, prefix=PREFIX, timeout=2.0, initial_backoff=0.01, synonyms=[])
    yield b
    b.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _doc(doc_id: str, version: int = 1) -> Document:
    return Document(
        id=doc_id,
        version=version,
        visibility="public",
        fields={"title": f"Member {doc_id}"},
        facets={"sector": ["media"]},
        location=(51.05, 3.72),
        payload={"name": f"Member {doc_id}"},
    )


def _bulk_item(doc_id: str, status: int, error: str | None = None, op: str = "index") -> dict:
    info: dict[str, Any] = {"_index": "t-member-1", "_id": doc_id, "status": status}
    if error:
        info["error"] = {"type": error, "reason": f"{error} for {doc_id}"}
    else:
        info["result"] = "created"
    return {op: info}


# --- failing fast when the cluster is down ------------------------------------------------


def test_the_backend_implements_the_protocol(backend):
    assert isinstance(backend, SearchBackend)
    assert backend.name == "elasticsearch"


def test_dead_port_health_is_not_ok_within_a_second():
    backend = ElasticsearchBackend(f"http://127.0.0.1:{_free_port()}", prefix=PREFIX, timeout=0.8)
    started = time.monotonic()
    health = backend.health()
    assert time.monotonic() - started < 1.0
    assert health["ok"] is False
    assert "ConnectionError" in health["error"]
    backend.close()


def test_dead_port_search_and_writes_raise_backend_unavailable_quickly():
    backend = ElasticsearchBackend(f"http://127.0.0.1:{_free_port()}", prefix=PREFIX, timeout=0.8)
    query = SearchQuery(entity="member", text="fotograaf")
    vectors = {"minilm": np.array([1.0, 0.0], dtype=np.float32)}
    for call in (
        lambda: backend.search(query, vectors, {"lexical": 1.0, "minilm": 1.0}),
        lambda: backend.search(SearchQuery(entity="member"), {}, {}),
        lambda: backend.count("member"),
        lambda: backend.upsert("member", [_doc("1")], {}),
    ):
        started = time.monotonic()
        with pytest.raises(BackendUnavailable):
            call()
        assert time.monotonic() - started < 1.0
    backend.close()


def test_a_hanging_cluster_times_out_without_retries():
    """A node that accepts connections but never answers costs one timeout, not several."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        url = f"http://127.0.0.1:{listener.getsockname()[1]}"
        backend = ElasticsearchBackend(url, prefix=PREFIX, timeout=0.3)
        started = time.monotonic()
        with pytest.raises(BackendUnavailable, match="ConnectionTimeout"):
            backend.search(SearchQuery(entity="member", text="x"), {}, {"lexical": 1.0})
        assert 0.25 < time.monotonic() - started < 0.9
        started = time.monotonic()
        assert backend.health()["ok"] is False
        assert time.monotonic() - started < 0.9
        backend.close()


# --- health ----------------------------------------------------------------------------


def _cluster(es: FakeElasticsearch, version: str = "8.19.3") -> None:
    es.on("GET", "/", (200, {"cluster_name": "kring", "version": {"number": version}}))
    es.on("GET", "/_cluster/health", (200, {"cluster_name": "kring", "status": "yellow"}))
    es.on(
        "GET",
        "/_cat/indices/t-\\*",
        (200, [{"index": "t-member-1", "health": "green", "docs.count": "12", "store.size": "3456"}]),
    )
    es.on("GET", "/_alias/t-\\*", (200, {"t-member-1": {"aliases": {"t-member": {}}}}))


def test_health_reports_cluster_and_index_sizes(es, backend):
    _cluster(es)
    health = backend.health()
    assert health["ok"] is True
    assert health["status"] == "yellow"
    assert health["server_version"] == "8.19.3"
    assert health["indices"] == {
        "t-member-1": {"aliases": ["t-member"], "docs": 12, "size_bytes": 3456, "health": "green"}
    }


@pytest.mark.parametrize("version", ["8.12.0", "8.19.3", "9.0.0", "9.1.4"])
def test_health_is_ok_for_the_clients_major_and_the_next(es, backend, version):
    """The 8.x client sends compatible-with=8, which Elasticsearch 9 serves (the client's
    compatibility matrix: its own major and the next)."""
    _cluster(es, version=version)
    health = backend.health()
    assert health["ok"] is True, health
    assert health["server_version"] == version
    assert "error" not in health
    [info] = es.sent("GET", "/")
    assert "compatible-with=8" in info["headers"]["accept"]


@pytest.mark.parametrize(
    ("version", "why"),
    [
        ("7.17.25", "talks to Elasticsearch 8.x and 9.x"),
        ("10.0.0", "talks to Elasticsearch 8.x and 9.x"),
        ("8.11.4", "too old"),
        ("serverless", "unknown Elasticsearch version"),
    ],
)
def test_health_is_not_ok_for_other_versions(es, backend, version, why):
    _cluster(es, version=version)
    health = backend.health()
    assert health["ok"] is False
    assert why in health["error"]
    assert health["indices"]  # the rest of the report is still there


# --- index management -------------------------------------------------------------------


def test_ensure_index_creates_the_first_index_behind_the_alias(es, backend):
    es.on("PUT", "/t-member-initial", (200, {"acknowledged": True}))
    backend.ensure_index("member", {"minilm": 384})
    [create] = es.sent("PUT", "/t-member-.*")
    assert create["path"] == "/t-member-initial"
    body = json.loads(create["raw"])
    expected = q.index_body({"minilm": 384}, synonyms=[])
    assert body == {"aliases": {"t-member": {}}, **expected}
    assert body["mappings"]["properties"]["vec_minilm"]["index_options"]["type"] == "int8_hnsw"


def test_ensure_index_accepts_a_concurrent_creation(es, backend):
    """Two workers start together: the second create fails, the alias made by the first serves."""
    current = q.index_body({"minilm": 384}, synonyms=[])["mappings"]
    answers = iter([(404, {"error": {"type": "index_not_found_exception"}, "status": 404})])
    es.on(
        "GET",
        "/t-member/_mapping",
        lambda r: next(answers, (200, {"t-member-initial": {"mappings": current}})),
    )
    es.on(
        "PUT",
        "/t-member-initial",
        (400, {"error": {"type": "resource_already_exists_exception"}, "status": 400}),
    )
    backend.ensure_index("member", {"minilm": 384})
    assert len(es.sent("PUT", "/t-member-initial")) == 1
    assert not es.sent("PUT", "/t-member-initial/_mapping")  # nothing to add
    assert backend.reindex_needed() == {}


def test_ensure_index_adds_a_new_embedder_in_place(es, backend):
    current = q.index_body({"use_m3": 512}, synonyms=[])["mappings"]
    es.on("GET", "/t-member/_mapping", (200, {"t-member-1": {"mappings": current}}))
    es.on("PUT", "/t-member-1/_mapping", (200, {"acknowledged": True}))
    backend.ensure_index("member", {"use_m3": 512, "minilm": 384})
    [put] = es.sent("PUT", "/t-member-1/_mapping")
    assert json.loads(put["raw"]) == q.mapping_update(current, {"use_m3": 512, "minilm": 384})
    assert not es.sent("PUT", "/t-member-\\d.*t\\d+")  # no new index
    assert backend.reindex_needed() == {}


def test_ensure_index_notes_changed_dims_instead_of_refusing(es, backend):
    """Other vector dims need a rebuild, and `flask indexer reindex` builds the service (and so
    calls ensure_index) first: refusing here would lock the rebuild out for good."""
    current = q.index_body({"minilm": 384}, synonyms=[])["mappings"]
    es.on("GET", "/t-member/_mapping", (200, {"t-member-1": {"mappings": current}}))
    es.on("PUT", "/t-member-1/_mapping", (200, {"acknowledged": True}))
    backend.ensure_index("member", {"minilm": 768, "use_m3": 512})
    # The embedder that fits is still added in place; the mismatched field is left alone.
    [put] = es.sent("PUT", "/t-member-1/_mapping")
    assert set(json.loads(put["raw"])["properties"]) == {"vec_use_m3"}
    assert backend.reindex_needed() == {
        "member": {
            "required": ["t-member-1: vec_minilm has 384 dims in the index but the embedder gives 768"],
            "recommended": [],
        }
    }


def test_ensure_index_notes_a_changed_configuration(es, backend):
    """Settings and synonyms are not in the mapping version: the stored hash tells them apart."""
    current = q.index_body({"minilm": 384}, synonyms=["old, rule"])["mappings"]
    es.on("GET", "/t-member/_mapping", (200, {"t-member-1": {"mappings": current}}))
    backend.ensure_index("member", {"minilm": 384})  # the backend's rules are []
    assert not es.sent("PUT", ".*")
    state = backend.reindex_needed()["member"]
    assert state["required"] == []
    [reason] = state["recommended"]
    assert reason.startswith(f"t-member-1: index configuration {q.config_hash(['old, rule'])} differs")


def test_ensure_index_notes_a_concrete_index_under_the_alias_name(es, backend):
    """What a bulk write made before require_alias: ensure_index reports it, the rebuild repairs it."""
    es.on("GET", "/t-member/_mapping", (200, {"t-member": {"mappings": {"properties": {}}}}))
    backend.ensure_index("member", {"minilm": 384})
    assert not es.sent("PUT", ".*")
    [reason] = backend.reindex_needed()["member"]["required"]
    assert "t-member is a concrete index, not an alias" in reason
    _cluster(es)
    assert backend.health()["ok"] is False
    assert backend.health()["reindex"] == backend.reindex_needed()


def _lock_routes(es: FakeElasticsearch) -> None:
    """The rebuild lock document in t-_locks: free, then held by this rebuild."""
    es.on("PUT", "/t-_locks", (200, {"acknowledged": True}))
    es.on("PUT", "/t-_locks/_create/member", (201, {"result": "created", "_seq_no": 4, "_primary_term": 1}))
    es.on("PUT", "/t-_locks/_doc/member", (200, {"result": "updated", "_seq_no": 5, "_primary_term": 1}))
    es.on("DELETE", "/t-_locks/_doc/member", (200, {"result": "deleted", "_seq_no": 6, "_primary_term": 1}))


def test_rebuild_swaps_the_alias_in_one_call_and_drops_the_old_index(es, backend):
    _lock_routes(es)
    es.on("PUT", "/t-member-\\d{8}t\\d{12}", (200, {"acknowledged": True}))
    es.on("PUT", "/t-member-\\d{8}t\\d{12}/_settings", (200, {"acknowledged": True}))
    es.on("POST", "/t-member-\\d{8}t\\d{12}/_refresh", (200, {}))
    current = q.index_body({"minilm": 2}, synonyms=[])["mappings"]
    es.on("GET", "/t-member/_mapping", (200, {"t-member-old": {"mappings": current}}))
    es.on("POST", "/_aliases", (200, {"acknowledged": True}))
    es.on("DELETE", "/t-member-old", (200, {"acknowledged": True}))
    es.on(BULK, "/_bulk", lambda r: (200, {"errors": False, "items": [_bulk_item("1", 201)]}))

    with backend.rebuild("member", {"minilm": 2}) as writer:
        report = writer.upsert([_doc("1")], {"minilm": np.array([[1.0, 0.0]], dtype=np.float32)})
    assert report.indexed == 1

    [create] = es.sent("PUT", "/t-member-\\d{8}t\\d{12}")
    new = create["path"].strip("/")
    created = json.loads(create["raw"])
    assert created["aliases"] == {"t-member-building": {}}
    assert created["settings"]["index"]["refresh_interval"] == "-1"
    # The data goes through the building alias, which must exist: never an auto-created index.
    [bulk] = es.sent(BULK, "/_bulk")
    assert bulk["params"]["require_alias"] == "true"
    assert bulk["lines"][0] == {
        "index": {"_index": "t-member-building", "_id": "1", "version": 1, "version_type": "external_gte"}
    }
    [settings] = es.sent("PUT", f"/{new}/_settings")
    assert json.loads(settings["raw"]) == {"index": {"refresh_interval": "1s"}}
    [aliases] = es.sent("POST", "/_aliases")
    assert json.loads(aliases["raw"]) == {
        "actions": [
            {"add": {"index": new, "alias": "t-member"}},
            {"remove": {"index": "t-member-old", "alias": "t-member"}},
            {"remove": {"index": new, "alias": "t-member-building"}},
        ]
    }
    order = [(r["method"], r["path"]) for r in es.requests]
    assert order.index(("POST", "/_aliases")) < order.index(("DELETE", "/t-member-old"))
    assert ("DELETE", f"/{new}") not in order
    # Locked first, the lock still ours right before the swap, released last.
    [take] = es.sent("PUT", "/t-_locks/_create/member")
    assert json.loads(take["raw"])["index"] == new
    [beat] = es.sent("PUT", "/t-_locks/_doc/member")
    assert beat["params"] == {"if_seq_no": "4", "if_primary_term": "1"}
    [release] = es.sent("DELETE", "/t-_locks/_doc/member")
    assert release["params"] == {"if_seq_no": "5", "if_primary_term": "1"}
    assert order.index(("PUT", "/t-_locks/_create/member")) < order.index(("PUT", f"/{new}"))
    assert order.index(("PUT", "/t-_locks/_doc/member")) < order.index(("POST", "/_aliases"))
    assert order[-1] == ("DELETE", "/t-_locks/_doc/member")


def test_rebuild_replaces_a_concrete_index_squatting_the_alias_name(es, backend):
    """The swap deletes it in the same _aliases call (remove_index runs first), so the alias can
    take its name; the reindex ensure_index asked for clears the note."""
    _lock_routes(es)
    es.on("GET", "/t-member/_mapping", (200, {"t-member": {"mappings": {"properties": {}}}}))
    backend.ensure_index("member", {"minilm": 2})
    assert backend.reindex_needed()["member"]["required"]
    es.on("PUT", "/t-member-\\d{8}t\\d{12}(/_settings)?", (200, {"acknowledged": True}))
    es.on("POST", "/t-member-\\d{8}t\\d{12}/_refresh", (200, {}))
    es.on("POST", "/_aliases", (200, {"acknowledged": True}))
    with backend.rebuild("member", {"minilm": 2}):
        pass
    [create] = es.sent("PUT", "/t-member-\\d{8}t\\d{12}")
    new = create["path"].strip("/")
    [aliases] = es.sent("POST", "/_aliases")
    assert json.loads(aliases["raw"])["actions"] == [
        {"remove_index": {"index": "t-member"}},
        {"add": {"index": new, "alias": "t-member"}},
        {"remove": {"index": new, "alias": "t-member-building"}},
    ]
    assert not es.sent("DELETE", "/t-member")  # gone with the swap, not before it
    assert backend.reindex_needed() == {}


def test_a_failed_rebuild_deletes_the_new_index_and_keeps_the_alias(es, backend):
    _lock_routes(es)
    es.on("PUT", "/t-member-\\d{8}t\\d{12}", (200, {"acknowledged": True}))
    es.on("DELETE", "/t-member-\\d{8}t\\d{12}", (200, {"acknowledged": True}))
    with pytest.raises(RuntimeError, match="database went away"):
        with backend.rebuild("member", {"minilm": 2}):
            raise RuntimeError("database went away")
    [create] = es.sent("PUT", "/t-member-\\d{8}t\\d{12}")
    assert es.sent("DELETE", create["path"])
    assert not es.sent("POST", "/_aliases")
    assert es.sent("DELETE", "/t-_locks/_doc/member")  # the lock is released too


# --- writes ------------------------------------------------------------------------------


def test_upsert_counts_version_conflicts_as_stale(es, backend):
    items = [
        _bulk_item("1", 201),
        _bulk_item("2", 409, "version_conflict_engine_exception"),
        _bulk_item("3", 400, "document_parsing_exception"),
    ]
    es.on(BULK, "/_bulk", (200, {"errors": True, "items": items}))
    docs = [_doc("1", 10), _doc("2", 3), _doc("3", 7)]
    report = backend.upsert("member", docs, {"minilm": np.eye(3, 2, dtype=np.float32)})
    assert (report.indexed, report.stale) == (1, 1)
    assert report.errors == {"3": "document_parsing_exception: document_parsing_exception for 3"}
    [bulk] = es.sent(BULK, "/_bulk")
    headers = bulk["lines"][0::2]
    assert headers == [
        {"index": {"_index": ALIAS, "_id": "1", "version": 10, "version_type": "external_gte"}},
        {"index": {"_index": ALIAS, "_id": "2", "version": 3, "version_type": "external_gte"}},
        {"index": {"_index": ALIAS, "_id": "3", "version": 7, "version_type": "external_gte"}},
    ]
    assert bulk["lines"][1]["vec_minilm"] == [1.0, 0.0]


def test_upsert_retries_rejected_documents(es, backend):
    answers = iter(
        [
            (
                200,
                {
                    "errors": True,
                    "items": [_bulk_item("1", 201), _bulk_item("2", 429, "es_rejected_execution")],
                },
            ),
            (200, {"errors": False, "items": [_bulk_item("2", 201)]}),
        ]
    )
    es.on(BULK, "/_bulk", lambda r: next(answers))
    report = backend.upsert("member", [_doc("1"), _doc("2")], {})
    assert (report.indexed, report.stale, report.errors) == (2, 0, {})
    first, second = es.sent(BULK, "/_bulk")
    assert [line["index"]["_id"] for line in second["lines"][0::2]] == ["2"]


def test_writes_during_a_rebuild_also_reach_the_new_index(es, backend):
    es.on("HEAD", "/_alias/t-member-building", (200, {}))
    es.on(BULK, "/_bulk", lambda r: (200, {"errors": False, "items": [_bulk_item("1", 201)]}))
    report = backend.upsert("member", [_doc("1")], {})
    assert report.indexed == 1
    bulks = es.sent(BULK, "/_bulk")
    assert [b["lines"][0]["index"]["_index"] for b in bulks] == [ALIAS, "t-member-building"]
    assert all(b["params"]["require_alias"] == "true" for b in bulks)


def test_a_write_to_a_lost_alias_fails_instead_of_creating_an_index(es, backend):
    """require_alias: Elasticsearch answers each item 404 and creates nothing; the rows stay in
    the outbox (per-document errors) until ensure_index or a reindex restores the alias."""
    reason = (
        "no such index [t-member] and [require_alias] request flag is [true] and [t-member] is not an alias"
    )
    error = {"type": "index_not_found_exception", "reason": reason}
    items = [{"index": {"_index": ALIAS, "_id": "1", "status": 404, "error": error}}]
    es.on(BULK, "/_bulk", (200, {"errors": True, "items": items}))
    report = backend.upsert("member", [_doc("1")], {})
    assert (report.indexed, report.stale) == (0, 0)
    assert report.errors == {"1": f"index_not_found_exception: {reason}"}
    [bulk] = es.sent(BULK, "/_bulk")
    assert bulk["params"]["require_alias"] == "true"


def test_a_delete_from_a_missing_index_is_an_error(es, backend):
    """A missing document is fine (already gone); a missing index is not (the row must wait)."""
    error = {"type": "index_not_found_exception", "reason": "no such index [t-member]"}
    items = [{"delete": {"_index": ALIAS, "_id": "1", "status": 404, "error": error}}]
    es.on(BULK, "/_bulk", (200, {"errors": True, "items": items}))
    with pytest.raises(RuntimeError, match="index_not_found_exception"):
        backend.delete("member", ["1"])


def test_delete_ignores_unknown_ids(es, backend):
    items = [_bulk_item("1", 200, op="delete"), _bulk_item("2", 404, op="delete")]
    items[1]["delete"]["result"] = "not_found"
    es.on(BULK, "/_bulk", (200, {"errors": False, "items": items}))
    backend.delete("member", ["1", "2"])
    [bulk] = es.sent(BULK, "/_bulk")
    assert bulk["lines"] == [
        {"delete": {"_index": ALIAS, "_id": "1"}},
        {"delete": {"_index": ALIAS, "_id": "2"}},
    ]


# --- search ------------------------------------------------------------------------------


def _source(doc_id: str, **fields: Any) -> dict:
    return {"payload": {"name": f"Member {doc_id}"}, "location": {"lat": 50.85, "lon": 4.35}, **fields}


def _hit(doc_id: str, score: float, **extra: Any) -> dict:
    return {"_id": doc_id, "_score": score, "_source": _source(doc_id), **extra}


def test_browse_is_one_filtered_sorted_request(es, backend):
    es.on(
        "POST",
        "/t-member/_search",
        (
            200,
            {"hits": {"total": {"value": 31, "relation": "eq"}, "hits": [_hit("5", None), _hit("4", None)]}},
        ),
    )
    query = SearchQuery(entity="member", offset=20, limit=2, facets=("sector",))
    result = backend.search(query, {}, {"lexical": 1.0})
    [sent] = es.sent("POST", "/t-member/_search")
    from indexer import fusion

    assert json.loads(sent["raw"]) == q.browse_body(
        query, boost_bonus=fusion.BOOST_BONUS, near_bonus=fusion.NEAR_BONUS
    )
    assert result.total == 31
    assert [h.id for h in result.hits] == ["5", "4"]
    assert result.hits[0].legs == {}
    assert result.facets == {"sector": []}
    assert result.backend == "elasticsearch"


def test_hybrid_search_is_one_msearch_fused_on_the_client(es, backend):
    from indexer import fusion

    bm25 = {
        "hits": {
            "total": {"value": 2, "relation": "eq"},
            "hits": [
                _hit(
                    "1",
                    7.0,
                    highlight={"labels.folded": [f"{HL_START}fotograaf{HL_END}"]},
                    _source=_source("1", sector=["media"]),
                ),
                _hit("2", 3.0, _source=_source("2", sector=["media"])),
            ],
        },
        "aggregations": {"sector": {"buckets": [{"key": "media", "doc_count": 2}]}},
    }
    # kNN scores are (1 + cos) / 2: these are cosines 0.9, 0.8 and 0.1 (below MiniLM's floor).
    knn = {
        "hits": {
            "total": {"value": 3, "relation": "eq"},
            "hits": [
                _hit("3", 0.95, _source={"sector": ["events"], "location": {"lat": 51.05, "lon": 3.72}}),
                _hit("1", 0.9),
                _hit("4", 0.55, _source={"sector": ["it"]}),
            ],
        }
    }
    es.on("POST", "/_msearch", (200, {"responses": [bm25, knn]}))
    query = SearchQuery(
        entity="member", text="fotograaf", lang="nl", facets=("sector",), near=GeoFilter(51.05, 3.72, 25)
    )
    vectors = {
        "minilm": np.array([0.6, 0.8], dtype=np.float32),
        "off": np.array([1.0, 0.0], dtype=np.float32),
    }
    result = backend.search(query, vectors, {"lexical": 1.0, "minilm": 1.0, "off": 0.0})

    [sent] = es.sent("POST", "/_msearch")
    expected = q.msearch_payload(
        ALIAS,
        [
            q.bm25_body(query, size=50),
            q.knn_body(query, "minilm", vectors["minilm"], k=fusion.VECTOR_DEPTH),
        ],
    )
    assert sent["lines"] == json.loads(json.dumps(expected))
    # Document 4 is below the similarity floor: not a match at all.
    assert [h.id for h in result.hits] == ["1", "3", "2"]
    top = result.hits[0]
    assert top.legs == {"lexical": (1, 7.0), "minilm": (2, pytest.approx(0.8))}
    assert top.highlights == {"labels": f"{HL_START}fotograaf{HL_END}"}
    assert top.distance_km == pytest.approx(49.0, abs=1.5)
    assert [w.kind for w in top.why] == ["lexical", "semantic", "distance"]
    assert top.why[0].detail == {"terms": ["fotograaf"], "fields": ["labels"]}
    assert top.why[1].detail == {"similarity": pytest.approx(0.8), "model": "minilm"}
    # Document 3 sits in Ghent: the proximity bonus is part of its score.
    assert result.hits[1].distance_km == pytest.approx(0.0)
    assert result.hits[1].score > result.hits[2].score
    # Two lexical matches + one vector-only match, counted in total and facets: the BM25 leg
    # brought back every lexical match, so no second request was needed.
    assert result.total == 3
    assert result.facets == {"sector": [("media", 2), ("events", 1)]}
    assert not es.sent("POST", "/t-member/_search")


def test_semantic_mode_counts_the_vector_matches(es, backend):
    from indexer import fusion

    knn = {
        "hits": {
            "total": {"value": 2, "relation": "eq"},
            "hits": [
                _hit("3", 0.95, _source={"sector": ["media"]}),
                _hit("5", 0.9, _source={"sector": ["media"]}),
            ],
        }
    }
    es.on("POST", "/_msearch", (200, {"responses": [knn]}))
    query = SearchQuery(entity="member", text="wie maakt foto's", mode="semantic", facets=("sector",))
    vectors = {"use_m3": np.array([1.0, 0.0], dtype=np.float32)}
    result = backend.search(query, vectors, {"use_m3": 1.0})
    [sent] = es.sent("POST", "/_msearch")
    assert sent["lines"] == json.loads(
        json.dumps(
            q.msearch_payload(ALIAS, [q.knn_body(query, "use_m3", vectors["use_m3"], k=fusion.VECTOR_DEPTH)])
        )
    )
    assert [h.id for h in result.hits] == ["3", "5"]
    assert result.total == 2
    assert result.facets == {"sector": [("media", 2)]}


def test_a_failing_leg_makes_the_backend_unavailable(es, backend):
    error = {
        "error": {"type": "search_phase_execution_exception", "reason": "all shards failed"},
        "status": 503,
    }
    es.on("POST", "/_msearch", (200, {"responses": [error]}))
    with pytest.raises(BackendUnavailable, match="lexical"):
        backend.search(SearchQuery(entity="member", text="x", mode="lexical"), {}, {"lexical": 1.0})


def test_a_missing_index_makes_the_backend_unavailable(es, backend):
    """Not "0 results": the web layer answers from the database instead."""
    missing = {"error": {"type": "index_not_found_exception", "reason": "no such index"}, "status": 404}
    es.on("POST", "/_msearch", (200, {"responses": [missing]}))
    with pytest.raises(BackendUnavailable, match="no index behind t-member"):
        backend.search(SearchQuery(entity="member", text="x", mode="lexical"), {}, {"lexical": 1.0})
    es.on("POST", "/t-member/_search", (404, {"error": missing["error"], "status": 404}))
    with pytest.raises(BackendUnavailable, match="no index behind t-member"):
        backend.search(SearchQuery(entity="member"), {}, {})


@pytest.mark.parametrize("status", [401, 403, 429, 500, 503])
def test_api_errors_that_mean_cannot_answer_now_never_leak(es, backend, status):
    """`flask indexer status` and the outbox see BackendUnavailable, whatever the call."""
    answer = (status, {"error": {"type": "some_exception", "reason": "no"}, "status": status})
    es.on(".*", ".*", answer)
    for call in (
        lambda: backend.count("member"),
        lambda: backend.ensure_index("member", {"minilm": 2}),
        lambda: backend.upsert("member", [_doc("1")], {}),
        lambda: backend.delete("member", ["1"]),
        lambda: backend.ids("member"),
        lambda: backend.search(SearchQuery(entity="member", text="x"), {}, {"lexical": 1.0}),
        lambda: backend.search(SearchQuery(entity="member"), {}, {}),
    ):
        with pytest.raises(BackendUnavailable):
            call()
    assert backend.health()["ok"] is False


def test_count_of_a_missing_index_is_zero(es, backend):
    es.on(
        "POST|GET", "/t-member/_count", (404, {"error": {"type": "index_not_found_exception"}, "status": 404})
    )
    assert backend.count("member") == 0


def test_an_unlicensed_retriever_falls_back_to_client_side_fusion(es):
    forbidden = {
        "error": {
            "type": "security_exception",
            "reason": "current license is non-compliant for [Reciprocal Rank Fusion (RRF)]",
        },
        "status": 403,
    }
    es.on("POST", "/t-member/_search", (403, forbidden))
    hits = {"hits": {"total": {"value": 1, "relation": "eq"}, "hits": [_hit("1", 1.0)]}}
    es.on("POST", "/_msearch", (200, {"responses": [hits, hits]}))
    backend = ElasticsearchBackend(es.url, prefix=PREFIX, timeout=2.0, use_retriever=True, synonyms=[])
    query = SearchQuery(entity="member", text="fotograaf")
    vectors = {"minilm": np.array([1.0, 0.0], dtype=np.float32)}
    for _ in range(2):
        result = backend.search(query, vectors, {"lexical": 1.0, "minilm": 1.0})
        assert [h.id for h in result.hits] == ["1"]
    [retriever] = es.sent("POST", "/t-member/_search")  # tried once, then remembered
    assert "rrf" in json.loads(retriever["raw"])["retriever"]
    assert len(es.sent("POST", "/_msearch")) == 2
    backend.close()


def _bm25_answer(scores: list[float], total: int, **source_fields: Any) -> dict:
    hits = [_hit(str(i), score, _source=_source(str(i), **source_fields)) for i, score in enumerate(scores)]
    return {"hits": {"total": {"value": total, "relation": "eq"}, "hits": hits}}


def test_a_long_query_counts_only_the_matches_above_the_floor(es, backend):
    """Thousands of documents share a common word with a long request; the match set is the
    documents scoring at least LEXICAL_MATCH_FLOOR of the best, plus the vector neighbours."""
    from indexer import fusion

    # The BM25 leg is full (50 of 4,000 matches) and its last hit is still above the floor.
    bm25 = _bm25_answer([10.0 - 0.1 * i for i in range(50)], 4000, sector=["media"])
    knn = {"hits": {"total": {"value": 1, "relation": "eq"}, "hits": [_hit("v1", 0.95)]}}
    es.on("POST", "/_msearch", (200, {"responses": [bm25, knn]}))
    counted = {
        "hits": {"total": {"value": 181, "relation": "eq"}, "max_score": 10.0, "hits": []},
        "aggregations": {"sector": {"buckets": [{"key": "media", "doc_count": 180}]}},
    }
    es.on("POST", "/t-member/_search", (200, counted))
    query = SearchQuery(entity="member", text="we need someone for our event", facets=("sector",), limit=10)
    vectors = {"use_m3": np.array([1.0, 0.0], dtype=np.float32)}
    result = backend.search(query, vectors, {"lexical": 0.5, "use_m3": 1.0})

    [search] = es.sent("POST", "/_msearch")
    assert search["lines"][1] == json.loads(json.dumps(q.bm25_body(query, size=50)))
    [sent] = es.sent("POST", "/t-member/_search")
    assert json.loads(sent["raw"]) == q.match_set_body(query, lexical_top=10.0, vector_ids=["v1"])
    assert json.loads(sent["raw"])["min_score"] == pytest.approx(fusion.LEXICAL_MATCH_FLOOR * 10.0)
    assert result.total == 181 and result.facets == {"sector": [("media", 180)]}
    assert [h.id for h in result.hits][:3] == ["v1", "0", "1"]


def test_every_page_up_to_the_total_has_hits(es, backend):
    """Page 6 of 20: the BM25 leg is asked for twice the page's end, the page is full."""
    bm25 = _bm25_answer([300.0 - i for i in range(240)], 260)
    es.on("POST", "/_msearch", (200, {"responses": [bm25]}))
    es.on(
        "POST", "/t-member/_search", (200, {"hits": {"total": {"value": 260, "relation": "eq"}, "hits": []}})
    )
    query = SearchQuery(entity="member", text="fotograaf", mode="lexical", offset=100, limit=20)
    result = backend.search(query, {}, {"lexical": 1.0})
    [search] = es.sent("POST", "/_msearch")
    assert search["lines"][1]["size"] == 240
    assert [h.id for h in result.hits] == [str(i) for i in range(100, 120)]
    assert result.total == 260


def test_another_order_pages_the_match_set_on_the_server(es, backend):
    """Sorted by name: Elasticsearch sorts the match set and returns the page; scores and "why"
    come from the fused legs, also for a lexical match beyond the BM25 leg's depth."""
    bm25 = _bm25_answer([20.0 - 0.2 * i for i in range(50)], 900)
    knn = {
        "hits": {
            "total": {"value": 1, "relation": "eq"},
            "hits": [_hit("v", 0.95, _source=_source("v", sort={"name": "Ánna"}))],
        }
    }
    es.on("POST", "/_msearch", (200, {"responses": [bm25, knn]}))
    page = {
        "hits": {
            "total": {"value": 120, "relation": "eq"},
            "hits": [
                _hit("v", 20.0, _source=_source("v", sort={"name": "Ánna"})),
                _hit("3", 19.4, highlight={"title": [f"{HL_START}Foto{HL_END} Bert"]}),
                _hit("deep", 2.5, _source=_source("deep", sort={"name": "Cas"})),
            ],
        }
    }
    es.on("POST", "/t-member/_search", (200, page))
    query = SearchQuery(entity="member", text="foto", sort="name", offset=20, limit=3)
    vectors = {"use_m3": np.array([1.0, 0.0], dtype=np.float32)}
    result = backend.search(query, vectors, {"lexical": 1.0, "use_m3": 1.0})

    [sent] = es.sent("POST", "/t-member/_search")
    assert json.loads(sent["raw"]) == json.loads(
        json.dumps(q.match_set_body(query, lexical_top=20.0, vector_ids=["v"], order="name"))
    )
    assert [h.id for h in result.hits] == ["v", "3", "deep"]  # Elasticsearch's order
    assert result.total == 120
    assert set(result.hits[0].legs) == {"use_m3"} and result.hits[0].score > 0
    assert result.hits[1].legs == {"lexical": (4, 19.4)}
    assert result.hits[1].highlights == {"title": f"{HL_START}Foto{HL_END} Bert"}
    # Beyond the leg's 50 hits: scored from its BM25 score like any lexical-only match
    # (normalised by the best, weighted by its share of the two legs' weights).
    assert result.hits[2].score == pytest.approx(2.5 / 20.0 / 2, rel=1e-5)
    assert result.hits[2].legs["lexical"] == (51, 2.5)


def test_browse_by_soonest_in_a_period_sends_the_range_filters(es, backend):
    from indexer import fusion
    from indexer.types import RangeFilter

    es.on(
        "POST",
        "/t-event/_search",
        (200, {"hits": {"total": {"value": 1, "relation": "eq"}, "hits": [_hit("e1", None)]}}),
    )
    query = SearchQuery(
        entity="event",
        sort="soonest",
        ranges=(RangeFilter("when", 1717200000, 1719791999), RangeFilter("blocked", relation="disjoint")),
    )
    result = backend.search(query, {}, {})
    [sent] = es.sent("POST", "/t-event/_search")
    body = json.loads(sent["raw"])
    assert body == json.loads(
        json.dumps(q.browse_body(query, boost_bonus=fusion.BOOST_BONUS, near_bonus=fusion.NEAR_BONUS))
    )
    assert body["query"]["bool"]["filter"][1:] == [
        {
            "range": {
                "when": {
                    "gte": 1717200000000,
                    "lte": 1719791999000,
                    "format": "epoch_millis",
                    "relation": "INTERSECTS",
                }
            }
        },
        {
            "bool": {
                "must_not": [{"range": {"blocked": {"format": "epoch_millis", "relation": "INTERSECTS"}}}]
            }
        },
    ]
    assert body["sort"][0]["_script"]["script"]["params"] == {"from": 1717200000.0}
    assert [h.id for h in result.hits] == ["e1"]


def test_browse_with_preferences_is_ranked_by_elasticsearch(es, backend):
    from indexer import fusion

    es.on(
        "POST",
        "/t-member/_search",
        (200, {"hits": {"total": {"value": 2, "relation": "eq"}, "hits": [_hit("8", 0.16), _hit("3", 0.0)]}}),
    )
    query = SearchQuery(
        entity="member", boosts={"function": ("photographer",)}, near=GeoFilter(50.85, 4.35, 10)
    )
    result = backend.search(query, {}, {})
    [sent] = es.sent("POST", "/t-member/_search")
    body = json.loads(sent["raw"])
    assert body == json.loads(
        json.dumps(q.browse_body(query, boost_bonus=fusion.BOOST_BONUS, near_bonus=fusion.NEAR_BONUS))
    )
    assert body["sort"][0] == "_score"
    assert [h.id for h in result.hits] == ["8", "3"]
    assert result.hits[0].distance_km == 0.0
    assert [w.kind for w in result.hits[0].why] == ["distance"]
