"""`flask directory …`: bulk import of member and client cards."""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

directory_cli = AppGroup("directory", help="The member and client directory.")


def _count_lines(path: str) -> int | None:
    """Lines in a real file (for "time left"); None for stdin or pipes."""
    if path == "-":
        return None
    try:
        with open(path, "rb") as fh:
            return sum(1 for _ in fh)
    except OSError:
        return None


@directory_cli.command("import")
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True))
@click.option("--batch-size", default=200, show_default=True, help="Records per commit.")
@click.option("--no-index", is_flag=True, help="Leave the search outbox to the indexer worker.")
@click.option("--max-errors", default=50, show_default=True, help="Bad lines to list (all are counted).")
def import_command(file: str, batch_size: int, no_index: bool, max_errors: int) -> None:
    """Import cards from a JSON-lines FILE ("-" reads stdin); idempotent on external_id.

    See webapp/directory/importer.py for the record format. Bad lines are listed with their
    line numbers and the rest is imported; the exit status is 1 when any line was bad.
    """
    from webapp.core.progress import Progress
    from webapp.core.search import outbox_status
    from webapp.directory.importer import import_records, index_pending

    progress = Progress("import", total=_count_lines(file))
    if file == "-":
        report = import_records(sys.stdin, progress=progress, batch_size=batch_size)
    else:
        try:
            handle = open(file, encoding="utf-8")  # noqa: SIM115 - closed below
        except OSError as exc:
            raise click.ClickException(f"cannot read {file}: {exc.strerror}") from exc
        with handle:
            report = import_records(handle, progress=progress, batch_size=batch_size)
    click.echo(progress.finish(report.summary()))
    for line_no, message in report.errors[:max_errors]:
        click.echo(f"  line {line_no}: {message}", err=True)
    if len(report.errors) > max_errors:
        click.echo(f"  … and {len(report.errors) - max_errors} more bad lines", err=True)

    if not no_index:
        indexing = Progress("index", total=outbox_status()["queued"] or None)
        drained = index_pending(indexing)
        extra = f"{drained.upserted} indexed, {drained.deleted} removed"
        if drained.failed:
            extra += f", {drained.failed} failed (kept in the outbox, retried by the indexer)"
        click.echo(indexing.finish(extra))
    if report.errors:
        sys.exit(1)


@directory_cli.command("purge-messages")
@click.option("--days", type=int, default=None, help="Keep this many days (default: CONTACT_LOG_DAYS).")
def purge_messages_command(days: int | None) -> None:
    """Delete relay message logs past their retention period (run daily, e.g. from cron)."""
    from webapp.directory.relay import purge_old_messages
    from webapp.extensions import db

    count = purge_old_messages(days)
    db.session.commit()
    click.echo(f"purged {count} relay message{'s' if count != 1 else ''}")
