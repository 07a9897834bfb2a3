"""`flask demo …`: load the deterministic demo data set, or export it as JSON lines."""

from __future__ import annotations

import json
import sys
import time

import click
from flask.cli import AppGroup

demo_cli = AppGroup("demo", help="Deterministic demo data (members and clients in four languages).")


@demo_cli.command("load")
@click.option("--members", default=2000, show_default=True, type=click.IntRange(min=0), help="Member cards.")
@click.option("--clients", default=300, show_default=True, type=click.IntRange(min=0), help="Client cards.")
@click.option("--seed", default=1, show_default=True, type=int, help="Another seed gives another data set.")
@click.option(
    "--index/--no-index",
    default=True,
    show_default=True,
    help="Index the cards now (with progress) instead of leaving it to the background worker.",
)
def load(members: int, clients: int, seed: int, index: bool) -> None:
    """Create or update the demo cards (idempotent: a second run changes nothing)."""
    from webapp.core.progress import Progress
    from webapp.core.search import outbox_status
    from webapp.demo.service import load_demo

    progress = Progress("demo import", total=members + clients)
    summary = load_demo(members, clients, progress=progress, seed=seed)
    progress.finish()
    click.echo(summary)
    if not index:
        return
    queued = outbox_status()["queued"]
    if not queued:
        return
    from webapp.directory.importer import index_pending

    indexing = Progress("indexing", total=queued)
    drained = index_pending(progress=indexing)
    extra = f"{drained.upserted:,} indexed, {drained.deleted:,} removed"
    if drained.failed:
        reason = drained.errors[0] if drained.errors else "see `flask indexer status`"
        extra += f", {drained.failed:,} failed and kept queued ({reason})"
    click.echo(indexing.finish(extra))


@demo_cli.command("export")
@click.option("--members", default=2000, show_default=True, type=click.IntRange(min=0))
@click.option("--clients", default=0, show_default=True, type=click.IntRange(min=0))
@click.option("--seed", default=1, show_default=True, type=int)
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(dir_okay=False, allow_dash=True),
    help="JSONL file to write ('-' for standard output).",
)
@click.option("--fast", is_flag=True, help="Shorter bios; for benchmark data sets of 100,000 members.")
@click.option(
    "--accounts/--no-accounts",
    default=True,
    show_default=True,
    help='Mark records "account": true (the importer then creates accounts).',
)
def export(members: int, clients: int, seed: int, out: str, fast: bool, accounts: bool) -> None:
    """Write the demo records as JSON lines, in the `flask directory import` format."""
    from webapp.demo.generator import iter_records

    started = time.monotonic()
    count = 0
    stream = sys.stdout if out == "-" else open(out, "w", encoding="utf-8")  # noqa: SIM115
    try:
        for record in iter_records(members, clients, seed, fast=fast, accounts=accounts):
            stream.write(json.dumps(record, ensure_ascii=False) + "\n")
            count += 1
    finally:
        if stream is not sys.stdout:
            stream.close()
    elapsed = time.monotonic() - started
    click.echo(f"wrote {count:,} records to {out} in {elapsed:.1f}s", err=True)
