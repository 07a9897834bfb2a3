"""(c) Query latency p50/p95 (warm) per mode, next to the bare "embed the query + one vector scan".

    python -m bench.latency [--sizes 10000,100000] [--repeat 5] [--api-size 10000] [--profile]

For each size the data dir from bench.generate is opened by a real app (built and cached on
the first run; the build time is printed). The query mix (bench/common.py QUERY_MIX: trade
names in nl/fr/de/en, trade + place with a cue, natural requests, long job descriptions,
filtered queries, browsing) is turned into ``SearchQuery``s by the directory's own query
understanding (``webapp.directory.search.search_members``, anonymous viewer), once per mode.
Then, with everything loaded and one untimed pass:

- indexer: ``SearchService.search(query)`` per query and mode, the service's query-vector
  cache cleared before each call (a new query pays its embeddings; paging would not);
  also "hybrid, vectors cached" = the backend's own share;
- bare: per text query, for each encoder the hybrid query uses: ``encode_query`` + one
  float32 matmul over the same vector matrix (the index's segments stacked) + argpartition of
  the top 100; the ratio hybrid / bare is printed at p50 and p95 (target ≤ 2×);
- API (at --api-size, default the smallest size ≤ 10k): ``GET /api/v1/members/search`` through
  the Flask test client: parameters, query understanding, search, hydration from SQLite, JSON.

Queries are interleaved (query by query, all modes in turn) so load changes hit every mode alike.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import random
import sys
import time
from typing import Any

import numpy as np

from bench.common import (
    MODES,
    OUT,
    QUERY_MIX,
    BenchQuery,
    Timing,
    encoder_threads_arg,
    load,
    make_app,
    preload_encoders,
    record,
    rss_mb,
)
from bench.generate import ensure_dataset

TOP_K = 100


def understood_queries(app: Any, mix: tuple[BenchQuery, ...]) -> dict[str, list[tuple[BenchQuery, Any]]]:
    """mode → [(bench query, SearchQuery built by the directory's query understanding)]."""
    from flask_login import AnonymousUserMixin

    from webapp.directory.search import search_members

    out: dict[str, list[tuple[BenchQuery, Any]]] = {m: [] for m in MODES}
    for q in mix:
        for mode in MODES:
            with app.test_request_context("/", headers={"Accept-Language": q.lang or "en"}):
                page = search_members({**q.params, "mode": mode}, AnonymousUserMixin(), lang=q.lang or "en")
            out[mode].append((q, page.query))
    return out


def stacked_vectors(service: Any) -> dict[str, np.ndarray]:
    """Each encoder's vectors as one contiguous matrix (what a flat index would scan)."""
    index = service.backend._indexes["member"]
    state = index.mem.state
    return {
        e.name: np.ascontiguousarray(
            np.vstack([seg.vecs[e.name] for seg in state.segments]), dtype=np.float32
        )
        for e in service.embedders
    }


def bare_cost(embedders: list[Any], matrices: dict[str, np.ndarray], text: str, used: list[str]) -> float:
    started = time.perf_counter()
    for e in embedders:
        if e.name not in used:
            continue
        v = e.encode_query(text)
        sims = matrices[e.name] @ v
        top = np.argpartition(-sims, TOP_K - 1)[:TOP_K]
        top[np.argsort(-sims[top])]
    return (time.perf_counter() - started) * 1000


def measure_indexer(app: Any, service: Any, repeat: int, profile_path: Any = None) -> dict[str, Any]:
    queries = understood_queries(app, QUERY_MIX)
    matrices = stacked_vectors(service)
    embedders = service.embedders
    text_idx = [i for i, (bq, _) in enumerate(queries["hybrid"]) if bq.kind != "browse"]
    browse_idx = [i for i, (bq, _) in enumerate(queries["hybrid"]) if bq.kind == "browse"]

    def search(query: Any, cached: bool = False) -> float:
        if not cached:
            service._query_cache.clear()
        started = time.perf_counter()
        service.search(query)
        return (time.perf_counter() - started) * 1000

    # One untimed pass: first touches (read connections, taxonomy, numpy buffers).
    for mode in MODES:
        for _, query in queries[mode]:
            search(query)
    timings = {m: Timing() for m in MODES}
    timings["hybrid_cached_vectors"] = Timing()
    timings["browse"] = Timing()
    bare = Timing()
    by_kind: dict[str, Timing] = {}
    order = list(range(len(QUERY_MIX)))
    rng = random.Random(7)
    for _ in range(repeat):
        rng.shuffle(order)
        for i in order:
            if i in browse_idx:
                timings["browse"].add(search(queries["hybrid"][i][1]))
                continue
            for mode in MODES:
                bq, query = queries[mode][i]
                ms = search(query)
                timings[mode].add(ms)
                if mode == "hybrid":
                    by_kind.setdefault(bq.kind, Timing()).add(ms)
                    timings["hybrid_cached_vectors"].add(search(query, cached=True))
                    weights = service.weights(query)
                    used = [e.name for e in embedders if weights.get(e.name, 0) > 0]
                    bare.add(bare_cost(embedders, matrices, query.text.strip(), used))
    result = {m: t.as_dict() for m, t in timings.items()}
    result["bare_embed_scan"] = bare.as_dict()
    result["hybrid_by_kind"] = {k: t.as_dict() for k, t in sorted(by_kind.items())}
    result["ratio_hybrid_vs_bare_p50"] = round(timings["hybrid"].p50 / bare.p50, 2)
    result["ratio_hybrid_vs_bare_p95"] = round(timings["hybrid"].p95 / bare.p95, 2)
    # Query-embedding cost alone (each encoder, over the text queries).
    enc = {e.name: Timing() for e in embedders}
    for i in text_idx:
        text = queries["hybrid"][i][1].text.strip()
        for e in embedders:
            t = time.perf_counter()
            e.encode_query(text)
            enc[e.name].add((time.perf_counter() - t) * 1000)
    result["encode_query"] = {k: t.as_dict() for k, t in enc.items()}
    if profile_path is not None:
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(2):
            for i in text_idx:
                search(queries["hybrid"][i][1])
        profiler.disable()
        buf = io.StringIO()
        stats = pstats.Stats(profiler, stream=buf)
        buf.write(
            f"hybrid mode, {2 * len(text_idx)} text queries, query-vector cache cleared before each\n\n"
        )
        stats.sort_stats("tottime").print_stats(30)
        stats.sort_stats("cumulative").print_stats("indexer|numpy|scipy", 40)
        profile_path.write_text(buf.getvalue())
        result["profile"] = str(profile_path)
        result["profile_top"] = _top_lines(stats, 12)
        result["profile_indexer"] = _indexer_lines(stats, 2 * len(text_idx), 16)
    return result


def _top_lines(stats: pstats.Stats, n: int) -> list[str]:
    rows = []
    total = sum(v[2] for v in stats.stats.values())  # type: ignore[attr-defined]
    for (filename, line, func), (_cc, ncalls, tottime, cumtime, _callers) in sorted(
        stats.stats.items(),
        key=lambda kv: -kv[1][2],  # type: ignore[attr-defined]
    )[:n]:
        short = filename.split("/site-packages/")[-1].split("/work/main/")[-1]
        rows.append(
            f"{tottime:7.3f} s ({tottime / total:5.1%}) self, {cumtime:7.3f} s cum, {ncalls:6d} calls"
            f"  {short}:{line}({func})"
        )
    return rows


def _indexer_lines(stats: pstats.Stats, queries: int, n: int) -> list[str]:
    """The indexer's own functions by cumulative time, in ms per query: where a search goes."""
    rows = []
    for (filename, line, func), (_cc, ncalls, _tottime, cumtime, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        if "/indexer/" in filename:
            rows.append((cumtime, ncalls, f"{filename.split('/indexer/')[-1]}:{line}({func})"))
    rows.sort(reverse=True)
    return [
        f"{cum * 1000 / queries:7.2f} ms/query cum, {calls:6d} calls  indexer/{name}"
        for cum, calls, name in rows[:n]
    ]


def measure_api(app: Any, repeat: int) -> dict[str, Any]:
    from webapp.core.search import get_service

    service = get_service()
    client = app.test_client()
    timings = {m: Timing() for m in MODES}
    timings["browse"] = Timing()
    pairs = [(q, m) for q in QUERY_MIX for m in (MODES if q.kind != "browse" else ("hybrid",))]

    def call(q: BenchQuery, mode: str) -> float:
        service._query_cache.clear()
        started = time.perf_counter()
        response = client.get(
            "/api/v1/members/search",
            query_string={**q.params, "mode": mode},
            headers={"Accept-Language": q.lang or "en"},
        )
        ms = (time.perf_counter() - started) * 1000
        if response.status_code != 200:
            raise RuntimeError(
                f"API {q.params} {mode}: {response.status_code} {response.get_data(as_text=True)[:300]}"
            )
        if response.get_json().get("degraded"):
            raise RuntimeError(f"API answered degraded for {q.params}")
        return ms

    for q, mode in pairs:  # warm
        call(q, mode)
    rng = random.Random(11)
    for _ in range(repeat):
        rng.shuffle(pairs)
        for q, mode in pairs:
            key = "browse" if q.kind == "browse" else mode
            timings[key].add(call(q, mode))
    return {m: t.as_dict() for m, t in timings.items()}


def run_size(
    n: int,
    repeat: int,
    api: bool,
    api_repeat: int,
    threads: int | None,
    profile: bool,
    build_threads: int | None = 1,
) -> dict[str, Any]:
    data_dir = ensure_dataset(n, threads=build_threads)
    preload_encoders(threads)
    app = make_app(data_dir)
    out: dict[str, Any] = {"members": n}
    with app.app_context():
        from webapp.core.search import get_service

        started = time.perf_counter()
        service = get_service()  # encoders are preloaded: this is opening the index from disk
        docs = service.backend.count("member")
        out["documents"] = docs
        out["index_open_s"] = round(time.perf_counter() - started, 2)
        health = service.backend.health()["indexes"]["member"]
        out["index_memory_mb"] = round(health["memory_bytes"] / 2**20, 1)
        out["segments"] = health["segments"]
        print(
            f"[latency] {n:,} members: {docs:,} documents in {health['segments']} segment(s), index"
            f" {out['index_memory_mb']} MB in memory, opened from disk in {out['index_open_s']} s"
            f" · load {load()}",
            flush=True,
        )
        prof = OUT / f"profile-latency-{n}.txt" if profile else None
        out["indexer"] = measure_indexer(app, service, repeat, prof)
        _print_indexer(n, out["indexer"])
        if api:
            out["api"] = measure_api(app, api_repeat)
            _print_api(n, out["api"], out["indexer"])
        from webapp.core.search import close_service

        close_service(app)
    out["encoder_threads"] = "default" if threads is None else threads
    out["process_peak_rss_mb"] = round(rss_mb()[1], 1)
    record("latency", str(n), out)
    return out


def _print_indexer(n: int, r: dict[str, Any]) -> None:
    print(f"  SearchService.search at {n:,} (warm, query vectors not cached; text queries):")
    for key in (*MODES, "hybrid_cached_vectors", "browse", "bare_embed_scan"):
        t = r[key]
        print(
            f"    {key:22s} p50 {t['p50_ms']:7.1f} ms  p95 {t['p95_ms']:7.1f} ms"
            f"  (n={t['n']}, load {t['load']})"
        )
    print(
        f"    hybrid / bare: {r['ratio_hybrid_vs_bare_p50']:.2f}× at p50,"
        f" {r['ratio_hybrid_vs_bare_p95']:.2f}× at p95"
        f" (target ≤ 2×); hybrid p95 target ≤ 60 ms"
    )
    enc = " · ".join(
        f"{k} p50 {v['p50_ms']:.1f} ms p95 {v['p95_ms']:.1f} ms" for k, v in r["encode_query"].items()
    )
    print(f"    encode_query alone: {enc}")
    kinds = " · ".join(f"{k} {v['p50_ms']:.0f}/{v['p95_ms']:.0f}" for k, v in r["hybrid_by_kind"].items())
    print(f"    hybrid p50/p95 ms by query kind: {kinds}")
    if r.get("profile_top"):
        print("    cProfile, top functions by own time (hybrid text queries):")
    for line in r.get("profile_top", []):
        print(f"      {line}")
    if r.get("profile_indexer"):
        print("    cProfile, indexer functions by cumulative time:")
    for line in r.get("profile_indexer", []):
        print(f"      {line}")
    if r.get("profile"):
        print(f"    full profile: {r['profile']}")


def _print_api(n: int, api: dict[str, Any], indexer: dict[str, Any]) -> None:
    print(f"  JSON API end to end at {n:,} (Flask test client; understanding + search + hydration + JSON):")
    for key in (*MODES, "browse"):
        t = api[key]
        extra = ""
        if key in indexer:
            base = indexer[key]["p50_ms"]
            extra = f"  (indexer p50 {base:.1f} ms → +{t['p50_ms'] - base:.1f} ms)"
        print(
            f"    {key:8s} p50 {t['p50_ms']:7.1f} ms  p95 {t['p95_ms']:7.1f} ms"
            f"  (n={t['n']}, load {t['load']}){extra}"
        )


def run(
    sizes: list[int],
    repeat: int = 5,
    api_size: int | None = None,
    api_repeat: int = 3,
    threads: int | None = None,
    profile: bool = False,
    build_threads: int | None = 1,
) -> dict[str, Any]:
    if api_size is None:
        small = [s for s in sizes if s <= 10000]
        api_size = max(small) if small else min(sizes)
    results = {}
    for n in sizes:
        results[n] = run_size(
            n, repeat, n == api_size, api_repeat, threads, profile and n == max(sizes), build_threads
        )
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--repeat", type=int, default=5, help="passes over the query mix (indexer level)")
    parser.add_argument("--api-size", type=int, help="size to run the JSON API at (default: largest ≤ 10k)")
    parser.add_argument("--api-repeat", type=int, default=3)
    parser.add_argument(
        "--encoder-threads",
        type=encoder_threads_arg,
        default=None,
        help="threads of the encoders answering queries: 'default' (the indexer's) or a number",
    )
    parser.add_argument(
        "--build-threads",
        type=encoder_threads_arg,
        default=1,
        help="encoder threads for building a missing index (not what is measured; default 1)",
    )
    parser.add_argument("--profile", action="store_true", help="cProfile hybrid queries at the largest size")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s]
    run(
        sizes,
        args.repeat,
        args.api_size,
        args.api_repeat,
        args.encoder_threads,
        args.profile,
        args.build_threads,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
