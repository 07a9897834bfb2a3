"""The JSON API end to end, per mode and size, next to the bare encode + scan (issue 8, speed).

``GET /api/v1/members/search`` through the Flask test client: the whole request path a
client pays for (WSGI, the app's before/after-request hooks, the session and login lookup,
parameters, query understanding with the gazetteer and taxonomy, the search, hydration of the
page's cards from the database, explanations, facets, JSON). Same query mix as
``bench/latency.py`` (``bench.common.QUERY_MIX``), anonymous caller.

Every call is a *new* query as far as the caches go: before each call the service's
query-vector cache and every per-query cache of the request path
(``webapp.core.search.clear_query_caches``) are emptied, so a figure never profits from having
seen the same text before. The embedded backend's cache of stored documents is per document,
not per query, and stays (popular cards recur across queries); ``--cold-docs`` empties it too.
``--warm-caches`` measures the repeated-query case (paging, the same query from several users)
instead.

Next to each size's figures: the **bare encode + scan** of the same text queries, i.e. for
each encoder the hybrid query uses, ``encode_query`` + one float32 matmul over the index's
vectors (stacked) + ``argpartition`` of the top 100: what the semantic part of a request cannot
avoid. Printed: p50/p95 per mode, the ratio API hybrid / bare, and the load average.

    python -m bench.api --sizes 1000,10000,100000 [--repeat 5] [--profile]

Sizes whose data dir (``bench/out/members-N``) is not built are skipped with a note unless
``--build`` is given (building 100k takes an hour or more: ``python -m bench.generate``).
``--profile`` writes a cProfile of the hybrid API calls at the smallest size to
``bench/out/profile-api-N.txt`` and prints the request path's top costs per call.
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

from bench.common import (
    MODES,
    OUT,
    QUERY_MIX,
    BenchQuery,
    Timing,
    data_dir_for,
    load,
    make_app,
    preload_encoders,
    record,
)
from bench.latency import bare_cost, stacked_vectors, understood_queries

#: Time goals of issue 8 at 1k cards (ms).
GOAL_P50_1K = 12.0
GOAL_P95_1K = 25.0


#: ``--cold-docs``: also empty the embedded backend's cache of stored documents before each call.
COLD_DOCS = {"on": False}


def _clear(service: Any, warm: bool) -> None:
    if warm:
        return
    import webapp.core.search.page as page

    service._query_cache.clear()
    clear = getattr(page, "clear_query_caches", None)
    if clear is not None:  # (absent before the request-path caches: nothing else to clear)
        clear()
    if COLD_DOCS["on"]:
        for index in getattr(service.backend, "_indexes", {}).values():
            forget = getattr(index, "forget_docs", None)
            if forget is not None:  # (absent before the document cache)
                forget()


def measure(app: Any, repeat: int, warm: bool = False, profile_path: Any = None) -> dict[str, Any]:
    """API timings per mode and the bare cost of the same text queries, interleaved."""
    from webapp.core.search import get_service

    service = get_service()
    client = app.test_client()
    understood = understood_queries(app, QUERY_MIX)
    matrices = stacked_vectors(service)
    embedders = service.embedders
    used: dict[int, list[str]] = {}
    for i, (bq, query) in enumerate(understood["hybrid"]):
        if bq.kind != "browse":
            weights = service.weights(query)
            used[i] = [e.name for e in embedders if weights.get(e.name, 0) > 0]

    cpu = {m: Timing() for m in (*MODES, "browse")}

    def call(q: BenchQuery, mode: str) -> float:
        _clear(service, warm)
        started, cpu_started = time.perf_counter(), time.process_time()
        response = client.get(
            "/api/v1/members/search",
            query_string={**q.params, "mode": mode},
            headers={"Accept-Language": q.lang or "en"},
        )
        ms = (time.perf_counter() - started) * 1000
        cpu_ms = (time.process_time() - cpu_started) * 1000
        cpu["browse" if q.kind == "browse" else mode].add(cpu_ms)
        if response.status_code != 200:
            raise RuntimeError(
                f"API {q.params} {mode}: {response.status_code} {response.get_data(as_text=True)[:300]}"
            )
        if response.get_json().get("degraded"):
            raise RuntimeError(f"API answered degraded for {q.params}")
        return ms

    pairs = [(i, m) for i, q in enumerate(QUERY_MIX) for m in (MODES if q.kind != "browse" else ("hybrid",))]
    for i, mode in pairs:  # one untimed pass: first touches
        call(QUERY_MIX[i], mode)
    for t in cpu.values():
        t.samples.clear()
    timings = {m: Timing() for m in MODES}
    timings["browse"] = Timing()
    bare = Timing()
    by_kind: dict[str, Timing] = {}
    rng = random.Random(11)
    for _ in range(repeat):
        rng.shuffle(pairs)
        for i, mode in pairs:
            q = QUERY_MIX[i]
            ms = call(q, mode)
            key = "browse" if q.kind == "browse" else mode
            timings[key].add(ms)
            if key == "hybrid":
                by_kind.setdefault(q.kind, Timing()).add(ms)
                text = understood["hybrid"][i][1].text.strip()
                bare.add(bare_cost(embedders, matrices, text, used[i]))
    out: dict[str, Any] = {m: t.as_dict() for m, t in timings.items()}
    # CPU time of the process during the call (the request's thread and the threads it waits for:
    # the second query encoder, the vector scans at large sizes):
    # what the request costs whatever else shares the machine.
    out["cpu"] = {m: t.as_dict() for m, t in cpu.items()}
    out["bare_embed_scan"] = bare.as_dict()
    out["hybrid_by_kind"] = {k: t.as_dict() for k, t in sorted(by_kind.items())}
    out["ratio_hybrid_vs_bare_p50"] = round(timings["hybrid"].p50 / bare.p50, 2)
    out["ratio_hybrid_vs_bare_p95"] = round(timings["hybrid"].p95 / bare.p95, 2)
    out["caches"] = (
        "warm" if warm else "cleared before each call" + (", documents too" if COLD_DOCS["on"] else "")
    )
    if profile_path is not None:
        out.update(_profile(client, service, warm, profile_path))
    return out


def _profile(client: Any, service: Any, warm: bool, path: Any) -> dict[str, Any]:
    """cProfile of hybrid API calls (text queries, twice over the mix): where a request goes."""
    texts = [q for q in QUERY_MIX if q.kind != "browse"]
    calls = 2 * len(texts)
    profiler = cProfile.Profile()
    for _ in range(2):
        for q in texts:
            _clear(service, warm)
            profiler.enable()
            client.get(
                "/api/v1/members/search",
                query_string={**q.params, "mode": "hybrid"},
                headers={"Accept-Language": q.lang or "en"},
            )
            profiler.disable()
    buf = io.StringIO()
    stats = pstats.Stats(profiler, stream=buf)
    buf.write(f"GET /api/v1/members/search, hybrid, {calls} text queries\n\n")
    stats.sort_stats("cumulative").print_stats(80)
    stats.sort_stats("tottime").print_stats(40)
    path.write_text(buf.getvalue())
    return {"profile": str(path), "profile_top": _project_lines(stats, calls, 22)}


def _project_lines(stats: pstats.Stats, calls: int, n: int) -> list[str]:
    """The project's own functions (webapp/, indexer/) by cumulative time, in ms per call."""
    rows = []
    for (filename, line, func), (_cc, ncalls, _tt, cumtime, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        for root in ("/webapp/", "/indexer/"):
            if root in filename and "/site-packages/" not in filename:
                rows.append((cumtime, ncalls, f"{root.strip('/')}/{filename.split(root)[-1]}:{line}({func})"))
    rows.sort(reverse=True)
    return [f"{cum * 1000 / calls:7.2f} ms/call cum, {nc:6d} calls  {name}" for cum, nc, name in rows[:n]]


def run_size(n: int, repeat: int, warm: bool, profile: bool, build: bool) -> dict[str, Any] | None:
    data_dir = data_dir_for(n)
    if not (data_dir / "indexed.json").exists():
        if not build:
            print(f"[api] {n:,} members: {data_dir} is not built (python -m bench.generate --n {n}); skipped")
            return None
        from bench.generate import ensure_dataset

        ensure_dataset(n)
    preload_encoders(None)
    app = make_app(data_dir)
    with app.app_context():
        from webapp.core.search import close_service, get_service

        docs = get_service().backend.count("member")
        print(f"[api] {n:,} members: {docs:,} documents indexed · load {load()}", flush=True)
        prof = OUT / f"profile-api-{n}.txt" if profile else None
        out = measure(app, repeat, warm, prof)
        close_service(app)
    out["members"] = n
    out["documents"] = docs
    _print(n, out)
    record("api", str(n), out)
    return out


def _print(n: int, r: dict[str, Any]) -> None:
    print(f"  GET /api/v1/members/search at {n:,} cards (test client, caches {r['caches']}):")
    for key in (*MODES, "browse", "bare_embed_scan"):
        t = r[key]
        c = r["cpu"].get(key)
        cpu = f"  cpu p50 {c['p50_ms']:5.1f} p95 {c['p95_ms']:5.1f}" if c else ""
        print(
            f"    {key:16s} p50 {t['p50_ms']:7.1f} ms  p95 {t['p95_ms']:7.1f} ms{cpu}"
            f"  (n={t['n']}, load {t['load']})"
        )
    print(
        f"    API hybrid / bare: {r['ratio_hybrid_vs_bare_p50']:.2f}× at p50,"
        f" {r['ratio_hybrid_vs_bare_p95']:.2f}× at p95"
        f" (goal ≤ 2× at 100k; at 1k: p50 ≤ {GOAL_P50_1K:.0f} ms, p95 ≤ {GOAL_P95_1K:.0f} ms)"
    )
    kinds = " · ".join(f"{k} {v['p50_ms']:.1f}/{v['p95_ms']:.1f}" for k, v in r["hybrid_by_kind"].items())
    print(f"    hybrid p50/p95 ms by query kind: {kinds}")
    if r.get("profile_top"):
        print("    cProfile, the project's functions by cumulative time per call (hybrid):")
        for line in r["profile_top"]:
            print(f"      {line}")
        print(f"    full profile: {r['profile']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--repeat", type=int, default=5, help="passes over the query mix")
    parser.add_argument("--warm-caches", action="store_true", help="keep per-query caches between calls")
    parser.add_argument(
        "--profile", action="store_true", help="cProfile the hybrid calls at the smallest size"
    )
    parser.add_argument("--build", action="store_true", help="build missing data dirs (slow)")
    parser.add_argument(
        "--cold-docs",
        action="store_true",
        help="also empty the backend's stored-document cache before each call (its worst case)",
    )
    args = parser.parse_args(argv)
    COLD_DOCS["on"] = args.cold_docs
    sizes = sorted(int(s) for s in args.sizes.split(",") if s)
    for n in sizes:
        run_size(n, args.repeat, args.warm_caches, args.profile and n == sizes[0], args.build)
    return 0


if __name__ == "__main__":
    sys.exit(main())
