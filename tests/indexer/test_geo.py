"""One haversine for both backends and the web layer; bounding boxes that never cut a circle."""

from __future__ import annotations

import math

import numpy as np
import pytest

from indexer.geo import EARTH_RADIUS_KM, bounding_box, haversine_km, haversine_km_many, within_lon


def test_known_distances():
    assert haversine_km(50.847, 4.357, 50.633, 5.567) == pytest.approx(89.0, abs=2.0)  # Brussels-Liège
    assert haversine_km(50.85, 4.35, 51.05, 3.72) == pytest.approx(49.0, abs=1.5)  # Brussels-Ghent
    assert haversine_km(51.05, 3.72, 51.05, 3.72) == 0.0
    # Half the circumference between antipodes.
    assert haversine_km(0.0, 0.0, 0.0, 180.0) == pytest.approx(math.pi * EARTH_RADIUS_KM)


def test_scalar_and_vector_versions_agree():
    rnd = np.random.default_rng(3)
    lat = rnd.uniform(-89, 89, 200)
    lon = rnd.uniform(-180, 180, 200)
    many = haversine_km_many(lat, lon, 50.85, 4.35)
    one_by_one = [haversine_km(50.85, 4.35, a, b) for a, b in zip(lat, lon, strict=True)]
    assert many == pytest.approx(one_by_one, rel=1e-9)
    assert np.isnan(haversine_km_many(np.array([np.nan]), np.array([np.nan]), 0.0, 0.0)[0])


@pytest.mark.parametrize(
    ("lat0", "lon0", "radius"),
    [(50.85, 4.35, 30), (50.85, 4.35, 500), (64.1, -21.9, 800), (-33.9, 151.2, 50), (0.0, 179.9, 100)],
)
def test_bounding_box_holds_every_point_of_the_circle(lat0, lon0, radius):
    lat_lo, lat_hi, half_width = bounding_box(lat0, lon0, radius)
    # Points on the circle itself, every 2 degrees of bearing.
    angle = radius / EARTH_RADIUS_KM
    la0, lo0 = math.radians(lat0), math.radians(lon0)
    lats, lons = [], []
    for bearing in np.radians(np.arange(0, 360, 2)):
        la = math.asin(math.sin(la0) * math.cos(angle) + math.cos(la0) * math.sin(angle) * math.cos(bearing))
        lo = lo0 + math.atan2(
            math.sin(bearing) * math.sin(angle) * math.cos(la0),
            math.cos(angle) - math.sin(la0) * math.sin(la),
        )
        lats.append(math.degrees(la))
        lons.append((math.degrees(lo) + 540) % 360 - 180)
    lats_a, lons_a = np.array(lats), np.array(lons)
    assert haversine_km_many(lats_a, lons_a, lat0, lon0) == pytest.approx(radius, rel=1e-6)
    eps = 1e-9
    assert ((lats_a >= lat_lo - eps) & (lats_a <= lat_hi + eps)).all()
    assert within_lon(lons_a, lon0, half_width + eps).all()
    # ...and the box is not much wider than the circle.
    assert half_width < 180 and lat_hi - lat_lo == pytest.approx(2 * math.degrees(angle))


def test_boxes_across_the_antimeridian_and_over_a_pole():
    _, _, half_width = bounding_box(0.0, 179.9, 100)
    assert within_lon(np.array([-179.5, 179.5, 178.0, -178.0]), 179.9, half_width).tolist() == [
        True,
        True,
        False,
        False,
    ]
    lat_lo, lat_hi, half_width = bounding_box(89.5, 0.0, 100)
    assert (lat_hi, half_width) == (90.0, 180.0) and lat_lo == pytest.approx(89.5 - 0.899, abs=0.01)
    assert within_lon(np.array([-180.0, 0.0, 179.0, np.nan]), 0.0, half_width).tolist() == [
        True,
        True,
        True,
        False,
    ]
