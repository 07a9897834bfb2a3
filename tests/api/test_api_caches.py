"""The request path's caches (issue 8, speed) change no answer of the JSON API, and a publish or
unpublish shows at once through them; hidden cards never come back from a cache. Real embedded
backend, real encoders."""

from __future__ import annotations

import json

import pytest

from tests.api.cards import CORPUS, make_member

SEARCH = "/api/v1/members/search"

#: Trade names, places with and without a cue, natural requests, typos, nonsense, filters, paging.
QUERIES = (
    "q=fotograaf+Gand",
    "q=photographe+pr%C3%A8s+de+Namur",
    "q=Tontechniker",
    "q=fotgraaf+gent",
    "q=tradcteur",
    "q=Wie+kan+foto%27s+maken+van+ons+bedrijfsfeest%3F",
    "q=someone+to+design+a+logo+for+my+bakery",
    "q=zzqqxx",
    "q=fotograaf+in+Gent",
    "q=photographer&place=Gent&place_mode=near",
    "q=designer&country=BE",
    "q=photographer&per_page=2&page=2",
    "country=BE",
)
MODES = ("hybrid", "lexical", "semantic")


def clear_every_cache(app) -> None:
    """Query understanding, query vectors, static labels, stored documents: a cold request path."""
    from webapp.core.search import get_service
    from webapp.core.search.page import clear_query_caches

    with app.app_context():
        service = get_service()
        service._query_cache.clear()
        clear_query_caches()
        for index in service.backend._indexes.values():
            index.forget_docs()


def answer(client, query: str) -> str:
    response = client.get(f"{SEARCH}?{query}")
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_data(as_text=True)


def test_warm_caches_answer_exactly_as_cold_ones(corpus, corpus_member):
    app = corpus[0]
    for client in (app.test_client(), corpus_member):
        cold = {}
        for query in QUERIES:
            for mode in MODES:
                clear_every_cache(app)
                cold[query, mode] = answer(client, f"{query}&mode={mode}")
        for _ in range(2):  # the second pass answers from caches the first one filled
            for query in QUERIES:
                for mode in MODES:
                    assert answer(client, f"{query}&mode={mode}") == cold[query, mode], (query, mode)
        shown = sum(len(json.loads(body)["results"]) for body in cold.values())
        assert shown > 100  # the set compares real result lists, not empty ones


@pytest.mark.parametrize("way", ["draft", "community"])
def test_unpublished_card_leaves_warm_caches_at_once(app, client, db, way):
    from webapp.core.search import drain_all
    from webapp.directory import service

    anna = make_member(CORPUS[0])  # photographer, Ghent
    make_member(CORPUS[8], 8)  # photographer, Mons
    db.session.commit()
    drain_all()
    for _ in range(3):  # fill every cache with Anna
        data = json.loads(answer(client, "q=fotograaf+Gent"))
        assert [r["id"] for r in data["results"]][0] == anna.id

    service.set_visibility(anna, way, actor_id=None)
    db.session.commit()
    # Before the indexer runs: the lagging card is excluded from the search, not only the page.
    lagging = json.loads(answer(client, "q=fotograaf+Gent"))
    assert anna.id not in [r["id"] for r in lagging["results"]] and lagging["total"] == 1
    drain_all()
    for query in ("q=fotograaf+Gent", "q=Anna+Peeters", "q=fotograaf+Gent&mode=semantic", "per_page=50"):
        data = json.loads(answer(client, query))
        assert anna.id not in [r["id"] for r in data["results"]], query
        assert "Anna" not in json.dumps(data["results"]), query

    service.set_visibility(anna, "public", actor_id=None)
    db.session.commit()
    drain_all()
    data = json.loads(answer(client, "q=fotograaf+Gent"))
    assert [r["id"] for r in data["results"]][0] == anna.id
