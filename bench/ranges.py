"""Range filters and the "soonest" order in the embedded backend at 100k documents.

    python -m bench.ranges [--docs 100000] [--repeat 20]

What it measures: warm latency (p50/p95) of ``EmbeddedBackend.search`` for query shapes the
board, the calendar and matchmaking will send, each next to the same query without its range
filter: browsing events in a period by soonest, listings available over a period with no
booked day in it, profiles by years of experience, lexical and hybrid text queries under a
range filter, and a deep page of the soonest order. The load average is printed per figure.

The documents are the synthetic cards of ``bench/quick_indexer.py`` with ranges added: about
half are events (1-12 weekly occurrences, some running now, some open-ended), a third are
listings (1-3 availability windows, 0-3 booked periods), every one has "years". Vectors are
random unit vectors of the real encoders' sizes (512 and 384): the scans cost what they cost
in production, the encoders are not what is measured here (see bench/latency.py for those).
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from typing import Any

import numpy as np

from bench.common import Timing, load, rss_mb
from bench.quick_indexer import synth
from indexer import fusion
from indexer.backends.embedded import EmbeddedBackend
from indexer.types import Document, RangeFilter, SearchQuery

DIMS = {fusion.USE_M3: 512, fusion.MINILM: 384}
#: "Now" of the synthetic calendar: 2025-06-15 08:00 UTC.
NOW = 1_749_974_400.0
DAY = 86400.0
ALL = ("public", "community")


def with_ranges(docs: list[Document], seed: int = 11) -> list[Document]:
    rnd = random.Random(seed)
    out = []
    for doc in docs:
        ranges: dict[str, list[Any]] = {"years": [rnd.randint(1, 30)]}
        kind = rnd.random()
        if kind < 0.5:  # an event: weekly occurrences from some day in the past year or the next
            first = NOW + rnd.uniform(-365, 365) * DAY
            length = rnd.choice([2, 3, 8]) * 3600.0
            ranges["when"] = [
                (first + w * 7 * DAY, first + w * 7 * DAY + length) for w in range(rnd.randint(1, 12))
            ]
            if rnd.random() < 0.05:  # an exhibition without end
                ranges["when"] = [(first, None)]
        elif kind < 0.85:  # a listing: availability windows and booked periods
            windows = []
            start = NOW + rnd.uniform(-60, 60) * DAY
            for _ in range(rnd.randint(1, 3)):
                end = start + rnd.uniform(5, 90) * DAY
                windows.append((start, None if rnd.random() < 0.1 else end))
                start = end + rnd.uniform(1, 30) * DAY
            ranges["available"] = windows
            booked = []
            for _ in range(rnd.randint(0, 3)):
                b = NOW + rnd.uniform(-30, 120) * DAY
                booked.append((b, b + rnd.uniform(1, 7) * DAY))
            ranges["blocked"] = booked
        doc.ranges = ranges
        doc.__post_init__()
        out.append(doc)
    return out


def unit(rnd: np.random.Generator, n: int, d: int) -> np.ndarray:
    m = rnd.normal(size=(n, d)).astype(np.float32)
    return m / np.linalg.norm(m, axis=1, keepdims=True)


def shapes() -> list[tuple[str, SearchQuery, SearchQuery]]:
    """(label, query with ranges, the same query without them)."""
    month = RangeFilter("when", NOW, NOW + 30 * DAY)
    stay = (NOW + 10 * DAY, NOW + 13 * DAY)
    free = (RangeFilter("available", *stay, "contains"), RangeFilter("blocked", *stay, "disjoint"))
    base = SearchQuery(entity="board", visibility=ALL, facets=("sector", "city"), limit=20)

    def pair(label: str, **kw: Any) -> tuple[str, SearchQuery, SearchQuery]:
        ranged = SearchQuery(**{**base.__dict__, **kw})
        plain = SearchQuery(**{**ranged.__dict__, "ranges": ()})
        return label, ranged, plain

    return [
        pair("browse: events this month, soonest", ranges=(month,), sort="soonest"),
        pair("browse: available 3 days, none booked", ranges=free, sort="recent"),
        pair("browse: years >= 10", ranges=(RangeFilter("years", 10, None),), sort="recent"),
        pair("browse: soonest from now, page 250", sort="soonest", sort_from=NOW, offset=5000),
        # Deep in the undated tail (one big tie, ordered by id).
        pair("browse: soonest from now, page 4000", sort="soonest", sort_from=NOW, offset=80_000),
        pair("lexical: 'photographer' + this month", text="photographer", mode="lexical", lang="en",
             ranges=(month,)),
        pair("hybrid: 'photographer' + this month", text="photographer", mode="hybrid", lang="en",
             ranges=(month,)),
        pair("hybrid: long request + free 3 days", mode="hybrid", lang="en", ranges=free,
             text="we need a sound engineer and lighting for a festival"),
    ]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()

    docs = with_ranges(synth(args.docs, seed=3))
    intervals = sum(len(v) for d in docs for v in d.ranges.values())
    rnd = np.random.default_rng(5)
    with tempfile.TemporaryDirectory() as tmp:
        backend = EmbeddedBackend(tmp)
        started = time.perf_counter()
        with backend.rebuild("board", DIMS) as writer:
            for start in range(0, len(docs), 5000):
                batch = docs[start : start + 5000]
                writer.upsert(batch, {name: unit(rnd, len(batch), d) for name, d in DIMS.items()})
        print(
            f"{args.docs} docs with {intervals} intervals written in {time.perf_counter() - started:.1f} s "
            f"(load {load()})"
        )
        del docs
        health = backend.health()["indexes"]["board"]
        seg = backend._indexes["board"].mem.segments[0]
        range_bytes = sum(r.nbytes() for r in seg.ranges.values())
        print(
            f"index memory {health['memory_bytes'] / 2**20:.0f} MB, of which range columns "
            f"{range_bytes / 2**20:.1f} MB; process RSS {rss_mb()[0]:.0f} MB"
        )
        started = time.perf_counter()
        other = EmbeddedBackend(tmp)
        other.count("board")
        print(f"load from disk into a fresh backend (snapshot): {time.perf_counter() - started:.1f} s")
        other.close()

        qvecs = {name: unit(rnd, 1, d) for name, d in DIMS.items()}
        print(f"\nlatency at {args.docs // 1000}k ({args.repeat} runs each, interleaved), p50 / p95 ms:")
        for label, ranged, plain in shapes():
            timings = {"ranged": Timing(), "plain": Timing()}
            totals = {}
            for _ in range(2):  # warm-up
                for query in (ranged, plain):
                    backend.search(query, qvecs, fusion.leg_weights(query, list(DIMS)))
            for _ in range(args.repeat):
                for key, query in (("ranged", ranged), ("plain", plain)):
                    weights = fusion.leg_weights(query, list(DIMS))
                    t = time.perf_counter()
                    result = backend.search(query, qvecs, weights)
                    timings[key].add((time.perf_counter() - t) * 1000)
                    totals[key] = result.total
            r, p = timings["ranged"], timings["plain"]
            print(
                f"  {label:42s} {r.p50:6.1f} / {r.p95:6.1f}   without ranges {p.p50:6.1f} / {p.p95:6.1f}"
                f"   matches {totals['ranged']:6d} of {totals['plain']:6d}   (load {load()})"
            )
        backend.close()


if __name__ == "__main__":
    main()
