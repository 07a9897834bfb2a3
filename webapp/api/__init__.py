"""The JSON API v1: read-only for now, generic over every entity registered with an ``ApiSpec``."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from webapp.api.views import bp
    from webapp.extensions import csrf

    app.register_blueprint(bp)
    csrf.exempt(bp)  # read-only and cookie-less for now; tokens arrive with the public-API work
