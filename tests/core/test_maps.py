"""The SVG map helper (webapp.core.maps): projection, fitting, the land drawn from the gazetteer."""

from __future__ import annotations

import re

from webapp.core.maps import MIN_SPAN_KM, MapPoint, build_map

GENT = MapPoint(51.0543, 3.7174, "Gent", "/directory/members/1")
LIEGE = MapPoint(50.6326, 5.5797, "Liège", "/directory/members/2")
MADRID = MapPoint(40.4168, -3.7038, "Madrid")


def _dots(view) -> list[tuple[float, float]]:
    return [(float(x), float(y)) for x, y in re.findall(r"M([\d.]+) ([\d.]+)h0", view.land)]


def test_points_are_projected_inside_the_map_west_left_north_up(app):
    with app.test_request_context():
        view = build_map([GENT, LIEGE, MADRID], width=640, height=420)
    gent, liege, madrid = view.markers
    for m in view.markers:
        assert 0 <= m.x <= 640 and 0 <= m.y <= 420
    assert gent.x < liege.x and madrid.x < gent.x  # west is left
    assert gent.y < liege.y < madrid.y  # north is up
    assert (gent.label, gent.url, madrid.url) == ("Gent", "/directory/members/1", None)


def test_the_land_is_drawn_from_the_gazetteer_and_stays_inside(app):
    with app.test_request_context():
        view = build_map([GENT, LIEGE])
    dots = _dots(view)
    # Belgium at ~80 km across holds hundreds of towns: the dots trace it.
    assert len(dots) > 200
    assert all(0 <= x <= view.width and 0 <= y <= view.height for x, y in dots)
    south, west, north, east = view.bounds
    assert south < 50.63 and north > 51.05 and west < 3.72 and east > 5.58


def test_one_point_gets_a_neighbourhood_not_a_blank_sheet(app):
    with app.test_request_context():
        view = build_map([GENT], width=320, height=220)
    (marker,) = view.markers
    assert abs(marker.x - 160) < 1 and abs(marker.y - 110) < 1  # centred
    south, _, north, _ = view.bounds
    assert (north - south) * 111.2 >= MIN_SPAN_KM
    assert _dots(view)


def test_points_without_coordinates_are_counted_not_drawn(app):
    with app.test_request_context():
        assert build_map([MapPoint(None, None, "Nowhere")]) is None  # type: ignore[arg-type]
        view = build_map([GENT, MapPoint(None, None, "Nowhere")])  # type: ignore[arg-type]
    assert len(view.markers) == 1 and view.missing == 1


def test_the_sea_has_no_land(app):
    with app.test_request_context():
        view = build_map([MapPoint(55.0, -20.0, "Atlantic")])
    assert view.land == ""


def test_markers_on_the_same_spot_fan_out(app):
    with app.test_request_context():
        view = build_map([GENT, MapPoint(GENT.lat, GENT.lon, "Also Gent"), LIEGE])
    first, second, _ = view.markers
    assert (first.x - second.x) ** 2 + (first.y - second.y) ** 2 >= 12**2
