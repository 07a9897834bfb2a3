"""Range columns of the embedded backend: per segment and range field, every row's intervals.

CSR layout (like the facet matrices, without scipy): ``offsets`` (rows + 1) into ``starts``
and ``ends`` (float64, ±inf for open ends). A row's intervals are disjoint and sorted
(``indexer.types.normalise_intervals`` merged them), which is what lets the "soonest" key be
found with one comparison per interval and a cumulative sum: no Python loop per document.
"""

from __future__ import annotations

import math
from typing import Sequence

import numpy as np

from indexer.types import Interval


class Intervals:
    """The intervals of one range field for the rows of one segment (immutable)."""

    __slots__ = ("offsets", "starts", "ends")

    def __init__(self, offsets: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> None:
        self.offsets = offsets
        self.starts = starts
        self.ends = ends

    @classmethod
    def build(cls, rows: Sequence[Sequence[Interval]]) -> Intervals:
        counts = np.fromiter((len(r) for r in rows), dtype=np.int64, count=len(rows))
        offsets = np.zeros(len(rows) + 1, dtype=np.int64)
        np.cumsum(counts, out=offsets[1:])
        flat = [span for r in rows for span in r]
        starts = np.array([-math.inf if s is None else s for s, _ in flat], dtype=np.float64)
        ends = np.array([math.inf if e is None else e for _, e in flat], dtype=np.float64)
        return cls(offsets, starts, ends)

    @classmethod
    def empty(cls, n_rows: int) -> Intervals:
        return cls(np.zeros(n_rows + 1, dtype=np.int64), np.zeros(0, np.float64), np.zeros(0, np.float64))

    @classmethod
    def concat(cls, parts: Sequence[tuple[Intervals, np.ndarray]]) -> Intervals:
        """The intervals of the given rows of each part, in order (segment merges)."""
        counts, starts, ends = [], [], []
        for part, rows in parts:
            lo, hi = part.offsets[rows], part.offsets[rows + 1]
            counts.append(hi - lo)
            # Interval positions of the kept rows, without a loop per row.
            take = np.repeat(hi - np.cumsum(hi - lo), hi - lo) + np.arange(int((hi - lo).sum()))
            starts.append(part.starts[take])
            ends.append(part.ends[take])
        all_counts = np.concatenate(counts) if counts else np.zeros(0, np.int64)
        offsets = np.zeros(len(all_counts) + 1, dtype=np.int64)
        np.cumsum(all_counts, out=offsets[1:])
        return cls(
            offsets,
            np.concatenate(starts) if starts else np.zeros(0, np.float64),
            np.concatenate(ends) if ends else np.zeros(0, np.float64),
        )

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def nbytes(self) -> int:
        return self.offsets.nbytes + self.starts.nbytes + self.ends.nbytes

    def _any(self, per_interval: np.ndarray) -> np.ndarray:
        """Per row: does any of its intervals satisfy ``per_interval``?"""
        counts = np.zeros(len(per_interval) + 1, dtype=np.int64)
        np.cumsum(per_interval, out=counts[1:])
        return counts[self.offsets[1:]] > counts[self.offsets[:-1]]

    def matches(self, start: float | None, end: float | None, relation: str) -> np.ndarray:
        """Rows whose intervals stand in ``relation`` to the closed period [start, end]."""
        lo = -math.inf if start is None else start
        hi = math.inf if end is None else end
        if relation in ("overlaps", "disjoint"):
            hit = self._any((self.starts <= hi) & (self.ends >= lo))
            return ~hit if relation == "disjoint" else hit
        if relation == "contains":
            return self._any((self.starts <= lo) & (self.ends >= hi))
        if relation == "within":
            return self._any((self.starts >= lo) & (self.ends <= hi))
        raise ValueError(f"unknown relation {relation!r}")

    def first_start_ending_from(self, bound: float | None) -> np.ndarray:
        """Per row: the start of its first interval ending at or after ``bound`` (+inf if none).

        Intervals are disjoint and sorted, so the ones ending before ``bound`` come first: their
        count per row points at the answer."""
        n = len(self)
        if self.starts.size == 0:
            return np.full(n, np.inf)
        lo = -math.inf if bound is None else bound
        before = np.zeros(self.ends.size + 1, dtype=np.int64)
        np.cumsum(self.ends < lo, out=before[1:])
        first = self.offsets[:-1] + (before[self.offsets[1:]] - before[self.offsets[:-1]])
        has = first < self.offsets[1:]
        out = np.full(n, np.inf)
        out[has] = self.starts[first[has]]
        return out
