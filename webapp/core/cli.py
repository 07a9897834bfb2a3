"""`flask mail …`: send, watch and inspect the mail outbox."""

from __future__ import annotations

import os
import time

import click
from flask.cli import AppGroup, with_appcontext

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


@mail_cli.command("status")
def status() -> None:
    """Queued, failing and sent counts."""
    from webapp.core.mail import mail_status

    s = mail_status()
    click.echo(f"queued {s['queued']} (failing {s['failing']}), sent {s['sent']}")


@click.command("serve")
@click.option(
    "--host", default=lambda: os.environ.get("HOST", "127.0.0.1"), show_default="$HOST or 127.0.0.1"
)
@click.option(
    "--port", default=lambda: int(os.environ.get("PORT", "5000")), type=int, show_default="$PORT or 5000"
)
@click.option("--threads", default=8, show_default=True)
@with_appcontext
def serve_command(host: str, port: int, threads: int) -> None:
    """Serve the site (waitress), loading demo data on the very first start."""
    import threading

    import waitress
    from flask import current_app

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if app.config["DEMO_ON_FIRST_START"]:
        from webapp.demo.service import load_demo_if_empty

        loaded = load_demo_if_empty(app.config["DEMO_MEMBERS"], app.config["DEMO_CLIENTS"])
        if loaded:
            click.echo(loaded)
    if app.config["BACKGROUND_WORKERS"]:
        from webapp.core.workers import start_workers

        start_workers(app)

    def warm() -> None:
        # Load the encoders before the first search asks for them.
        with app.app_context():
            from webapp.core.search import get_service

            get_service()

    threading.Thread(target=warm, name="warm-search", daemon=True).start()
    click.echo(f"Kring on http://{host}:{port}/  (data in {app.config['DATA_DIR']}; Ctrl-C stops)")
    waitress.serve(app, host=host, port=port, threads=threads, ident="kring")
