"""Security headers on every response, safe redirects, fresh-login checks."""

from __future__ import annotations

import tempfile
from datetime import timedelta
from functools import wraps
from typing import IO, Any, Callable
from urllib.parse import urlsplit

from flask import Flask, Request, Response, current_app, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from werkzeug.routing import IntegerConverter

from webapp.core.models import utcnow

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'"
)

#: Blueprints whose pages carry personal data and must never be cached.
NO_STORE_BLUEPRINTS = {"accounts"}


def safe_next(target: str | None, default: str) -> str:
    """Accept only a path on this site ("/x?y"); anything else goes to ``default``."""
    if not target:
        return default
    target = target.strip()
    if "\\" in target or any(ord(c) < 32 for c in target):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    return target


def mark_fresh_login() -> None:
    session["fresh_at"] = utcnow().timestamp()


def is_fresh_login() -> bool:
    fresh_at = session.get("fresh_at")
    if not fresh_at:
        return False
    limit = timedelta(minutes=current_app.config["FRESH_LOGIN_MINUTES"]).total_seconds()
    return utcnow().timestamp() - float(fresh_at) <= limit


def fresh_login_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Sensitive actions (delete account, change e-mail, export) need a recent sign-in."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not is_fresh_login():
            flash(_("Please confirm your password to continue."), "info")
            return redirect(url_for("accounts.reauth", next=request.full_path.rstrip("?")))
        return view(*args, **kwargs)

    return wrapper


def _headers(response: Response) -> Response:
    h = response.headers
    h.setdefault("Content-Security-Policy", CSP)
    h.setdefault("X-Content-Type-Options", "nosniff")
    h.setdefault("Referrer-Policy", "same-origin")
    h.setdefault("X-Frame-Options", "DENY")
    h.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    h.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if request.is_secure:
        h.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    if request.blueprint in NO_STORE_BLUEPRINTS or getattr(request, "_no_store", False):
        h["Cache-Control"] = "no-store"
    return response


def no_store() -> None:
    """Mark the current response as not cacheable (pages with personal data)."""
    request._no_store = True  # type: ignore[attr-defined]


class BoundedIntConverter(IntegerConverter):
    """``<int:…>`` with an upper bound: an id past the id columns' range is a 404, not a 500
    (the models' INTEGER ids are 32-bit on PostgreSQL, 64-bit on SQLite; anything bigger
    overflows in the driver)."""

    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:  # noqa: A002 - werkzeug's name
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(map, *args, **kwargs)


def _limit_plain_forms() -> None:
    """A urlencoded form is held in memory whole: the form-memory limit, not the upload limit,
    is its size limit (Werkzeug applies MAX_FORM_MEMORY_SIZE to multipart fields only)."""
    if request.mimetype == "application/x-www-form-urlencoded":
        cfg = current_app.config
        request.max_content_length = min(cfg["MAX_CONTENT_LENGTH"], cfg["MAX_FORM_MEMORY_SIZE"])


class CappedUpload(tempfile.SpooledTemporaryFile):  # type: ignore[type-arg]
    """An uploaded file part that keeps at most ``limit`` bytes and drops the rest unwritten.

    A body over the file limit is still read (up to MAX_CONTENT_LENGTH), so the form's other
    fields arrive and the page can come back with everything typed and a message, instead of a
    bare 413 that throws the form away; ``overflowed`` tells the view the file was too big.
    """

    def __init__(self, limit: int) -> None:
        super().__init__(max_size=512 * 1024)
        self.limit = limit
        self.received = 0

    @property
    def overflowed(self) -> bool:
        return self.received > self.limit

    def write(self, data: bytes) -> int:  # type: ignore[override]
        room = self.limit - self.received
        if room > 0:
            super().write(data[:room])
        self.received += len(data)
        return len(data)


class KringRequest(Request):
    """Flask's request with upload file parts capped at UPLOAD_MAX_BYTES (see CappedUpload)."""

    def _get_file_stream(
        self,
        total_content_length: int | None,
        content_type: str | None,
        filename: str | None = None,
        content_length: int | None = None,
    ) -> IO[bytes]:
        return CappedUpload(int(current_app.config["UPLOAD_MAX_BYTES"]))  # type: ignore[return-value]


def init_app(app: Flask) -> None:
    app.request_class = KringRequest
    # Before any blueprint adds a rule: rules pick their converters when they are added.
    app.url_map.converters["int"] = BoundedIntConverter
    # First of all before-request hooks: CSRF protection reads the form before any view does.
    app.before_request_funcs.setdefault(None, []).insert(0, _limit_plain_forms)
    app.after_request(_headers)
