"""Sections of the account dashboard, contributed by features ("your card", "your bookings"…).

Same idea as ``webapp.core.site.register_home_section``: a feature that has not landed adds
nothing, so the dashboard grows as issues land.
"""

from __future__ import annotations

import logging
from typing import Any, Callable

from flask import Flask, current_app

log = logging.getLogger(__name__)

DashboardProvider = Callable[[Any], "dict[str, Any] | None"]


def register_dashboard_section(app: Flask, provider: DashboardProvider) -> None:
    """provider(user) → {"template": "x/_dashboard.html", **variables} or None (nothing to show)."""
    app.extensions.setdefault("kring_dashboard_sections", []).append(provider)


def dashboard_sections(user: Any) -> list[dict[str, Any]]:
    """Sections for ``user`` in registration order; a failing provider is logged and skipped.

    Under TESTING it raises instead, so a feature's broken section fails its tests.
    """
    sections = []
    for provider in current_app.extensions.get("kring_dashboard_sections", []):
        try:
            section = provider(user)
        except Exception:  # noqa: BLE001 - one broken feature must not take the dashboard down
            if current_app.testing:
                raise
            log.exception("dashboard section %r failed", provider)
            continue
        if section:
            if "template" not in section:
                raise ValueError(f"dashboard section from {provider!r} has no template")
            sections.append(section)
    return sections
