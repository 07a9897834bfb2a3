"""Home page, language switch, health check, error pages."""

from __future__ import annotations

import logging

from flask import Blueprint, abort, current_app, jsonify, redirect, render_template, request, session
from flask_login import current_user
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from webapp.core.security import safe_next
from webapp.extensions import db

bp = Blueprint("core", __name__, template_folder="templates")
log = logging.getLogger(__name__)


@bp.get("/")
def home():
    from webapp.core.site import home_context

    return render_template("core/home.html", **home_context())


def _legal_page(page: str):
    from webapp.core.i18n import current_language
    from webapp.core.legal import PAGES, legal_context, template_for

    if page not in PAGES:
        abort(404)
    return render_template(template_for(page, current_language()), page=page, **legal_context())


@bp.get("/privacy")
def privacy():
    """The privacy notice: what is stored, why, how long, who sees it, export, erasure, the relay."""
    return _legal_page("privacy")


@bp.get("/terms")
def terms():
    """The terms of use, with the cooperative's no-liability disclaimer."""
    return _legal_page("terms")


@bp.get("/imprint")
def imprint():
    """Who runs the site and how to reach them."""
    return _legal_page("imprint")


@bp.post("/language")
def set_language():
    """Remember the chosen language in the session, and on the account when signed in."""
    lang = request.form.get("lang", "")
    if lang in current_app.config["LANGUAGES"]:
        session["lang"] = lang
        if current_user.is_authenticated:
            current_user.locale = lang
            db.session.commit()
        else:
            # Chosen before signing in: signing in keeps it and saves it on the account.
            session["lang_chosen"] = True
    return redirect(safe_next(request.form.get("next"), "/"))


@bp.get("/healthz")
def healthz():
    db.session.execute(db.text("SELECT 1"))
    return jsonify(ok=True)


def _error_headers(exc: HTTPException) -> dict[str, str]:
    """What the status promises: Allow on 405 (RFC 9110 §15.5.6), Retry-After on 429."""
    headers = {}
    if isinstance(exc, MethodNotAllowed) and exc.valid_methods:
        headers["Allow"] = ", ".join(sorted(exc.valid_methods))
    if exc.code == 429 and getattr(exc, "retry_after", None):
        headers["Retry-After"] = str(exc.retry_after)
    return headers


@bp.app_errorhandler(HTTPException)
def http_error(exc: HTTPException):
    if request.path.startswith("/api/"):
        return jsonify(error={"code": exc.code, "message": exc.description}), exc.code, _error_headers(exc)
    response = render_template("core/error.html", code=exc.code, name=exc.name, description=exc.description)
    return response, exc.code, _error_headers(exc)


@bp.app_errorhandler(Exception)
def server_error(exc: Exception):
    log.exception("unhandled error on %s %s", request.method, request.path)
    db.session.rollback()
    if request.path.startswith("/api/"):
        return jsonify(error={"code": 500, "message": "internal error"}), 500
    return render_template("core/error.html", code=500, name="Internal Server Error", description=""), 500
