"""Range fields on documents and range filters on queries: what they accept and how they normalise."""

from __future__ import annotations

import math

import pytest

from indexer.types import RANGE_FIELDS, SORTS, Document, RangeFilter, SearchQuery


def _doc(**ranges) -> Document:
    return Document(id="1", version=1, visibility="public", fields={}, ranges=ranges)


def test_intervals_are_sorted_and_overlapping_or_touching_ones_merged():
    doc = _doc(
        when=[(50, 60), (10, 20), (15, 30), (30, 40), (70, 70), (41, 45)],
        available=[(100, None), (None, 5), (120, 130)],
        blocked=[],
        years=[12, 3, 12],
    )
    assert doc.ranges == {
        "when": [(10.0, 40.0), (41.0, 45.0), (50.0, 60.0), (70.0, 70.0)],
        "available": [(None, 5.0), (100.0, None)],
        "years": [(3.0, 3.0), (12.0, 12.0)],
    }
    # Sorted starts pair with sorted ends (what Elasticsearch's sorted doc values rely on).
    starts = [s for s, _ in doc.ranges["when"]]
    ends = [e for _, e in doc.ranges["when"]]
    assert starts == sorted(starts) and ends == sorted(ends)
    assert all(e < s for (_, e), (s, _) in zip(doc.ranges["when"], doc.ranges["when"][1:], strict=False))
    everything = _doc(available=[(None, 10), (5, None), (20, 30)])
    assert everything.ranges == {"available": [(None, None)]}


@pytest.mark.parametrize(
    ("ranges", "message"),
    [
        ({"price": [(1, 2)]}, "unknown range field"),
        ({"when": [(20, 10)]}, "starts after it ends"),
        ({"when": [(1, 2, 3)]}, "an interval is"),
        ({"when": [("2025-06-01", None)]}, "must be a number"),
        ({"when": [(True, 2)]}, "must be a number"),
        ({"when": [(math.nan, 2)]}, "finite"),
        ({"when": [(0, math.inf)]}, "finite"),
        ({"years": [None]}, "only allowed as an interval end"),
    ],
)
def test_invalid_ranges_are_refused(ranges, message):
    with pytest.raises(ValueError, match=message):
        _doc(**ranges)


def test_every_range_field_has_a_known_kind():
    assert set(RANGE_FIELDS.values()) <= {"date", "number"}
    assert {"when", "available", "blocked", "years"} <= set(RANGE_FIELDS)
    assert "soonest" in SORTS


def test_range_filters_validate():
    flt = RangeFilter("when", 10, 20)
    assert (flt.start, flt.end, flt.relation) == (10.0, 20.0, "overlaps")
    assert RangeFilter("blocked", relation="disjoint").start is None
    with pytest.raises(ValueError, match="unknown range field"):
        RangeFilter("price", 1, 2)
    with pytest.raises(ValueError, match="relation"):
        RangeFilter("when", 1, 2, "intersects")
    with pytest.raises(ValueError, match="starts after it ends"):
        RangeFilter("when", 2, 1)
    with pytest.raises(ValueError, match="needs a start or an end"):
        RangeFilter("available", relation="contains")


def test_soonest_starts_from_sort_from_else_an_overlaps_filter_on_when():
    june = RangeFilter("when", 1000, 2000)
    assert SearchQuery(entity="e").soonest_from() is None
    assert SearchQuery(entity="e", ranges=(june,)).soonest_from() == 1000.0
    assert SearchQuery(entity="e", ranges=(june,), sort_from=1500).soonest_from() == 1500.0
    others = (RangeFilter("when", 1000, 2000, "within"), RangeFilter("available", 500, 600))
    assert SearchQuery(entity="e", ranges=others).soonest_from() is None
    assert SearchQuery(entity="e", ranges=(RangeFilter("when", None, 2000),)).soonest_from() is None
