"""The backend contract on a live Elasticsearch (8.x, matching the client's major version).

Runs only where ELASTICSEARCH_URL points at a cluster; each test gets its own index
prefix (unique per run) and removes its indices afterwards. Without a server these tests
skip; the request bodies and the backend's wiring are tested without one in
test_elastic_queries.py and test_elastic_backend.py.
"""

from __future__ import annotations

import itertools
import os
import uuid

import pytest
from elasticsearch import Elasticsearch
from elasticsearch import __versionstr__ as CLIENT_VERSION

from indexer.backends.elastic import ElasticsearchBackend
from tests.indexer.contract import ENTITY, BackendContract

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
    client = Elasticsearch(URL, request_timeout=30)
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
        assert health["server_version"].split(".")[0] == CLIENT_VERSION.split(".")[0]
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
