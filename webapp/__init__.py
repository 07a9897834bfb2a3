"""Kring: the web platform of a freelancer cooperative."""

from __future__ import annotations

from typing import Any, Mapping

from flask import Flask


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Application factory: settings, extensions, blueprints, CLI groups, workers."""
    from webapp.config import load_config

    app = Flask(__name__)
    app.config.update(load_config(config))

    from webapp.extensions import babel, csrf, db, limiter, login_manager

    db.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)

    from webapp.core import i18n, security, site

    babel.init_app(app, locale_selector=i18n.select_locale, timezone_selector=i18n.select_timezone)
    i18n.init_app(app)
    security.init_app(app)
    site.init_app(app)

    from webapp.accounts.views import bp as accounts_bp
    from webapp.api.views import bp as api_bp
    from webapp.core.views import bp as core_bp
    from webapp.directory.views import bp as directory_bp
    from webapp.taxonomy.views import bp as taxonomy_bp

    for blueprint in (core_bp, accounts_bp, directory_bp, taxonomy_bp, api_bp):
        app.register_blueprint(blueprint)
    csrf.exempt(api_bp)  # the JSON API is read-only and cookie-less for now

    from webapp.accounts.cli import users_cli
    from webapp.core.cli import mail_cli, serve_command
    from webapp.core.search_cli import indexer_cli
    from webapp.demo.cli import demo_cli
    from webapp.directory.cli import directory_cli

    for group in (serve_command, users_cli, mail_cli, demo_cli, directory_cli, indexer_cli):
        app.cli.add_command(group)

    from webapp.core import schema

    schema.init_app(app)

    from webapp.directory import documents as directory_documents

    directory_documents.register(app)

    from webapp.core import workers

    workers.init_app(app)
    return app
