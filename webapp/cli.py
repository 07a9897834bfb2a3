"""Top-level commands that span modules: `flask serve` (the site, demo data on the very first start)."""

from __future__ import annotations

import os
import threading
from typing import Any, Mapping

import click
import waitress
from flask import current_app
from flask.cli import with_appcontext

from webapp.core.search import get_service
from webapp.core.workers import start_workers


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
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if app.config["DEMO_ON_FIRST_START"] and "webapp.demo" in app.extensions.get("kring_modules", ()):
        from webapp.demo.service import load_demo_if_empty

        loaded = load_demo_if_empty(app.config["DEMO_MEMBERS"], app.config["DEMO_CLIENTS"])
        if loaded:
            click.echo(loaded)
    if app.config["BACKGROUND_WORKERS"]:
        start_workers(app)

    def warm() -> None:
        # Load the encoders before the first search asks for them.
        with app.app_context():
            get_service()

    threading.Thread(target=warm, name="warm-search", daemon=True).start()
    click.echo(f"Kring on http://{host}:{port}/  (data in {app.config['DATA_DIR']}; Ctrl-C stops)")
    waitress.serve(app, host=host, port=port, threads=threads, **waitress_options(app.config))


#: Proxy headers waitress believes from a trusted proxy (the client's address, scheme and host).
PROXY_HEADERS = {"x-forwarded-for", "x-forwarded-proto", "x-forwarded-host", "x-forwarded-port"}


def waitress_options(config: Mapping[str, Any]) -> dict[str, Any]:
    """How waitress serves the app: the proxy it trusts, and bodies refused before they are read."""
    options: dict[str, Any] = {
        "ident": "kring",
        # Refuse a body bigger than the app accepts before reading it (waitress reads 1 GiB by default);
        # a little slack lets the app itself answer 413 with its own page for a body just over its limit.
        "max_request_body_size": int(config["MAX_CONTENT_LENGTH"]) + 64 * 1024,
    }
    hops = int(config.get("TRUSTED_PROXIES") or 0)
    if hops > 0:
        options.update(
            trusted_proxy=config.get("TRUSTED_PROXY") or "127.0.0.1",
            trusted_proxy_count=hops,
            trusted_proxy_headers=PROXY_HEADERS,
        )
    return options
