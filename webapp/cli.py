"""Top-level commands that span modules: `flask serve` (the site, demo data on the very first start)."""

from __future__ import annotations

import ipaddress
import logging
import threading
from typing import Any, Mapping
from urllib.parse import urlsplit

import click
import waitress
from flask import current_app
from flask.cli import with_appcontext

from webapp.config import ANY_INTERFACE, served_origin
from webapp.core.search import get_service
from webapp.core.workers import start_workers

log = logging.getLogger(__name__)


def _is_local(host: str) -> bool:
    host = host.strip("[]").lower()
    if host in ANY_INTERFACE or host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def base_url_mismatch(config: Mapping[str, Any], host: str, port: int) -> str | None:
    """Why the links in mails may not open the served site, or None when they will.

    An explicit BASE_URL on another host is what a reverse proxy needs (TRUSTED_PROXIES set): no
    warning then. A local BASE_URL on another port, or any other host without a proxy, is the
    "confirmation link is dead" trap.
    """
    if not config.get("BASE_URL_EXPLICIT"):
        return None
    base = urlsplit(str(config.get("BASE_URL") or ""))
    served = served_origin(host, port)
    try:
        base_port = base.port or {"http": 80, "https": 443}.get(base.scheme)
    except ValueError:
        base_port = None
    base_host = (base.hostname or "").lower()
    served_host = host.strip("[]").lower()
    same_host = base_host == served_host or (_is_local(base_host) and _is_local(served_host))
    if same_host and base_port == port:
        return None
    if not _is_local(base_host) and int(config.get("TRUSTED_PROXIES") or 0) > 0:
        return None  # a reverse proxy serves BASE_URL and forwards here
    return (
        f"BASE_URL is {config.get('BASE_URL')} but this server listens on {served}: links in mails "
        f"(address confirmation, password reset) will not open this site. Unset BASE_URL to use "
        f"{served}, or set it to the address people reach the site on."
    )


@click.command("serve")
@click.option("--host", default=None, help="Address to listen on.  [default: $HOST or 127.0.0.1]")
@click.option("--port", default=None, type=int, help="Port to listen on.  [default: $PORT or 5000]")
@click.option("--threads", default=8, show_default=True)
@with_appcontext
def serve_command(host: str | None, port: int | None, threads: int) -> None:
    """Serve the site (waitress), loading demo data on the very first start."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if not logging.getLogger().handlers:  # the serving process logs to stderr (access log, warnings)
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    host = host or app.config["HOST"]
    port = int(port or app.config["PORT"])
    app.config.update(HOST=host, PORT=port)
    if not app.config.get("BASE_URL_EXPLICIT"):
        app.config["BASE_URL"] = served_origin(host, port)  # what --host/--port actually serve
    problem = base_url_mismatch(app.config, host, port)
    if problem:
        log.warning(problem)
        click.secho(f"Warning: {problem}", fg="yellow", err=True)
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
    click.echo(
        f"Kring on {served_origin(host, port)}/  (mail links: {app.config['BASE_URL']}; "
        f"data in {app.config['DATA_DIR']}; Ctrl-C stops)"
    )
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
