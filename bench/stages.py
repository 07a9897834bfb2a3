"""Where one JSON API hybrid request goes, stage by stage (issue 8, speed).

``GET /api/v1/members/search?mode=hybrid`` through the Flask test client over the text
queries of ``bench.common.QUERY_MIX``, every call a new query (the per-query caches are
emptied first, as in ``bench.api``). Each stage of the request path is wrapped for the run
and its *inclusive* time summed: CPU time of the process (``time.process_time``: the
request's thread plus the threads it waits for, the second query encoder and the vector
scans; nothing else runs in the bench process) and wall time. Printed per stage: ms per
request (CPU, wall), calls per request and the share of the request's CPU time.

Why CPU time: on the shared 2-core machine wall figures stretch with the load, CPU time far
less (what a stage costs whatever else shares the machine). The wrappers cost about a
microsecond per call (``highlight`` runs ~60 times per request: ~0.1 ms of the figures).
Inner stages running in a pool thread (the second encoder) count in "query vectors" but not
in the per-function rows below it.

    python -m bench.stages [--n 1000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from typing import Any, Callable

from bench.common import QUERY_MIX, data_dir_for, load, make_app, preload_encoders

#: (label, module, attribute[, class]) of each wrapped stage, outermost first.
STAGES: tuple[tuple[str, str, str, str | None], ...] = (
    ("page.run", "webapp.api.views", "run", None),
    ("  parse_params", "webapp.core.search.page", "parse_params", None),
    ("  understanding (taxonomy, gazetteer)", "webapp.core.search.page", "_understand", None),
    ("  outbox lag exclusions (DB)", "webapp.core.search.page", "hidden_while_lagging", None),
    ("  run_search (service)", "webapp.core.search.page", "run_search", None),
    ("    query vectors (both encoders)", "indexer.service", "_query_vectors", "SearchService"),
    # (the same stages as named before issue 8's speed work, to profile older code alike)
    ("    query vectors (both encoders)", "indexer.service", "_query_vector", "SearchService"),
    ("    backend.search", "indexer.backends.embedded", "search", "EmbeddedBackend"),
    ("      filters + geo", "indexer.backends.embedded.search", "_filter", "_Searcher"),
    ("      query words (stems, typos)", "indexer.backends.embedded.search", "_query_words", "_Searcher"),
    ("      lexical BM25F", "indexer.backends.embedded.search", "_lexical", "_Searcher"),
    ("      vector scan (caller's thread)", "indexer.backends.embedded.search", "_vector", "_Searcher"),
    ("      facet counts", "indexer.backends.embedded.search", "_facet_counts", "_Searcher"),
    ("      order (sort, page)", "indexer.backends.embedded.search", "_order", "_Searcher"),
    ("      hits (stored fields, ranks, why)", "indexer.backends.embedded.search", "_hits", "_Searcher"),
    ("        highlight", "indexer.backends.embedded.search", "highlight_marks", None),
    ("        highlight", "indexer.backends.embedded.search", "highlight", None),
    ("  hydrate", "webapp.core.search.page", "_hydrate", None),
    ("    rows from the DB (one query)", "webapp.directory.search", "result_rows", None),
    ("    explanations (why)", "webapp.core.search.page", "explain", None),
    ("  widen-radius counts", "webapp.core.search.page", "_widen", None),
    ("  facets (labels)", "webapp.core.search.page", "_facets", None),
    ("payload", "webapp.api.views", "search_payload", None),
    ("JSON", "webapp.api.views", "_dumps", None),
)


class Meter:
    def __init__(self) -> None:
        self.cpu: dict[str, float] = defaultdict(float)
        self.wall: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)
        self.on = False

    def wrap(self, label: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not self.on:
                return fn(*args, **kwargs)
            c0, w0 = time.process_time(), time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                self.cpu[label] += time.process_time() - c0
                self.wall[label] += time.perf_counter() - w0
                self.calls[label] += 1

        wrapped.__wrapped__ = fn  # type: ignore[attr-defined]
        return wrapped


def install(meter: Meter) -> list[tuple[Any, str, Any]]:
    import importlib

    undo = []
    for label, module_name, attr, cls in STAGES:
        owner: Any = importlib.import_module(module_name)
        if cls is not None:
            owner = getattr(owner, cls)
        if attr not in vars(owner):  # a stage named otherwise in this version of the code
            continue
        original = owner.__dict__[attr] if cls is not None else getattr(owner, attr)
        undo.append((owner, attr, original))
        setattr(owner, attr, meter.wrap(label, original))
    return undo


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--n", type=int, default=1000, help="size of the bench data dir (bench/out/members-N)"
    )
    parser.add_argument("--repeat", type=int, default=3, help="passes over the text queries of the mix")
    parser.add_argument("--warm-caches", action="store_true", help="keep per-query caches between calls")
    args = parser.parse_args(argv)
    data_dir = data_dir_for(args.n)
    if not (data_dir / "indexed.json").exists():
        print(f"{data_dir} is not built: python -m bench.generate --n {args.n}")
        return 1
    preload_encoders(None)
    app = make_app(data_dir)
    meter = Meter()
    with app.app_context():
        from webapp.core.search import get_service
        from webapp.core.search.page import clear_query_caches

        service = get_service()
        undo = install(meter)
        client = app.test_client()
        texts = [q for q in QUERY_MIX if q.kind != "browse"]

        def call(q: Any) -> None:
            if not args.warm_caches:
                service._query_cache.clear()
                clear_query_caches()
            response = client.get(
                "/api/v1/members/search",
                query_string={**q.params, "mode": "hybrid"},
                headers={"Accept-Language": q.lang or "en"},
            )
            assert response.status_code == 200, response.get_data(as_text=True)[:300]

        for q in texts:  # first touches
            call(q)
        meter.on = True
        requests = 0
        c0, w0 = time.process_time(), time.perf_counter()
        for _ in range(args.repeat):
            for q in texts:
                call(q)
                requests += 1
        total_cpu, total_wall = time.process_time() - c0, time.perf_counter() - w0
        for owner, attr, original in undo:
            setattr(owner, attr, original)
    print(
        f"GET /api/v1/members/search hybrid at {args.n:,} cards: {requests} requests"
        f" ({len(texts)} text queries × {args.repeat}), caches {'warm' if args.warm_caches else 'cleared'},"
        f" load {load()}"
    )
    print(f"  {'stage':44s} {'cpu ms/req':>10s} {'wall ms/req':>11s} {'calls/req':>9s} {'cpu share':>9s}")
    print(
        f"  {'test client → response (all)':44s} {total_cpu * 1000 / requests:10.2f}"
        f" {total_wall * 1000 / requests:11.2f} {'':>9s} {100:8.0f}%"
    )
    for label in dict.fromkeys(label for label, *_ in STAGES):
        if not meter.calls.get(label):
            continue
        cpu = meter.cpu[label] * 1000 / requests
        print(
            f"  {label:44s} {cpu:10.2f} {meter.wall[label] * 1000 / requests:11.2f}"
            f" {meter.calls[label] / requests:9.1f} {100 * meter.cpu[label] / total_cpu:8.1f}%"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
