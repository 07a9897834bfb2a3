"""Fixtures for the indexer tests: the real encoders, loaded once per test session."""

from __future__ import annotations

from typing import Sequence

import numpy as np
import pytest

from indexer.embeddings import Embedder, load_embedders
from indexer.fusion import leg_weights
from indexer.types import Document, SearchQuery
from tests.conftest import MODEL_CACHE


class Embed:
    """Turns documents and queries into the vectors and weights a backend takes, with the real encoders."""

    def __init__(self, embedders: Sequence[Embedder]) -> None:
        self.embedders = list(embedders)
        self.dims = {e.name: e.dims for e in self.embedders}
        self._cache: dict[tuple[str, str], np.ndarray] = {}

    def docs(self, docs: Sequence[Document]) -> dict[str, np.ndarray]:
        out = {}
        for e in self.embedders:
            missing = [d.embed_text for d in docs if (e.name, d.embed_text) not in self._cache]
            if missing:
                for text, vec in zip(missing, e.encode(missing), strict=True):
                    self._cache[(e.name, text)] = vec
            out[e.name] = (
                np.vstack([self._cache[(e.name, d.embed_text)] for d in docs])
                if docs
                else (np.zeros((0, e.dims), np.float32))
            )
        return out

    def query(self, query: SearchQuery) -> tuple[dict[str, np.ndarray], dict[str, float]]:
        weights = leg_weights(query, [e.name for e in self.embedders])
        vectors = {e.name: e.encode_query(query.text)[None, :] for e in self.embedders if weights.get(e.name)}
        return vectors, weights


@pytest.fixture(scope="session")
def embedders() -> list[Embedder]:
    """The default encoders (USE multilingual + MiniLM int8 ONNX), loaded once per session."""
    return load_embedders("", MODEL_CACHE)


@pytest.fixture(scope="session")
def embed(embedders) -> Embed:
    """Vectors and fusion weights from the real encoders (document vectors cached per session)."""
    return Embed(embedders)
