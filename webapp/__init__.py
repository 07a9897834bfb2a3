"""Kring: the web platform of a freelancer cooperative."""

from __future__ import annotations

import importlib
import importlib.util
from typing import Any, Mapping

from flask import Flask

#: The platform, then the feature modules. Each is a package with ``init_app(app)`` that registers
#: its blueprint, CLI group, search entities, personal-data entries, navigation, home-page and
#: dashboard sections (README: "Adding a module"). A new module is its package plus one line here.
MODULES = (
    "webapp.core",
    "webapp.taxonomy",
    "webapp.accounts",
    "webapp.directory",
    "webapp.p2p",
    "webapp.events",
    "webapp.api",
    "webapp.demo",
)


def import_models() -> None:
    """Put every module's models on the metadata without an app (Alembic, tools): each module's
    ``models.py``, the same ones its ``init_app`` imports."""
    for name in MODULES:
        if importlib.util.find_spec(f"{name}.models") is not None:
            importlib.import_module(f"{name}.models")


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Application factory: settings, extensions, every module in MODULES, then schema and workers."""
    from webapp.config import load_config

    app = Flask(__name__)
    app.config.update(load_config(config))

    from webapp.core import i18n
    from webapp.core.models import RateLimitCounter
    from webapp.extensions import babel, csrf, db, limiter, login_manager

    db.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app, table=RateLimitCounter.__table__, engine=lambda: db.engine)
    login_manager.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale, timezone_selector=i18n.select_timezone)

    for name in MODULES:
        importlib.import_module(name).init_app(app)
    app.extensions["kring_modules"] = MODULES

    from webapp.cli import serve_command
    from webapp.core import finish_app

    app.cli.add_command(serve_command)
    finish_app(app)
    return app
