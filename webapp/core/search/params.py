"""Search request parameters, validated up front for any entity: a bad value answers 400 naming it.

The HTML pages and the JSON API read the same parameters (``q``, ``place``, ``radius_km``, the
entity's filters, ``mode``, ``sort``, ``page``, ``per_page`` and the undo switches), so both go
through ``parse_params``. Filters are named platform vocabulary (``FILTERS``: sector, function,
country, region, city, language); an entity lists the ones it accepts in its ``PageSpec``.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any, Callable, Mapping
from zoneinfo import ZoneInfo

from flask_babel import gettext as _

from indexer.types import MODES, RangeFilter, Relation
from webapp.taxonomy import get_gazetteer, get_taxonomy
from webapp.taxonomy.understand import MAX_RADIUS_KM

MAX_PER_PAGE = 50
DEFAULT_PER_PAGE = 20
#: How a place applies (``place_mode``): nearer cards first, or only cards within the radius.
PLACE_MODES = ("near", "within")
#: Deepest result a caller may page to (the Elasticsearch default max_result_window).
MAX_WINDOW = 10_000
MAX_QUERY_CHARS = 300
MAX_PLACE_CHARS = 120
#: Sorts every search page offers; a PageSpec may add "soonest" (events) or drop some.
DEFAULT_SORTS = ("relevance", "recent", "name", "distance")
#: Dates typed without a time are days in this zone (the cooperative's); the backends compare UTC.
LOCAL_ZONE = ZoneInfo("Europe/Brussels")


class ParamError(ValueError):
    """A request parameter is invalid; ``parameter`` names it (the API answers 400 with it)."""

    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(f"{parameter}: {message}")
        self.parameter = parameter
        self.message = message


def fmt_km(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def clean_query(value: str) -> str:
    """One line of printable text with single spaces (what the search box may hold)."""
    return " ".join("".join(c if c.isprintable() else " " for c in value).split())


@dataclass
class Params:
    """Validated, normalised request parameters (what a link back to the same search carries)."""

    q: str = ""
    place: str = ""
    radius_km: float | None = None
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)
    mode: str = "hybrid"
    sort: str = ""
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE
    #: The user undid parts of the interpretation.
    noplace: bool = False
    #: How a place applies: "near" (nearer cards first) or "within" (a radius filter); "" as
    #: understood (a place typed in the place field, or named with "in"/"à", is a radius).
    place_mode: str = ""
    nofunction: tuple[str, ...] = ()
    nosector: tuple[str, ...] = ()
    #: Range parameters as given (``available_from`` → "2027-01-01"), for links back to this search.
    range_args: dict[str, str] = field(default_factory=dict)
    #: The range filters they became.
    ranges: tuple[RangeFilter, ...] = ()

    def args(self, **changes: Any) -> dict[str, Any]:
        """URL arguments for this search with ``changes`` applied (None/empty drops an argument)."""
        out: dict[str, Any] = {
            "q": self.q,
            "place": self.place,
            "radius_km": fmt_km(self.radius_km) if self.radius_km is not None else None,
            **{k: list(v) for k, v in self.filters.items()},
            "mode": self.mode if self.mode != "hybrid" else None,
            "sort": self.sort,
            "page": self.page if self.page > 1 else None,
            "per_page": self.per_page if self.per_page != DEFAULT_PER_PAGE else None,
            "noplace": "1" if self.noplace else None,
            "place_mode": self.place_mode,
            "nofunction": list(self.nofunction),
            "nosector": list(self.nosector),
            **self.range_args,
        }
        if "page" not in changes:
            changes["page"] = None  # any other change starts again from the first page
        out.update(changes)
        return {k: v for k, v in out.items() if v not in (None, "", [], ())}


# --- reading raw values -------------------------------------------------------------------------------


def _raw(params: Mapping[str, Any], name: str) -> list[Any]:
    """Every value given for ``name``: from a MultiDict (request.args) or a plain dict."""
    if hasattr(params, "getlist"):
        return params.getlist(name)
    value = params.get(name)
    return [] if value is None else (list(value) if isinstance(value, (list, tuple)) else [value])


def getlist(params: Mapping[str, Any], name: str) -> list[str]:
    """Every value of a repeatable parameter; "a,b" counts as two."""
    values: list[str] = []
    for item in _raw(params, name):
        values += [part.strip() for part in str(item).split(",") if part.strip()]
    return values


def get(params: Mapping[str, Any], name: str) -> str:
    """The last value given for ``name`` (a repeated single-valued parameter: the last one wins)."""
    values = _raw(params, name)
    return str(values[-1]).strip() if values else ""


def get_int(params: Mapping[str, Any], name: str, default: int, low: int, high: int) -> int:
    raw = get(params, name)
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ParamError(name, _("must be a whole number")) from None
    if not low <= value <= high:
        raise ParamError(name, _("must be between %(low)s and %(high)s", low=low, high=high))
    return value


# --- filters: platform vocabulary -----------------------------------------------------------------------

#: A filter parser: (raw values, lang, filters parsed so far) → normalised values (a 400 on bad input).
FilterParser = Callable[[list[str], str, dict[str, tuple[str, ...]]], tuple[str, ...]]


def _taxonomy_codes(kind: str) -> FilterParser:
    def parse(values: list[str], lang: str, parsed: dict[str, tuple[str, ...]]) -> tuple[str, ...]:
        taxonomy = get_taxonomy()
        codes: list[str] = []
        for value in values:
            code = taxonomy.resolve(kind, value)
            if code is None:
                message = (
                    _("unknown sector “%(value)s”", value=value[:60])
                    if kind == "sector"
                    else _("unknown function “%(value)s”", value=value[:60])
                )
                raise ParamError(kind, message)
            if code not in codes:
                codes.append(code)
        return tuple(codes)

    return parse


def resolve_place(name: str, lang: str, parameter: str) -> Any:
    """A place id or a name; ambiguous names take the gazetteer's first choice."""
    gazetteer = get_gazetteer()
    if name.isdigit():
        place = gazetteer.get(int(name))
        if place is None:
            raise ParamError(parameter, _("unknown place id %(id)s", id=name))
        return place
    places = gazetteer.resolve(name, lang=lang)
    if not places:
        raise ParamError(parameter, _("unknown place “%(name)s”", name=name[:60]))
    return places[0]


def _countries(values: list[str], lang: str, parsed: dict[str, tuple[str, ...]]) -> tuple[str, ...]:
    countries: list[str] = []
    for value in values:
        if not re.fullmatch(r"[A-Za-z]{2}", value):
            raise ParamError("country", _("must be a two-letter country code such as BE"))
        if value.upper() not in countries:
            countries.append(value.upper())
    return tuple(countries)


def _regions(values: list[str], lang: str, parsed: dict[str, tuple[str, ...]]) -> tuple[str, ...]:
    countries = parsed.get("country", ())
    regions: list[str] = []
    for value in values:
        if "." not in value and len(countries) == 1:
            value = f"{countries[0]}.{value}"
        if not re.fullmatch(r"[A-Za-z]{2}\.[A-Za-z0-9]{1,20}", value):
            raise ParamError("region", _("must look like BE.VLG (country code, dot, region code)"))
        country, _dot, code = value.partition(".")
        regions.append(f"{country.upper()}.{code}")
    return tuple(dict.fromkeys(regions))


def _cities(values: list[str], lang: str, parsed: dict[str, tuple[str, ...]]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(str(resolve_place(value, lang, "city").id) for value in values))


def _languages(values: list[str], lang: str, parsed: dict[str, tuple[str, ...]]) -> tuple[str, ...]:
    languages: list[str] = []
    for value in values:
        if not re.fullmatch(r"[A-Za-z]{2,3}", value):
            raise ParamError("language", _("must be a language code such as nl"))
        languages.append(value.lower())
    return tuple(dict.fromkeys(languages))


def choice_filter(name: str, allowed: tuple[str, ...]) -> FilterParser:
    """A filter over a fixed set of values (a listing's kind, an event's category)."""

    def parse(values: list[str], lang: str, parsed: dict[str, tuple[str, ...]]) -> tuple[str, ...]:
        for value in values:
            if value not in allowed:
                raise ParamError(name, _("must be one of %(values)s", values=", ".join(allowed)))
        return tuple(dict.fromkeys(values))

    return parse


#: Filters every entity may accept, in the order they are parsed (region reads country).
FILTERS: dict[str, FilterParser] = {
    "sector": _taxonomy_codes("sector"),
    "function": _taxonomy_codes("function"),
    "country": _countries,
    "region": _regions,
    "city": _cities,
    "language": _languages,
}


# --- ranges: periods and numbers ---------------------------------------------------------------------


@dataclass(frozen=True)
class RangeParam:
    """Two request parameters bounding a period or a number range, and the range filters they make.

    A listing search: ``RangeParam("available_from", "available_to", (("available", "contains"),
    ("blocked", "disjoint")))`` — available over the whole period, no booked day in it. An event
    search: ``RangeParam("from", "to", (("when", "overlaps"),))``. Dates are ISO days (or
    date-times) in the cooperative's zone; the end day counts whole.
    """

    start: str
    end: str
    filters: tuple[tuple[str, Relation], ...]
    kind: str = "date"  # "date" | "number"
    #: (start, end as given) → how the interpretation names it; dates default to "from … to …".
    label: Callable[[str | None, str | None], str] | None = None


def _bound(raw: str, name: str, kind: str, *, end: bool) -> float:
    if kind == "number":
        try:
            value = float(raw.replace(",", "."))
        except ValueError:
            raise ParamError(name, _("must be a number")) from None
        if not math.isfinite(value):
            raise ParamError(name, _("must be a number"))
        return value
    # A whole end day ends just before the next one starts (bounds are closed).
    before_next_day = False
    try:
        if "T" in raw or " " in raw:
            moment = datetime.fromisoformat(raw)
        else:
            day = date.fromisoformat(raw)
            if end and day == date.max:  # no next day to end before: the day's last second
                moment = datetime.combine(day, time(23, 59, 59))
            else:
                moment = datetime.combine(day + timedelta(days=1) if end else day, time())
                before_next_day = end
    except ValueError:
        raise ParamError(name, _("must be a date such as 2027-03-18")) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=LOCAL_ZONE)
    return moment.timestamp() - (1e-3 if before_next_day else 0.0)


def parse_ranges(
    params: Mapping[str, Any], specs: tuple[RangeParam, ...]
) -> tuple[dict[str, str], tuple[RangeFilter, ...]]:
    """The range parameters given, and the RangeFilters they make; a bad or reversed range is a 400."""
    raw_args: dict[str, str] = {}
    filters: list[RangeFilter] = []
    for spec in specs:
        raw_start, raw_end = get(params, spec.start), get(params, spec.end)
        if not raw_start and not raw_end:
            continue
        start = _bound(raw_start, spec.start, spec.kind, end=False) if raw_start else None
        end = _bound(raw_end, spec.end, spec.kind, end=True) if raw_end else None
        if start is not None and end is not None and start > end:
            raise ParamError(spec.end, _("must not come before %(name)s", name=spec.start))
        raw_args.update({k: v for k, v in ((spec.start, raw_start), (spec.end, raw_end)) if v})
        filters += [RangeFilter(field_name, start, end, relation) for field_name, relation in spec.filters]
    return raw_args, tuple(filters)


def parse_params(
    params: Mapping[str, Any],
    accepted: tuple[str, ...],
    lang: str,
    parsers: Mapping[str, FilterParser] | None = None,
    *,
    ranges: tuple[RangeParam, ...] = (),
    sorts: tuple[str, ...] = DEFAULT_SORTS,
) -> Params:
    """Validate everything up front so a bad value answers 400 naming it, before any search runs.

    ``accepted`` names the filters the entity takes; ``parsers`` adds entity-specific ones;
    ``ranges`` the period/number parameters it takes; ``sorts`` the orders it offers.
    """
    q = clean_query(get(params, "q"))
    if len(q) > MAX_QUERY_CHARS:
        raise ParamError("q", _("is longer than %(n)s characters", n=MAX_QUERY_CHARS))
    place = clean_query(get(params, "place"))
    if len(place) > MAX_PLACE_CHARS:
        raise ParamError("place", _("is longer than %(n)s characters", n=MAX_PLACE_CHARS))

    radius_km: float | None = None
    raw_radius = get(params, "radius_km")
    if raw_radius:
        try:
            radius_km = float(raw_radius.replace(",", "."))
        except ValueError:
            raise ParamError("radius_km", _("must be a number of kilometres")) from None
        if not math.isfinite(radius_km) or not 1 <= radius_km <= MAX_RADIUS_KM:
            raise ParamError(
                "radius_km", _("must be between %(low)s and %(high)s", low=1, high=int(MAX_RADIUS_KM))
            )

    known = {**FILTERS, **(parsers or {})}
    filters: dict[str, tuple[str, ...]] = {}
    for name in sorted(accepted, key=lambda n: list(known).index(n)):
        values = getlist(params, name)
        if values:
            parsed = known[name](values, lang, filters)
            if parsed:
                filters[name] = parsed

    mode = get(params, "mode").lower() or "hybrid"
    if mode not in MODES:
        raise ParamError("mode", _("must be one of %(values)s", values=", ".join(MODES)))
    sort = get(params, "sort").lower()
    if sort and sort not in sorts:
        raise ParamError("sort", _("must be one of %(values)s", values=", ".join(sorts)))
    range_args, range_filters = parse_ranges(params, ranges)
    per_page = get_int(params, "per_page", DEFAULT_PER_PAGE, 1, MAX_PER_PAGE)
    page = get_int(params, "page", 1, 1, MAX_WINDOW)
    if page * per_page > MAX_WINDOW:
        raise ParamError("page", _("goes deeper than the first %(n)s results", n=MAX_WINDOW))

    nofunction = tuple(v for v in getlist(params, "nofunction") if len(v) <= 60)
    nosector = tuple(v for v in getlist(params, "nosector") if len(v) <= 60)
    noplace = get(params, "noplace").lower() in ("1", "true", "yes", "on")
    place_mode = get(params, "place_mode").lower()
    if place_mode and place_mode not in PLACE_MODES:
        raise ParamError("place_mode", _("must be one of %(values)s", values=", ".join(PLACE_MODES)))
    return Params(
        q=q,
        place=place,
        radius_km=radius_km,
        filters=filters,
        mode=mode,
        sort=sort,
        page=page,
        per_page=per_page,
        noplace=noplace,
        place_mode=place_mode,
        nofunction=nofunction,
        nosector=nosector,
        range_args=range_args,
        ranges=range_filters,
    )


__all__ = [
    "PLACE_MODES",
    "DEFAULT_PER_PAGE",
    "DEFAULT_SORTS",
    "RangeParam",
    "parse_ranges",
    "FILTERS",
    "MAX_PER_PAGE",
    "MAX_WINDOW",
    "ParamError",
    "Params",
    "choice_filter",
    "clean_query",
    "fmt_km",
    "get",
    "get_int",
    "getlist",
    "parse_params",
    "resolve_place",
]
