"""A search backend that accepts connections and never answers must not freeze the site (issue 7.1).

The backend is a real socket on loopback that accepts and then says nothing, which is what a
wedged Elasticsearch node or a black-holing proxy looks like. Searches and /healthz are sent
concurrently through the real app; every one answers within about a second, searches flagged
degraded (answered from the database), and the failed setup opens the circuit breaker.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.factories import make_user
from tests.indexer.es_server import HangingServer


@pytest.fixture
def silent_server():
    """A socket that accepts and never answers."""
    server = HangingServer()
    yield server
    server.close()


@pytest.fixture
def hung_backend_config(app_config, silent_server):
    """Settings pointing the search backend at the silent socket."""
    app_config.update(SEARCH_BACKEND="elasticsearch", ELASTICSEARCH_URL=silent_server.url)
    return app_config


def _timed(client, url: str) -> tuple[float, int, dict | None]:
    started = time.monotonic()
    response = client.get(url)
    elapsed = time.monotonic() - started
    data = response.get_json(silent=True) if response.mimetype == "application/json" else None
    return elapsed, response.status_code, data


def test_ten_concurrent_searches_and_healthz_answer_within_a_second(
    hung_backend_config, app, db, silent_server
):
    from webapp.core.search import breaker_open

    make_user()
    urls = [f"/api/v1/members/search?q=fotograaf+{n}" for n in range(10)] + ["/healthz", "/directory?q=x"]
    with ThreadPoolExecutor(max_workers=len(urls)) as pool:
        results = list(pool.map(lambda url: _timed(app.test_client(), url), urls))
    for url, (elapsed, status, data) in zip(urls, results, strict=True):
        assert status == 200, url
        assert elapsed < 1.5, f"{url} took {elapsed:.2f}s"
        if url.startswith("/api/"):
            assert data["degraded"] is True
    # The setup ran in the background against the silent socket (one build, not one per request)…
    deadline = time.monotonic() + 30
    while not silent_server.connections and time.monotonic() < deadline:
        time.sleep(0.05)
    assert silent_server.connections
    # …and once it gives up, the breaker keeps requests off the backend: still fast, still degraded.
    deadline = time.monotonic() + 60
    while not breaker_open(app) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert breaker_open(app)
    elapsed, status, data = _timed(app.test_client(), "/api/v1/members/search?q=photographer")
    assert status == 200 and data["degraded"] is True and elapsed < 1.0


def test_the_embedded_backend_is_waited_for_and_answers(app, db):
    """Local setup cannot hang: a request waits for it and gets real (not degraded) results."""
    elapsed, status, data = _timed(app.test_client(), "/api/v1/members/search?q=photographer")
    assert status == 200 and data["degraded"] is False
