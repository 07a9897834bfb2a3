"""The directory: opt-in member and client cards, their search pages, photos and the contact relay."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Blueprint, `flask directory` commands, the member/client search entities, personal data,
    the "Directory" navigation entry, the home page's search box and newest cards, and the
    dashboard's "your card"."""
    from flask_babel import lazy_gettext as _l

    from webapp.core.site import NavEntry, register_dashboard_section, register_home_section, register_nav
    from webapp.directory import privacy, search, views
    from webapp.directory.cli import directory_cli

    app.register_blueprint(views.bp)
    app.cli.add_command(directory_cli)
    search.register(app)
    privacy.register(app)
    register_nav(app, NavEntry("directory.index", label=lambda: str(_l("Directory")), order=10))
    register_home_section(app, views.home_search)
    register_home_section(app, views.home_about)
    register_home_section(app, views.home_newest)
    register_dashboard_section(app, views.dashboard_section)
