"""The access log: one line per request, with nothing personal in it.

Why: the server logged nothing per request, so nobody could tell what was slow or failing. The
line says what was asked and how it went — method, path, status, duration, size — and nothing
about who asked: no IP address, no cookie, no query string (search text, e-mail addresses and
``next=`` targets live there), and no secret path parts (the tokens of mailed links: a leaked log
must not confirm an address or reset a password). ``ACCESS_LOG=0`` turns it off.
"""

from __future__ import annotations

import logging
import re
import time

from flask import Flask, Response, g, request

log = logging.getLogger("kring.access")

#: A path argument shown as it is: short lowercase words ("member", "client", "en").
_PLAIN_WORD = re.compile(r"^[a-z]{1,20}$")
_RULE_ARG = re.compile(
    r"<(?:(?P<converter>[a-zA-Z_][a-zA-Z0-9_]*)(?:\([^)]*\))?:)?(?P<name>[a-zA-Z_][a-zA-Z0-9_]*)>"
)
#: Endpoints whose path arguments are file names of the app's own assets, fine to show.
_ASSET_ENDPOINTS = {"static"}
#: Unmatched paths (404s) are whatever someone typed: long or address-like segments are masked.
_SUSPECT_SEGMENT = re.compile(r"@|%40|[A-Za-z0-9_-]{24,}")
MAX_PATH = 200


def _shown(value: object, converter: str | None, endpoint: str | None) -> str | None:
    if converter in ("int", "float") or endpoint in _ASSET_ENDPOINTS:
        return str(value)
    if isinstance(value, str) and _PLAIN_WORD.match(value):
        return value
    return None


def loggable_path() -> str:
    """The request's path with every secret or personal part replaced by its argument's name.

    Matched routes are rebuilt from their rule: ids and short words stay ("/directory/members/12"),
    anything else becomes ``<name>`` ("/verify/<token>"). Unmatched paths keep their shape with
    suspicious segments masked. The query string is never included.
    """
    rule = request.url_rule
    if rule is not None:
        args = request.view_args or {}
        endpoint = request.endpoint

        def replace(match: re.Match[str]) -> str:
            name = match.group("name")
            shown = _shown(args.get(name), match.group("converter"), endpoint) if name in args else None
            return shown if shown is not None else f"<{name}>"

        path = _RULE_ARG.sub(replace, rule.rule)
    else:
        path = "/".join("…" if _SUSPECT_SEGMENT.search(part) else part for part in request.path.split("/"))
    return path if len(path) <= MAX_PATH else path[:MAX_PATH] + "…"


def _start() -> None:
    g._access_started = time.perf_counter()


def _finish(response: Response) -> Response:
    started = g.pop("_access_started", None)
    duration_ms = (time.perf_counter() - started) * 1000 if started is not None else 0.0
    size = response.content_length
    if size is None and not response.is_streamed:
        size = len(response.get_data())
    log.info(
        "%s %s %d %.1fms %sB",
        request.method,
        loggable_path(),
        response.status_code,
        duration_ms,
        "-" if size is None else size,
    )
    return response


def init_app(app: Flask) -> None:
    """Log every request of ``app`` unless ACCESS_LOG is off."""
    if not app.config.get("ACCESS_LOG", True):
        return
    app.before_request(_start)
    app.after_request(_finish)
