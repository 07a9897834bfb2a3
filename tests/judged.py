"""What the board's and the calendar's judged relevance sets share: averaging per-query metrics,
and the legs that beat hybrid on the held-out split (tests/p2p/relevance, tests/events)."""

from __future__ import annotations

from collections import Counter
from typing import Any, Iterable

#: Sums of the same per-query values in another order may differ in the last bit.
SAME = 1e-9
#: Another x86 CPU's int8 kernels may swap two near-equal neighbours: hybrid may trail a leg by
#: at most what one query moving from rank 1 to rank 2 costs (half a query's MRR), never more.
FLIP = 0.5


def mean(rows: list[tuple[dict[str, Any], str, dict[str, float]]], by: tuple[str, ...] = ("split",)) -> dict:
    """(*query[field] for field in by, mode) → mean metrics."""
    sums: dict[tuple, dict[str, float]] = {}
    counts: dict[tuple, int] = {}
    for query, mode, metrics in rows:
        key = (*(query[f] for f in by), mode)
        sums.setdefault(key, dict.fromkeys(metrics, 0.0))
        for name, value in metrics.items():
            sums[key][name] += value
        counts[key] = counts.get(key, 0) + 1
    return {key: {name: v / counts[key] for name, v in metrics.items()} for key, metrics in sums.items()}


def legs_beating_hybrid(
    means: dict, queries: Iterable[dict[str, Any]], langs: Iterable[str]
) -> list[tuple[str, str, str, float, float]]:
    """(lang, leg, metric, hybrid, leg) wherever a leg beats hybrid on the held-out split by more
    than FLIP allows (``means`` keyed by (split, lang, mode), as ``mean(rows, ("split", "lang"))``)."""
    heldout = Counter(q["lang"] for q in queries if q["split"] == "heldout")
    return [
        (lang, leg, metric, round(means[("heldout", lang, "hybrid")][metric], 3), round(value, 3))
        for lang in langs
        for leg in ("lexical", "semantic")
        for metric, value in means[("heldout", lang, leg)].items()
        if means[("heldout", lang, "hybrid")][metric] < value - FLIP / heldout[lang] - SAME
    ]
