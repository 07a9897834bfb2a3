"""Turning any published row into an indexer ``Document``: the parts every module's builder shares.

A module's ``documents.py`` decides its text fields, facets, embedding sentence and payload;
this fills in what follows from the platform mixins: id, version and visibility
(``PublishableMixin``), place facets, coordinates and the English place phrase the encoders read
(``PlaceMixin``), sort keys, and the taxonomy labels that carry trade names across languages.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any, Callable, Iterable, Sequence

from sqlalchemy import select

from indexer.types import Document
from webapp.core.publishing import PUBLISHED
from webapp.core.text import sort_name
from webapp.extensions import db
from webapp.taxonomy.labels import all_labels, country_label, place_name_label
from webapp.taxonomy.text import unique


def region_key(country: str | None, region: str | None) -> str | None:
    """Region facet values carry their country ("BE.VLG"): admin1 codes repeat across countries."""
    if not country or not region:
        return None
    return f"{country.upper()}.{region}"


def city_key(row: Any) -> str | None:
    if row.place_id:
        return str(row.place_id)
    return row.place_name or None


def place_facets(row: Any) -> dict[str, list[str]]:
    """country / region / city facet values of a ``PlaceMixin`` row."""
    facets: dict[str, list[str]] = {}
    if row.country:
        facets["country"] = [row.country.upper()]
    region = region_key(row.country, row.region)
    if region:
        facets["region"] = [region]
    city = city_key(row)
    if city:
        facets["city"] = [city]
    return facets


def place_phrase(row: Any) -> str:
    """ "Ghent, Belgium": English names, which both encoders read well."""
    parts = [p for p in (place_name_label(row, "en"), country_label(row.country, "en")) if p]
    return ", ".join(parts)


def location(row: Any) -> tuple[float, float] | None:
    if getattr(row, "lat", None) is None or getattr(row, "lon", None) is None:
        return None
    return (float(row.lat), float(row.lon))


def published_timestamp(row: Any) -> float:
    """The "recent" sort key: when the row was published, else created."""
    when = row.published_at or row.created_at
    return when.timestamp() if when else 0.0


def taxonomy_labels(tags: Iterable[tuple[str, str]]) -> str:
    """Every label (four languages, synonyms) of the row's functions and sectors, for the lexical leg."""
    labels: list[str] = []
    for kind, code in tags:
        labels += all_labels(kind, code)
    return " | ".join(unique(labels))


def named_functions(*texts: str | None) -> list[str]:
    """Function codes the free texts name ("Netwerkavond illustratoren", "Stammtisch für
    Tontechniker", "Mentoring for junior graphic designers"), in order, for rows that have no
    function field of their own (events, listings): their labels in the four languages go into the
    lexical ``labels`` field, so an English "illustrators" meets a Dutch title, as a member card's
    function does."""
    from webapp.taxonomy.understand import title_functions

    codes: list[str] = []
    for text in texts:
        codes += title_functions(text)
    return unique(codes)


def row_document(
    row: Any,
    *,
    name: str,
    fields: dict[str, str],
    facets: dict[str, list[str]],
    embed_text: str,
    payload: dict[str, Any],
    lang: str | None = None,
    ranges: dict[str, list[Any]] | None = None,
) -> Document | None:
    """The row as the index sees it, or None when it must not be searchable (not published).

    Empty fields and facets are dropped; place facets are added for rows with a place.
    """
    if row.visibility not in PUBLISHED:
        return None
    if hasattr(row, "place_id"):
        facets = {**facets, **place_facets(row)}
    return Document(
        id=str(row.id),
        version=int(row.version or 1),
        visibility=row.visibility,
        fields={k: v for k, v in fields.items() if v},
        facets={k: v for k, v in facets.items() if v},
        location=location(row),
        lang=lang,
        embed_text=embed_text,
        sort={"name": sort_name(name), "recent": published_timestamp(row)},
        payload=payload,
        ranges={k: v for k, v in (ranges or {}).items() if v},
    )


def rows_by_id(model: Any, ids: Sequence[int], *options: Any) -> dict[int, Any]:
    """Rows of ``model`` by id in one query (``options``: eager loads, so hydration has no N+1)."""
    if not ids:
        return {}
    rows = db.session.scalars(select(model).where(model.id.in_(list(ids))).options(*options))
    # unique(): a joinedload of a collection repeats the parent row once per child.
    return {row.id: row for row in rows.unique()}


#: What every result list shows of a card-like row (PlaceMixin, PublishableMixin): see ``result_rows``.
RESULT_COLUMNS = ("id", "visibility", "place_id", "place_name", "country", "lat", "lon")


def result_rows(
    model: Any,
    ids: Sequence[int],
    columns: Sequence[str],
    sectors: tuple[Any, Any] | None = None,
) -> dict[int, SimpleNamespace]:
    """A result list's rows in ONE query, as plain read-only records: only ``columns`` (attribute
    names of ``model``; ``RESULT_COLUMNS`` are always added), and with ``sectors=(link model,
    its foreign key column)`` the row's sector codes in their order as ``.sectors``.

    Why not ORM rows: a page of 20 cards then costs one round trip and no identity map, no JSON,
    text or date columns the list does not show (a third of a search request's database time).
    The records are fresh from the database on every call (visibility included), never cached.
    """
    if not ids:
        return {}
    names = list(dict.fromkeys((*RESULT_COLUMNS, *columns)))
    selected = [getattr(model, name) for name in names]
    stmt = select(*selected).where(model.id.in_(list(ids)))
    if sectors is not None:
        link, foreign_key = sectors
        stmt = (
            stmt.add_columns(link.sector_code)
            .outerjoin(link, foreign_key == model.id)
            .order_by(model.id, link.position)
        )
    out: dict[int, SimpleNamespace] = {}
    for row in db.session.execute(stmt):
        record = out.get(row[0])
        if record is None:
            record = out[row[0]] = SimpleNamespace(**dict(zip(names, row, strict=False)), sectors=[])
        if sectors is not None and row[-1] is not None:
            record.sectors.append(row[-1])
    return out


def builder(
    load: Callable[[Sequence[int]], dict[int, Any]], to_document: Callable[[Any], Document | None]
) -> Callable[[list[int]], dict[int, Document | None]]:
    """An ``EntitySpec.build``: ids → documents (None for rows gone or not searchable)."""

    def build(ids: list[int]) -> dict[int, Document | None]:
        rows = load(ids)
        return {i: (to_document(rows[i]) if i in rows else None) for i in ids}

    return build


def published_ids(model: Any) -> Callable[[], list[int]]:
    """An ``EntitySpec.all_ids``: the ids of every published row, in id order."""

    def ids() -> list[int]:
        return list(
            db.session.scalars(select(model.id).where(model.visibility.in_(PUBLISHED)).order_by(model.id))
        )

    return ids


__all__ = [
    "RESULT_COLUMNS",
    "result_rows",
    "builder",
    "published_ids",
    "rows_by_id",
    "city_key",
    "location",
    "place_facets",
    "place_phrase",
    "published_timestamp",
    "region_key",
    "row_document",
    "taxonomy_labels",
]
