"""The embedded backend's interval columns against a plain Python reading of the same intervals."""

from __future__ import annotations

import math
import random

import numpy as np
import pytest

from indexer.backends.embedded.ranges import Intervals
from indexer.types import RELATIONS, normalise_intervals


def _random_rows(rnd: random.Random, n: int) -> list[list[tuple[float | None, float | None]]]:
    rows = []
    for _ in range(n):
        spans = []
        for _ in range(rnd.choice([0, 0, 1, 2, 3, 6])):
            start = float(rnd.randint(0, 100))
            end = start + rnd.choice([0, 1, 5, 20])
            spans.append((None if rnd.random() < 0.05 else start, None if rnd.random() < 0.05 else end))
        rows.append(normalise_intervals("when", spans))
    return rows


def _lo(v):
    return -math.inf if v is None else v


def _hi(v):
    return math.inf if v is None else v


def _expected(spans, start, end, relation) -> bool:
    a, b = _lo(start), _hi(end)
    overlaps = any(_lo(s) <= b and _hi(e) >= a for s, e in spans)
    if relation == "overlaps":
        return overlaps
    if relation == "disjoint":
        return not overlaps
    if relation == "contains":
        return any(_lo(s) <= a and _hi(e) >= b for s, e in spans)
    return any(_lo(s) >= a and _hi(e) <= b for s, e in spans)  # within


def _soonest(spans, bound) -> float:
    for s, e in spans:
        if _hi(e) >= _lo(bound):
            return _lo(s)
    return math.inf


@pytest.mark.parametrize("seed", range(5))
def test_masks_and_soonest_keys_match_a_plain_reading(seed):
    rnd = random.Random(seed)
    rows = _random_rows(rnd, 300)
    column = Intervals.build(rows)
    periods = [(None, None), (None, 30.0), (40.0, None), (50.0, 50.0)]
    periods += [(float(a), float(a + rnd.randint(0, 30))) for a in (rnd.randint(0, 110) for _ in range(6))]
    for start, end in periods:
        for relation in RELATIONS:
            got = column.matches(start, end, relation).tolist()
            assert got == [_expected(r, start, end, relation) for r in rows], (start, end, relation)
    for bound in (None, 0.0, 33.0, 99.5, 500.0):
        assert column.first_start_ending_from(bound).tolist() == [_soonest(r, bound) for r in rows]


def test_concat_keeps_the_chosen_rows_intervals_in_order():
    rnd = random.Random(9)
    a_rows, b_rows = _random_rows(rnd, 40), _random_rows(rnd, 25)
    a, b = Intervals.build(a_rows), Intervals.build(b_rows)
    keep_a, keep_b = np.array([0, 3, 4, 17, 39]), np.arange(0, 25, 2)
    merged = Intervals.concat([(a, keep_a), (b, keep_b)])
    expected = Intervals.build([a_rows[i] for i in keep_a] + [b_rows[i] for i in keep_b])
    assert merged.offsets.tolist() == expected.offsets.tolist()
    assert merged.starts.tolist() == expected.starts.tolist()
    assert merged.ends.tolist() == expected.ends.tolist()
    empty = Intervals.concat([(a, np.array([], dtype=np.int64))])
    assert len(empty) == 0 and empty.offsets.tolist() == [0]
    assert Intervals.empty(3).matches(None, None, "disjoint").tolist() == [True, True, True]
