"""The events calendar: sector groups, events in several languages, RSVP with a fair waiting list,
calendar pages and RFC 5545 feeds (README: "Events")."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Blueprint, `flask events` commands, the event search entity, personal data, the "Events"
    navigation entry, the next events on the home page, "your events" on the dashboard and the
    reminder worker."""
    from flask_babel import lazy_gettext as _l

    from webapp.core.site import NavEntry, register_dashboard_section, register_home_section, register_nav
    from webapp.core.workers import register_worker
    from webapp.events import digest, models, privacy, search, service, views  # noqa: F401 - models on the metadata
    from webapp.events.cli import events_cli

    app.register_blueprint(views.bp)
    app.cli.add_command(events_cli)
    search.register(app)
    privacy.register(app)
    register_nav(app, NavEntry("events.index", label=lambda: str(_l("Events")), order=20))
    register_home_section(app, views.home_section)
    register_dashboard_section(app, views.dashboard_section)
    register_worker(app, "events-reminders", service.send_reminders, idle_seconds=900)
    register_worker(app, "events-digest", digest.send_digests, idle_seconds=3600)
    app.extensions.setdefault("kring_demo_loaders", []).append(_load_demo)


def _load_demo(seed: int) -> str:
    """`flask demo load`: sector groups and a year of events on top of the cards."""
    from webapp.events.demo import load_demo_events

    return load_demo_events(seed)
