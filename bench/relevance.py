"""Relevance of lexical, semantic and hybrid search on the judged set in tests/relevance/.

Runs the real stack (app factory, importer, search outbox, JSON API) on a fresh data
directory and prints recall@10, MRR and nDCG@10 per query language, split and query type.

    python -m bench.relevance                      # all queries
    python -m bench.relevance --split held         # what the test asserts on
    python -m bench.relevance --split tune --verbose   # per-query misses, for tuning fusion
    python -m bench.relevance --json out.json
    python -m bench.relevance --judged large --split heldout   # issue 8's set: 1,093 cards
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from tests.relevance import harness  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--split", choices=harness.SPLIT_CHOICES, default="all", help="held = heldout + heldout2"
    )
    parser.add_argument("--lang", choices=harness.LANGS, action="append", help="only these query languages")
    parser.add_argument("--type", choices=harness.TYPES, action="append", help="only these query types")
    parser.add_argument(
        "--judged",
        choices=("small", "large"),
        default="small",
        help="small: tests/relevance/*.jsonl (257 cards); large: tests/relevance/large (1,093 cards)",
    )
    parser.add_argument("--json", metavar="FILE", help="write per-query results and aggregates as JSON")
    parser.add_argument("--verbose", action="store_true", help="per-query figures and misses")
    parser.add_argument(
        "--failures-only", action="store_true", help="with --verbose: only queries where a mode is imperfect"
    )
    parser.add_argument("--data-dir", help="keep the app's data directory here (default: a temporary one)")
    parser.add_argument("--model-cache", default=str(REPO / ".cache" / "models"))
    parser.add_argument(
        "--set",
        metavar="NAME=VALUE",
        action="append",
        default=[],
        help="override a fusion tuning constant (indexer.fusion.set_tuning), e.g. NEAR_BONUS=0.3 "
        'or \'LANG_WEIGHTS={"nl": {"lexical": 1.0, "use_m3": 1.2, "minilm": 0.1}}\'',
    )
    args = parser.parse_args(argv)

    overrides = harness.parse_overrides(args.set)
    large = args.judged == "large"
    cards_path = harness.LARGE_CARDS if large else harness.CARDS
    queries = harness.load_queries(harness.LARGE_QUERIES if large else None, split=args.split)
    if args.lang:
        queries = [q for q in queries if q.lang in args.lang]
    if args.type:
        queries = [q for q in queries if q.type in args.type]
    cards = harness.load_cards(cards_path)
    problems = harness.check_data(cards, queries)
    if problems:
        print("judged set is inconsistent:\n  " + "\n  ".join(problems), file=sys.stderr)
        return 2

    with tempfile.TemporaryDirectory(prefix="kring-relevance-") as tmp:
        data_dir = Path(args.data_dir) if args.data_dir else Path(tmp) / "data"
        started = time.perf_counter()
        stack = harness.build_stack(data_dir, cards_path=cards_path, model_cache=args.model_cache)
        setup_s = time.perf_counter() - started
        try:
            print(
                f"cards: {len(cards)} in file; import: {stack.import_summary}; "
                f"indexed in {stack.index_seconds:.1f}s (app + import + index {setup_s:.1f}s); "
                f"drain failures: {stack.drain_failed}"
            )
            for line_no, err in stack.import_errors[:20]:
                print(f"  import error line {line_no}: {err}")
            started = time.perf_counter()
            with harness.fusion_tuning(overrides):
                ranked = harness.run_queries(stack, queries)
            query_s = time.perf_counter() - started
        finally:
            stack.close()

    if overrides:
        print(f"fusion overrides: {overrides}")
    degraded = sum(r.degraded for r in ranked)
    warn = f"; DEGRADED answers: {degraded}" if degraded else ""
    print(
        f"queries: {len(queries)} x {len(harness.MODES)} modes in {query_s:.1f}s "
        f"({1000 * query_s / max(1, len(ranked)):.0f} ms per API call){warn}"
    )
    scores = harness.score(ranked)
    print()
    print(harness.format_table(scores, ("lang",), f"== split: {args.split} · per query language =="))
    print()
    print(harness.format_table(scores, ("split", "lang"), "== per split x language =="))
    print()
    print(harness.format_table(scores, ("type",), "== per query type =="))
    print()
    print(harness.format_table(scores, ("lang", "type"), "== per language x query type =="))
    print()
    print("== hybrid >= lexical and >= semantic (R@10 and MRR, strictly better on one) ==")
    for split in sorted({q.split for q in queries}):
        verdict = harness.hybrid_verdict([s for s in scores if s.query.split == split])
        print(
            f"  {split:<8} "
            + "  ".join(f"{lang}: {'ok' if v['ok'] else 'NO'}" for lang, v in verdict.items())
        )

    if args.verbose:
        print()
        print("== per query (missed relevant cards; * marks relevant in top 5) ==")
        chosen = scores
        if args.failures_only:
            bad = {s.query.id for s in scores if s.recall < 1.0 or s.mrr < 1.0}
            chosen = [s for s in scores if s.query.id in bad]
        print("\n".join(harness.misses(chosen)))

    if args.json:
        out = {
            "split": args.split,
            "fusion_overrides": {k: repr(v) for k, v in overrides.items()},
            "import": stack.import_summary,
            "aggregates": {
                "by_lang_mode": {
                    "/".join(k): v for k, v in harness.aggregate(scores, ("lang", "mode")).items()
                },
                "by_split_lang_mode": {
                    "/".join(k): v for k, v in harness.aggregate(scores, ("split", "lang", "mode")).items()
                },
                "by_type_mode": {
                    "/".join(k): v for k, v in harness.aggregate(scores, ("type", "mode")).items()
                },
                "by_lang_type_mode": {
                    "/".join(k): v for k, v in harness.aggregate(scores, ("lang", "type", "mode")).items()
                },
            },
            "queries": [
                {
                    "query": asdict(s.query),
                    "mode": s.mode,
                    "recall": s.recall,
                    "mrr": s.mrr,
                    "ndcg": s.ndcg,
                    "ranked": list(s.ranked),
                    "understood": s.understood,
                }
                for s in scores
            ],
        }
        Path(args.json).write_text(json.dumps(out, ensure_ascii=False, indent=1), encoding="utf-8")
        print(f"\nwrote {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
