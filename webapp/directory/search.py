"""Directory search: request parameters (+ the viewer) → query understanding → SearchQuery
→ hits hydrated from the database → a page both the HTML directory and the JSON API render.

One function per entity (``search_members``, ``search_clients``) so the page and the API
can never disagree about what a viewer may see. Links (undo a guess, pick another place,
toggle a facet, widen the radius) are returned as argument dicts; the caller turns them
into URLs for its own endpoint.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Iterable, Mapping

from flask import current_app
from flask_babel import format_decimal
from flask_babel import gettext as _
from markupsafe import Markup, escape

from indexer.types import HL_END, HL_START, MODES, SORTS, GeoFilter, Hit, SearchQuery
from webapp.core.i18n import current_language
from webapp.directory.documents import load_clients, load_members
from webapp.directory.permissions import visible_visibilities
from webapp.directory.service import (
    country_label,
    distinct_places,
    language_label,
    place_name_label,
    taxonomy_label,
)
from webapp.taxonomy import get_gazetteer, get_taxonomy, haversine_km
from webapp.taxonomy.understand import DEFAULT_RADIUS_KM, MAX_RADIUS_KM

MAX_PER_PAGE = 50
DEFAULT_PER_PAGE = 20
#: Deepest result a caller may page to (the Elasticsearch default max_result_window).
MAX_WINDOW = 10_000
MAX_QUERY_CHARS = 300
#: Facets counted for each entity.
ENTITY_FACETS = {
    "member": ("sector", "function", "country", "region", "city", "language"),
    "client": ("sector", "country", "region", "city"),
}
FILTER_PARAMS = {
    "member": ("sector", "function", "country", "region", "city", "language"),
    "client": ("sector", "country", "region", "city"),
}
#: Text fields whose highlighted snippet a result shows, in order of preference.
SNIPPET_FIELDS = ("headline", "body", "keywords")


class ParamError(ValueError):
    """A request parameter is invalid; ``parameter`` names it (the API answers 400 with it)."""

    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(f"{parameter}: {message}")
        self.parameter = parameter
        self.message = message


# --- parameters --------------------------------------------------------------------------------------


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
    nofunction: tuple[str, ...] = ()
    nosector: tuple[str, ...] = ()

    def args(self, **changes: Any) -> dict[str, Any]:
        """URL arguments for this search with ``changes`` applied (None/empty drops an argument)."""
        out: dict[str, Any] = {
            "q": self.q,
            "place": self.place,
            "radius_km": _fmt_km(self.radius_km) if self.radius_km is not None else None,
            **{k: list(v) for k, v in self.filters.items()},
            "mode": self.mode if self.mode != "hybrid" else None,
            "sort": self.sort,
            "page": self.page if self.page > 1 else None,
            "per_page": self.per_page if self.per_page != DEFAULT_PER_PAGE else None,
            "noplace": "1" if self.noplace else None,
            "nofunction": list(self.nofunction),
            "nosector": list(self.nosector),
        }
        if "page" not in changes:
            changes["page"] = None  # any other change starts again from the first page
        out.update(changes)
        return {k: v for k, v in out.items() if v not in (None, "", [], ())}


def _raw(params: Mapping[str, Any], name: str) -> list[Any]:
    """Every value given for ``name``: from a MultiDict (request.args) or a plain dict."""
    if hasattr(params, "getlist"):
        return params.getlist(name)
    value = params.get(name)
    return [] if value is None else (list(value) if isinstance(value, (list, tuple)) else [value])


def _getlist(params: Mapping[str, Any], name: str) -> list[str]:
    values: list[str] = []
    for item in _raw(params, name):
        values += [part.strip() for part in str(item).split(",") if part.strip()]
    return values


def _get(params: Mapping[str, Any], name: str) -> str:
    """The last value given for ``name`` (a repeated single-valued parameter: the last one wins)."""
    values = _raw(params, name)
    return str(values[-1]).strip() if values else ""


def _int(params: Mapping[str, Any], name: str, default: int, low: int, high: int) -> int:
    raw = _get(params, name)
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ParamError(name, _("must be a whole number")) from None
    if not low <= value <= high:
        raise ParamError(name, _("must be between %(low)s and %(high)s", low=low, high=high))
    return value


def _fmt_km(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _clean_text(value: str) -> str:
    return " ".join("".join(c if c.isprintable() else " " for c in value).split())


def _function_sectors(code: str) -> list[str]:
    entry = get_taxonomy().functions.get(code)
    return list(entry.sectors) if entry else []


def _resolve_codes(kind: str, values: Iterable[str]) -> tuple[str, ...]:
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


def _resolve_place(name: str, lang: str, parameter: str) -> Any:
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


def parse_params(params: Mapping[str, Any], entity: str, lang: str) -> Params:
    """Validate everything up front so a bad value answers 400 naming it, before any search runs."""
    q = _clean_text(_get(params, "q"))
    if len(q) > MAX_QUERY_CHARS:
        raise ParamError("q", _("is longer than %(n)s characters", n=MAX_QUERY_CHARS))
    place = _clean_text(_get(params, "place"))
    if len(place) > 120:
        raise ParamError("place", _("is longer than %(n)s characters", n=120))

    radius_km: float | None = None
    raw_radius = _get(params, "radius_km")
    if raw_radius:
        try:
            radius_km = float(raw_radius.replace(",", "."))
        except ValueError:
            raise ParamError("radius_km", _("must be a number of kilometres")) from None
        if not math.isfinite(radius_km) or not 1 <= radius_km <= MAX_RADIUS_KM:
            raise ParamError(
                "radius_km", _("must be between %(low)s and %(high)s", low=1, high=int(MAX_RADIUS_KM))
            )

    allowed = FILTER_PARAMS[entity]
    filters: dict[str, tuple[str, ...]] = {}
    if "sector" in allowed and _getlist(params, "sector"):
        filters["sector"] = _resolve_codes("sector", _getlist(params, "sector"))
    if "function" in allowed and _getlist(params, "function"):
        filters["function"] = _resolve_codes("function", _getlist(params, "function"))
    countries = []
    for value in _getlist(params, "country"):
        if not re.fullmatch(r"[A-Za-z]{2}", value):
            raise ParamError("country", _("must be a two-letter country code such as BE"))
        if value.upper() not in countries:
            countries.append(value.upper())
    if countries:
        filters["country"] = tuple(countries)
    regions = []
    for value in _getlist(params, "region"):
        if "." not in value and len(countries) == 1:
            value = f"{countries[0]}.{value}"
        if not re.fullmatch(r"[A-Za-z]{2}\.[A-Za-z0-9]{1,20}", value):
            raise ParamError("region", _("must look like BE.VLG (country code, dot, region code)"))
        country, _dot, code = value.partition(".")
        regions.append(f"{country.upper()}.{code}")
    if regions:
        filters["region"] = tuple(dict.fromkeys(regions))
    cities = []
    for value in _getlist(params, "city"):
        cities.append(str(_resolve_place(value, lang, "city").id))
    if cities:
        filters["city"] = tuple(dict.fromkeys(cities))
    if "language" in allowed:
        languages = []
        for value in _getlist(params, "language"):
            if not re.fullmatch(r"[A-Za-z]{2,3}", value):
                raise ParamError("language", _("must be a language code such as nl"))
            languages.append(value.lower())
        if languages:
            filters["language"] = tuple(dict.fromkeys(languages))

    mode = _get(params, "mode").lower() or "hybrid"
    if mode not in MODES:
        raise ParamError("mode", _("must be one of %(values)s", values=", ".join(MODES)))
    sort = _get(params, "sort").lower()
    if sort and sort not in SORTS:
        raise ParamError("sort", _("must be one of %(values)s", values=", ".join(SORTS)))
    per_page = _int(params, "per_page", DEFAULT_PER_PAGE, 1, MAX_PER_PAGE)
    page = _int(params, "page", 1, 1, MAX_WINDOW)
    if page * per_page > MAX_WINDOW:
        raise ParamError("page", _("goes deeper than the first %(n)s results", n=MAX_WINDOW))

    nofunction = tuple(v for v in _getlist(params, "nofunction") if len(v) <= 60)
    nosector = tuple(v for v in _getlist(params, "nosector") if len(v) <= 60)
    noplace = _get(params, "noplace").lower() in ("1", "true", "yes", "on")
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
        nofunction=nofunction,
        nosector=nosector,
    )


# --- the page a search produces -------------------------------------------------------------------


@dataclass
class Link:
    label: str
    args: dict[str, Any]


@dataclass
class Part:
    """One piece of the interpretation ("near Namur, 25 km"), with the arguments that undo it."""

    kind: str  # "place" | "near" | "function" | "sector" | "filter"
    label: str
    undo: dict[str, Any] | None


@dataclass
class FacetValue:
    key: str
    label: str
    count: int
    selected: bool
    args: dict[str, Any]


@dataclass
class Result:
    id: int
    kind: str
    name: str
    name_html: Markup
    function: str | None
    function_label: str
    sectors: list[str]
    sector_labels: list[str]
    place: str | None
    place_label: str
    country: str | None
    country_label: str
    headline: str
    snippet: Markup | None
    distance_km: float | None
    score: float
    why: list[str]
    photo: str | None
    visibility: str
    card: Any


@dataclass
class PlaceInfo:
    name: str
    label: str
    lat: float
    lon: float
    country: str
    #: None when the place only ranks nearer cards first (no radius filter).
    radius_km: float | None
    id: int | None = None


@dataclass
class SearchPage:
    entity: str
    params: Params
    lang: str
    text: str
    place: PlaceInfo | None
    functions: list[str]
    sectors: list[str]
    total: int
    results: list[Result]
    facets: dict[str, list[FacetValue]]
    parts: list[Part]
    alternatives: list[Link]
    suggestions: list[Link]
    degraded: bool
    took_ms: float
    query: SearchQuery

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.params.per_page)) if self.total else 1

    @property
    def has_text(self) -> bool:
        return bool(self.text or self.functions or self.sectors)

    @property
    def summary(self) -> str:
        return " · ".join(part.label for part in self.parts)

    def page_args(self, page: int) -> dict[str, Any]:
        return self.params.args(page=page if page > 1 else None)

    def page_numbers(self, around: int = 2) -> list[int | None]:
        """Page numbers to link, None where a gap ("…") goes."""
        last = min(self.pages, MAX_WINDOW // self.params.per_page)
        current = self.params.page
        wanted = {1, last} | set(range(max(1, current - around), min(last, current + around) + 1))
        out: list[int | None] = []
        previous = 0
        for number in sorted(wanted):
            if number - previous > 1:
                out.append(None)
            out.append(number)
            previous = number
        return out


# --- rendering helpers ----------------------------------------------------------------------------------


def render_highlight(text: str) -> Markup:
    """Escape first, then turn the indexer's markers into <mark>; unbalanced markers are fixed."""
    escaped = str(escape(text))
    out: list[str] = []
    open_ = False
    for chunk in re.split(f"({HL_START}|{HL_END})", escaped):
        if chunk == HL_START:
            if not open_:
                out.append("<mark>")
                open_ = True
        elif chunk == HL_END:
            if open_:
                out.append("</mark>")
                open_ = False
        else:
            out.append(chunk)
    if open_:
        out.append("</mark>")
    return Markup("".join(out))  # noqa: S704 - built from escaped text and our own tags only


def strip_markers(text: str) -> str:
    return text.replace(HL_START, "").replace(HL_END, "")


def _km(value: float) -> str:
    return format_decimal(round(value) if value >= 10 else round(value, 1))


def _away(km: float) -> str:
    if km < 1:
        return _("less than 1 km away")
    return _("%(km)s km away", km=_km(km))


def facet_label(field_name: str, key: str, lang: str) -> str:
    if field_name in ("sector", "function"):
        return taxonomy_label(field_name, key, lang)
    if field_name == "country":
        return country_label(key, lang)
    if field_name == "language":
        return language_label(key, lang)
    gazetteer = get_gazetteer()
    if field_name == "region":
        country, _dot, code = key.partition(".")
        return f"{gazetteer.region_label(country, code, lang) or code} ({country})"
    if field_name == "city" and key.isdigit():
        place = gazetteer.get(int(key))
        if place is not None:
            return gazetteer.label(place, lang)
    return key


def _tag(label: str, lang: str) -> str:
    """A label mid-sentence: "photographer", but German nouns and acronyms ("IT & web") keep capitals."""
    if lang == "de" or len(label) < 2 or not label[1].islower():
        return label
    return label[0].lower() + label[1:]


def _label_words(pairs: Iterable[tuple[str, str]]) -> set[str]:
    out: set[str] = set()
    for kind, code in pairs:
        out |= _words_of_labels(kind, code)
    return out


@lru_cache(maxsize=2048)
def _words_of_labels(kind: str, code: str) -> frozenset[str]:
    from webapp.directory.documents import _all_labels

    return frozenset(w for label in _all_labels(kind, code) for w in re.split(r"\W+", label.casefold()) if w)


def _same_stem(a: str, b: str) -> bool:
    """ "portrait" ~ "portraits", "wedding" ~ "weddings"; not "photographie" ~ "photographer"."""
    short, long_ = sorted((a, b), key=len)
    return len(short) >= 3 and long_.startswith(short) and len(long_) - len(short) <= 2


def explain(
    hit: Hit, lang: str, card_tags: Iterable[tuple[str, str]] = (), query_text: str = ""
) -> list[str]:
    """Hit.why as short phrases in the viewer's language: "photographer · 12 km away · matched “lighting”".

    ``card_tags`` are the card's own (kind, code) taxonomy tags: once a tag line says
    "photographer", words matched only in the taxonomy labels ("Fotografie") are noise.
    """
    tags: list[str] = []
    boosted: list[tuple[str, str]] = []
    distance: str | None = None
    matched: list[str] = []
    semantic = False
    for item in hit.why:
        detail = item.detail or {}
        if item.kind == "boost":
            facet, value = detail.get("facet"), detail.get("value")
            if facet in ("function", "sector") and value:
                tags.append(_tag(taxonomy_label(facet, str(value), lang), lang))
                boosted.append((str(facet), str(value)))
        elif item.kind == "distance" and detail.get("km") is not None:
            distance = _away(float(detail["km"]))
        elif item.kind == "lexical":
            for term in detail.get("terms") or []:
                term = strip_markers(str(term)).strip()
                folded = term.casefold()
                # "Portrait" and "portraits" are one match.
                if term and not any(
                    m.casefold().startswith(folded) or folded.startswith(m.casefold()) for m in matched
                ):
                    matched.append(term)
        elif item.kind == "semantic":
            semantic = True
    # "photographer" already says "photography": drop sector tags the matched trade implies.
    implied = {s for facet, value in boosted if facet == "function" for s in _function_sectors(value)}
    if implied:
        pairs = [
            (t, b) for t, b in zip(tags, boosted, strict=True) if not (b[0] == "sector" and b[1] in implied)
        ]
        tags, boosted = [t for t, _b in pairs], [b for _t, b in pairs]
    if distance is None and hit.distance_km is not None:
        distance = _away(hit.distance_km)
    # Words matched in the taxonomy labels (all four languages) read as noise ("matched
    # “Photographe”, “Fotografie”"): a boost's tag already says it, and label words the user
    # did not type came from expansions. The user's own words stay, first.
    card_tags = list(card_tags)
    typed = [w for w in re.split(r"\W+", query_text.casefold()) if len(w) >= 3]

    def is_typed(term: str) -> bool:
        return any(_same_stem(term.casefold(), w) for w in typed)

    def covered_by(words: set[str], term: str) -> bool:
        return any(w.startswith(term.casefold()) for w in words)

    by_boost = _label_words(boosted)
    by_card = _label_words(card_tags)
    if tags:
        kept = [t for t in matched if not covered_by(by_boost | by_card, t)]
    else:
        kept = [t for t in matched if is_typed(t) or not covered_by(by_card, t)]
    if len(kept) < len(matched) and not tags and not kept:
        trade = next((c for c in card_tags if c[0] == "function"), card_tags[0] if card_tags else None)
        if trade is not None:  # matched on the card's trade in another language
            tags.append(_tag(taxonomy_label(trade[0], trade[1], lang), lang))
    matched = sorted(kept, key=lambda t: not is_typed(t))
    lines = list(dict.fromkeys(tags))
    if distance:
        lines.append(distance)
    if matched:
        lines.append(_("matched “%(terms)s”", terms="”, “".join(matched[:3])))
    elif semantic and not tags:
        lines.append(_("close in meaning"))
    return lines


# --- running a search -------------------------------------------------------------------------------------


def _understand(p: Params, lang: str) -> Any:
    """The taxonomy's query understanding, told which of its guesses the user undid.

    An explicit ``place`` parameter is resolved here (it may be an id, and a bad one is a 400),
    so only the text goes in."""
    from webapp.taxonomy.understand import understand

    # With an explicit place the text's place phrase is still found, so it leaves the searched words.
    noplace = p.noplace and not p.place
    return understand(p.q, lang_hint=lang, noplace=noplace, nofunction=p.nofunction, nosector=p.nosector)


def _place_info(place: Any, lang: str, radius_km: float | None) -> PlaceInfo:
    return PlaceInfo(
        name=place.name,
        label=get_gazetteer().label(place, lang),
        lat=float(place.lat),
        lon=float(place.lon),
        country=place.country,
        radius_km=radius_km,
        id=getattr(place, "id", None),
    )


def _alternative_label(place: Any, lang: str) -> str:
    return f"{get_gazetteer().label(place, lang)} ({place.country})"


def _distinct_places(chosen: Any, others: Iterable[Any]) -> list[Any]:
    """Other places of that name worth offering: not the chosen one's own districts (Jambes for Namur)."""
    return distinct_places([chosen, *others])[1:]


def run(entity: str, params: Mapping[str, Any], viewer: Any, lang: str | None = None) -> SearchPage:
    """Validate, understand, search, hydrate. Raises ParamError for bad input."""
    from webapp.core.search import run_search

    lang = lang or current_language()
    p = parse_params(params, entity, lang)
    facet_fields = ENTITY_FACETS[entity]
    parts: list[Part] = []
    alternatives: list[Link] = []

    # Query understanding: place (+ cue, radius), functions, sectors, query language.
    interp = _understand(p, lang) if p.q else None
    text = p.q
    geo: GeoFilter | None = None
    near: GeoFilter | None = None
    place_info: PlaceInfo | None = None
    default_radius = p.radius_km or DEFAULT_RADIUS_KM

    if p.place:
        place = _resolve_place(p.place, lang, "place")
        geo = GeoFilter(float(place.lat), float(place.lon), default_radius)
        place_info = _place_info(place, lang, default_radius)
        parts.append(
            Part(
                "place",
                _("near %(place)s, %(km)s km", place=place_info.label, km=_km(default_radius)),
                p.args(place=None, radius_km=None),
            )
        )
        if not p.place.isdigit():
            others = get_gazetteer().resolve(p.place, lang=lang)[1:]
            for other in _distinct_places(place, others)[:3]:
                alternatives.append(Link(_alternative_label(other, lang), p.args(place=str(other.id))))
        if interp is not None and interp.place is not None:
            text = interp.residual  # an explicit place wins over a place named in the text
    elif interp is not None and interp.place is not None and not p.noplace:
        place = interp.place
        text = interp.residual
        radius = p.radius_km or interp.radius_km or DEFAULT_RADIUS_KM
        if interp.place_filter:
            geo = GeoFilter(float(place.lat), float(place.lon), float(radius))
            place_info = _place_info(place, lang, float(radius))
            label = _("near %(place)s, %(km)s km", place=place_info.label, km=_km(radius))
            parts.append(Part("place", label, p.args(noplace="1", radius_km=None)))
        else:
            near = GeoFilter(float(place.lat), float(place.lon), float(radius))
            place_info = _place_info(place, lang, None)
            parts.append(
                Part(
                    "near",
                    _("close to %(place)s first", place=place_info.label),
                    p.args(noplace="1", radius_km=None),
                )
            )
        for other in _distinct_places(place, list(interp.alternatives or []))[:3]:
            alternatives.append(
                Link(_alternative_label(other, lang), p.args(place=str(other.id), noplace="1"))
            )
    text = _clean_text(text or "")

    # Recognised trade names boost; explicit filters filter.
    functions: list[str] = []
    sectors: list[str] = []
    boosts: dict[str, tuple[str, ...]] = {}
    expansions: list[str] = []
    if interp is not None:
        explicit_f = set(p.filters.get("function", ()))
        explicit_s = set(p.filters.get("sector", ()))
        functions = [c for c in interp.functions if c not in p.nofunction and c not in explicit_f]
        if entity != "member":
            functions = []
        sectors = [c for c in interp.sectors if c not in p.nosector and c not in explicit_s]
        if functions:
            boosts["function"] = tuple(functions)
        # A recognised trade also prefers its sectors' cards: related trades before unrelated ones.
        related = [
            code
            for f in functions
            for code in _function_sectors(f)
            if code not in explicit_s and code not in p.nosector
        ]
        if sectors or related:
            boosts["sector"] = tuple(dict.fromkeys(sectors + related))
        expansions = list(interp.expansions or [])
        for code in functions:
            parts.append(
                Part(
                    "function",
                    _("%(label)s first", label=taxonomy_label("function", code, lang)),
                    p.args(nofunction=list(p.nofunction) + [code]),
                )
            )
        for code in sectors:
            parts.append(
                Part(
                    "sector",
                    _("%(label)s first", label=taxonomy_label("sector", code, lang)),
                    p.args(nosector=list(p.nosector) + [code]),
                )
            )
    for field_name, values in p.filters.items():
        for value in values:
            remaining = [v for v in values if v != value]
            label = facet_label(field_name, value, lang)
            parts.append(Part("filter", label, p.args(**{field_name: remaining})))

    has_text = bool(text or boosts or expansions)
    sort = p.sort
    if sort == "distance" and geo is None and near is None:
        sort = ""
    if sort == "relevance" and not has_text:
        sort = ""
    if not sort:
        sort = "relevance" if has_text else ("distance" if geo is not None else "recent")

    query = SearchQuery(
        entity=entity,
        text=text,
        mode=p.mode,  # type: ignore[arg-type]
        visibility=visible_visibilities(viewer),
        filters=dict(p.filters),
        geo=geo,
        # Inside a radius filter, nearer cards still rank first among equal matches.
        near=near if near is not None else geo,
        boosts=boosts,
        expansions=tuple(expansions),
        lang=getattr(interp, "lang", None) if interp is not None else None,
        facets=facet_fields,
        sort=sort,  # type: ignore[arg-type]
        offset=(p.page - 1) * p.per_page,
        limit=p.per_page,
    )
    result = run_search(query)
    results = _hydrate(entity, result.hits, query.visibility, lang, geo or near, text)
    total = max(result.total - (len(result.hits) - len(results)), len(results) + query.offset)

    facets = _facets(p, result.facets, facet_fields, lang)
    suggestions = _suggestions(p, geo, place_info, parts, text) if total == 0 else []
    return SearchPage(
        entity=entity,
        params=p,
        lang=lang,
        text=text,
        place=place_info,
        functions=list(p.filters.get("function", ())) + functions,
        sectors=list(p.filters.get("sector", ())) + sectors,
        total=total,
        results=results,
        facets=facets,
        parts=parts,
        alternatives=alternatives,
        suggestions=suggestions,
        degraded=result.degraded,
        took_ms=result.took_ms,
        query=query,
    )


def _facets(
    p: Params, counts: Mapping[str, list[tuple[str, int]]], fields: Iterable[str], lang: str
) -> dict[str, list[FacetValue]]:
    out: dict[str, list[FacetValue]] = {}
    for field_name in fields:
        selected = list(p.filters.get(field_name, ()))
        values = []
        seen = set()
        for key, count in counts.get(field_name, []):
            key = str(key)
            seen.add(key)
            is_selected = key in selected
            new = [v for v in selected if v != key] if is_selected else selected + [key]
            values.append(
                FacetValue(
                    key,
                    facet_label(field_name, key, lang),
                    int(count),
                    is_selected,
                    p.args(**{field_name: new}),
                )
            )
        for key in selected:  # a selected value always shows, so it can be switched off
            if key not in seen:
                values.append(
                    FacetValue(
                        key,
                        facet_label(field_name, key, lang),
                        0,
                        True,
                        p.args(**{field_name: [v for v in selected if v != key]}),
                    )
                )
        out[field_name] = values
    return out


def _suggestions(
    p: Params, geo: GeoFilter | None, place: PlaceInfo | None, parts: list[Part], text: str
) -> list[Link]:
    """What to try when nothing matched: a wider radius, then dropping each filter or guess."""
    links: list[Link] = []
    if geo is not None and geo.radius_km < MAX_RADIUS_KM:
        wider = min(MAX_RADIUS_KM, max(geo.radius_km * 2, 50.0))
        links.append(Link(_("Search within %(km)s km", km=_km(wider)), p.args(radius_km=_fmt_km(wider))))
    for part in parts:
        if part.undo is None:
            continue
        if part.kind in ("place", "near"):
            links.append(
                Link(
                    _("Search everywhere, not only near %(place)s", place=place.label if place else ""),
                    part.undo,
                )
            )
        elif part.kind == "filter":
            links.append(Link(_("Drop the filter “%(label)s”", label=part.label), part.undo))
    if text:
        links.append(Link(_("Browse all cards without search words"), p.args(q=None, noplace=None)))
    return links


def _hydrate(
    entity: str,
    hits: list[Hit],
    visibilities: tuple[str, ...],
    lang: str,
    center: GeoFilter | None = None,
    query_text: str = "",
) -> list[Result]:
    """Load the hit rows in one go; drop any the viewer may no longer see (the index may lag)."""

    ids = [int(h.id) for h in hits if str(h.id).isdigit()]
    rows = load_members(ids) if entity == "member" else load_clients(ids)
    results: list[Result] = []
    for hit in hits:
        card = rows.get(int(hit.id)) if str(hit.id).isdigit() else None
        if card is None or card.visibility not in visibilities:
            continue
        name = card.display_name if entity == "member" else card.name
        title_hl = hit.highlights.get("title")
        name_html = (
            render_highlight(title_hl) if title_hl and strip_markers(title_hl) == name else escape(name)
        )
        snippet = None
        for field_name in SNIPPET_FIELDS:
            if hit.highlights.get(field_name) and HL_START in hit.highlights[field_name]:
                snippet = render_highlight(hit.highlights[field_name])
                break
        headline = (card.headline if entity == "member" else (card.description or "")) or ""
        if entity == "client" and len(headline) > 200:
            headline = headline[:200].rsplit(" ", 1)[0] + "…"
        function_code = card.function_code if entity == "member" else None
        function_label = taxonomy_label("function", function_code, lang) if function_code else ""
        if entity == "member" and not function_label:
            function_label = card.function_text or ""
        results.append(
            Result(
                id=card.id,
                kind=entity,
                name=name,
                name_html=name_html,
                function=function_code,
                function_label=function_label,
                sectors=list(card.sectors),
                sector_labels=[taxonomy_label("sector", s, lang) for s in card.sectors],
                place=card.place_name,
                place_label=place_name_label(card, lang) or "",
                country=card.country,
                country_label=country_label(card.country, lang),
                headline=headline,
                snippet=snippet,
                distance_km=_distance(hit, card, center),
                score=round(float(hit.score), 4),
                why=explain(hit, lang, _card_tags(entity, card), query_text),
                photo=getattr(card, "photo_filename", None),
                visibility=card.visibility,
                card=card,
            )
        )
    return results


def _card_tags(entity: str, card: Any) -> list[tuple[str, str]]:
    tags = [("sector", code) for code in card.sectors]
    if entity == "member" and card.function_code:
        tags.append(("function", card.function_code))
    return tags


def _distance(hit: Hit, card: Any, center: GeoFilter | None) -> float | None:
    """The backend's distance, else one from the card's own coordinates (the backend may report
    distances only inside a proximity radius)."""
    if hit.distance_km is not None:
        return round(float(hit.distance_km), 1)
    if center is None or card.lat is None or card.lon is None:
        return None
    return round(haversine_km(center.lat, center.lon, card.lat, card.lon), 1)


def search_members(params: Mapping[str, Any], viewer: Any, lang: str | None = None) -> SearchPage:
    """The member directory's search, shared by /directory and /api/v1/members/search."""
    return run("member", params, viewer, lang)


def search_clients(params: Mapping[str, Any], viewer: Any, lang: str | None = None) -> SearchPage:
    """The company directory's search, shared by /directory/clients (and a later API)."""
    return run("client", params, viewer, lang)


def newest_cards(viewer: Any, limit: int = 6) -> list[Any]:
    """The newest published member cards this viewer may see (the home page's section)."""
    from sqlalchemy import select

    from webapp.directory.models import MemberProfile
    from webapp.extensions import db

    return list(
        db.session.scalars(
            select(MemberProfile)
            .where(MemberProfile.visibility.in_(visible_visibilities(viewer)))
            .order_by(MemberProfile.published_at.desc().nulls_last(), MemberProfile.id.desc())
            .limit(limit)
        )
    )


def config_countries() -> tuple[str, ...]:
    return tuple(current_app.config.get("GAZETTEER_COUNTRIES", ()))
