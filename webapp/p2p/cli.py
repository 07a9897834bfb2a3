"""`flask p2p …`: import listings, send the day-before reminders."""

from __future__ import annotations

import sys
from datetime import date

import click
from flask.cli import AppGroup

p2p_cli = AppGroup("p2p", help="The peer-to-peer board.")


@p2p_cli.command("import")
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True))
@click.option("--no-index", is_flag=True, help="Leave the search outbox to the indexer worker.")
def import_command(file: str, no_index: bool) -> None:
    """Import listings from a JSON-lines FILE ("-": stdin), idempotent on external_id; bad lines are
    listed by number, the rest imported, and the exit status is 1 when any line was bad."""
    from webapp.core.search import drain_all
    from webapp.p2p.importer import import_records

    if file == "-":
        report = import_records(sys.stdin)
    else:
        try:
            handle = open(file, encoding="utf-8")  # noqa: SIM115 - closed below
        except OSError as exc:
            raise click.ClickException(f"cannot read {file}: {exc.strerror}") from exc
        with handle:
            report = import_records(handle)
    click.echo(report.summary())
    for number, message in report.errors:
        click.echo(f"  line {number}: {message}", err=True)
    if not no_index:
        drained = drain_all(limit=512)
        click.echo(f"{drained.upserted} indexed, {drained.deleted} removed")
    if report.errors:
        sys.exit(1)


@p2p_cli.command("remind")
@click.option("--today", default=None, help="Pretend it is this day (YYYY-MM-DD).")
def remind_command(today: str | None) -> None:
    """Mail the day-before reminders of pick-ups and returns (run daily; the worker does it too)."""
    from webapp.p2p.service import send_reminders

    day = date.fromisoformat(today) if today else None
    count = send_reminders(day)
    click.echo(f"{count} reminder{'s' if count != 1 else ''} queued")


@p2p_cli.command("digest")
@click.option("--today", default=None, help="Pretend it is this day (YYYY-MM-DD).")
def digest_command(today: str | None) -> None:
    """Mail the daily "wanted" digests (run daily; the worker does it too)."""
    from webapp.p2p.matching import send_digests

    count = send_digests(date.fromisoformat(today) if today else None)
    click.echo(f"{count} digest{'s' if count != 1 else ''} queued")
