"""What the site frame shows: the main navigation, the home page's and the dashboard's sections.

Modules register their entries in their ``init_app``; a module that has not landed adds
nothing, so sections appear as modules land.
"""

from __future__ import annotations

import logging
import zlib
from dataclasses import dataclass
from typing import Any, Callable

from flask import Flask, current_app, request, url_for
from flask_login import current_user
from markupsafe import Markup

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

    The home page says only what the modules that exist do, so every piece of it but the title
    comes from here. ``"slot"`` places a section: ``"hero"`` inside the opening banner (a search
    box), ``"about"`` as one panel under "What you can do here" (a module's own short pitch, its
    heading an ``<h3>``), anything else (the default) as a full-width section after them (its
    heading an ``<h2>``).
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
        "about_sections": [s for s in sections if s.get("slot") == "about"],
        "sections": [s for s in sections if s.get("slot") not in ("hero", "about")],
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


#: Avatar tones (CSS classes ``avatar-tone-0`` … in site.css), each legible in light and dark mode.
AVATAR_TONES = 8


def initials(name: str) -> str:
    """Up to two letters for an avatar: the first letters of the first and the last word.

    Words that do not start with a letter (digits, punctuation, emoji) are skipped, so
    "Studio 54 & Co" gives "SC"; a name without letters gives "?".
    """
    words = [w for w in name.split() if w[:1].isalpha()]
    if not words:
        return "?"
    first = words[0][0]
    last = words[-1][0] if len(words) > 1 else ""
    return (first + last).upper()


def avatar_tone(name: str) -> int:
    """The same name always gets the same colour, on every server and run (no salted hash())."""
    return zlib.crc32(" ".join(name.split()).casefold().encode("utf-8")) % AVATAR_TONES


def avatar(name: str, size: str = "md", shape: str = "round") -> Markup:
    """An initials avatar for a card without a photo: classes only (the CSP forbids inline style).

    Decorative (``aria-hidden``): the name it stands for is always written next to it.
    """
    return Markup(
        '<span class="avatar avatar-{} avatar-{} avatar-tone-{}" aria-hidden="true">{}</span>'
    ).format(
        size if size in ("sm", "md", "lg") else "md",
        "square" if shape == "square" else "round",
        avatar_tone(name or ""),
        initials(name or ""),
    )


def init_app(app: Flask) -> None:
    app.jinja_env.globals["nav_items"] = nav_items
    app.jinja_env.globals["avatar"] = avatar
