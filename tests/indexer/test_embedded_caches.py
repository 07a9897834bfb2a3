"""The embedded backend's request-path shortcuts (issue 8, speed) change no answer and never
serve a stale or deleted document: the bounded cache of stored documents (fields, facets,
payload, analysed highlight marks) and the in-thread vector scans of small indexes.

Small random vectors, no encoder: these test the index, not the models."""

from __future__ import annotations

import numpy as np
import pytest

from indexer.backends.embedded import EmbeddedBackend
from indexer.backends.embedded import search as embedded_search
from indexer.backends.embedded import store as embedded_store
from indexer.types import HL_START, Document, GeoFilter, SearchQuery

DIMS = {"a": 8, "b": 6}
ALL = ("public", "community")
WORDS = ("alpha", "beta", "gamma", "delta", "photographer", "portrait", "wedding", "studio")


def doc(i: int, version: int = 1, text: str | None = None, visibility: str = "public") -> Document:
    rnd = np.random.default_rng(i)
    body = text if text is not None else " ".join(rnd.choice(WORDS, size=6).tolist())
    return Document(
        id=f"d{i}",
        version=version,
        visibility=visibility,
        fields={"title": f"Card {i}", "body": f"{body} number{i}"},
        facets={"sector": ["s" + str(i % 3)]},
        lang="en",
        location=(50.0 + (i % 7) * 0.1, 4.0 + (i % 5) * 0.1),
        sort={"name": f"Card {i:05d}", "recent": float(i)},
        payload={"n": i, "version": version},
    )


def vectors(docs: list[Document], seed: int = 0) -> dict[str, np.ndarray]:
    rnd = np.random.default_rng(seed + len(docs))
    out = {}
    for leg, dims in DIMS.items():
        m = rnd.normal(size=(len(docs), dims)).astype(np.float32)
        out[leg] = m / np.linalg.norm(m, axis=1, keepdims=True)
    return out


def query_vectors(seed: int) -> dict[str, np.ndarray]:
    rnd = np.random.default_rng(1000 + seed)
    out = {}
    for leg, dims in DIMS.items():
        v = rnd.normal(size=(1, dims)).astype(np.float32)
        out[leg] = v / np.linalg.norm(v)
    return out


WEIGHTS = {"lexical": 1.0, "a": 0.6, "b": 0.4}


def hybrid(backend, text: str, seed: int = 0, **kw):
    query = SearchQuery(entity="e", text=text, mode="hybrid", visibility=ALL, limit=20, **kw)
    return backend.search(query, query_vectors(seed), WEIGHTS)


def as_data(result) -> list[tuple]:
    """Everything a hit says: id, score, distance, legs, highlights, payload, why."""
    return [
        (
            h.id,
            h.score,
            h.distance_km,
            sorted(h.legs.items()),
            sorted(h.highlights.items()),
            sorted(h.payload.items()),
            [(w.kind, sorted((w.detail or {}).items(), key=str)) for w in h.why],
        )
        for h in result.hits
    ] + [("total", result.total, sorted(result.facets.items()))]


QUERIES = [
    ("photographer", {}),
    ("wedding portrait", {}),
    ("alpha studio", {"facets": ("sector",)}),
    ("beta", {"near": GeoFilter(50.2, 4.2, 30.0)}),
    ("gamma delta number3", {"geo": GeoFilter(50.1, 4.1, 20.0), "near": GeoFilter(50.1, 4.1, 20.0)}),
]


@pytest.fixture
def backend(tmp_path):
    """An embedded backend with 60 documents in index "e" (two vector fields)."""
    backend = EmbeddedBackend(tmp_path)
    backend.ensure_index("e", DIMS)
    docs = [doc(i) for i in range(60)]
    backend.upsert("e", docs, vectors(docs))
    yield backend
    backend.close()


def test_cached_documents_change_no_hit(backend):
    index = backend._indexes["e"]
    cold = []
    for seed, (text, kw) in enumerate(QUERIES):
        index.forget_docs()
        cold.append(as_data(hybrid(backend, text, seed, **kw)))
    assert len(index._docs) > 0
    warm = [as_data(hybrid(backend, text, seed, **kw)) for seed, (text, kw) in enumerate(QUERIES)]
    assert warm == cold
    assert any(HL_START in v for hits in cold for h in hits[:-1] for _k, v in h[4])


def test_in_thread_and_parallel_vector_scans_agree(backend, monkeypatch):
    monkeypatch.setattr(embedded_search, "PARALLEL_SCAN_ROWS", 10**9)
    inline = [as_data(hybrid(backend, text, seed, **kw)) for seed, (text, kw) in enumerate(QUERIES)]
    monkeypatch.setattr(embedded_search, "PARALLEL_SCAN_ROWS", 0)
    parallel = [as_data(hybrid(backend, text, seed, **kw)) for seed, (text, kw) in enumerate(QUERIES)]
    assert inline == parallel


def test_the_document_cache_is_bounded(backend, monkeypatch):
    monkeypatch.setattr(embedded_store, "DOC_CACHE", 7)
    index = backend._indexes["e"]
    index.forget_docs()
    expected = [as_data(hybrid(backend, text, seed, **kw)) for seed, (text, kw) in enumerate(QUERIES)]
    assert 0 < len(index._docs) <= 7
    again = [as_data(hybrid(backend, text, seed, **kw)) for seed, (text, kw) in enumerate(QUERIES)]
    assert again == expected and len(index._docs) <= 7


def test_an_edited_document_shows_its_new_text_at_once(backend):
    before = hybrid(backend, "number5 alpha")
    assert before.hits[0].id == "d5"
    edited = [doc(5, version=2, text="zebra crossing")]
    backend.upsert("e", edited, vectors(edited, seed=5))
    after = hybrid(backend, "number5 zebra")
    hit = next(h for h in after.hits if h.id == "d5")
    assert "zebra" in hit.highlights["body"] and hit.payload["version"] == 2
    assert not any(
        h.id == "d5" for h in hybrid(backend, "number5 alpha").hits if "alpha" in str(h.highlights)
    )


def test_another_writers_edit_and_delete_are_seen_and_leave_no_copy(backend, tmp_path):
    warm = hybrid(backend, "number7 number8 secretword")
    assert {"d7", "d8"} <= {h.id for h in warm.hits}
    index = backend._indexes["e"]
    assert "d7" in index._docs and "d8" in index._docs
    other = EmbeddedBackend(tmp_path)  # another process's writer: same files, own memory
    edited = [doc(7, version=2, text="secretword")]
    other.upsert("e", edited, vectors(edited, seed=7))
    other.delete("e", ["d8"])
    other.close()
    after = hybrid(backend, "number7 number8 secretword")
    ids = [h.id for h in after.hits]
    assert "d8" not in ids
    hit = next(h for h in after.hits if h.id == "d7")
    assert "secretword" in hit.highlights["body"] and hit.payload["version"] == 2
    # The deleted document is gone from memory too, not only from the answers.
    assert "d8" not in index._docs
    assert not any("number8" in str(d.fields) for d in index._docs.values())


def test_a_delete_empties_the_cache_before_any_search(backend):
    hybrid(backend, "number9 alpha")
    index = backend._indexes["e"]
    assert "d9" in index._docs
    backend.delete("e", ["d9"])
    assert "d9" not in index._docs
    assert "d9" not in {h.id for h in hybrid(backend, "number9 alpha").hits}


def test_a_hidden_document_never_comes_back_from_the_cache(backend):
    anonymous = SearchQuery(entity="e", text="number11", mode="lexical", visibility=("public",), limit=20)
    assert [h.id for h in backend.search(anonymous, {}, {"lexical": 1.0}).hits] == ["d11"]
    hidden = [doc(11, version=2, visibility="community")]  # members only from now on
    backend.upsert("e", hidden, vectors(hidden, seed=11))
    assert [h.id for h in backend.search(anonymous, {}, {"lexical": 1.0}).hits] == []
    backend.delete("e", ["d11"])  # unpublished
    members = SearchQuery(entity="e", text="number11", mode="lexical", visibility=ALL, limit=20)
    assert [h.id for h in backend.search(members, {}, {"lexical": 1.0}).hits] == []


def test_a_callers_change_to_a_hit_does_not_reach_the_cache(backend):
    first = hybrid(backend, "number12")
    hit = next(h for h in first.hits if h.id == "d12")
    hit.payload["n"] = "changed by a caller"
    again = next(h for h in hybrid(backend, "number12").hits if h.id == "d12")
    assert again.payload["n"] == 12


@pytest.mark.parametrize("depth", [1000, 7])
def test_leg_ranks_of_a_page_are_its_rows_places_among_the_candidates(monkeypatch, depth):
    """Hit.legs ranks, looked up for the page's rows only (issue 8): 1 + the candidates scoring
    higher, inside the partial sort's depth and beyond it."""
    monkeypatch.setattr(embedded_search, "RANK_DEPTH", depth)
    rnd = np.random.default_rng(depth)
    scores = rnd.permutation(500).astype(np.float32)  # distinct scores: one right answer
    candidates = np.flatnonzero(rnd.random(500) < 0.6)
    page = rnd.choice(candidates, size=20, replace=False)
    ranks = embedded_search._Searcher._leg_ranks(scores, candidates, page)
    assert ranks == {int(r): int(np.count_nonzero(scores[candidates] > scores[r])) + 1 for r in page}
    assert any(rank > depth for rank in ranks.values()) or depth == 1000
