"""Run every benchmark in order and print a summary table (``make bench``).

    python -m bench.run_all                         # 10k and 100k (first run builds the indexes: long)
    python -m bench.run_all --quick                 # smoke run: 1k and 5k, fewer repeats
    python -m bench.run_all --sizes 10000 --only latency,memory
    python -m bench.run_all --encoder-threads 1     # measure with one BLAS/ONNX thread per encoder

Stages: generate (build or reuse bench/out/members-N/ per size) → indexing → latency (every
size; JSON API at the largest size ≤ 10k) → memory (largest size). A failing stage is reported
and the others still run. The table is printed at the end and written to bench/out/summary.json
(key "table"; each benchmark also records its full figures there).
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
import traceback
from typing import Any

from bench.common import SUMMARY, encoder_threads_arg, load, read_summary, record

STAGES = ("generate", "indexing", "latency", "memory")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--sizes", help="comma-separated member counts (default 10000,100000; --quick: 1000,5000)"
    )
    parser.add_argument("--quick", action="store_true", help="smoke run: small sizes, few repeats")
    parser.add_argument("--only", help=f"comma-separated stages among {','.join(STAGES)}")
    parser.add_argument("--indexing-docs", type=int, help="members for the indexing benchmark (default 2000)")
    parser.add_argument("--repeat", type=int, help="passes over the query mix (default 5; --quick 2)")
    parser.add_argument(
        "--encoder-threads",
        type=encoder_threads_arg,
        default=None,
        help="encoder threads while measuring: 'default' (the indexer's) or a number",
    )
    parser.add_argument(
        "--build-threads",
        type=encoder_threads_arg,
        default=1,
        help="encoder threads for building missing indexes (default 1; not what is measured)",
    )
    parser.add_argument(
        "--profile", action="store_true", help="cProfile indexing and the largest latency run"
    )
    args = parser.parse_args(argv)

    sizes = [int(s) for s in (args.sizes or ("1000,5000" if args.quick else "10000,100000")).split(",") if s]
    stages = [s.strip() for s in args.only.split(",")] if args.only else list(STAGES)
    unknown = [s for s in stages if s not in STAGES]
    if unknown:
        parser.error(f"unknown stage {unknown[0]!r}")
    docs = args.indexing_docs or (500 if args.quick else 2000)
    repeat = args.repeat or (2 if args.quick else 5)
    api_repeat = 1 if args.quick else 3
    mem_repeat = 1 if args.quick else 2

    settings = {
        "sizes": sizes,
        "stages": stages,
        "indexing_docs": docs,
        "repeat": repeat,
        "encoder_threads": "default" if args.encoder_threads is None else args.encoder_threads,
        "build_threads": "default" if args.build_threads is None else args.build_threads,
        "quick": args.quick,
        "python": platform.python_version(),
        "cpus": _cpus(),
        "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "load_at_start": load(),
    }
    print(f"[run_all] {settings}", flush=True)
    record("run_all", "settings", settings)
    results: dict[str, Any] = {}
    failures: dict[str, str] = {}
    started = time.perf_counter()

    def stage(name: str, fn: Any) -> None:
        t = time.perf_counter()
        print(f"\n===== {name} (load {load()}) =====", flush=True)
        try:
            results[name] = fn()
        except Exception as exc:  # noqa: BLE001 - report and go on with the next stage
            failures[name] = f"{type(exc).__name__}: {exc}"
            traceback.print_exc()
        print(f"===== {name}: {time.perf_counter() - t:.0f} s =====", flush=True)

    if "generate" in stages:
        from bench.generate import ensure_dataset

        for n in sizes:
            stage(f"generate {n}", lambda n=n: ensure_dataset(n, threads=args.build_threads))
    if "indexing" in stages:
        from bench import indexing

        stage("indexing", lambda: indexing.run(docs, 512, args.encoder_threads, args.profile))
    if "latency" in stages:
        from bench import latency

        stage(
            "latency",
            lambda: latency.run(
                sizes, repeat, None, api_repeat, args.encoder_threads, args.profile, args.build_threads
            ),
        )
    if "memory" in stages:
        from bench import memory

        stage("memory", lambda: memory.run(max(sizes), mem_repeat, 4, args.build_threads))

    table = summary_table(sizes, stages, args.encoder_threads)
    print("\n" + "\n".join(table))
    if failures:
        print("\nfailed stages:\n  " + "\n  ".join(f"{k}: {v}" for k, v in failures.items()))
    print(f"\n[run_all] {time.perf_counter() - started:.0f} s in all; figures in {SUMMARY}")
    record("run_all", "table", table)
    record("run_all", "failures", failures)
    return 1 if failures else 0


def _cpus() -> int:
    import os

    return os.cpu_count() or 0


def summary_table(sizes: list[int], stages: list[str], threads: int | None = None) -> list[str]:
    """Compact lines from bench/out/summary.json (what this and earlier runs recorded)."""
    data = read_summary()
    lines = ["figure                                          value          target      load"]
    rule = "-" * len(lines[0])
    lines.append(rule)

    def row(label: str, value: str, target: str = "", load_: Any = "") -> None:
        lines.append(f"{label:47s} {value:14s} {target:11s} {load_}")

    gen = data.get("generate", {})
    for n in sizes:
        idx = gen.get(f"index_{n}")
        if idx:
            row(f"build {n:,}: outbox → index", f"{idx['docs_per_s']} docs/s", "", idx.get("load", ""))
            row(
                f"build {n:,}: wall time (threads {idx.get('encoder_threads', 'default')})",
                f"{idx['seconds'] / 60:.1f} min",
                "",
                idx.get("load", ""),
            )
    ix = data.get("indexing", {}).get("result" if threads is None else f"result_threads_{threads}")
    if ix and "indexing" in stages:
        row("raw encode, both encoders", f"{ix['raw_combined_docs_per_s']} docs/s", "", ix["load"])
        row("SearchService.index", f"{ix['service_docs_per_s']} docs/s", "", ix["load"])
        ratio = f"{ix['ratio_vs_raw']:.0%} / {ix.get('ratio_vs_raw_cpu', float('nan')):.0%}"
        row("indexing / raw encode (wall / CPU time)", ratio, "≥ 85 %", ix["load"])
    lat = data.get("latency", {})
    for n in sizes:
        r = lat.get(str(n))
        if not r or "latency" not in stages:
            continue
        ind = r["indexer"]
        for mode in ("hybrid", "lexical", "semantic"):
            t = ind[mode]
            target = "p95 ≤ 60 ms" if mode == "hybrid" and n >= 100000 else ""
            row(f"{n:,} {mode} p50 / p95", f"{t['p50_ms']:.1f} / {t['p95_ms']:.1f} ms", target, t["load"])
        b = ind["bare_embed_scan"]
        row(f"{n:,} bare embed + scan p50 / p95", f"{b['p50_ms']:.1f} / {b['p95_ms']:.1f} ms", "", b["load"])
        row(
            f"{n:,} hybrid / bare (p50, p95)",
            f"{ind['ratio_hybrid_vs_bare_p50']:.2f}× {ind['ratio_hybrid_vs_bare_p95']:.2f}×",
            "≤ 2×",
            b["load"],
        )
        if "api" in r:
            t = r["api"]["hybrid"]
            row(
                f"{n:,} JSON API hybrid p50 / p95", f"{t['p50_ms']:.1f} / {t['p95_ms']:.1f} ms", "", t["load"]
            )
    mem = data.get("memory", {}).get(str(max(sizes)))
    if mem and "memory" in stages:
        row(
            f"web process peak RSS at {max(sizes):,}",
            f"{mem['peak_rss_mb']:.0f} MB",
            "< 1536 MB",
            mem["load"],
        )
        row(f"web process start → first answer at {max(sizes):,}", f"{mem['ready_s']:.0f} s", "", mem["load"])
    lines.append(rule)
    return lines


if __name__ == "__main__":
    sys.exit(main())
