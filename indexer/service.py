"""SearchService: documents in (embedded in batches, written to the backend), queries out.

The web layer and the CLI talk to this, never to a backend or an encoder directly,
so the choice of legs and their weights (indexer/fusion.py) lives in one place.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from typing import Callable, Iterable, Sequence

import numpy as np

from indexer.backends.base import SearchBackend, batched
from indexer.embeddings import Embedder
from indexer.fusion import LEXICAL, leg_weights
from indexer.types import BulkReport, Document, SearchQuery, SearchResult

#: Documents per embedding + write batch: big enough to keep the encoders busy, small enough
#: that a failing batch costs little and progress moves often.
INDEX_BATCH = 256
#: Query embeddings remembered (paging through results re-asks the same query).
QUERY_CACHE = 512


class SearchService:
    """One backend plus the encoders whose vectors it stores (each in its own field)."""

    def __init__(
        self, backend: SearchBackend, embedders: Sequence[Embedder], *, batch_size: int = INDEX_BATCH
    ) -> None:
        names = [e.name for e in embedders]
        if len(set(names)) != len(names) or LEXICAL in names:
            raise ValueError(f"embedder names must be unique and not {LEXICAL!r}: {names}")
        self.backend = backend
        self.embedders = list(embedders)
        self.batch_size = batch_size
        self._query_cache: OrderedDict[tuple[str, str], np.ndarray] = OrderedDict()
        self._cache_lock = threading.Lock()

    @property
    def dims(self) -> dict[str, int]:
        return {e.name: e.dims for e in self.embedders}

    def ensure_index(self, entity: str) -> None:
        self.backend.ensure_index(entity, self.dims)

    def embed(self, texts: Sequence[str]) -> dict[str, np.ndarray]:
        """Document vectors per embedder for ``texts`` (one batch)."""
        return {e.name: e.encode(texts) for e in self.embedders}

    def index(self, entity: str, docs: Iterable[Document]) -> BulkReport:
        """Embed and upsert; stale versions are counted, not written."""
        report = BulkReport()
        for batch in batched(docs, self.batch_size):
            part = self.backend.upsert(entity, batch, self.embed([d.embed_text for d in batch]))
            report.indexed += part.indexed
            report.stale += part.stale
            report.errors.update(part.errors)
        return report

    def delete(self, entity: str, ids: Sequence[str]) -> None:
        self.backend.delete(entity, [str(i) for i in ids])

    def _query_vector(self, embedder: Embedder, text: str) -> np.ndarray:
        key = (embedder.name, text)
        with self._cache_lock:
            cached = self._query_cache.get(key)
            if cached is not None:
                self._query_cache.move_to_end(key)
                return cached
        vector = embedder.encode_query(text)
        with self._cache_lock:
            self._query_cache[key] = vector
            while len(self._query_cache) > QUERY_CACHE:
                self._query_cache.popitem(last=False)
        return vector

    def weights(self, query: SearchQuery) -> dict[str, float]:
        return leg_weights(query, [e.name for e in self.embedders])

    def search(self, query: SearchQuery) -> SearchResult:
        """Embed the query only for vector legs that carry weight, then let the backend fuse."""
        started = time.perf_counter()
        weights = self.weights(query)
        vectors = {
            e.name: self._query_vector(e, query.text.strip())[None, :]
            for e in self.embedders
            if weights.get(e.name, 0) > 0
        }
        result = self.backend.search(query, vectors, weights)
        result.took_ms = (time.perf_counter() - started) * 1000
        return result

    def rebuild(
        self,
        entity: str,
        docs: Iterable[Document],
        progress: Callable[[int], None] | None = None,
    ) -> int:
        """Index everything into a fresh index and swap it in (the live one serves meanwhile).
        ``progress`` gets the running count after each batch. Returns the number written."""
        count = 0
        with self.backend.rebuild(entity, self.dims) as writer:
            for batch in batched(docs, self.batch_size):
                report = writer.upsert(batch, self.embed([d.embed_text for d in batch]))
                count += report.indexed
                if progress is not None:
                    progress(count)
        return count
