"""Member and client cards as search documents, and the database fallback search.

The index only ever holds published cards (community or public); a draft or an
unpublished card builds to ``None`` so the outbox deletes it. Nothing private
goes in: no e-mail address (not even a public one), no contact address, no
account data. The fallback answers a ``SearchQuery`` from the database with
filters and a plain substring match, so search keeps working (flagged degraded)
while the backend is down.
"""

from __future__ import annotations

import math
import unicodedata
from typing import Any, Callable, Iterable, Sequence

from flask import Flask
from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import selectinload

from indexer.types import Document, Explanation, Hit, SearchQuery, SearchResult
from webapp.directory.models import (
    PUBLISHED,
    ClientProfile,
    ClientSector,
    MemberLanguage,
    MemberProfile,
    MemberSector,
)
from webapp.directory.service import country_label, place_name_label, taxonomy, taxonomy_label
from webapp.extensions import db
from webapp.taxonomy import haversine_km

#: Characters of the bio in the embedding text: trade, sectors, place, headline and skills come
#: first; the whole bio stays in the lexical leg. Longer texts cost encode time (~3x at 600).
EMBED_BIO_CHARS = 300
#: Facets the fallback can count.
FALLBACK_FACETS = ("sector", "function", "country", "region", "city", "language")


# --- small helpers ---------------------------------------------------------------------------


def sort_name(name: str) -> str:
    """Accent- and case-insensitive sort key, so "Émile" sorts with "Emile"."""
    decomposed = unicodedata.normalize("NFKD", name or "")
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold().strip()


def _unique(items: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    out: list[str] = []
    for item in items:
        item = (item or "").strip()
        key = item.casefold()
        if item and key not in seen:
            seen.add(key)
            out.append(item)
    return out


def _label(kind: str, code: str | None) -> str:
    """The English label: documents are built the same whoever's request queued them."""
    return taxonomy_label(kind, code, "en")


def _all_labels(kind: str, code: str) -> list[str]:
    """Every label and synonym, canonical English first (the English encoder relies on it);
    an unknown code contributes only itself."""
    return _unique([_label(kind, code), *taxonomy().all_labels(kind, code)])


def _truncate(text: str, limit: int) -> str:
    text = " ".join((text or "").split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut.rstrip(",;:") + "…"


def _timestamp(card: Any) -> float:
    when = card.published_at or card.created_at
    return when.timestamp() if when else 0.0


def region_key(country: str | None, region: str | None) -> str | None:
    """Region facet values carry their country ("BE.VLG"): admin1 codes repeat across countries."""
    if not country or not region:
        return None
    return f"{country.upper()}.{region}"


def city_key(card: Any) -> str | None:
    if card.place_id:
        return str(card.place_id)
    return card.place_name or None


def _place_facets(card: Any) -> dict[str, list[str]]:
    facets: dict[str, list[str]] = {}
    if card.country:
        facets["country"] = [card.country.upper()]
    region = region_key(card.country, card.region)
    if region:
        facets["region"] = [region]
    city = city_key(card)
    if city:
        facets["city"] = [city]
    return facets


def _place_phrase(card: Any) -> str:
    """ "Ghent, Belgium": English names, which both encoders read well."""
    parts = [p for p in (place_name_label(card, "en"), country_label(card.country, "en")) if p]
    return ", ".join(parts)


def _location(card: Any) -> tuple[float, float] | None:
    if card.lat is None or card.lon is None:
        return None
    return (float(card.lat), float(card.lon))


# --- documents ---------------------------------------------------------------------------------


def member_payload(profile: MemberProfile) -> dict[str, Any]:
    """What a hit may show without touching the database; display-safe fields only."""
    return {
        "name": profile.display_name,
        "function": profile.function_code,
        "function_text": profile.function_text,
        "sectors": list(profile.sectors),
        "place": profile.place_name,
        "country": profile.country,
        "headline": profile.headline,
        "photo": profile.photo_filename,
        "visibility": profile.visibility,
    }


def member_functions(profile: MemberProfile) -> list[str]:
    """The functions a card is searched as: its taxonomy code and what its free-text title
    names ("Sportfotograaf" → photographer, "Graphiste et webdesigner" → graphic designer and
    web designer). A title the taxonomy cannot resolve as a whole still names a trade that
    clients search for, in any language, and that query understanding boosts."""
    codes = [profile.function_code] if profile.function_code else []
    if profile.function_text:
        from webapp.taxonomy.understand import title_functions

        codes += title_functions(profile.function_text)
    return list(dict.fromkeys(codes))


def member_embed_text(profile: MemberProfile, functions: Sequence[str] | None = None) -> str:
    """A compact natural sentence: the encoders read trade, sector and place before the bio."""
    if functions is None:
        functions = member_functions(profile)
    labels = [_label("function", code) for code in functions]
    function = " / ".join(labels)
    if profile.function_text and sort_name(profile.function_text) not in {sort_name(x) for x in labels}:
        function = f"{function} ({profile.function_text})" if function else profile.function_text
    sectors = ", ".join(_label("sector", code) for code in profile.sectors)
    lead = function or profile.display_name
    if sectors:
        lead += f" ({sectors})"
    place = _place_phrase(profile)
    if place:
        lead += f" in {place}"
    parts = [lead]
    if profile.headline:
        parts.append(profile.headline.strip().rstrip("."))
    if profile.skills:
        parts.append("Skills: " + ", ".join(str(s) for s in profile.skills))
    text = ". ".join(p for p in parts if p) + "."
    if profile.bio:
        text += " " + _truncate(profile.bio, EMBED_BIO_CHARS)
    return text


def member_document(profile: MemberProfile) -> Document | None:
    """The card as the index sees it, or None when it must not be searchable (a draft)."""
    if profile.visibility not in PUBLISHED:
        return None
    labels: list[str] = []
    functions = member_functions(profile)
    for code in functions:
        labels += _all_labels("function", code)
    for code in profile.sectors:
        labels += _all_labels("sector", code)
    keywords = _unique([str(s) for s in (profile.skills or [])] + [profile.function_text or ""])
    fields = {
        "title": profile.display_name,
        "labels": " | ".join(_unique(labels)),
        "headline": profile.headline or "",
        "keywords": " | ".join(keywords),
        "body": profile.bio or "",
    }
    facets = {
        "sector": list(profile.sectors),
        "function": functions,
        "language": sorted(set(profile.languages)),
        **_place_facets(profile),
    }
    return Document(
        id=str(profile.id),
        version=int(profile.version or 1),
        visibility=profile.visibility,
        fields={k: v for k, v in fields.items() if v},
        facets={k: v for k, v in facets.items() if v},
        location=_location(profile),
        lang=profile.card_language,
        embed_text=member_embed_text(profile, functions),
        sort={"name": sort_name(profile.display_name), "recent": _timestamp(profile)},
        payload=member_payload(profile),
    )


def client_payload(profile: ClientProfile) -> dict[str, Any]:
    return {
        "name": profile.name,
        "sectors": list(profile.sectors),
        "place": profile.place_name,
        "country": profile.country,
        "headline": _truncate(profile.description or "", 160),
        "visibility": profile.visibility,
    }


def client_embed_text(profile: ClientProfile) -> str:
    sectors = ", ".join(_label("sector", code) for code in profile.sectors)
    lead = profile.name
    if sectors:
        lead += f" ({sectors})"
    place = _place_phrase(profile)
    if place:
        lead += f" in {place}"
    text = lead + "."
    if profile.description:
        text += " " + _truncate(profile.description, EMBED_BIO_CHARS)
    return text


def client_document(profile: ClientProfile) -> Document | None:
    """An organisation's card as the index sees it; the contact person's name stays out."""
    if profile.visibility not in PUBLISHED:
        return None
    labels: list[str] = []
    for code in profile.sectors:
        labels += _all_labels("sector", code)
    fields = {
        "title": profile.name,
        "labels": " | ".join(_unique(labels)),
        "body": profile.description or "",
    }
    facets = {"sector": list(profile.sectors), **_place_facets(profile)}
    return Document(
        id=str(profile.id),
        version=int(profile.version or 1),
        visibility=profile.visibility,
        fields={k: v for k, v in fields.items() if v},
        facets={k: v for k, v in facets.items() if v},
        location=_location(profile),
        lang=profile.card_language,
        embed_text=client_embed_text(profile),
        sort={"name": sort_name(profile.name), "recent": _timestamp(profile)},
        payload=client_payload(profile),
    )


# --- loading rows --------------------------------------------------------------------------------


def load_members(ids: Sequence[int]) -> dict[int, MemberProfile]:
    """Rows with their sector and language links, in one round trip per table (no N+1)."""
    if not ids:
        return {}
    rows = db.session.scalars(
        select(MemberProfile)
        .where(MemberProfile.id.in_(list(ids)))
        .options(selectinload(MemberProfile.sector_links), selectinload(MemberProfile.language_links))
    )
    return {row.id: row for row in rows}


def load_clients(ids: Sequence[int]) -> dict[int, ClientProfile]:
    if not ids:
        return {}
    rows = db.session.scalars(
        select(ClientProfile)
        .where(ClientProfile.id.in_(list(ids)))
        .options(selectinload(ClientProfile.sector_links))
    )
    return {row.id: row for row in rows}


def build_members(ids: list[int]) -> dict[int, Document | None]:
    rows = load_members(ids)
    return {i: (member_document(rows[i]) if i in rows else None) for i in ids}


def build_clients(ids: list[int]) -> dict[int, Document | None]:
    rows = load_clients(ids)
    return {i: (client_document(rows[i]) if i in rows else None) for i in ids}


def member_ids() -> Iterable[int]:
    return db.session.scalars(
        select(MemberProfile.id).where(MemberProfile.visibility.in_(PUBLISHED)).order_by(MemberProfile.id)
    ).all()


def client_ids() -> Iterable[int]:
    return db.session.scalars(
        select(ClientProfile.id).where(ClientProfile.visibility.in_(PUBLISHED)).order_by(ClientProfile.id)
    ).all()


# --- the database fallback ------------------------------------------------------------------------


def _like_escape(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class _FallbackEntity:
    """How the fallback reaches one entity's columns."""

    def __init__(
        self,
        model: Any,
        sector_model: Any,
        language_model: Any | None,
        text_columns: Callable[[], list[Any]],
        name_column: Any,
        function_column: Any | None,
        to_document: Callable[[Any], Document | None],
        loader: Callable[[Sequence[int]], dict[int, Any]],
    ) -> None:
        self.model = model
        self.sector_model = sector_model
        self.language_model = language_model
        self.text_columns = text_columns
        self.name_column = name_column
        self.function_column = function_column
        self.to_document = to_document
        self.loader = loader

    def facet_condition(self, field: str, values: tuple[str, ...]) -> Any:
        model = self.model
        if field == "sector":
            return model.id.in_(
                select(self.sector_model.profile_id).where(self.sector_model.sector_code.in_(values))
            )
        if field == "language":
            if self.language_model is None:
                return False
            return model.id.in_(
                select(self.language_model.profile_id).where(self.language_model.language.in_(values))
            )
        if field == "function":
            return self.function_column.in_(values) if self.function_column is not None else False
        if field == "country":
            return func.upper(model.country).in_([v.upper() for v in values])
        if field == "region":
            conds = []
            for value in values:
                country, _, region = value.partition(".")
                if region:
                    conds.append(and_(func.upper(model.country) == country.upper(), model.region == region))
            return or_(*conds) if conds else False
        if field == "city":
            ids = [int(v) for v in values if v.isdigit()]
            names = [v for v in values if not v.isdigit()]
            return or_(model.place_id.in_(ids), model.place_name.in_(names))
        return False  # an unknown facet matches nothing rather than everything


def _text_condition(spec: _FallbackEntity, query: SearchQuery) -> Any | None:
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
    for field, values in query.boosts.items():
        if values and field in ("sector", "function"):
            alternatives.append(spec.facet_condition(field, tuple(values)))
    if not alternatives:
        return None
    return or_(*alternatives)


def _bbox(geo: Any) -> tuple[float, float, float, float]:
    dlat = geo.radius_km / 111.0
    dlon = geo.radius_km / (111.0 * max(0.05, math.cos(math.radians(geo.lat))))
    return geo.lat - dlat, geo.lat + dlat, geo.lon - dlon, geo.lon + dlon


def _facet_counts(
    spec: _FallbackEntity, base_ids: Select, fields: Sequence[str]
) -> dict[str, list[tuple[str, int]]]:
    model = spec.model
    out: dict[str, list[tuple[str, int]]] = {}
    for field in fields:
        if field == "sector":
            col = spec.sector_model.sector_code
            stmt = select(col, func.count()).where(spec.sector_model.profile_id.in_(base_ids)).group_by(col)
        elif field == "language" and spec.language_model is not None:
            col = spec.language_model.language
            stmt = select(col, func.count()).where(spec.language_model.profile_id.in_(base_ids)).group_by(col)
        elif field == "function" and spec.function_column is not None:
            col = spec.function_column
            stmt = select(col, func.count()).where(model.id.in_(base_ids), col.is_not(None)).group_by(col)
        elif field == "country":
            col = func.upper(model.country)
            stmt = (
                select(col, func.count())
                .where(model.id.in_(base_ids), model.country.is_not(None))
                .group_by(col)
            )
        elif field == "region":
            stmt = (
                select(func.upper(model.country), model.region, func.count())
                .where(model.id.in_(base_ids), model.region.is_not(None), model.country.is_not(None))
                .group_by(func.upper(model.country), model.region)
            )
            rows = db.session.execute(stmt).all()
            counts = [(f"{c}.{r}", n) for c, r, n in rows]
            out[field] = sorted(counts, key=lambda kv: (-kv[1], kv[0]))
            continue
        elif field == "city":
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
            out[field] = sorted(merged.items(), key=lambda kv: (-kv[1], kv[0]))
            continue
        else:
            continue
        rows = db.session.execute(stmt).all()
        out[field] = sorted(((str(k), n) for k, n in rows if k), key=lambda kv: (-kv[1], kv[0]))
    return out


def _fallback(spec: _FallbackEntity, query: SearchQuery) -> SearchResult:
    """Filters, visibility and a substring match in SQL; distances in Python on a bounding box."""
    model = spec.model
    conds = [model.visibility.in_([v for v in query.visibility if v in PUBLISHED])]
    for field, values in query.filters.items():
        if values:
            conds.append(spec.facet_condition(field, tuple(values)))
    text_cond = _text_condition(spec, query)
    if text_cond is not None:
        conds.append(text_cond)
    if query.geo is not None:
        lat_min, lat_max, lon_min, lon_max = _bbox(query.geo)
        conds += [model.lat.between(lat_min, lat_max), model.lon.between(lon_min, lon_max)]

    rows = db.session.execute(
        select(model.id, model.lat, model.lon, spec.name_column, model.published_at, model.created_at).where(
            *conds
        )
    ).all()
    center = query.geo or query.near
    candidates = []
    for row_id, lat, lon, name, published_at, created_at in rows:
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
        if query.geo is not None and total <= 20_000:
            base = select(model.id).where(model.id.in_([c[0] for c in candidates]))
        else:  # the SQL conditions (a bounding box instead of the exact circle) stay in SQL
            base = select(model.id).where(*conds)
        facets = _facet_counts(spec, base, [f for f in query.facets if f in FALLBACK_FACETS])
    loaded = spec.loader([c[0] for c in page])
    hits: list[Hit] = []
    for row_id, distance, _name, _recent in page:
        row = loaded.get(row_id)
        doc = spec.to_document(row) if row is not None else None
        if doc is None:
            continue
        why = [Explanation("distance", {"km": round(distance, 1)})] if distance is not None else []
        hits.append(Hit(id=str(row_id), score=0.0, payload=doc.payload, distance_km=distance, why=why))
    return SearchResult(total=total, hits=hits, facets=facets, backend="database", degraded=True)


MEMBER_FALLBACK = _FallbackEntity(
    model=MemberProfile,
    sector_model=MemberSector,
    language_model=MemberLanguage,
    text_columns=lambda: [MemberProfile.display_name, MemberProfile.headline, MemberProfile.function_text],
    name_column=MemberProfile.display_name,
    function_column=MemberProfile.function_code,
    to_document=member_document,
    loader=load_members,
)

CLIENT_FALLBACK = _FallbackEntity(
    model=ClientProfile,
    sector_model=ClientSector,
    language_model=None,
    text_columns=lambda: [ClientProfile.name, ClientProfile.description],
    name_column=ClientProfile.name,
    function_column=None,
    to_document=client_document,
    loader=load_clients,
)


def member_fallback(query: SearchQuery) -> SearchResult:
    return _fallback(MEMBER_FALLBACK, query)


def client_fallback(query: SearchQuery) -> SearchResult:
    return _fallback(CLIENT_FALLBACK, query)


# --- registration ----------------------------------------------------------------------------------


def register(app: Flask) -> None:
    """Called by create_app: the two indexed entities, the nav entry and the home-page section."""
    from webapp.core.search import EntitySpec, register_entity

    register_entity(app, EntitySpec("member", build_members, member_ids, member_fallback))
    register_entity(app, EntitySpec("client", build_clients, client_ids, client_fallback))

    from webapp.directory.search_views import init_site

    init_site(app)
