"""(a) N synthetic members: JSONL and/or a ready data dir (SQLite + embedded search index).

    python -m bench.generate --n 10000                      # bench/out/members-10000/ (import + index)
    python -m bench.generate --n 100000 --jsonl out.jsonl   # also write the records as JSONL
    python -m bench.generate --n 5000 --jsonl m.jsonl --no-import   # JSONL only
    python -m bench.generate --n 10000 --no-index           # import only (index later)

Records come from the demo generator's fast mode (``webapp.demo.generator.iter_members(n,
seed, fast=True, accounts=False)``: three-sentence bios, no accounts), so record *i* is the
same for every N. They go through the real path, nothing bench-specific:

1. ``webapp.directory.importer.import_records`` into a fresh DATA_DIR (validation, gazetteer,
   taxonomy, one search-outbox row per card in the card's transaction);
2. ``webapp.directory.importer.index_pending`` drains that outbox exactly as
   ``flask directory import`` does: rows → ``member_document`` (the directory's real document
   builder, loaded in batches) → ``SearchService.index`` (both encoders, embedded backend).

Drafts (~6 % of the records) are imported but never indexed. Both stages are cached: a data
dir with ``imported.json`` / ``indexed.json`` is reused by every benchmark, and the timings of
the build are kept in those files (re-printed on reuse).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any, Iterator

from bench.common import SEED, data_dir_for, encoder_threads_arg, load, make_app, preload_encoders, record

IMPORTED = "imported.json"
INDEXED = "indexed.json"


def iter_records(n: int, seed: int = SEED) -> Iterator[dict[str, Any]]:
    from webapp.demo.generator import iter_members

    return iter_members(n, seed, fast=True, accounts=False)


def write_jsonl(n: int, path: Path, seed: int = SEED) -> float:
    """Write N records as JSON lines; returns seconds."""
    started = time.perf_counter()
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as fh:
        for rec in iter_records(n, seed):
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    return time.perf_counter() - started


class _Ticker:
    """A progress line every ``every`` seconds (long runs go to nohup logs, not a terminal)."""

    def __init__(self, label: str, total: int, every: float = 15.0) -> None:
        self.label, self.total, self.every = label, total, every
        self.started = self.last = time.perf_counter()
        self.count = 0

    def __call__(self, done: int) -> None:
        self.count = done
        now = time.perf_counter()
        if now - self.last >= self.every:
            self.last = now
            rate = done / (now - self.started)
            left = (self.total - done) / rate if rate else 0
            print(
                f"  {self.label}: {done:,}/{self.total:,} · {rate:,.0f}/s · ~{left / 60:.1f} min left"
                f" · load {load()}",
                flush=True,
            )

    def advance(self, n: int = 1) -> None:  # Progress-compatible (index_pending calls this)
        self(self.count + n)


def _read(path: Path) -> dict[str, Any] | None:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


def import_members(n: int, data_dir: Path, seed: int = SEED) -> dict[str, Any]:
    """Import N records through the real importer (idempotent; cached by ``imported.json``)."""
    marker = data_dir / IMPORTED
    done = _read(marker)
    if done and done.get("n") == n and done.get("seed") == seed:
        return done
    app = make_app(data_dir)
    with app.app_context():
        from webapp.directory.importer import import_records

        ticker = _Ticker("import", n)
        started = time.perf_counter()
        report = import_records(iter_records(n, seed), progress=ticker)
        seconds = time.perf_counter() - started
    info = {
        "n": n,
        "seed": seed,
        "created": report.created,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "errors": len(report.errors),
        "first_errors": report.errors[:5],
        "seconds": round(seconds, 1),
        "records_per_s": round(n / seconds, 1),
        "load": load(),
    }
    marker.write_text(json.dumps(info, indent=2))
    return info


def index_members(data_dir: Path, threads: int | None = None) -> dict[str, Any]:
    """Drain the search outbox through the real path (cached by ``indexed.json``)."""
    marker = data_dir / INDEXED
    done = _read(marker)
    if done:
        return done
    preload_encoders(threads)
    app = make_app(data_dir)
    with app.app_context():
        from webapp.core.search import get_service, outbox_status
        from webapp.directory.importer import index_pending

        started = time.perf_counter()
        service = get_service()  # loads the encoders: counted apart from the indexing
        load_s = time.perf_counter() - started
        queued = outbox_status()["queued"]
        ticker = _Ticker("index", queued)
        started = time.perf_counter()
        report = index_pending(progress=ticker)
        seconds = time.perf_counter() - started
        docs = service.backend.count("member")
        health = service.backend.health()["indexes"].get("member", {})
    info = {
        "outbox_rows": queued,
        "upserted": report.upserted,
        "deleted": report.deleted,
        "failed": report.failed,
        "documents": docs,
        "seconds": round(seconds, 1),
        "docs_per_s": round(report.upserted / seconds, 1) if seconds else None,
        "encoder_load_s": round(load_s, 1),
        "index_memory_mb": round(health.get("memory_bytes", 0) / 2**20, 1),
        "index_disk_mb": round(health.get("disk_bytes", 0) / 2**20, 1),
        "load": load(),
        "encoder_threads": "default" if threads is None else threads,
    }
    marker.write_text(json.dumps(info, indent=2))
    return info


def ensure_dataset(
    n: int, *, index: bool = True, seed: int = SEED, quiet: bool = False, threads: int | None = None
) -> Path:
    """The data dir for N members, imported (and indexed), building what is missing."""
    data_dir = data_dir_for(n)
    data_dir.mkdir(parents=True, exist_ok=True)
    fresh_import = not (data_dir / IMPORTED).exists()
    if fresh_import and not quiet:
        print(f"[generate] importing {n:,} members into {data_dir} (load {load()}) ...", flush=True)
    imp = import_members(n, data_dir, seed)
    _print_import(n, imp, cached=not fresh_import)
    record("generate", f"import_{n}", imp)
    if index:
        fresh_index = not (data_dir / INDEXED).exists()
        if fresh_index and not quiet:
            print(
                f"[generate] indexing {n:,} members (outbox → member_document → SearchService.index)"
                f" (load {load()}) ...",
                flush=True,
            )
        idx = index_members(data_dir, threads)
        _print_index(n, idx, cached=not fresh_index)
        record("generate", f"index_{n}", idx)
    return data_dir


def _print_import(n: int, info: dict[str, Any], cached: bool) -> None:
    tag = " (cached build)" if cached else ""
    print(
        f"[generate] {n:,} records imported in {info['seconds']:.0f} s"
        f" = {info['records_per_s']:.0f} records/s"
        f" ({info['created']:,} created, {info['errors']} bad) · load {info['load']}{tag}",
        flush=True,
    )


def _print_index(n: int, info: dict[str, Any], cached: bool) -> None:
    tag = " (cached build)" if cached else ""
    threads = info.get("encoder_threads", "default")
    print(
        f"[generate] index of {n:,} members built in {info['seconds'] / 60:.1f} min"
        f" (encoder threads: {threads}) ="
        f" {info['docs_per_s']} docs/s ({info['documents']:,} documents, {info['deleted']:,} drafts skipped,"
        f" {info['failed']} failed; index {info['index_memory_mb']} MB in memory,"
        f" {info['index_disk_mb']} MB on disk) · load {info['load']}{tag}",
        flush=True,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, default=10000, help="number of members (up to 100,000)")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--jsonl", type=Path, help="also write the records to this JSONL file")
    parser.add_argument("--no-import", action="store_true", help="only write JSONL")
    parser.add_argument("--no-index", action="store_true", help="import but do not build the search index")
    parser.add_argument(
        "--encoder-threads",
        type=encoder_threads_arg,
        default=1,
        help="BLAS/ONNX threads per encoder for the build: a number (default 1) or 'default'"
        " (the indexer's own choice)",
    )
    args = parser.parse_args(argv)
    if args.jsonl:
        seconds = write_jsonl(args.n, args.jsonl, args.seed)
        size = os.path.getsize(args.jsonl) / 2**20
        print(
            f"[generate] {args.n:,} records → {args.jsonl} ({size:.1f} MB) in {seconds:.1f} s"
            f" = {args.n / seconds:,.0f} records/s · load {load()}"
        )
    if not args.no_import:
        ensure_dataset(args.n, index=not args.no_index, seed=args.seed, threads=args.encoder_threads)
    return 0


if __name__ == "__main__":
    sys.exit(main())
