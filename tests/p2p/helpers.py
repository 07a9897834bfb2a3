"""Rows for the board's tests, made through the real services."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from tests.factories import place


def make_listing(
    user: Any,
    *,
    title: str = "PA system to lend",
    description: str = "Two speakers, a mixer and cables for small concerts.",
    type: str = "offer",
    kind: str = "equipment",
    language: str = "en",
    where: str | None = "Gent",
    status: str = "active",
    audience: str = "public",
    sectors: list[str] | None = None,
    windows: list[tuple[date | None, date | None]] | None = None,
    pickup_address: str | None = "Veldstraat 1, 9000 Gent",
    commit: bool = True,
) -> Any:
    from webapp.extensions import db
    from webapp.p2p import service

    data = service.clean_listing_data(
        {
            "type": type,
            "kind": kind,
            "title": title,
            "description": description,
            "language": language,
            "sectors": sectors or [],
            "audience": audience,
            "pickup_address": pickup_address,
            "windows": windows or [],
        }
    )
    listing = service.save_listing(None, data, user_id=user.id, place=place(where) if where else None)
    if status != "draft":
        service.set_status(listing, status, actor_id=user.id)
    if commit:
        db.session.commit()
    return listing


def soon(days: int) -> date:
    return date.today() + timedelta(days=days)


def index_now() -> None:
    from webapp.core.search import drain_all

    drain_all(limit=512)
