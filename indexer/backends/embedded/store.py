"""Persistence of the embedded backend: the SQLite file per entity, snapshots, other writers.

``data_dir/search/<entity>/`` holds ``index-<stamp>.sqlite`` and ``current`` (the live
file's name); a snapshot of the analysed in-memory index sits next to the SQLite file.
Every write bumps ``meta.generation`` and records the changed ids in ``changes``, which
is how a process picks up what another one wrote (see the package docstring).
"""

from __future__ import annotations

import json
import logging
import os
import queue
import sqlite3
import threading
import time
from collections import OrderedDict
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Sequence

import numpy as np
import scipy.sparse as sp

from indexer.backends.embedded.ranges import Intervals
from indexer.backends.embedded.segments import _Memory, _Record, _record, _Segment, _State
from indexer.text import FieldMarks, doc_langs
from indexer.types import FACET_FIELDS, RANGE_FIELDS, BulkReport, Document

log = logging.getLogger(__name__)

#: 2: docs.ranges (JSON: range field → [[start, end], ...], null = open end). A version-1 file
#: gains the column on open (every document without ranges), see ``_upgrade_schema``.
SCHEMA_VERSION = 2
PAGE_SIZE = 16384
#: Snapshots of the in-memory lexical index and columns (not the vectors, which SQLite holds) let a
#: new process start in ~1-2 s instead of re-analysing every card; written after a rebuild, after a
#: full load of at least this many documents, and on close when enough changed since the last one.
SNAPSHOT_MIN_DOCS = 2000
SNAPSHOT_STALE_SHARE = 0.05
#: Bumped whenever what a snapshot holds changes (its arrays, or the analysis): an older snapshot is
#: ignored and the index re-analysed from the SQLite file. 2: fold spells ø, æ, ł… in ASCII; 3: ranges.
SNAPSHOT_VERSION = 5  # 4: the "type", "category" and "group" facet fields (board, events); 5: "concepts"
#: Idle read connections kept per index.
READ_POOL = 4
#: Stored documents (fields, facets, payload, analysed highlight marks) kept in memory for the
#: hits of later queries: a page shows 20, popular cards recur. Bounded; emptied by any change.
DOC_CACHE = 2048

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS docs (
    id TEXT PRIMARY KEY, version INTEGER NOT NULL, visibility TEXT NOT NULL, lang TEXT,
    lat REAL, lon REAL, fields TEXT NOT NULL, facets TEXT NOT NULL, sort TEXT NOT NULL,
    payload TEXT NOT NULL, ranges TEXT NOT NULL DEFAULT '{}'
);
CREATE TABLE IF NOT EXISTS vectors (
    id TEXT NOT NULL, model TEXT NOT NULL, vec BLOB NOT NULL, PRIMARY KEY (id, model)
);
CREATE TABLE IF NOT EXISTS changes (id TEXT PRIMARY KEY, gen INTEGER NOT NULL) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS changes_gen ON changes (gen);
"""


def _connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(str(path), timeout=30, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA busy_timeout=30000")
    # A deleted document's text is overwritten, not just unlinked (erasure, unpublishing).
    conn.execute("PRAGMA secure_delete=ON")
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


# --- snapshots ---------------------------------------------------------------------------------


def save_snapshot(mem: _Memory, path: Path, generation: int) -> None:
    """Write a snapshot atomically (temp file + rename); vectors are not included."""
    mem.compact()
    seg = mem.segments[0] if mem.segments else mem.build_segment([], {})
    # Only terms some live document still has: a deleted document's words leave no trace on disk.
    terms = [""] * len(mem.vocab)
    for term, tid in mem.vocab.items():
        terms[tid] = term
    lex = seg.lex.tocsc()
    used = np.flatnonzero(np.diff(lex.indptr) > 0)
    used = used[used < len(terms)]
    lex = lex[:, used]
    arrays: dict[str, np.ndarray] = {
        "meta": np.array(
            json.dumps(
                {
                    "version": SNAPSHOT_VERSION,
                    "generation": generation,
                    "dims": mem.dims,
                    "len_sum": mem.len_sum,
                    "len_n": mem.len_n,
                }
            )
        ),
        "vocab": np.array([terms[i] for i in used], dtype=str),
        "ids": np.array(seg.ids, dtype=str),
        "names": np.array(seg.names, dtype=str),
        "vis": seg.vis,
        "lat": seg.lat,
        "lon": seg.lon,
        "recent": seg.recent,
        "name_key": seg.name_key,
        "lex_data": lex.data,
        "lex_indices": lex.indices,
        "lex_indptr": lex.indptr,
        "lex_shape": np.array(lex.shape),
    }
    for name, spans in seg.ranges.items():
        arrays[f"r_{name}_offsets"] = spans.offsets
        arrays[f"r_{name}_starts"] = spans.starts
        arrays[f"r_{name}_ends"] = spans.ends
    for field in FACET_FIELDS:
        matrix = seg.facets[field]
        arrays[f"fv_{field}"] = np.array(mem.facet_values[field], dtype=str)
        arrays[f"f_{field}_data"] = matrix.data
        arrays[f"f_{field}_indices"] = matrix.indices
        arrays[f"f_{field}_indptr"] = matrix.indptr
        arrays[f"f_{field}_shape"] = np.array(matrix.shape)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    with open(tmp, "wb") as fh:
        np.savez(fh, **arrays)
    os.replace(tmp, path)


def load_snapshot(path: Path, dims: dict[str, int]) -> tuple[_Memory, int] | None:
    """A snapshot's memory (vectors zero, to be filled by the caller) and its generation."""
    try:
        with np.load(path, allow_pickle=False) as z:
            meta = json.loads(str(z["meta"]))
            if meta.get("version") != SNAPSHOT_VERSION:
                return None
            mem = _Memory(dims)
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
                ranges={
                    name: Intervals(z[f"r_{name}_offsets"], z[f"r_{name}_starts"], z[f"r_{name}_ends"])
                    for name in RANGE_FIELDS
                },
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
        _Record(
            r[0],
            r[1],
            r[2],
            r[3],
            r[4],
            r[5],
            json.loads(r[6]),
            json.loads(r[7]),
            json.loads(r[8]),
            {name: [(s, e) for s, e in spans] for name, spans in json.loads(r[9]).items()},
        )
        for r in rows
    ]


_DOC_COLUMNS = "id, version, visibility, lang, lat, lon, fields, facets, sort, ranges"


def _upgrade_schema(conn: sqlite3.Connection) -> None:
    """Bring a file written by older code up to SCHEMA_VERSION in place (idempotent, and safe when
    two processes open the same file: the check runs inside the write transaction)."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        columns = {row[1] for row in conn.execute("PRAGMA table_info(docs)")}
        if "ranges" not in columns:  # version 1: no document had ranges
            conn.execute("ALTER TABLE docs ADD COLUMN ranges TEXT NOT NULL DEFAULT '{}'")
        conn.execute("INSERT OR REPLACE INTO meta VALUES ('schema', ?)", (str(SCHEMA_VERSION),))
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


class StoredDoc:
    """A document as stored (what hits show and explain) and its fields analysed for highlighting."""

    __slots__ = ("lang", "fields", "facets", "payload", "_marks")

    def __init__(self, lang: str | None, fields: dict, facets: dict, payload: dict) -> None:
        self.lang, self.fields, self.facets, self.payload = lang, fields, facets, payload
        self._marks: dict[str, FieldMarks] = {}

    def marks(self, field: str) -> FieldMarks:
        """The field's tokens and stems, analysed on first use (each field in its languages)."""
        found = self._marks.get(field)
        if found is None:
            found = self._marks[field] = FieldMarks(self.fields[field], doc_langs(self.lang, field))
        return found


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
        self._docs: OrderedDict[str, StoredDoc] = OrderedDict()
        self._docs_key: tuple[Path | None, int] | None = None
        self._docs_lock = threading.Lock()

    # stored documents -------------------------------------------------------------------------

    def stored_docs(self, ids: Sequence[str]) -> dict[str, StoredDoc]:
        """The stored documents of ``ids`` (hits of one page), from the bounded cache or one query.

        The cache belongs to one file at one generation: any write, catch-up or load empties it
        (and a generation it was not filled at never reads it), so a changed or deleted document
        is read again, or gone, on the next search."""
        key = (self.path, self.generation)
        out: dict[str, StoredDoc] = {}
        with self._docs_lock:
            if self._docs_key != key:
                self._docs.clear()
                self._docs_key = key
            for doc_id in ids:
                doc = self._docs.get(doc_id)
                if doc is not None:
                    self._docs.move_to_end(doc_id)
                    out[doc_id] = doc
        missing = [i for i in ids if i not in out]
        if not missing:
            return out
        read: dict[str, StoredDoc] = {}
        with self.reader() as conn:
            marks = ",".join("?" * len(missing))
            for doc_id, lang, fields, facets, payload in conn.execute(
                f"SELECT id, lang, fields, facets, payload FROM docs WHERE id IN ({marks})",  # noqa: S608
                missing,
            ):
                read[doc_id] = StoredDoc(lang, json.loads(fields), json.loads(facets), json.loads(payload))
        out.update(read)
        with self._docs_lock:
            if self._docs_key == key:  # not if the index changed while we read
                self._docs.update(read)
                while len(self._docs) > DOC_CACHE:
                    self._docs.popitem(last=False)
        return out

    def forget_docs(self) -> None:
        with self._docs_lock:
            self._docs.clear()
            self._docs_key = None

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
        self.forget_docs()
        self._close_connections()
        self.path = path
        self.pointer_stat = self._stat_pointer()
        conn = self.writer()
        if conn.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone() != (str(SCHEMA_VERSION),):
            _upgrade_schema(conn)
        conn.execute("BEGIN")
        try:
            meta = dict(conn.execute("SELECT key, value FROM meta"))
            dims = json.loads(meta.get("dims", "{}"))
            generation = int(meta.get("generation", "0"))
            snapshot = load_snapshot(_snapshot_path(path), dims) if _snapshot_path(path).exists() else None
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
            save_snapshot(mem, _snapshot_path(path), generation)
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
            save_snapshot(self.mem, _snapshot_path(self.path), self.generation)
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
        self.forget_docs()

    # writing ----------------------------------------------------------------------------------

    def write(
        self, docs: Sequence[Document], vectors: dict[str, np.ndarray], deletes: Sequence[str] = ()
    ) -> BulkReport:
        with self.lock:
            self.follow_pointer()  # never write into a file a rebuild elsewhere has replaced
            report = write_batch(self.writer(), self.mem, docs, vectors, deletes, self)
            self.forget_docs()
            if deletes:
                self._forget_deleted()
            return report

    def _forget_deleted(self) -> None:
        """After deletes no copy of the documents may stay readable on disk: the write-ahead log is
        folded into the (secure_delete) file and emptied, and a snapshot of the analysed index —
        which holds their names and terms — is written again from memory, where they are gone."""
        try:
            self.writer().execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except sqlite3.OperationalError as exc:  # a reader holds the log: the next delete retries
            log.warning("search index %s: WAL not truncated after a delete: %s", self.path, exc)
        snapshot = _snapshot_path(self.path)  # type: ignore[arg-type]
        if snapshot.exists():
            save_snapshot(self.mem, snapshot, self.generation)
            self.snapshot_generation = self.generation

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
            f"INSERT OR REPLACE INTO docs ({_DOC_COLUMNS}, payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",  # noqa: S608
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
                    json.dumps(d.ranges),
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
