"""Search parameters every entity shares: periods and number ranges become range filters, or a 400."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from indexer.types import RangeFilter
from webapp.core.search.params import ParamError, RangeParam, parse_params, parse_ranges

BRUSSELS = ZoneInfo("Europe/Brussels")
#: A listing's availability search: free over the whole period, no booked day in it.
AVAILABLE = RangeParam("available_from", "available_to", (("available", "contains"), ("blocked", "disjoint")))
YEARS = RangeParam("years_min", "years_max", (("years", "within"),), kind="number")


def ts(*parts: int) -> float:
    return datetime(*parts, tzinfo=BRUSSELS).timestamp()


def test_days_are_whole_days_in_the_cooperatives_zone():
    args, filters = parse_ranges({"available_from": "2027-03-27", "available_to": "2027-03-28"}, (AVAILABLE,))
    assert args == {"available_from": "2027-03-27", "available_to": "2027-03-28"}
    start, end = ts(2027, 3, 27), ts(2027, 3, 29) - 1e-3  # the end day counts whole (a DST night too)
    assert filters == (
        RangeFilter("available", start, end, "contains"),
        RangeFilter("blocked", start, end, "disjoint"),
    )
    assert end - start == pytest.approx(47 * 3600, abs=0.01)  # 28 March 2027 has 23 hours


def test_an_open_end_and_a_date_time():
    _args, filters = parse_ranges({"available_from": "2027-01-01T19:30"}, (AVAILABLE,))
    assert filters[0] == RangeFilter("available", ts(2027, 1, 1, 19, 30), None, "contains")
    _args, filters = parse_ranges({"years_max": "5"}, (YEARS,))
    assert filters == (RangeFilter("years", None, 5.0, "within"),)
    assert parse_ranges({}, (AVAILABLE, YEARS)) == ({}, ())


@pytest.mark.parametrize(
    ("given", "parameter"),
    [
        ({"available_from": "tomorrow"}, "available_from"),
        ({"available_to": "2027-02-30"}, "available_to"),
        ({"available_from": "2027-05-02", "available_to": "2027-05-01"}, "available_to"),
        ({"years_min": "ten"}, "years_min"),
        ({"years_min": "inf"}, "years_min"),
    ],
)
def test_bad_or_reversed_ranges_name_their_parameter(app, given, parameter):
    with app.test_request_context("/"), pytest.raises(ParamError) as raised:
        parse_ranges(given, (AVAILABLE, YEARS))
    assert raised.value.parameter == parameter


def test_links_back_keep_the_range_and_sorts_are_per_entity(app):
    with app.test_request_context("/"):
        params = parse_params({"years_min": "10", "q": "x"}, (), "en", ranges=(YEARS,))
        assert params.ranges == (RangeFilter("years", 10.0, None, "within"),)
        assert params.args(page=2) == {"q": "x", "years_min": "10", "page": 2}
        assert params.args(years_min=None) == {"q": "x"}
        with pytest.raises(ParamError):
            parse_params({"sort": "soonest"}, (), "en")
        assert parse_params({"sort": "soonest"}, (), "en", sorts=("soonest",)).sort == "soonest"


def test_a_choice_filter_takes_only_its_values(app):
    """What the next modules' kinds and categories use (a listing's kind, an event's category)."""
    from webapp.core.search.params import choice_filter

    kinds = {"kind": choice_filter("kind", ("equipment", "workspace"))}
    with app.test_request_context("/"):
        params = parse_params({"kind": "workspace,equipment,workspace"}, ("kind",), "en", kinds)
        assert params.filters == {"kind": ("workspace", "equipment")}
        with pytest.raises(ParamError) as raised:
            parse_params({"kind": "spaceship"}, ("kind",), "en", kinds)
        assert raised.value.parameter == "kind"


def test_the_last_representable_day_is_a_period_not_a_crash():
    """available_to=9999-12-31 (a real date) once raised OverflowError, a 500, on every search page."""
    _args, filters = parse_ranges(
        {"available_from": "9999-12-31", "available_to": "9999-12-31"}, (AVAILABLE,)
    )
    start, end = filters[0].start, filters[0].end
    assert start == ts(9999, 12, 31)
    assert ts(9999, 12, 31, 23, 59) < end < ts(9999, 12, 31) + 24 * 3600


def test_the_last_day_of_the_calendar_is_searchable_through_the_api(client):
    for collection, low, high in (("listings", "available_from", "available_to"), ("events", "from", "to")):
        response = client.get(f"/api/v1/{collection}/search?{low}=9999-12-31&{high}=9999-12-31")
        assert response.status_code == 200, (collection, response.get_data(as_text=True))
