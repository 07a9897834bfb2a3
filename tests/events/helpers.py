"""Events made through the real service (what the views and the import call)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from tests.factories import place
from webapp.events import service
from webapp.extensions import db

BRUSSELS = ZoneInfo("Europe/Brussels")


def soon(days: int = 10, hour: int = 19) -> datetime:
    """A local Brussels time ``days`` from now at ``hour``:00."""
    base = datetime.now(BRUSSELS) + timedelta(days=days)
    return base.replace(hour=hour, minute=0, second=0, microsecond=0)


def make_event(
    user: Any = None,
    *,
    title: str = "Netwerkavond fotografen",
    texts: list[tuple[str, str, str]] | None = None,
    status: str = "published",
    visibility: str = "public",
    start: datetime | None = None,
    hours: float = 2.5,
    capacity: int | None = None,
    rrule: str | None = None,
    category: str = "networking",
    city: str | None = "Antwerpen",
    languages: tuple[str, ...] = ("nl",),
    sectors: tuple[str, ...] = (),
    commit: bool = True,
    **extra: Any,
) -> Any:
    start = start or soon()
    data = service.EventData(
        texts=texts or [("nl", title, "Kom kennismaken met collega's.")],
        category=category,
        languages=list(languages),
        sectors=list(sectors),
        timezone=str(start.tzinfo) if start.tzinfo else "Europe/Brussels",
        starts_at=start,
        ends_at=start + timedelta(hours=hours),
        rrule=rrule,
        venue=extra.pop("venue", "Zaal De Kring"),
        place=place(city) if city else None,
        capacity=capacity,
        **extra,
    )
    event = service.create_event(user, data)
    service.set_status(event, status, visibility, actor_id=getattr(user, "id", None))
    if commit:
        db.session.commit()
    return event
