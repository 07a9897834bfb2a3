"""A search page for any registered entity: parameters → understanding → SearchQuery → hits → page.

One function (``run``) serves every entity's HTML page and its JSON API, so they can never
disagree about what a viewer may see. What differs per entity comes from its registration
(``EntitySpec.page``: filters, facets, title and display fields; ``load`` for hydration;
``fallback`` when the backend is down). Links (undo a guess, pick another place, toggle a
facet, widen the radius) are returned as argument dicts; the caller turns them into URLs for
its own endpoint.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache
from typing import Any, Iterable, Mapping

from flask_babel import format_date, ngettext
from flask_babel import gettext as _
from markupsafe import Markup, escape

from indexer.types import HL_START, GeoFilter, Hit, SearchQuery
from webapp.core.permissions import visible_visibilities
from webapp.core.places import distinct_places
from webapp.core.search.explain import (
    explain,
    facet_label,
    km_text,
    render_highlight,
    static_label,
    strip_markers,
)
from webapp.core.search.outbox import hidden_while_lagging
from webapp.core.search.params import (
    MAX_WINDOW,
    Params,
    clean_query,
    fmt_km,
    parse_params,
    resolve_place,
)
from webapp.core.search.registry import EntitySpec, PageSpec, entities
from webapp.core.search.service import run_search
from webapp.taxonomy import get_gazetteer, get_taxonomy, haversine_km
from webapp.taxonomy.labels import (
    function_sectors,
    place_name_label,
    reader_language,
    taxonomy_label,
)
from webapp.taxonomy.understand import DEFAULT_RADIUS_KM, MAX_RADIUS_KM, understand


@dataclass
class Link:
    label: str
    args: dict[str, Any]
    #: The link stands for what the page shows now (a switch's current side).
    current: bool = False
    #: A count that goes with the link ("widen to 50 km (14)"), None when not counted.
    count: int | None = None


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
    #: The facet's filter values after a click on this value (it toggles).
    values: list[str]
    facet: str
    params: Params = field(repr=False)

    @property
    def args(self) -> dict[str, Any]:
        """The link's arguments, built when a page shows the link (the API never asks)."""
        return self.params.args(**{self.facet: self.values})


@dataclass
class Result:
    """One hit, hydrated from the database and ready to show (a page) or serialise (the API)."""

    id: int
    entity: str
    title: str
    #: The title with matched words marked (escaped text and <mark> only).
    title_html: Markup
    #: The line under the title (a headline, a short description).
    summary: str
    snippet: Markup | None
    sectors: list[str]
    sector_labels: list[str]
    place: str | None
    place_label: str
    country: str | None
    country_label: str
    distance_km: float | None
    score: float
    why: list[str]
    visibility: str
    row: Any
    #: The entity's own display fields (PageSpec.present): a member's trade label, photo…
    data: dict[str, Any] = field(default_factory=dict)
    #: Of the recognised trade (its function, or its sector when only a sector was recognised);
    #: None when the search recognised no trade.
    of_trade: bool | None = None
    #: The backend's hit: its explanations render ``why`` again in another language (a mail to
    #: someone who reads another language than the searcher, webapp.p2p.matching).
    hit: Hit | None = None


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
    #: "within" (a radius filter) or "near" (nearer cards first, nothing left out).
    mode: str = "within"
    #: The place was understood from the search words (not typed in the place field).
    from_text: bool = False


@dataclass
class Widen:
    """Few or no cards within the radius: how many there are, and how many a wider search finds."""

    radius_km: float
    #: Cards within the radius (of the recognised trade, when one was recognised).
    count: int
    #: "widen to 50 km", "everywhere", each with its count (count-only searches).
    options: list[Link]
    #: "Nothing within 25 km of Gent", "Photographer: only 1 card within 25 km of Gent".
    label: str = ""


@dataclass
class SearchPage:
    """Everything a search page or the API shows: the interpretation, results, facets, suggestions."""

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
    #: "Near Gent first" / "within 25 km of Gent": both ways a place can apply, the current one marked.
    place_switch: list[Link] = field(default_factory=list)
    #: Few or no cards within a radius: counts for a wider radius and for everywhere.
    widen: Widen | None = None
    #: Function codes (or, when no function, sector codes) the search recognised as the trade.
    trade: tuple[str, ...] = ()

    @property
    def trade_divider(self) -> int | None:
        """Index of the first result not of the recognised trade ("other trades nearby" goes
        above it); None without a recognised trade or when every result is of it."""
        if not self.trade:
            return None
        return next((i for i, r in enumerate(self.results) if r.of_trade is False), None)

    #: Place words in the text that name no place we know ("in Reykjavik", "Gnet").
    unknown_place: str | None = None
    #: The query with misspelt words / place corrected, as a link that reruns it ("Gent").
    did_you_mean: Link | None = None
    #: Text was searched and nothing is a good match (the legs found nothing above their floors).
    no_good_match: bool = False

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


# --- running a search ---------------------------------------------------------------------------------


def range_label(start: str | None, end: str | None, kind: str) -> str:
    """ "from 18 Mar 2027 to 20 Mar 2027", "until 31 Dec 2027": a period as the reader reads it."""

    def show(raw: str) -> str:
        if kind != "date":
            return raw
        try:
            return format_date(date.fromisoformat(raw[:10]), "medium")
        except ValueError:
            return raw

    if start and end:
        return _("from %(start)s to %(end)s", start=show(start), end=show(end))
    if start:
        return _("from %(start)s", start=show(start))
    return _("until %(end)s", end=show(end or ""))


def _understand(p: Params, lang: str) -> Any:
    """The taxonomy's query understanding, told which of its guesses the user undid.

    An explicit ``place`` parameter is resolved here (it may be an id, and a bad one is a 400),
    so only the text goes in."""
    # With an explicit place the text's place phrase is still found, so it leaves the searched words.
    noplace = bool(p.noplace and not p.place)
    return _understood(
        p.q, lang, noplace, tuple(p.nofunction), tuple(p.nosector), id(get_gazetteer()), id(get_taxonomy())
    )


@lru_cache(maxsize=1024)
def _understood(
    q: str, lang: str, noplace: bool, nofunction: tuple[str, ...], nosector: tuple[str, ...], *_data: int
) -> Any:
    """``understand`` of a text, cached: paging, facet clicks and the count-only searches of the
    radius offers ask again about the same words. Keyed on the gazetteer and taxonomy objects
    too (``_data``: a reload or another country set is another key). Understanding knows no
    rows and no visibility, so nothing here can go stale when a card changes. Callers only read
    the result."""
    return understand(q, lang_hint=lang, noplace=noplace, nofunction=nofunction, nosector=nosector)


def clear_query_caches() -> None:
    """Forget the request path's per-query caches (benchmarks: every query as a new one)."""
    _understood.cache_clear()


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


def run(
    entity: str,
    params: Mapping[str, Any],
    viewer: Any,
    lang: str | None = None,
    *,
    facets: Iterable[str] | None = None,
) -> SearchPage:
    """Validate, understand, search, hydrate. Raises ParamError for bad input.

    ``facets``: the facet fields to count (default: the page's); the API asks only for those it
    answers with, so it pays for no others."""
    spec = entities()[entity]
    page_spec = spec.page
    if page_spec is None:
        raise LookupError(f"entity {entity!r} has no search page")
    lang = reader_language(lang)
    p = parse_params(
        params,
        page_spec.filters,
        lang,
        page_spec.filter_parsers,
        ranges=page_spec.ranges,
        sorts=page_spec.sorts,
    )
    facet_fields = page_spec.facets if facets is None else tuple(f for f in facets if f in page_spec.facets)
    parts: list[Part] = []
    alternatives: list[Link] = []

    # Query understanding: place (+ cue, radius), functions, sectors, query language.
    interp = _understand(p, lang) if p.q else None
    text = p.q
    geo: GeoFilter | None = None
    near: GeoFilter | None = None
    place_info: PlaceInfo | None = None
    default_radius = p.radius_km or DEFAULT_RADIUS_KM

    # A place applies "within" a radius (a filter) or "near" (nearer first): a place typed in
    # the place field, or named with a cue ("in Gent"), is a radius; a bare name ("fotograaf
    # Gent") ranks; ``place_mode`` switches either way.
    place: Any = None
    within = False
    radius = float(default_radius)
    undo: dict[str, Any] = {}
    if p.place:
        place = resolve_place(p.place, lang, "place")
        within = p.place_mode != "near"
        undo = p.args(place=None, radius_km=None, place_mode=None)
        if not p.place.isdigit():
            others = get_gazetteer().resolve(p.place, lang=lang)[1:]
            for other in _distinct_places(place, others)[:3]:
                alternatives.append(Link(_alternative_label(other, lang), p.args(place=str(other.id))))
        if interp is not None and interp.place is not None:
            text = interp.residual  # an explicit place wins over a place named in the text
    elif interp is not None and interp.place is not None and not p.noplace:
        place = interp.place
        text = interp.residual
        radius = float(p.radius_km or interp.radius_km or DEFAULT_RADIUS_KM)
        within = p.place_mode == "within" or (p.place_mode != "near" and bool(interp.place_filter))
        undo = p.args(noplace="1", radius_km=None, place_mode=None)
        for other in _distinct_places(place, list(interp.alternatives or []))[:3]:
            alternatives.append(
                Link(_alternative_label(other, lang), p.args(place=str(other.id), noplace="1"))
            )
    place_switch: list[Link] = []
    if place is not None:
        point = GeoFilter(float(place.lat), float(place.lon), radius)
        place_info = _place_info(place, lang, radius if within else None)
        place_info.mode = "within" if within else "near"
        place_info.from_text = not p.place
        if within:
            geo = point
            label = _("near %(place)s, %(km)s km", place=place_info.label, km=km_text(radius))
            parts.append(Part("place", label, undo))
        else:
            near = point
            parts.append(Part("near", _("close to %(place)s first", place=place_info.label), undo))
        place_switch = [
            Link(
                _("Near %(place)s first", place=place_info.label),
                p.args(place_mode="near", radius_km=None),
                current=not within,
            ),
            Link(
                _("Only within %(km)s km of %(place)s", km=km_text(radius), place=place_info.label),
                p.args(place_mode="within"),
                current=within,
            ),
        ]
    text = clean_query(text or "")

    # Recognised trade names boost; explicit filters filter.
    functions: list[str] = []
    sectors: list[str] = []
    boosts: dict[str, tuple[str, ...]] = {}
    expansions: list[str] = []
    if interp is not None:
        explicit_f = set(p.filters.get("function", ()))
        explicit_s = set(p.filters.get("sector", ()))
        functions = [c for c in interp.functions if c not in p.nofunction and c not in explicit_f]
        if "function" not in page_spec.filters:
            functions = []  # only entities filed under a trade prefer a recognised trade
        sectors = [c for c in interp.sectors if c not in p.nosector and c not in explicit_s]
        if functions:
            boosts["function"] = tuple(functions)
        # A recognised trade also prefers its sectors' cards: related trades before unrelated ones.
        related = [
            code
            for f in functions
            for code in function_sectors(f)
            if code not in explicit_s and code not in p.nosector
        ]
        if sectors or related:
            boosts["sector"] = tuple(dict.fromkeys(sectors + related))
        expansions = list(interp.expansions or [])
        undone = {"function": list(p.nofunction), "sector": list(p.nosector)}
        for kind, codes in (("function", functions), ("sector", sectors)):
            for code in codes:
                label = _("%(label)s first", label=taxonomy_label(kind, code, lang))
                parts.append(Part(kind, label, p.args(**{f"no{kind}": undone[kind] + [code]})))
    for field_name, values in p.filters.items():
        for value in values:
            remaining = [v for v in values if v != value]
            label = facet_label(field_name, value, lang, page_spec.facet_labels)
            parts.append(Part("filter", label, p.args(**{field_name: remaining})))
    for range_param in page_spec.ranges:
        start, end = p.range_args.get(range_param.start), p.range_args.get(range_param.end)
        if start or end:
            undo = p.args(**{range_param.start: None, range_param.end: None})
            if range_param.label is not None:
                label = range_param.label(start, end)
            else:
                label = range_label(start, end, range_param.kind)
            parts.append(Part("filter", label, undo))

    has_text = bool(text or boosts or expansions)
    sort = p.sort
    if sort == "distance" and geo is None and near is None:
        sort = ""
    if sort == "relevance" and not has_text:
        sort = ""
    if not sort:
        sort = "relevance" if has_text else ("distance" if geo is not None else page_spec.browse_sort)

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
        ranges=p.ranges,
        exclude=hidden_while_lagging(entity, spec.model, visible_visibilities(viewer)),
        facets=facet_fields,
        sort=sort,  # type: ignore[arg-type]
        offset=(p.page - 1) * p.per_page,
        limit=p.per_page,
    )
    result = run_search(query)
    # The recognised trade: its functions, else (only a sector recognised) its sectors.
    trade_field, trade = ("function", tuple(functions)) if functions else ("sector", tuple(sectors))
    if trade_field not in page_spec.filters:
        trade = ()
    results = _hydrate(spec, result.hits, query.visibility, lang, geo or near, text, trade_field, trade)
    # At least what this page proves exists; a page past the end proves nothing (it used to count its
    # offset, so page 7 of 6 claimed 120 cards).
    total = max(
        result.total - (len(result.hits) - len(results)), len(results) + query.offset if results else 0
    )
    widen = None
    if geo is not None and place_info is not None and p.page == 1 and total < p.per_page:
        widen = _widen(p, query, results, total, trade_field, trade, place_info, lang)

    facets = _facets(p, result.facets, facet_fields, lang, page_spec.facet_labels)
    # (A wider radius is offered once: with its count in ``widen`` when that was computed.)
    wider_geo = geo if widen is None else None
    suggestions = _suggestions(p, wider_geo, place_info, parts, text, page_spec) if total == 0 else []
    unknown_place, did_you_mean = _did_you_mean(p, interp, total)
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
        place_switch=place_switch,
        widen=widen,
        trade=trade,
        unknown_place=unknown_place,
        did_you_mean=did_you_mean,
        no_good_match=bool(text) and total == 0 and not result.degraded,
    )


def _count(query: SearchQuery, **changes: Any) -> int:
    """How many cards ``query`` with ``changes`` finds: a count-only search (no page, no facets;
    the query's vectors are already cached by the service). Same visibility as the page."""
    counted = replace(query, offset=0, limit=0, facets=(), **changes)
    return int(run_search(counted).total)


def _widen(
    p: Params,
    query: SearchQuery,
    results: list[Result],
    total: int,
    trade_field: str,
    trade: tuple[str, ...],
    place: PlaceInfo,
    lang: str,
) -> Widen | None:
    """All cards within the radius fit on this page: offer a wider radius and everywhere, with
    their counts (of the recognised trade when there is one, the cards the user is after)."""
    geo = query.geo
    if geo is None:
        return None
    filters = dict(query.filters)
    if trade:
        filters[trade_field] = tuple(dict.fromkeys((*filters.get(trade_field, ()), *trade)))
        here = sum(1 for r in results if r.of_trade)
    else:
        here = total
    options: list[Link] = []
    if geo.radius_km < MAX_RADIUS_KM:
        wider = min(MAX_RADIUS_KM, max(geo.radius_km * 2, 50.0))
        wider_geo = GeoFilter(geo.lat, geo.lon, wider)
        options.append(
            Link(
                _("widen to %(km)s km", km=km_text(wider)),
                p.args(radius_km=fmt_km(wider), place_mode="within"),
                count=_count(query, filters=filters, geo=wider_geo, near=wider_geo),
            )
        )
    options.append(
        Link(
            _("everywhere, nearest first"),
            p.args(place_mode="near", radius_km=None),
            count=_count(query, filters=filters, geo=None, near=geo),
        )
    )
    km, where = km_text(geo.radius_km), place.label
    if trade:
        what = taxonomy_label(trade_field, trade[0], lang)
        if here == 0:
            label = _("%(trade)s: nothing within %(km)s km of %(place)s", trade=what, km=km, place=where)
        else:
            label = ngettext(
                "%(trade)s: only %(num)s card within %(km)s km of %(place)s",
                "%(trade)s: only %(num)s cards within %(km)s km of %(place)s",
                here,
                trade=what,
                km=km,
                place=where,
            )
    elif here == 0:
        label = _("Nothing within %(km)s km of %(place)s", km=km, place=where)
    else:
        label = ngettext(
            "Only %(num)s card within %(km)s km of %(place)s",
            "Only %(num)s cards within %(km)s km of %(place)s",
            here,
            km=km,
            place=where,
        )
    return Widen(radius_km=geo.radius_km, count=here, options=options, label=label)


#: A corrected spelling is offered when the query as typed finds fewer results than this
#: (a misspelt place is always pointed out).
FEW_RESULTS = 5


def _did_you_mean(p: Params, interp: Any, total: int) -> tuple[str | None, Link | None]:
    """The unknown place and the "did you mean" link of an interpretation (issue 8)."""
    if interp is None or p.place or p.noplace:
        return None, None
    unknown = getattr(interp, "unknown_place", None)
    corrected = interp.did_you_mean() if hasattr(interp, "did_you_mean") else None
    if corrected and (getattr(interp, "place_suggestion", None) or total < FEW_RESULTS):
        return unknown, Link(corrected, p.args(q=corrected))
    return unknown, None


def _facets(
    p: Params,
    counts: Mapping[str, list[tuple[str, int]]],
    fields: Iterable[str],
    lang: str,
    labels: Mapping[str, Any] | None = None,
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
                    facet_label(field_name, key, lang, labels),
                    int(count),
                    is_selected,
                    new,
                    field_name,
                    p,
                )
            )
        for key in selected:  # a selected value always shows, so it can be switched off
            if key not in seen:
                values.append(
                    FacetValue(
                        key,
                        facet_label(field_name, key, lang, labels),
                        0,
                        True,
                        [v for v in selected if v != key],
                        field_name,
                        p,
                    )
                )
        out[field_name] = values
    return out


def _suggestions(
    p: Params,
    geo: GeoFilter | None,
    place: PlaceInfo | None,
    parts: list[Part],
    text: str,
    page_spec: PageSpec,
) -> list[Link]:
    """What to try when nothing matched: a wider radius, then dropping each filter or guess."""
    links: list[Link] = []
    if geo is not None and geo.radius_km < MAX_RADIUS_KM:
        wider = min(MAX_RADIUS_KM, max(geo.radius_km * 2, 50.0))
        links.append(Link(_("Search within %(km)s km", km=km_text(wider)), p.args(radius_km=fmt_km(wider))))
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
    if text and page_spec.browse_label is not None:
        links.append(Link(page_spec.browse_label(), p.args(q=None, noplace=None)))
    return links


def _hydrate(
    spec: EntitySpec,
    hits: list[Hit],
    visibilities: tuple[str, ...],
    lang: str,
    center: GeoFilter | None = None,
    query_text: str = "",
    trade_field: str = "function",
    trade: tuple[str, ...] = (),
) -> list[Result]:
    """Load the hit rows in one go; drop any the viewer may no longer see (the index may lag)."""
    page_spec = spec.page
    load = (page_spec.hydrate or spec.load) if page_spec is not None else None
    if page_spec is None or load is None:
        raise LookupError(f"entity {spec.name!r} cannot be shown on a search page")
    ids = [int(h.id) for h in hits if str(h.id).isdigit()]
    rows = load(ids) if ids else {}
    results: list[Result] = []
    for hit in hits:
        row = rows.get(int(hit.id)) if str(hit.id).isdigit() else None
        if row is None or row.visibility not in visibilities:
            continue
        title = page_spec.title(row)
        title_hl = hit.highlights.get("title")
        title_html = (
            render_highlight(title_hl) if title_hl and strip_markers(title_hl) == title else escape(title)
        )
        snippet = None
        for field_name in page_spec.snippet_fields:
            if hit.highlights.get(field_name) and HL_START in hit.highlights[field_name]:
                snippet = render_highlight(hit.highlights[field_name])
                break
        sectors = list(getattr(row, "sectors", ()))
        country = getattr(row, "country", None)
        results.append(
            Result(
                id=row.id,
                entity=spec.name,
                title=title,
                title_html=title_html,
                summary=page_spec.summary(row) or "",
                snippet=snippet,
                sectors=sectors,
                sector_labels=[static_label("sector", code, lang) for code in sectors],
                place=getattr(row, "place_name", None),
                place_label=(place_name_label(row, lang) or "") if hasattr(row, "place_name") else "",
                country=country,
                country_label=static_label("country", country, lang) if country else "",
                distance_km=_distance(hit, row, center),
                score=round(float(hit.score), 4),
                why=explain(hit, lang, page_spec.tags(row), query_text),
                visibility=row.visibility,
                row=row,
                data=page_spec.present(row, lang),
                of_trade=_of_trade(row, sectors, trade_field, trade) if trade else None,
                hit=hit,
            )
        )
    return results


def _of_trade(row: Any, sectors: list[str], trade_field: str, trade: tuple[str, ...]) -> bool:
    if trade_field == "function":
        return getattr(row, "function_code", None) in trade
    return any(code in trade for code in sectors)


def _distance(hit: Hit, row: Any, center: GeoFilter | None) -> float | None:
    """The backend's distance, else one from the row's own coordinates (the backend may report
    distances only inside a proximity radius)."""
    if hit.distance_km is not None:
        return round(float(hit.distance_km), 1)
    lat, lon = getattr(row, "lat", None), getattr(row, "lon", None)
    if center is None or lat is None or lon is None:
        return None
    return round(haversine_km(center.lat, center.lon, lat, lon), 1)
