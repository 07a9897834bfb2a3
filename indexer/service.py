"""SearchService: documents in (embedded in batches, written to the backend), queries out.

The web layer and the CLI talk to this, never to a backend or an encoder directly,
so the choice of legs and their weights (indexer/fusion.py) lives in one place.
"""

from __future__ import annotations

import os
import threading
import time
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
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
#: A search that needs several query vectors encodes them side by side: each encoder runs one
#: intra-op thread and releases the GIL, so on two free cores a hybrid query waits for the
#: slower encoder instead of both. The vectors are the same either way (each encoder's own
#: single-threaded computation). Off on a one-core machine.
PARALLEL_QUERY_ENCODING = (os.cpu_count() or 1) > 1
#: Threads for the other encoders of concurrent searches (the first runs in the request's thread).
QUERY_ENCODE_THREADS = 4
_encode_pool: ThreadPoolExecutor | None = None
_encode_pool_lock = threading.Lock()


def _query_encode_pool() -> ThreadPoolExecutor:
    global _encode_pool
    if _encode_pool is None:
        with _encode_pool_lock:
            if _encode_pool is None:
                _encode_pool = ThreadPoolExecutor(
                    max_workers=QUERY_ENCODE_THREADS, thread_name_prefix="query-encode"
                )
    return _encode_pool


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
        return self._query_vectors([embedder], text)[embedder.name]

    def _query_vectors(self, embedders: Sequence[Embedder], text: str) -> dict[str, np.ndarray]:
        """Each encoder's vector of ``text``: from the bounded cache, else encoded (side by side
        when several are missing, see ``PARALLEL_QUERY_ENCODING``)."""
        out: dict[str, np.ndarray] = {}
        missing: list[Embedder] = []
        with self._cache_lock:
            for embedder in embedders:
                key = (embedder.name, text)
                cached = self._query_cache.get(key)
                if cached is not None:
                    self._query_cache.move_to_end(key)
                    out[embedder.name] = cached
                else:
                    missing.append(embedder)
        if not missing:
            return out
        if len(missing) > 1 and PARALLEL_QUERY_ENCODING:
            others = [(e, _query_encode_pool().submit(e.encode_query, text)) for e in missing[1:]]
            fresh = {missing[0].name: missing[0].encode_query(text)}
            fresh.update((e.name, future.result()) for e, future in others)
        else:
            fresh = {e.name: e.encode_query(text) for e in missing}
        with self._cache_lock:
            for name, vector in fresh.items():
                self._query_cache[(name, text)] = vector
            while len(self._query_cache) > QUERY_CACHE:
                self._query_cache.popitem(last=False)
        out.update(fresh)
        return out

    def weights(self, query: SearchQuery) -> dict[str, float]:
        return leg_weights(query, [e.name for e in self.embedders])

    def search(self, query: SearchQuery) -> SearchResult:
        """Embed the query only for vector legs that carry weight, then let the backend fuse."""
        started = time.perf_counter()
        weights = self.weights(query)
        wanted = [e for e in self.embedders if weights.get(e.name, 0) > 0]
        encoded = self._query_vectors(wanted, query.text.strip()) if wanted else {}
        vectors = {e.name: encoded[e.name][None, :] for e in wanted}
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
