"""The Elasticsearch backend against clusters that misbehave, on real local sockets.

TLS and credentials reach the official client (its node configuration, and a real HTTPS
handshake against a throwaway CA); bulk retries happen in one layer with back-off (the
requests a local server received are counted); a cluster that accepts connections and never
answers costs the request path one timeout, not more; two rebuilds of one entity never run
at once. The servers are tests/indexer/es_server.py; the backend and client are the real ones.
"""

from __future__ import annotations

import base64
import json
import re
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from indexer.backends import create_backend
from indexer.backends import elastic_queries as q
from indexer.backends.base import BackendUnavailable
from indexer.backends.elastic import ElasticsearchBackend, RebuildInProgress, RebuildLockLost
from indexer.types import Document, SearchQuery
from tests.indexer.es_server import FakeElasticsearch, HangingServer, TlsFiles, make_tls_files

PREFIX = "t"
BULK = "PUT|POST"


def _doc(doc_id: str) -> Document:
    return Document(id=doc_id, version=1, visibility="public", fields={"title": f"Member {doc_id}"})


@pytest.fixture
def es():
    """A fake Elasticsearch endpoint over plain HTTP."""
    fake = FakeElasticsearch()
    yield fake
    fake.close()


@pytest.fixture(scope="module")
def tls(tmp_path_factory) -> TlsFiles:
    """A throwaway CA, a certificate for 127.0.0.1 signed by it, and an unrelated CA."""
    files = make_tls_files(tmp_path_factory.mktemp("tls"))
    if files is None:
        pytest.skip("the openssl command is not installed: no certificates for the TLS tests")
    return files


@pytest.fixture
def https_es(tls):
    """A fake Elasticsearch over HTTPS with a certificate from our own CA, like a default
    self-managed Elasticsearch 8/9 (security on, http_ca.crt)."""
    fake = FakeElasticsearch(certfile=str(tls.cert_chain), keyfile=str(tls.key))
    fake.on("GET", "/", (200, {"cluster_name": "kring", "version": {"number": "9.1.0"}}))
    fake.on("GET", "/_cluster/health", (200, {"cluster_name": "kring", "status": "green"}))
    fake.on("GET", "/_cat/indices/t-\\*", (200, []))
    fake.on("GET", "/_alias/t-\\*", (200, {}))
    yield fake
    fake.close()


def _node_configs(backend: ElasticsearchBackend) -> list[Any]:
    """The node configuration of both clients (request path and background)."""
    return [c.transport.node_pool.all()[0].config for c in (backend._client, backend._background)]


# --- item 10: TLS and credentials reach the client ------------------------------------------


def test_ca_file_and_api_key_reach_both_clients(tls):
    backend = create_backend(
        "elasticsearch",
        data_dir="unused",
        url="https://127.0.0.1:9200",
        prefix=PREFIX,
        ca_certs=str(tls.ca),
        api_key="a2V5LWlkOnNlY3JldA==",
    )
    try:
        for config in _node_configs(backend):
            assert config.scheme == "https"
            assert config.ca_certs == str(tls.ca)
            assert config.verify_certs is True
            assert config.ssl_assert_fingerprint is None
        for client in (backend._client, backend._background):
            assert client._headers["authorization"] == "ApiKey a2V5LWlkOnNlY3JldA=="
    finally:
        backend.close()


def test_fingerprint_and_id_key_pair_reach_both_clients(tls):
    backend = create_backend(
        "elasticsearch",
        data_dir="unused",
        url="https://127.0.0.1:9200",
        prefix=PREFIX,
        ca_fingerprint=tls.ca_fingerprint,  # with colons and upper case, as openssl prints it
        api_key="key-id:secret",
    )
    try:
        for config in _node_configs(backend):
            assert config.ssl_assert_fingerprint == tls.ca_fingerprint.replace(":", "").lower()
        encoded = base64.b64encode(b"key-id:secret").decode()
        for client in (backend._client, backend._background):
            assert client._headers["authorization"] == f"ApiKey {encoded}"
    finally:
        backend.close()


def test_self_signed_cluster_is_reached_with_its_ca_file(https_es, tls):
    backend = ElasticsearchBackend(
        https_es.url, prefix=PREFIX, ca_certs=tls.ca, api_key="a2V5LWlkOnNlY3JldA=="
    )
    health = backend.health()
    backend.close()
    assert health["ok"] is True, health
    [info] = https_es.sent("GET", "/")
    assert info["headers"]["authorization"] == "ApiKey a2V5LWlkOnNlY3JldA=="


def test_self_signed_cluster_is_reached_with_its_ca_fingerprint(https_es, tls):
    backend = ElasticsearchBackend(https_es.url, prefix=PREFIX, ca_fingerprint=tls.ca_fingerprint)
    health = backend.health()
    backend.close()
    assert health["ok"] is True, health


@pytest.mark.parametrize("setting", ["none", "other_fingerprint"])
def test_self_signed_cluster_is_refused_without_the_right_ca(https_es, tls, setting):
    kwargs = {"ca_fingerprint": tls.other_ca_fingerprint} if setting == "other_fingerprint" else {}
    backend = ElasticsearchBackend(https_es.url, prefix=PREFIX, **kwargs)
    health = backend.health()
    with pytest.raises(BackendUnavailable, match="TlsError"):
        backend.count("member")
    backend.close()
    assert health["ok"] is False
    assert "TlsError" in health["error"]
    assert not https_es.requests  # nothing was sent over an unverified connection


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"url": "http://127.0.0.1:9200", "ca_fingerprint": "ab" * 32}, "need an https://"),
        ({"url": "https://127.0.0.1:9200", "ca_certs": "/nonexistent/ca.pem"}, "no such file"),
        ({"url": "https://127.0.0.1:9200", "ca_fingerprint": "ab:cd"}, "SHA-256 fingerprint"),
        (
            {"url": "https://127.0.0.1:9200", "ca_fingerprint": "ab" * 32, "ca_certs": __file__},
            "not both",
        ),
    ],
)
def test_wrong_tls_settings_fail_at_construction_with_their_name(kwargs, message):
    with pytest.raises(ValueError, match=message):
        ElasticsearchBackend(prefix=PREFIX, **kwargs)


# --- item 13: one retry layer, with back-off -------------------------------------------------


def _slow(seconds: float, answer: tuple[int, Any]):
    def respond(request: dict) -> tuple[int, Any]:
        time.sleep(seconds)
        return answer

    return respond


def _gaps(requests: list[dict[str, Any]]) -> list[float]:
    times = [r["at"] for r in requests]
    return [b - a for a, b in zip(times, times[1:], strict=False)]


@pytest.mark.parametrize("status", [429, 503])
def test_a_persistent_429_or_503_costs_max_retries_plus_one_requests_with_back_off(es, status):
    """Before: the transport retried twice without a pause under each of the helper's four
    attempts, twelve requests per chunk. Now: four, 0.05 s, 0.1 s and 0.2 s apart."""
    error = {"error": {"type": "es_rejected_execution_exception", "reason": "queue full"}, "status": status}
    es.on(BULK, "/_bulk", (status, error))
    backend = ElasticsearchBackend(es.url, prefix=PREFIX, max_retries=3, initial_backoff=0.05, synonyms=[])
    with pytest.raises(BackendUnavailable, match=str(status)):
        backend.upsert("member", [_doc("1"), _doc("2")], {})
    backend.close()
    bulks = es.sent(BULK, "/_bulk")
    assert len(bulks) == 4
    for gap, backoff in zip(_gaps(bulks), [0.05, 0.1, 0.2], strict=True):
        assert gap >= backoff * 0.9


def test_rejected_documents_are_retried_with_back_off_then_reported(es):
    answer = {
        "errors": True,
        "items": [
            {"index": {"_id": "1", "status": 201, "result": "created"}},
            {"index": {"_id": "2", "status": 429, "error": {"type": "es_rejected_execution_exception"}}},
        ],
    }

    def bulk(request: dict) -> tuple[int, Any]:
        ids = [line["index"]["_id"] for line in request["lines"][0::2]]
        return 200, {"errors": True, "items": [i for i in answer["items"] if i["index"]["_id"] in ids]}

    es.on(BULK, "/_bulk", bulk)
    backend = ElasticsearchBackend(es.url, prefix=PREFIX, max_retries=2, initial_backoff=0.05, synonyms=[])
    report = backend.upsert("member", [_doc("1"), _doc("2")], {})
    backend.close()
    assert report.indexed == 1
    assert report.errors == {"2": "es_rejected_execution_exception: None"}
    bulks = es.sent(BULK, "/_bulk")
    assert [[line["index"]["_id"] for line in b["lines"][0::2]] for b in bulks] == [["1", "2"], ["2"], ["2"]]
    assert all(gap >= backoff * 0.9 for gap, backoff in zip(_gaps(bulks), [0.05, 0.1], strict=True))


def test_a_bulk_that_times_out_is_one_request_then_the_outbox_retries(es):
    """A timeout is not retried underneath (the outbox row waits with its own back-off)."""
    es.on(BULK, "/_bulk", _slow(2.0, (200, {"errors": False, "items": []})))
    backend = ElasticsearchBackend(es.url, prefix=PREFIX, bulk_timeout=0.3, synonyms=[])
    started = time.monotonic()
    with pytest.raises(BackendUnavailable, match="ConnectionTimeout"):
        backend.upsert("member", [_doc("1")], {})
    elapsed = time.monotonic() - started
    backend.close()
    assert 0.25 < elapsed < 0.9
    assert len(es.sent(BULK, "/_bulk")) == 1


def test_the_request_path_never_retries(es):
    es.on("POST", "/_msearch", (503, {"error": {"type": "unavailable"}, "status": 503}))
    backend = ElasticsearchBackend(es.url, prefix=PREFIX, synonyms=[])
    with pytest.raises(BackendUnavailable):
        backend.search(SearchQuery(entity="member", text="x"), {}, {"lexical": 1.0})
    backend.close()
    assert len(es.sent("POST", "/_msearch")) == 1


# --- item 1: a hung cluster costs the request path one short timeout --------------------------


def test_a_socket_that_never_answers_costs_each_request_path_call_one_timeout():
    """Default SEARCH_TIMEOUT_S: search, health, count and ensure_index (as the web process
    calls it when it builds its service) each give up within about a second, on one
    connection: no retry, no second request."""
    hanging = HangingServer()
    backend = ElasticsearchBackend(hanging.url, prefix=PREFIX, timeout=0.8, synonyms=[])
    query = SearchQuery(entity="member", text="fotograaf")
    vectors = {"minilm": np.array([[1.0, 0.0]], dtype=np.float32)}
    calls = {
        "search": lambda: backend.search(query, vectors, {"lexical": 1.0, "minilm": 1.0}),
        "browse": lambda: backend.search(SearchQuery(entity="member"), {}, {}),
        "count": lambda: backend.count("member"),
        "ensure_index": lambda: backend.ensure_index("member", {"minilm": 2}),
    }
    try:
        for name, call in calls.items():
            before = len(hanging.connections)
            started = time.monotonic()
            with pytest.raises(BackendUnavailable, match="ConnectionTimeout"):
                call()
            elapsed = time.monotonic() - started
            assert 0.7 < elapsed < 1.3, (name, elapsed)  # one 0.8 s timeout, never two
            time.sleep(0.05)  # let the accept thread see a (wrong) second connection
            assert len(hanging.connections) == before + 1, name
        started = time.monotonic()
        health = backend.health()
        assert time.monotonic() - started < 1.3
        assert health["ok"] is False and "ConnectionTimeout" in health["error"]
    finally:
        backend.close()
        hanging.close()


def test_one_search_shares_one_timeout_across_its_requests(es):
    """The BM25 leg comes back after 0.5 s without every match, so the match set is counted in
    a second request, which hangs: the search gives up at 0.8 s in all, not 0.5 + 0.8."""
    hits = [{"_id": str(i), "_score": 10.0 - 0.01 * i, "_source": {}} for i in range(50)]
    bm25 = {"hits": {"total": {"value": 900, "relation": "eq"}, "hits": hits}}
    es.on("POST", "/_msearch", _slow(0.5, (200, {"responses": [bm25]})))
    es.on("POST", "/t-member/_search", _slow(3.0, (200, {})))
    backend = ElasticsearchBackend(es.url, prefix=PREFIX, timeout=0.8, synonyms=[])
    started = time.monotonic()
    with pytest.raises(BackendUnavailable):
        backend.search(SearchQuery(entity="member", text="x", mode="lexical"), {}, {"lexical": 1.0})
    elapsed = time.monotonic() - started
    backend.close()
    assert 0.7 < elapsed < 1.3
    assert len(es.sent("POST", "/t-member/_search")) == 1


def test_health_shares_one_timeout_across_its_requests(es):
    es.on("GET", "/", _slow(0.35, (200, {"version": {"number": "8.19.3"}})))
    es.on("GET", "/_cluster/health", _slow(0.35, (200, {"status": "green"})))
    es.on("GET", "/_cat/indices/t-\\*", _slow(3.0, (200, [])))
    backend = ElasticsearchBackend(es.url, prefix=PREFIX, timeout=0.8, synonyms=[])
    started = time.monotonic()
    health = backend.health()
    elapsed = time.monotonic() - started
    backend.close()
    assert health["ok"] is False and health["server_version"] == "8.19.3"
    assert 0.7 < elapsed < 1.3


# --- item 14: never two rebuilds at once -----------------------------------------------------


class LockStore:
    """The lock index of a fake cluster with Elasticsearch's semantics for what the lock uses:
    create only if absent (409), get, index with if_seq_no/if_primary_term (409 on a stale
    pair), delete with the same check."""

    def __init__(self, es: FakeElasticsearch) -> None:
        self.docs: dict[str, dict[str, Any]] = {}
        self.seq = 0
        self.index_made = False
        self._mutex = threading.Lock()
        doc = "/t-_locks/_(?:doc|create)/([a-z0-9_.-]+)"
        es.on("PUT", "/t-_locks", self._create_index)
        es.on("PUT|POST|GET|DELETE", doc, self._doc)

    def _create_index(self, request: dict) -> tuple[int, Any]:
        if self.index_made:
            return 400, {"error": {"type": "resource_already_exists_exception"}, "status": 400}
        self.index_made = True
        return 200, {"acknowledged": True}

    def _conflict(self) -> tuple[int, Any]:
        return 409, {"error": {"type": "version_conflict_engine_exception"}, "status": 409}

    def _doc(self, request: dict) -> tuple[int, Any]:
        entity = re.search(r"/_(?:doc|create)/(.+)$", request["path"]).group(1)
        params = request["params"]
        with self._mutex:
            held = self.docs.get(entity)
            if request["method"] == "GET":
                if held is None:
                    return 404, {"found": False}
                return 200, {"found": True, **held}
            if "if_seq_no" in params and (
                held is None
                or str(held["_seq_no"]) != params["if_seq_no"]
                or str(held["_primary_term"]) != params["if_primary_term"]
            ):
                return self._conflict()
            if request["method"] == "DELETE":
                self.docs.pop(entity, None)
                return 200, {"result": "deleted"}
            if "/_create/" in request["path"] and held is not None:
                return self._conflict()
            self.seq += 1
            self.docs[entity] = {
                "_seq_no": self.seq,
                "_primary_term": 1,
                "_source": json.loads(request["raw"]),
            }
            return 201, {"result": "created", "_seq_no": self.seq, "_primary_term": 1}


def _index_routes(es: FakeElasticsearch) -> None:
    es.on("PUT", "/t-member-\\d{8}t\\d{12}(/_settings)?", (200, {"acknowledged": True}))
    es.on("DELETE", "/t-member-\\d{8}t\\d{12}", (200, {"acknowledged": True}))
    es.on("POST", "/t-member-\\d{8}t\\d{12}/_refresh", (200, {}))
    es.on("POST", "/_aliases", (200, {"acknowledged": True}))
    es.on(BULK, "/_bulk", lambda r: (200, {"errors": False, "items": []}))


def test_a_second_rebuild_waits_for_the_first(es):
    """Before, the second one deleted the first one's index (behind the building alias) and the
    first one's writes auto-created an index in its place."""
    locks = LockStore(es)
    _index_routes(es)
    first = ElasticsearchBackend(es.url, prefix=PREFIX, synonyms=[])
    second = ElasticsearchBackend(es.url, prefix=PREFIX, synonyms=[])
    with first.rebuild("member", {"minilm": 2}):
        creates = len(es.sent("PUT", "/t-member-\\d{8}t\\d{12}"))
        with pytest.raises(RebuildInProgress, match="member is being rebuilt by"):
            with second.rebuild("member", {"minilm": 2}):
                pass  # pragma: no cover - never entered
        assert len(es.sent("PUT", "/t-member-\\d{8}t\\d{12}")) == creates == 1
        assert not es.sent("DELETE", ".*")  # the running rebuild's index is untouched
    assert locks.docs == {}  # released at the end
    with second.rebuild("member", {"minilm": 2}):  # now it may
        pass
    assert len(es.sent("POST", "/_aliases")) == 2
    first.close()
    second.close()


def test_a_stale_lock_is_taken_over_once(es):
    locks = LockStore(es)
    _index_routes(es)
    crashed = {"owner": "gone:1", "index": "t-member-x", "started": 0.0, "heartbeat": time.time() - 3600}
    locks.docs["member"] = {"_seq_no": 7, "_primary_term": 1, "_source": crashed}
    backend = ElasticsearchBackend(es.url, prefix=PREFIX, synonyms=[], lock_stale_after=600)
    with backend.rebuild("member", {"minilm": 2}):
        [takeover] = es.sent("PUT", "/t-_locks/_doc/member")
        assert takeover["params"] == {"if_seq_no": "7", "if_primary_term": "1"}
    assert es.sent("POST", "/_aliases")
    assert locks.docs == {}
    backend.close()


def test_a_rebuild_whose_lock_was_taken_over_does_not_swap(es):
    locks = LockStore(es)
    _index_routes(es)
    backend = ElasticsearchBackend(es.url, prefix=PREFIX, synonyms=[])
    with pytest.raises(RebuildLockLost):
        with backend.rebuild("member", {"minilm": 2}) as writer:
            # Another process decided this rebuild was dead and took the lock.
            locks.docs["member"]["_seq_no"] = 99
            writer.upsert([_doc("1")], {})
    assert not es.sent("POST", "/_aliases")
    [create] = es.sent("PUT", "/t-member-\\d{8}t\\d{12}")
    assert es.sent("DELETE", create["path"])  # its index is dropped
    assert "member" in locks.docs  # the new owner's lock stays
    backend.close()


def test_a_rebuild_whose_index_was_removed_stops_at_its_next_write(es):
    """require_alias turns "write into an index someone deleted" into an error, not a fresh
    auto-created index; the rebuild stops instead of swapping in an index without the rows."""
    LockStore(es)
    _index_routes(es)
    error = {"type": "index_not_found_exception", "reason": "[t-member-building] is not an alias"}
    es.on(
        BULK,
        "/_bulk",
        (200, {"errors": True, "items": [{"index": {"_id": "1", "status": 404, "error": error}}]}),
    )
    backend = ElasticsearchBackend(es.url, prefix=PREFIX, synonyms=[])
    with pytest.raises(RebuildLockLost, match="t-member-building no longer exists"):
        with backend.rebuild("member", {"minilm": 2}) as writer:
            writer.upsert([_doc("1")], {})
    assert not es.sent("POST", "/_aliases")
    backend.close()


def test_changed_dims_are_noted_and_the_rebuild_still_runs(es):
    """Item 15's deadlock: the service's ensure_index used to raise "run reindex", and reindex
    builds the service first. Now the rebuild runs and clears the note."""
    LockStore(es)
    _index_routes(es)
    current = q.index_body({"minilm": 384}, synonyms=[])["mappings"]
    es.on("GET", "/t-member/_mapping", (200, {"t-member-1": {"mappings": current}}))
    backend = ElasticsearchBackend(es.url, prefix=PREFIX, synonyms=[])
    backend.ensure_index("member", {"minilm": 768})
    assert backend.reindex_needed()["member"]["required"]
    with backend.rebuild("member", {"minilm": 768}) as writer:
        writer.upsert([_doc("1")], {"minilm": np.zeros((1, 768), dtype=np.float32)})
    [create] = es.sent("PUT", "/t-member-\\d{8}t\\d{12}")
    assert json.loads(create["raw"])["mappings"]["properties"]["vec_minilm"]["dims"] == 768
    assert backend.reindex_needed() == {}
    backend.close()


def test_tls_files_helper_makes_a_ca_that_signs_the_node(tls: TlsFiles):
    """The fixture itself: the chain file holds the node certificate and then the CA."""
    chain = Path(tls.cert_chain).read_text()
    assert chain.count("BEGIN CERTIFICATE") == 2
    assert chain.endswith(Path(tls.ca).read_text())
    assert re.fullmatch(r"([0-9A-F]{2}:){31}[0-9A-F]{2}", tls.ca_fingerprint)
