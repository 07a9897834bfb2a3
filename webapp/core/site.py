"""What the site frame shows: the main navigation, the home page's and the dashboard's sections.

Modules register their entries in their ``init_app``; a module that has not landed adds
nothing, so sections appear as modules land.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Callable

from flask import Flask, current_app, request, url_for
from flask_login import current_user

log = logging.getLogger(__name__)

DashboardProvider = Callable[[Any], "dict[str, Any] | None"]


@dataclass
class NavEntry:
    endpoint: str
    label: Callable[[], str]
    #: Who sees the entry, e.g. clients only for assignments.
    visible: Callable[[Any], bool] = lambda user: True
    order: int = 50


def register_nav(app: Flask, entry: NavEntry) -> None:
    app.extensions.setdefault("kring_nav", []).append(entry)


def register_home_section(app: Flask, provider: Callable[[Any], dict[str, Any] | None]) -> None:
    """provider(viewer) → {"template": "...", **variables} or None; rendered on the home page in order.

    A section with ``"slot": "hero"`` goes inside the page's opening banner (a search box).
    """
    app.extensions.setdefault("kring_home_sections", []).append(provider)


def nav_items() -> list[dict[str, Any]]:
    items = []
    for entry in sorted(current_app.extensions.get("kring_nav", []), key=lambda e: e.order):
        if entry.visible(current_user):
            items.append(
                {
                    "url": url_for(entry.endpoint),
                    "label": entry.label(),
                    "active": (request.endpoint or "").split(".")[0] == entry.endpoint.split(".")[0],
                }
            )
    return items


def home_context() -> dict[str, Any]:
    sections = []
    for provider in current_app.extensions.get("kring_home_sections", []):
        section = provider(current_user)
        if section:
            sections.append(section)
    return {
        "hero_sections": [s for s in sections if s.get("slot") == "hero"],
        "sections": [s for s in sections if s.get("slot") != "hero"],
    }


def register_dashboard_section(app: Flask, provider: DashboardProvider) -> None:
    """provider(user) → {"template": "x/_dashboard.html", **variables} or None (nothing to show)."""
    app.extensions.setdefault("kring_dashboard_sections", []).append(provider)


def dashboard_sections(user: Any) -> list[dict[str, Any]]:
    """Sections for ``user`` in registration order; a failing provider is logged and skipped.

    Under TESTING it raises instead, so a module's broken section fails its tests.
    """
    sections = []
    for provider in current_app.extensions.get("kring_dashboard_sections", []):
        try:
            section = provider(user)
        except Exception:  # noqa: BLE001 - one broken module must not take the dashboard down
            if current_app.testing:
                raise
            log.exception("dashboard section %r failed", provider)
            continue
        if section:
            if "template" not in section:
                raise ValueError(f"dashboard section from {provider!r} has no template")
            sections.append(section)
    return sections


def init_app(app: Flask) -> None:
    app.jinja_env.globals["nav_items"] = nav_items
