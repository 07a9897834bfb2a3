"""The peer-to-peer board: members lend equipment, share workspace, offer mentoring, coaching and
services, ask for them, book them without double-booking, talk and review each other."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Blueprint, `flask p2p` commands, the listing search entity (page + API), personal data, the
    "Board" navigation entry, the home page's newest listings, the dashboard section and the
    reminder worker."""
    from flask_babel import lazy_gettext as _l

    from webapp.core.site import NavEntry, register_dashboard_section, register_home_section, register_nav
    from webapp.core.workers import register_worker
    from webapp.p2p import models, privacy, search, service, views  # noqa: F401
    from webapp.p2p.cli import p2p_cli

    app.register_blueprint(views.bp)
    app.cli.add_command(p2p_cli)
    search.register(app)
    privacy.register(app)
    register_nav(app, NavEntry("p2p.index", label=lambda: str(_l("Board")), order=20))
    register_home_section(app, views.home_newest)
    register_dashboard_section(app, views.dashboard_section)
    # Reminders are idempotent (each sent once); an hourly pass catches the day's turn.
    register_worker(app, "p2p-reminders", service.reminder_step, idle_seconds=3600)
    # `flask demo load` (webapp.demo) runs every registered loader after the directory's demo.
    from webapp.p2p.demo import load_board_demo

    app.extensions.setdefault("kring_demo_loaders", []).append(lambda seed: load_board_demo(seed))
