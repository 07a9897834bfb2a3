"""(b) Indexing throughput: SearchService.index next to the raw encoders on the same texts.

    python -m bench.indexing [--docs 2000] [--chunk 512] [--encoder-threads default|1|2] [--profile]

Documents are the real thing: N demo members imported into bench/out/members-N/ (no index
needed) and turned into indexer Documents by ``webapp.directory.documents.build_members``
(the directory's ``member_document``). Then, in one process with warm encoders:

- raw: ``Embedder.encode(texts)`` per encoder over the chunk's ``embed_text``s in one call
  (the encoder batches and sorts by length itself);
- service: ``SearchService.index("member", docs)`` into a fresh embedded backend (encodes
  every batch with both encoders, writes SQLite + the in-memory segments).

The two sides alternate in chunks of ``--chunk`` documents (ABBA order), so a change of the
machine's load hits both alike. Printed: docs/s of each and the ratio service / raw (target
≥ 85 %) in wall-clock time and in process CPU time (which hardly depends on other processes'
load), with the service's time split into encoding and backend writes.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
import tempfile
import time
from typing import Any

from bench.common import OUT, encoder_threads_arg, load, make_app, preload_encoders, record
from bench.generate import ensure_dataset


def build_documents(n: int) -> list[Any]:
    data_dir = ensure_dataset(n, index=False)
    app = make_app(data_dir)
    with app.app_context():
        from webapp.directory.documents import build_members, member_ids

        ids = list(member_ids())
        started = time.perf_counter()
        docs = [d for d in build_members(ids).values() if d is not None]
        seconds = time.perf_counter() - started
    print(
        f"[indexing] {len(docs):,} documents built by member_document in {seconds:.1f} s"
        f" = {len(docs) / seconds:,.0f} docs/s · load {load()}"
    )
    return docs


class Clock:
    """Wall and process-CPU seconds of a block: CPU time hardly moves with other processes' load."""

    def __init__(self) -> None:
        self.wall = 0.0
        self.cpu = 0.0

    def __enter__(self) -> Clock:
        self._w, self._c = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.wall += time.perf_counter() - self._w
        self.cpu += time.process_time() - self._c


def raw_encode(embedders: list[Any], texts: list[str], clocks: dict[str, Clock]) -> None:
    """Each encoder over ``texts`` in one call (the encoder batches and sorts by length itself)."""
    for e in embedders:
        with clocks[e.name]:
            e.encode(texts)


class TimedService:
    """SearchService.index into a fresh embedded backend, its time split into encoding and writes."""

    def __init__(self, embedders: list[Any], tmp: str) -> None:
        from indexer.backends.embedded import EmbeddedBackend
        from indexer.service import SearchService

        self.backend = EmbeddedBackend(tmp)
        self.service = SearchService(self.backend, embedders)
        self.service.ensure_index("member")
        self.total, self.encode, self.write = Clock(), Clock(), Clock()
        # Wrapped on these instances only, to split the time; a wrapper costs ~µs per batch.
        real_embed, real_upsert = self.service.embed, self.backend.upsert

        def embed(texts: Any) -> Any:
            with self.encode:
                return real_embed(texts)

        def upsert(*args: Any, **kwargs: Any) -> Any:
            with self.write:
                return real_upsert(*args, **kwargs)

        self.service.embed = embed  # type: ignore[method-assign]
        self.backend.upsert = upsert  # type: ignore[method-assign]
        self.indexed = 0

    def index(self, docs: list[Any], profiler: cProfile.Profile | None = None) -> None:
        if profiler:
            profiler.enable()
        with self.total:
            report = self.service.index("member", docs)
        if profiler:
            profiler.disable()
        self.indexed += report.indexed


def run(
    docs_n: int = 2000,
    chunk: int = 512,
    threads: int | None = None,
    profile: bool = False,
) -> dict[str, Any]:
    print(f"[indexing] building {docs_n:,} members' documents (load {load()}) ...", flush=True)
    docs = build_documents(docs_n)
    texts = [d.embed_text for d in docs]
    started = time.perf_counter()
    embedders = preload_encoders(threads)
    print(
        f"[indexing] encoders ready in {time.perf_counter() - started:.1f} s"
        f" (threads: {'indexer default' if threads is None else threads})"
    )
    for e in embedders:  # warm-up: first calls allocate buffers / build ONNX plans
        e.encode(texts[:64])
    n = len(texts)
    chars = sum(len(t) for t in texts) / max(n, 1)
    raw = {e.name: Clock() for e in embedders}
    with tempfile.TemporaryDirectory(prefix="kring-bench-index-") as tmp:
        timed = TimedService(embedders, tmp)
        # Interleaved in chunks, alternating which side goes first (ABBA), so a change of the
        # machine's load during the run hits the raw encoders and the service alike.
        for i, start in enumerate(range(0, n, chunk)):
            part_docs, part_texts = docs[start : start + chunk], texts[start : start + chunk]
            if i % 2 == 0:
                raw_encode(embedders, part_texts, raw)
                timed.index(part_docs)
            else:
                timed.index(part_docs)
                raw_encode(embedders, part_texts, raw)
            done = start + len(part_docs)
            raw_rate = done / sum(c.wall for c in raw.values())
            print(
                f"  {done:,}/{n:,}: raw {raw_rate:.1f} docs/s, service {done / timed.total.wall:.1f} docs/s"
                f" · load {load()}",
                flush=True,
            )
        batch = timed.service.batch_size
        count = timed.backend.count("member")
        timed.backend.close()
    raw_wall = sum(c.wall for c in raw.values())
    raw_cpu = sum(c.cpu for c in raw.values())
    svc = timed.total
    result = {
        "docs": n,
        "indexed": count,
        "avg_embed_text_chars": round(chars),
        "service_batch_size": batch,
        "chunk": chunk,
        "raw_docs_per_s": {k: round(n / c.wall, 1) for k, c in raw.items()},
        "raw_combined_docs_per_s": round(n / raw_wall, 1),
        "service_docs_per_s": round(n / svc.wall, 1),
        "ratio_vs_raw": round(raw_wall / svc.wall, 3),
        "ratio_vs_raw_cpu": round(raw_cpu / svc.cpu, 3),
        "raw_cpu_s": round(raw_cpu, 1),
        "service_cpu_s": round(svc.cpu, 1),
        "service_encode_share": round(timed.encode.wall / svc.wall, 3),
        "service_write_share": round(timed.write.wall / svc.wall, 3),
        "encoder_threads": "default" if threads is None else threads,
        "load": load(),
    }
    if profile:
        # A separate pass: cProfile slows Python code (the USE tokenizer, the backend) far more
        # than native code (the models), so a profiled pass must not be timed against raw.
        profiler = cProfile.Profile()
        with tempfile.TemporaryDirectory(prefix="kring-bench-index-") as tmp:
            extra = TimedService(embedders, tmp)
            extra.index(docs[:chunk], profiler)
            extra.backend.close()
        buf = io.StringIO()
        stats = pstats.Stats(profiler, stream=buf)
        buf.write(f"SearchService.index of {min(chunk, n)} docs (a separate, untimed pass)\n\n")
        stats.sort_stats("tottime").print_stats(25)
        path = OUT / "profile-indexing.txt"
        path.write_text(buf.getvalue())
        result["profile"] = str(path)
    raw_rates = " · ".join(f"{k} {v} docs/s" for k, v in result["raw_docs_per_s"].items())
    print(
        f"[indexing] {n:,} docs (embed_text ~{chars:.0f} chars), chunks of {chunk},"
        f" service batches of {batch}:\n"
        f"    raw encode: {raw_rates} · combined {result['raw_combined_docs_per_s']} docs/s\n"
        f"    SearchService.index: {result['service_docs_per_s']} docs/s (encoding"
        f" {result['service_encode_share']:.0%}, backend writes {result['service_write_share']:.0%})\n"
        f"    ratio service / raw: {result['ratio_vs_raw']:.0%} wall-clock,"
        f" {result['ratio_vs_raw_cpu']:.0%} CPU time"
        f" (target ≥ 85 %) · load {result['load']}"
    )
    if profile:
        print(f"    profile: {result['profile']}")
    record("indexing", "result" if threads is None else f"result_threads_{threads}", result)
    return result


def _rates(seconds: dict[str, float], n: int) -> str:
    parts = [f"{name} {n / s:7.1f} docs/s" for name, s in seconds.items()]
    return " · ".join(parts) + f" · combined {n / sum(seconds.values()):7.1f} docs/s"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--docs", type=int, default=2000, help="members to generate (drafts are skipped)")
    parser.add_argument("--chunk", type=int, default=512, help="docs per raw/service round")
    parser.add_argument(
        "--encoder-threads",
        type=encoder_threads_arg,
        default=None,
        help="'default' (the indexer's choice) or a number of BLAS/ONNX threads",
    )
    parser.add_argument("--profile", action="store_true", help="cProfile the first service pass")
    args = parser.parse_args(argv)
    run(args.docs, args.chunk, args.encoder_threads, args.profile)
    return 0


if __name__ == "__main__":
    sys.exit(main())
