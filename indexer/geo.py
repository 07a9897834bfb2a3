"""Great-circle distances and bounding boxes, one definition for every caller.

Both search backends, the web layer's distance lines and its database fallback must agree
on "12 km away", so there is one Earth radius and one formula here: the haversine on the
mean Earth radius, which is what Elasticsearch's ``arc`` distance computes.
"""

from __future__ import annotations

import math

import numpy as np

#: Mean Earth radius (IUGG), as Elasticsearch's GeoUtils.EARTH_MEAN_RADIUS.
EARTH_RADIUS_KM = 6371.0088


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Distance between two points in kilometres (scalar: cheap in per-row Python loops)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def haversine_km_many(lat: np.ndarray, lon: np.ndarray, lat0: float, lon0: float) -> np.ndarray:
    """Distances from one point to many (vectorised; NaN coordinates give NaN)."""
    lat_r, lon_r = np.radians(lat), np.radians(lon)
    la0, lo0 = math.radians(lat0), math.radians(lon0)
    a = np.sin((lat_r - la0) / 2) ** 2 + math.cos(la0) * np.cos(lat_r) * np.sin((lon_r - lo0) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def bounding_box(lat0: float, lon0: float, radius_km: float) -> tuple[float, float, float]:
    """(lowest latitude, highest latitude, longitude half-width) of a box holding the circle.

    A cheap prefilter before the haversine. The half-width is 180 when the circle reaches a
    pole; longitudes are compared with ``within_lon`` so boxes crossing the antimeridian work.
    """
    angle = radius_km / EARTH_RADIUS_KM
    dlat = math.degrees(angle)
    lat_lo, lat_hi = lat0 - dlat, lat0 + dlat
    if lat_hi >= 90.0 or lat_lo <= -90.0 or angle >= math.pi / 2:
        return max(lat_lo, -90.0), min(lat_hi, 90.0), 180.0
    # The widest longitude of a circle on the sphere (J. P. Matuschek, "Finding points within a
    # distance of a latitude/longitude using bounding coordinates").
    ratio = math.sin(angle) / math.cos(math.radians(lat0))
    return lat_lo, lat_hi, 180.0 if ratio >= 1.0 else math.degrees(math.asin(ratio))


def within_lon(lon: np.ndarray, lon0: float, half_width: float) -> np.ndarray:
    """Longitudes within ``half_width`` degrees of ``lon0``, across the antimeridian too."""
    if half_width >= 180.0:
        return ~np.isnan(lon)
    delta = np.abs((lon - lon0 + 180.0) % 360.0 - 180.0)
    return delta <= half_width
