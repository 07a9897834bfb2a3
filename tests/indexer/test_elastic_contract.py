"""The backend contract on a live Elasticsearch (8.x or 9.x: the 8.x client serves both).

Runs only where ELASTICSEARCH_URL points at a cluster (with ELASTICSEARCH_CA_CERTS or
ELASTICSEARCH_CA_FINGERPRINT and ELASTICSEARCH_API_KEY for a default secured one); each test
gets its own index prefix (unique per run) and removes its indices afterwards. Without a
server these tests skip; the request bodies, the analysis chains and the backend's wiring
are tested without one in test_elastic_queries.py, test_elastic_analysis.py,
test_elastic_backend.py and test_elastic_resilience.py.
"""

from __future__ import annotations

import itertools
import os
import uuid

import numpy as np
import pytest
from elasticsearch import Elasticsearch

from indexer.backends import elastic_queries as q
from indexer.backends.elastic import (
    ElasticsearchBackend,
    RebuildInProgress,
    connection_options,
    server_problem,
)
from indexer.types import Document, SearchQuery
from tests.indexer.contract import ALL, ENTITY, BackendContract, cards, ids

URL = os.environ.get("ELASTICSEARCH_URL")

pytestmark = [
    pytest.mark.elasticsearch,
    # A development cluster without security says so in a Warning header on every answer.
    pytest.mark.filterwarnings(
        "ignore:Elasticsearch built-in security features are not enabled:elasticsearch.ElasticsearchWarning"
    ),
    pytest.mark.skipif(not URL, reason="ELASTICSEARCH_URL not set: no Elasticsearch server on this machine"),
]

#: Unique per test run, so parallel runs and leftovers from a killed run never collide.
RUN_PREFIX = f"kring-test-{uuid.uuid4().hex[:8]}"
_sequence = itertools.count(1)


@pytest.fixture
def es_client():
    """A client on the live cluster, for set-up and clean-up around the backend under test."""
    options = connection_options(
        URL,
        ca_certs=os.environ.get("ELASTICSEARCH_CA_CERTS") or None,
        ca_fingerprint=os.environ.get("ELASTICSEARCH_CA_FINGERPRINT") or None,
        api_key=os.environ.get("ELASTICSEARCH_API_KEY") or None,
    )
    client = Elasticsearch(URL, request_timeout=30, **options)
    yield client
    client.close()


def _drop_indices(client: Elasticsearch, prefix: str) -> None:
    # Wildcard deletes are refused by default (action.destructive_requires_name): name them.
    names = list(client.indices.get(index=f"{prefix}-*", expand_wildcards="all").body)
    if names:
        client.indices.delete(index=",".join(names))


class TestElasticsearchBackend(BackendContract):
    @pytest.fixture
    def backend(self, es_client):
        """A fresh backend under its own index prefix; writes are refreshed so searches see them."""
        prefix = f"{RUN_PREFIX}-{next(_sequence)}"
        backend = ElasticsearchBackend(URL, prefix=prefix, timeout=10.0, client=es_client, refresh=True)
        yield backend
        backend.close()
        _drop_indices(es_client, prefix)

    def test_health_reports_the_cluster_and_the_index(self, loaded):
        health = loaded.health()
        assert health["ok"] is True, health
        assert server_problem(health["server_version"]) is None
        assert "reindex" not in health
        alias = loaded.alias(ENTITY)
        [index] = [name for name, info in health["indices"].items() if alias in info["aliases"]]
        assert health["indices"][index]["docs"] == 12

    def test_index_uses_the_versioned_config(self, loaded, es_client, embed):
        [index] = list(es_client.indices.get_alias(name=loaded.alias(ENTITY)).body)
        mapping = es_client.indices.get_mapping(index=index).body[index]["mappings"]
        for name, dims in embed.dims.items():
            field = mapping["properties"][f"vec_{name}"]
            assert field["dims"] == dims and field["index_options"]["type"] == "int8_hnsw"
        assert mapping["_meta"]["kring"]["embedders"] == embed.dims

    # the analysis chain (search_config 3: synonyms only on the folded subfield) -------------

    def test_analyze_keeps_multi_word_synonyms_with_stop_words(self, loaded, es_client):
        """What test_elastic_analysis.py checks with its model of the filters, on the server."""
        alias = loaded.alias(ENTITY)
        answer = es_client.indices.analyze(
            index=alias, analyzer="kring_folded_search", text="Ingénieur du son"
        ).body
        tokens = {t["token"]: t for t in answer["tokens"]}
        assert {"ingenieur", "du", "son", "geluidstechnicus", "sound", "engineer", "tontechniker"} <= set(
            tokens
        )
        assert tokens["geluidstechnicus"]["position"] == tokens["ingenieur"]["position"]
        assert tokens["geluidstechnicus"].get("positionLength") == 3  # spans the user's three words
        # The language subfields: stop words and stems, no synonyms (as at index time).
        french = es_client.indices.analyze(index=alias, analyzer="kring_fr", text="Ingénieur du son").body
        [only] = [t["token"] for t in french["tokens"]]  # "du" and "son" are French stop words
        assert only.startswith("ingenieu")

    @pytest.mark.parametrize(
        ("card_text", "query", "lang"),
        [
            ("Koordirigent van een kamerkoor", "chef de chœur", "fr"),
            ("Chef de chœur à Liège", "koordirigent", "nl"),
            ("Geluidstechnicus voor concerten", "ingénieur du son", "fr"),
            ("Arts de la scène, théâtre", "podiumkunsten", "nl"),
        ],
    )
    def test_a_synonym_phrase_with_stop_words_finds_the_card(self, backend, embed, card_text, query, lang):
        backend.ensure_index(ENTITY, embed.dims)
        docs = [
            Document(
                id="syn", version=1, visibility="public", fields={"headline": card_text}, embed_text=card_text
            ),
            Document(
                id="other",
                version=1,
                visibility="public",
                fields={"headline": "Boekhouder in Gent"},
                embed_text="Boekhouder in Gent",
            ),
        ]
        backend.upsert(ENTITY, docs, embed.docs(docs))
        result = backend.search(
            SearchQuery(entity=ENTITY, text=query, lang=lang, mode="lexical", visibility=ALL),
            {},
            {"lexical": 1.0},
        )
        assert ids(result) == ["syn"]

    # what needs a rebuild, and rebuilds ------------------------------------------------------

    def test_a_write_to_a_lost_alias_creates_no_index(self, loaded, es_client, embed):
        alias = loaded.alias(ENTITY)
        [index] = list(es_client.indices.get_alias(name=alias).body)
        es_client.indices.delete_alias(index=index, name=alias)
        docs = cards()[:2]
        report = loaded.upsert(ENTITY, docs, embed.docs(docs))
        assert report.indexed == 0 and set(report.errors) == {d.id for d in docs}
        assert "require_alias" in next(iter(report.errors.values()))
        assert not es_client.indices.exists(index=alias)
        loaded.ensure_index(ENTITY, embed.dims)
        assert loaded.reindex_needed()[ENTITY]["required"]  # -initial exists, the alias does not
        with loaded.rebuild(ENTITY, embed.dims) as writer:
            writer.upsert(cards(), embed.docs(cards()))
        assert loaded.count(ENTITY) == 12
        assert loaded.reindex_needed() == {}
        assert not es_client.indices.exists(index=index)  # the orphaned first index is gone

    def test_a_concrete_index_under_the_alias_name_is_replaced_by_a_rebuild(self, backend, es_client, embed):
        alias = backend.alias(ENTITY)
        es_client.index(index=alias, id="junk", document={"location": "not a geo_point"}, refresh=True)
        backend.ensure_index(ENTITY, embed.dims)
        assert "concrete index" in backend.reindex_needed()[ENTITY]["required"][0]
        with backend.rebuild(ENTITY, embed.dims) as writer:
            writer.upsert(cards(), embed.docs(cards()))
        assert es_client.indices.exists_alias(name=alias)
        assert backend.ids(ENTITY) == {d.id for d in cards()}

    def test_a_second_rebuild_is_refused_while_one_runs(self, loaded, es_client, embed):
        other = ElasticsearchBackend(URL, prefix=loaded.prefix, timeout=10.0, client=es_client, refresh=True)
        with loaded.rebuild(ENTITY, embed.dims) as writer:
            with pytest.raises(RebuildInProgress):
                with other.rebuild(ENTITY, embed.dims):
                    pass  # pragma: no cover - never entered
            writer.upsert(cards(), embed.docs(cards()))
        with other.rebuild(ENTITY, embed.dims) as writer:  # free again
            writer.upsert(cards(), embed.docs(cards()))
        assert loaded.count(ENTITY) == 12

    def test_changed_dims_are_noted_and_a_rebuild_fixes_them(self, loaded, embed):
        name = sorted(embed.dims)[0]
        dims = {**embed.dims, name: embed.dims[name] + 1}
        loaded.ensure_index(ENTITY, dims)  # used to raise "run flask indexer reindex"
        assert loaded.reindex_needed()[ENTITY]["required"]
        assert loaded.health()["ok"] is False
        vectors = embed.docs(cards())
        vectors[name] = np.hstack([vectors[name], np.zeros((len(cards()), 1), np.float32)])
        with loaded.rebuild(ENTITY, dims) as writer:
            writer.upsert(cards(), vectors)
        assert loaded.reindex_needed() == {}
        assert loaded.health()["ok"] is True

    def test_a_missing_index_is_unavailable_not_empty(self, backend):
        from indexer.backends.base import BackendUnavailable

        with pytest.raises(BackendUnavailable, match="no index behind"):
            backend.search(SearchQuery(entity=ENTITY, text="x", mode="lexical"), {}, {"lexical": 1.0})
        assert backend.count(ENTITY) == 0

    def test_the_stored_config_hash_is_the_codes(self, loaded, es_client):
        [index] = list(es_client.indices.get_alias(name=loaded.alias(ENTITY)).body)
        mapping = es_client.indices.get_mapping(index=index).body[index]["mappings"]
        assert mapping["_meta"]["kring"]["config_hash"] == q.config_hash(loaded.synonyms())
