"""The database fallback: answer a ``SearchQuery`` from the database when the search backend is down.

Filters, visibility and a plain substring match in SQL, distances in Python on a bounding box,
facets counted with GROUP BY. Generic over entities: a module describes where its facet values
live (columns of the row, or link tables such as sectors and spoken languages) in a
``FallbackSpec``; place facets come from the core ``PlaceMixin`` columns. The answer is
flagged degraded, so pages say "limited search" (CHECKLIST 34).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

from sqlalchemy import Select, and_, func, or_, select

from indexer.types import VISIBILITIES, Document, Explanation, Hit, RangeFilter, SearchQuery, SearchResult
from webapp.core.text import sort_name
from webapp.extensions import db
from webapp.taxonomy import haversine_km

#: Facet fields that live on the PlaceMixin columns.
PLACE_FACETS = ("country", "region", "city")
#: Above this many candidates inside a radius, facets are counted over the bounding box instead.
EXACT_FACETS_MAX = 20_000


@dataclass(frozen=True)
class Link:
    """A link table holding one facet's values: (model, the row-id column, the value column)."""

    model: Any
    row_id: Any
    value: Any


@dataclass
class FallbackSpec:
    """Where one entity's searchable columns are."""

    model: Any
    #: Columns a plain word match looks in (a callable: columns are read after the models load).
    text_columns: Callable[[], list[Any]]
    name_column: Any
    #: Row → the document the index would hold (its payload is what a hit shows), None if not searchable.
    to_document: Callable[[Any], Document | None]
    #: ids → {id: row}, loaded in one query per table.
    load: Callable[[Sequence[int]], dict[int, Any]]
    #: Facet → a column of the row holding its single value (a member's function, a listing's kind).
    columns: dict[str, Any] = field(default_factory=dict)
    #: Facet → the link table holding its values (sectors, spoken languages).
    links: dict[str, Link] = field(default_factory=dict)
    #: Range field → the SQL condition a RangeFilter on it becomes (availability windows, event
    #: occurrences live in the module's own tables). A range filter without one matches nothing.
    ranges: dict[str, Callable[[RangeFilter], Any]] = field(default_factory=dict)

    def facets(self) -> tuple[str, ...]:
        places = PLACE_FACETS if hasattr(self.model, "place_id") else ()
        return (*self.links, *self.columns, *places)

    def facet_condition(self, name: str, values: tuple[str, ...]) -> Any:
        model = self.model
        if name in self.links:
            link = self.links[name]
            return model.id.in_(select(link.row_id).where(link.value.in_(values)))
        if name in self.columns:
            return self.columns[name].in_(values)
        if name == "country" and hasattr(model, "country"):
            return func.upper(model.country).in_([v.upper() for v in values])
        if name == "region" and hasattr(model, "region"):
            conds = []
            for value in values:
                country, _, region = value.partition(".")
                if region:
                    conds.append(and_(func.upper(model.country) == country.upper(), model.region == region))
            return or_(*conds) if conds else False
        if name == "city" and hasattr(model, "place_id"):
            ids = [int(v) for v in values if v.isdigit()]
            names = [v for v in values if not v.isdigit()]
            return or_(model.place_id.in_(ids), model.place_name.in_(names))
        return False  # an unknown facet matches nothing rather than everything


def column_range(column: Any) -> Callable[[RangeFilter], Any]:
    """A ``FallbackSpec.ranges`` entry for a column holding one value per row (a member's years of
    experience): the value is the interval (v, v), a NULL is no interval."""

    def condition(flt: RangeFilter) -> Any:
        inside = [column.is_not(None)]
        if flt.start is not None:
            inside.append(column >= flt.start)
        if flt.end is not None:
            inside.append(column <= flt.end)
        if flt.relation == "disjoint":
            return or_(column.is_(None), ~and_(*inside))
        if flt.relation == "contains":  # a single value contains only the period [v, v]
            if flt.start is None or flt.end is None or flt.start != flt.end:
                return False
        return and_(*inside)

    return condition


def _like_escape(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _text_condition(spec: FallbackSpec, query: SearchQuery) -> Any | None:
    """Every word appears in some text column, or the row carries a recognised function/sector."""
    words = [w for w in query.text.split() if len(w) >= 2][:8]
    alternatives = []
    if words:
        columns = spec.text_columns()
        per_word = []
        for word in words:
            pattern = f"%{_like_escape(word.lower())}%"
            per_word.append(or_(*[func.lower(col).like(pattern, escape="\\") for col in columns]))
        alternatives.append(and_(*per_word))
    for name, values in query.boosts.items():
        if values and (name in spec.links or name in spec.columns):
            alternatives.append(spec.facet_condition(name, tuple(values)))
    if not alternatives:
        return None
    return or_(*alternatives)


def _bbox(geo: Any) -> tuple[float, float, float, float]:
    dlat = geo.radius_km / 111.0
    dlon = geo.radius_km / (111.0 * max(0.05, math.cos(math.radians(geo.lat))))
    return geo.lat - dlat, geo.lat + dlat, geo.lon - dlon, geo.lon + dlon


def _sorted_counts(pairs: Any) -> list[tuple[str, int]]:
    return sorted(((str(k), int(n)) for k, n in pairs if k), key=lambda kv: (-kv[1], kv[0]))


def _facet_counts(
    spec: FallbackSpec, base_ids: Select, names: Sequence[str]
) -> dict[str, list[tuple[str, int]]]:
    model = spec.model
    out: dict[str, list[tuple[str, int]]] = {}
    for name in names:
        if name in spec.links:
            link = spec.links[name]
            stmt = select(link.value, func.count()).where(link.row_id.in_(base_ids)).group_by(link.value)
            out[name] = _sorted_counts(db.session.execute(stmt).all())
        elif name in spec.columns:
            col = spec.columns[name]
            stmt = select(col, func.count()).where(model.id.in_(base_ids), col.is_not(None)).group_by(col)
            out[name] = _sorted_counts(db.session.execute(stmt).all())
        elif name == "country":
            col = func.upper(model.country)
            stmt = (
                select(col, func.count())
                .where(model.id.in_(base_ids), model.country.is_not(None))
                .group_by(col)
            )
            out[name] = _sorted_counts(db.session.execute(stmt).all())
        elif name == "region":
            stmt = (
                select(func.upper(model.country), model.region, func.count())
                .where(model.id.in_(base_ids), model.region.is_not(None), model.country.is_not(None))
                .group_by(func.upper(model.country), model.region)
            )
            out[name] = _sorted_counts((f"{c}.{r}", n) for c, r, n in db.session.execute(stmt).all())
        elif name == "city":
            stmt = (
                select(model.place_id, model.place_name, func.count())
                .where(
                    model.id.in_(base_ids), or_(model.place_id.is_not(None), model.place_name.is_not(None))
                )
                .group_by(model.place_id, model.place_name)
            )
            merged: dict[str, int] = {}
            for place_id, place_name, n in db.session.execute(stmt).all():
                key = str(place_id) if place_id else place_name
                merged[key] = merged.get(key, 0) + n
            out[name] = _sorted_counts(merged.items())
    return out


def search_database(spec: FallbackSpec, query: SearchQuery) -> SearchResult:
    """Filters, visibility and a substring match in SQL; distances in Python on a bounding box."""
    model = spec.model
    conds = [model.visibility.in_([v for v in query.visibility if v in VISIBILITIES])]
    for name, values in query.filters.items():
        if values:
            conds.append(spec.facet_condition(name, tuple(values)))
    for range_filter in query.ranges:
        condition = spec.ranges.get(range_filter.field)
        conds.append(condition(range_filter) if condition is not None else False)
    text_cond = _text_condition(spec, query)
    if text_cond is not None:
        conds.append(text_cond)
    if query.geo is not None:
        lat_min, lat_max, lon_min, lon_max = _bbox(query.geo)
        conds += [model.lat.between(lat_min, lat_max), model.lon.between(lon_min, lon_max)]

    has_place = hasattr(model, "lat")
    columns = [model.id, spec.name_column, model.published_at, model.created_at]
    if has_place:
        columns += [model.lat, model.lon]
    rows = db.session.execute(select(*columns).where(*conds)).all()
    center = query.geo or query.near
    candidates = []
    for row in rows:
        row_id, name, published_at, created_at = row[:4]
        lat, lon = (row[4], row[5]) if has_place else (None, None)
        distance = None
        if center is not None and lat is not None and lon is not None:
            distance = haversine_km(center.lat, center.lon, lat, lon)
        if query.geo is not None and (distance is None or distance > query.geo.radius_km):
            continue
        when = published_at or created_at
        candidates.append((row_id, distance, sort_name(name), when.timestamp() if when else 0.0))

    if query.sort == "name":
        candidates.sort(key=lambda c: (c[2], c[0]))
    elif query.sort == "distance" and center is not None:
        candidates.sort(key=lambda c: (c[1] is None, c[1] or 0.0, c[0]))
    else:  # relevance has no meaning here: newest first
        candidates.sort(key=lambda c: (-c[3], -c[0]))

    total = len(candidates)
    page = candidates[query.offset : query.offset + query.limit]
    facets = {}
    if query.facets:
        if query.geo is not None and total <= EXACT_FACETS_MAX:
            base = select(model.id).where(model.id.in_([c[0] for c in candidates]))
        else:  # the SQL conditions (a bounding box instead of the exact circle) stay in SQL
            base = select(model.id).where(*conds)
        known = spec.facets()
        facets = _facet_counts(spec, base, [f for f in query.facets if f in known])
    loaded = spec.load([c[0] for c in page])
    hits: list[Hit] = []
    for row_id, distance, _name, _recent in page:
        row = loaded.get(row_id)
        doc = spec.to_document(row) if row is not None else None
        if doc is None:
            continue
        why = [Explanation("distance", {"km": round(distance, 1)})] if distance is not None else []
        hits.append(Hit(id=str(row_id), score=0.0, payload=doc.payload, distance_km=distance, why=why))
    return SearchResult(total=total, hits=hits, facets=facets, backend="database", degraded=True)


def fallback(spec: FallbackSpec) -> Callable[[SearchQuery], SearchResult]:
    """The ``EntitySpec.fallback`` for an entity described by ``spec``."""
    return lambda query: search_database(spec, query)


__all__ = ["PLACE_FACETS", "FallbackSpec", "Link", "column_range", "fallback", "search_database"]
