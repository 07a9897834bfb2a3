"""What the site frame shows: the main navigation and the home page's sections.

Features register their entries; a feature that has not landed adds nothing,
so sections appear as issues land.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from flask import Flask, current_app, request, url_for
from flask_login import current_user


@dataclass
class NavEntry:
    endpoint: str
    label: Callable[[], str]
    #: Who sees the entry, e.g. clients only for assignments.
    visible: Callable[[Any], bool] = lambda user: True
    order: int = 50


def register_nav(app: Flask, entry: NavEntry) -> None:
    app.extensions.setdefault("kring_nav", []).append(entry)


def register_home_section(app: Flask, provider: Callable[[], dict[str, Any] | None]) -> None:
    """provider() → {"template": "...", **variables} or None; rendered on the home page in order."""
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
        section = provider()
        if section:
            sections.append(section)
    return {"sections": sections}


def init_app(app: Flask) -> None:
    app.jinja_env.globals["nav_items"] = nav_items
