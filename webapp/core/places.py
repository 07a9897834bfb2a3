"""Places: the columns a row gets from the gazetteer, and turning what a user typed into one place.

Platform vocabulary: cards, listings, events and assignments all have a place ("Gand", "Gent"
and "Ghent" resolve alike), so the columns (``PlaceMixin``), the resolution with its choices for
names several places share, and the distances live here once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable

from sqlalchemy import Float, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from webapp.core.text import clean_text
from webapp.taxonomy import get_gazetteer, haversine_km
from webapp.taxonomy.labels import country_label, reader_language

PLACE_TEXT_MAX = 120
#: Candidates further than this from one another are "another place with the same name".
SAME_PLACE_KM = 15.0
#: A candidate this many times bigger than every homonym is what people mean ("Mons" is not
#: the French village of 1,500); below that, the user chooses ("Halle", "Bergen").
DOMINANCE = 10


class PlaceMixin:
    """A place resolved through the gazetteer: id, display name, country, region, coordinates."""

    place_id: Mapped[int | None] = mapped_column(Integer)
    place_name: Mapped[str | None] = mapped_column(String(120))
    country: Mapped[str | None] = mapped_column(String(2), index=True)
    region: Mapped[str | None] = mapped_column(String(20))
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)


@dataclass
class PlaceResolution:
    """What a typed place name became: one place, a choice to make, nothing, or unchanged."""

    status: str  # "ok" | "empty" | "ambiguous" | "unknown" | "kept"
    text: str = ""
    place: Any = None
    choices: list[Any] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status in ("ok", "empty", "kept")


def distance_km(a: Any, b: Any) -> float:
    """Great-circle distance between two things with ``lat``/``lon``."""
    return haversine_km(a.lat, a.lon, b.lat, b.lon)


def distinct_places(candidates: Iterable[Any]) -> list[Any]:
    """Drop near-duplicates (a city and its own district under one name) so choices are real ones;
    the first candidate always stays."""
    kept: list[Any] = []
    for place in candidates:
        if all(distance_km(place, other) > SAME_PLACE_KM for other in kept):
            kept.append(place)
    return kept


def resolve_place(
    text: Any,
    *,
    lang: str | None = None,
    choice: Any = None,
    current: Any = None,
    max_choices: int = 6,
) -> PlaceResolution:
    """Turn what the user typed into one gazetteer place, or say why not.

    A name shared by places in different countries or regions (Bergen, Halle) is ambiguous:
    the user picks, the first offered being the gazetteer's best guess (Belgium first).
    ``choice`` is the id the user picked; ``current`` (a row with a place) keeps its place
    when its name was left as it was.
    """
    name = clean_text(text, max_len=PLACE_TEXT_MAX) or ""
    if not name:
        return PlaceResolution("empty")
    lang = reader_language(lang)
    gaz = get_gazetteer()
    if current is not None and current.place_id and current.place_name:
        shown = {current.place_name.casefold()}
        place = gaz.get(current.place_id)
        if place is not None:
            shown.add(gaz.label(place, lang).casefold())
        if name.casefold() in shown and not choice:
            return PlaceResolution("kept", name, place)
    candidates = list(gaz.resolve(name, lang=lang))
    if choice not in (None, ""):
        try:
            choice_id = int(choice)
        except (TypeError, ValueError):
            choice_id = None
        for place in candidates:
            if place.id == choice_id:
                return PlaceResolution("ok", name, place)
    if not candidates:
        return PlaceResolution("unknown", name)
    named = [p for p in candidates if gaz.is_own_name(p, name)]
    distinct = distinct_places(named or candidates)
    top = distinct[0]
    if len(distinct) == 1 or all(p.population * DOMINANCE <= top.population for p in distinct[1:]):
        return PlaceResolution("ok", name, top)
    return PlaceResolution("ambiguous", name, None, distinct[:max_choices])


class _Point:
    def __init__(self, lat: float, lon: float) -> None:
        self.lat, self.lon = lat, lon


def place_from_coordinates(
    lat: float, lon: float, *, name: str | None = None, country: str | None = None, max_km: float = 30.0
) -> Any:
    """The known place for a point: the one of that name (and country) nearest to it, or, without a
    name, the gazetteer's nearest sizeable place; None when nothing lies within ``max_km``."""
    gaz = get_gazetteer()
    if not name:
        place = gaz.nearest(lat, lon, max_km=max_km)
        return place if place is not None and (not country or place.country == country) else None
    point = _Point(lat, lon)
    best, best_km = None, max_km
    for place in gaz.resolve(name, country=country):
        km = distance_km(point, place)
        if km <= best_km:
            best, best_km = place, km
    return best


def place_values(place: Any) -> dict[str, Any]:
    """The ``PlaceMixin`` columns a gazetteer place fills (all None for no place)."""
    if place is None:
        return dict.fromkeys(("place_id", "place_name", "country", "region", "lat", "lon"))
    return {
        "place_id": int(place.id),
        "place_name": place.name,
        "country": place.country,
        "region": place.region or None,
        "lat": float(place.lat),
        "lon": float(place.lon),
    }


def place_choices(resolution: PlaceResolution | None, lang: str | None = None) -> list[dict[str, Any]]:
    """Radio options for a name several places share: "Bergen, Noord-Holland, Netherlands"."""
    if resolution is None or resolution.status != "ambiguous":
        return []
    from flask_babel import format_decimal
    from flask_babel import gettext as _

    lang = reader_language(lang)
    gaz = get_gazetteer()
    options = []
    for place in resolution.choices:
        parts = (
            gaz.label(place, lang),
            gaz.region_label(place.country, place.region, lang),
            country_label(place.country, lang),
        )
        options.append(
            {"id": place.id, "label": ", ".join(p for p in parts if p), "population": place.population}
        )
    labels = [o["label"] for o in options]
    for option in options:
        if labels.count(option["label"]) > 1 and option["population"]:
            # Two places alike in name and region: their size tells them apart.
            option["label"] += " · " + _("%(n)s inhabitants", n=format_decimal(option["population"]))
    return options


__all__ = [
    "PlaceMixin",
    "PlaceResolution",
    "distance_km",
    "distinct_places",
    "place_choices",
    "place_from_coordinates",
    "place_values",
    "resolve_place",
]
