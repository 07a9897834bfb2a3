"""Calibrate the vector legs' similarity floor (indexer.fusion.VECTOR_FLOOR) per encoder.

Runs the real stack on a judged set, then prints, per encoder, the distribution of

- the best similarity any card reaches for nonsense queries (random letters, keyboard runs,
  made-up words: what must find nothing), and
- the similarity of the best judged-relevant card for every judged query (what must stay).

A floor between the two (above the nonsense's top percentiles, below the relevant cards'
low ones) makes "zzqqxx" find nothing without losing real answers. Figures go to
bench/README.md; the chosen floors are in indexer/fusion.py.

    python -m bench.semantic_floor                 # the large set (1,093 cards)
    python -m bench.semantic_floor --judged small
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from tests.relevance import harness  # noqa: E402

CONSONANTS = "bcdfghjklmnpqrstvwxz"
FIXED_NONSENSE = [
    "zzqqxx",
    "asdfgh",
    "qwertz",
    "xkcd",
    "lorem ipsum dolor",
    "blorf",
    "zzz",
    "jkl jkl",
    "mmmmmm",
]


def nonsense(n: int, seed: int = 8) -> list[str]:
    """Deterministic nonsense: fixed strings, consonant runs and pronounceable made-up words."""
    rng = random.Random(seed)
    out = list(FIXED_NONSENSE)
    while len(out) < n:
        if rng.random() < 0.5:
            out.append("".join(rng.choice(CONSONANTS) for _ in range(rng.randint(4, 9))))
        else:
            syl = ["".join((rng.choice(CONSONANTS), rng.choice("aeiou"))) for _ in range(rng.randint(2, 4))]
            out.append("".join(syl) + rng.choice(["", "x", "q", "z"]))
    return out[:n]


def pct(values: list[float], q: float) -> float:
    return float(np.percentile(np.asarray(values), q)) if values else float("nan")


def _row(leg: str, what: str, values: list[float], *, high: bool) -> str:
    """One distribution: upper percentiles for what must stay out, lower ones for what must stay."""
    if not values:
        return f"{leg:<8} {what:<28}    0"
    up = f"{pct(values, 50):6.3f} {pct(values, 90):6.3f} {pct(values, 99):6.3f} {max(values):6.3f}"
    low = f"{min(values):6.3f} {pct(values, 1):6.3f} {pct(values, 5):6.3f}"
    return f"{leg:<8} {what:<28} {len(values):>4} {up} | {low}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--judged", choices=("small", "large"), default="large")
    parser.add_argument("--n-nonsense", type=int, default=120)
    parser.add_argument("--data-dir")
    parser.add_argument(
        "--model-cache", default=os.environ.get("MODEL_CACHE_DIR", str(REPO / ".cache" / "models"))
    )
    args = parser.parse_args(argv)
    large = args.judged == "large"
    cards_path = harness.LARGE_CARDS if large else harness.CARDS
    queries = harness.load_queries(harness.LARGE_QUERIES if large else None)

    from indexer import fusion
    from indexer.types import SearchQuery
    from webapp.core.search import get_service

    with tempfile.TemporaryDirectory(prefix="kring-floor-") as tmp:
        data_dir = Path(args.data_dir) if args.data_dir else Path(tmp) / "data"
        stack = harness.build_stack(data_dir, cards_path=cards_path, model_cache=args.model_cache)
        by_ext = {v: str(k) for k, v in stack.external_ids.items()}
        try:
            with stack.app.app_context():
                service = get_service()
                legs = [e.name for e in service.embedders]
                floor_off = {leg: -1.0 for leg in legs}

                def sims(text: str, limit: int) -> dict[str, list[tuple[str, float]]]:
                    out = {}
                    off = dict(VECTOR_FLOOR=floor_off, DEFAULT_VECTOR_FLOOR=-1.0, VECTOR_GATE={}, GATE_BY={})
                    with fusion.tuning(**off):
                        for leg in legs:
                            weights = {name: (1.0 if name == leg else 0.0) for name in legs}
                            table = {lang: dict(weights) for lang in (None, "en", "nl", "fr", "de")}
                            with fusion.tuning(LANG_WEIGHTS=table):
                                result = service.search(
                                    SearchQuery(
                                        entity="member",
                                        text=text,
                                        mode="semantic",
                                        limit=limit,
                                        visibility=("public",),
                                    )
                                )
                            out[leg] = [(h.id, h.legs[leg][1]) for h in result.hits if leg in h.legs]
                    return out

                junk = {leg: [] for leg in legs}
                for text in nonsense(args.n_nonsense):
                    for leg, hits in sims(text, 1).items():
                        if hits:
                            junk[leg].append(hits[0][1])
                relevant = {leg: [] for leg in legs}
                top = {leg: [] for leg in legs}
                for q in queries:
                    wanted = {by_ext[c] for c, g in q.relevant.items() if g >= 1 and c in by_ext}
                    for leg, hits in sims(q.text, 200).items():
                        if hits:
                            top[leg].append((q.lang, hits[0][1]))
                        best = max((s for doc, s in hits if doc in wanted), default=None)
                        if best is not None:
                            relevant[leg].append(best)
        finally:
            stack.close()

    print(f"judged set: {args.judged}; nonsense queries: {args.n_nonsense}; judged queries: {len(queries)}")
    head = ("encoder", "what", "n", "p50", "p90", "p99", "max", "min", "p1", "p5")
    print("{:<8} {:<28} {:>4} {:>6} {:>6} {:>6} {:>6} | {:>6} {:>6} {:>6}".format(*head))
    for leg in legs:
        j, r, t = junk[leg], relevant[leg], [x for _, x in top[leg]]
        print(_row(leg, "nonsense: best card", j, high=True))
        print(_row(leg, "judged: best card (any)", t, high=False))
        print(_row(leg, "judged: best relevant card", r, high=False))
        for lang in harness.LANGS:
            tl = [x for lg, x in top[leg] if lg == lang]
            if tl:
                print(f"{'':<8}   {lang}: best card (any) min {min(tl):.3f} p50 {pct(tl, 50):.3f}")
        gate, floor = fusion.vector_gate(leg), fusion.vector_floor(leg)
        print(
            f"{'':<8} gate {gate:.3f}: judged queries under it {sum(x < gate for x in t)}/{len(t)}, "
            f"nonsense at or over it {sum(x >= gate for x in j)}/{len(j)}"
        )
        print(f"{'':<8} floor {floor:.3f}: relevant cards under it {sum(x < floor for x in r)}/{len(r)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
