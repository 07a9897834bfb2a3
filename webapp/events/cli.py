"""`flask events …`: import, reminders (run hourly or daily; the web process's worker does it too)."""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

events_cli = AppGroup("events", help="The events calendar.")


@events_cli.command("import")
@click.argument("file", type=click.File("r", encoding="utf-8"))
@click.option("--max-errors", default=50, show_default=True, help="Bad lines to list (all are counted).")
def import_command(file, max_errors: int) -> None:
    """Import events and groups from a JSON-lines FILE ("-" reads stdin); idempotent on external_id.

    The format is in webapp/events/importer.py. Bad lines are listed with their numbers and the
    rest is imported; the exit status is 1 when any line was bad.
    """
    from webapp.core.search import wake_indexer
    from webapp.events.importer import import_lines

    report = import_lines(file)
    wake_indexer()
    click.echo(
        f"created {report.created}, updated {report.updated}, unchanged {report.unchanged}, "
        f"bad lines {len(report.errors)}"
    )
    for number, message in report.errors[:max_errors]:
        click.echo(f"line {number}: {message}", err=True)
    if report.errors:
        sys.exit(1)


@events_cli.command("remind")
def remind_command() -> None:
    """Mail those going to an event that starts within the next 24 hours (once per occurrence)."""
    from webapp.events.service import send_reminders

    click.echo(f"reminders queued: {send_reminders()}")


@events_cli.command("digest")
def digest_command() -> None:
    """Send the weekly mails of new events to members who asked for one (each at most weekly)."""
    from webapp.events.digest import send_digests

    click.echo(f"digests queued: {send_digests()}")
