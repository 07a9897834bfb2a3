"""In-memory segments of the embedded backend: immutable blocks of rows and the snapshot a search reads.

A segment holds per model a float32 vector matrix, the lexical leg as a scipy CSC
document×term matrix of precomputed BM25F term weights, facets as CSC document×value
matrices and the filter columns; see the package docstring for the whole picture.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np
import scipy.sparse as sp

from indexer.backends.embedded.ranges import Intervals
from indexer.text import doc_langs, field_terms, fold
from indexer.types import FACET_FIELDS, RANGE_FIELDS, TEXT_FIELDS, VISIBILITIES, Document, Interval

#: Merge small segments once there are more than this many.
MAX_SEGMENTS = 8
#: Merge everything when the small segments together reach this share of the largest,
#: or when this share of the largest is tombstoned.
MERGE_RATIO = 0.25
BM25_K1 = 1.2
BM25_B = 0.75
_VIS_CODES = {v: i for i, v in enumerate(VISIBILITIES)}
_NAME_ALPHABET = {c: i + 1 for i, c in enumerate("0123456789abcdefghijklmnopqrstuvwxyz")}


def _name_key(name: str) -> int:
    """First 12 folded characters as a base-37 number: name order via a fast numeric argsort."""
    key = 0
    folded = fold(name)
    for ch in (folded + " " * 12)[:12]:
        key = key * 37 + _NAME_ALPHABET.get(ch, 0)
    return key


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
    #: Normalised as Document.ranges (sorted, merged).
    ranges: dict[str, list[Interval]]


def _record(doc: Document) -> _Record:
    lat, lon = doc.location if doc.location else (None, None)
    return _Record(
        doc.id,
        int(doc.version),
        doc.visibility,
        doc.lang,
        lat,
        lon,
        doc.fields,
        doc.facets,
        doc.sort,
        doc.ranges,
    )


# --- segments ----------------------------------------------------------------------------------


class _Segment:
    """An immutable block of rows (only ``alive`` is replaced, never mutated, by writers)."""

    __slots__ = (
        "ids",
        "vis",
        "lat",
        "lon",
        "recent",
        "name_key",
        "names",
        "facets",
        "ranges",
        "lex",
        "vecs",
        "alive",
        "_id_array",
    )

    def __init__(self, **parts: Any) -> None:
        for name in self.__slots__:
            setattr(self, name, parts.get(name))

    def id_array(self) -> np.ndarray:
        """The ids as a numpy string array, made on first use (ordering ties by id vectorised)."""
        if self._id_array is None:
            self._id_array = np.array(self.ids, dtype=str)
        return self._id_array

    def __len__(self) -> int:
        return len(self.ids)

    def nbytes(self) -> int:
        total = sum(v.nbytes for v in self.vecs.values())
        total += self.lex.data.nbytes + self.lex.indices.nbytes + self.lex.indptr.nbytes
        for m in self.facets.values():
            total += m.data.nbytes + m.indices.nbytes + m.indptr.nbytes
        total += sum(r.nbytes() for r in self.ranges.values())
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
            ranges={f: Intervals.build([r.ranges.get(f, ()) for r in records]) for f in RANGE_FIELDS},
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
            ranges={
                f: Intervals.concat([(s.ranges[f], k) for s, k in zip(segments, keep, strict=True)])
                for f in RANGE_FIELDS
            },
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
