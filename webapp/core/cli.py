"""`flask mail …`: send, watch and inspect the mail outbox."""

from __future__ import annotations

import time

import click
from flask.cli import AppGroup

mail_cli = AppGroup("mail", help="The outgoing mail queue.")


@mail_cli.command("send")
@click.option("--force", is_flag=True, help="Ignore back-off and try every queued mail now.")
def send(force: bool) -> None:
    """Send what is due once and exit."""
    from webapp.core.mail import drain_mail

    sent, failed = drain_mail(limit=10_000, force=force)
    click.echo(f"sent {sent}, failed {failed}")


@mail_cli.command("run")
@click.option("--interval", default=2.0, show_default=True, help="Seconds between polls when idle.")
def run(interval: float) -> None:
    """Send mail as it is queued, until interrupted."""
    from webapp.core.mail import drain_mail

    click.echo("mail worker running; Ctrl-C stops it")
    try:
        while True:
            sent, _failed = drain_mail()
            if not sent:
                time.sleep(interval)
    except KeyboardInterrupt:
        pass


@mail_cli.command("purge")
@click.option("--days", type=click.IntRange(min=0), default=None, help="Default: MAIL_KEEP_DAYS (30).")
def purge(days: int | None) -> None:
    """Forget sent and given-up mail older than MAIL_KEEP_DAYS (rows and .eml files); the web
    process's worker does it hourly, production runs it daily."""
    from webapp.core.mail import purge_mail

    rows, files = purge_mail(days)
    click.echo(f"purged {rows} mails and {files} .eml files")


@mail_cli.command("status")
def status() -> None:
    """Queued, failing and sent counts."""
    from webapp.core.mail import mail_status

    s = mail_status()
    click.echo(f"queued {s['queued']} (failing {s['failing']}), sent {s['sent']}, given up {s['given_up']}")
