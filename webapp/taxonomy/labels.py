"""Labels in the reader's language: sectors, functions, countries, languages, regions and places.

Platform vocabulary: every module shows these (cards, listings, events, facets, "why" lines),
so each is computed here once. ``lang`` defaults to the request's locale; outside a request
English. Rows are duck-typed: anything with ``place_id``/``place_name``/``country`` (the core
``PlaceMixin``) has a place label.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Iterable

from webapp.taxonomy.text import unique


def reader_language(lang: str | None = None) -> str:
    """``lang``, else the request's locale (Flask-Babel), else English."""
    if lang:
        return lang
    try:
        from flask_babel import get_locale

        locale = get_locale()
    except (RuntimeError, KeyError):  # outside an app or request context
        locale = None
    return str(locale or "en")


def taxonomy_label(kind: str, code: str | None, lang: str | None = None) -> str:
    """A sector or function label in the reader's language; an unknown code shows as itself."""
    if not code:
        return ""
    from webapp.taxonomy import get_taxonomy

    return get_taxonomy().label(kind, code, reader_language(lang))


def sector_labels(codes: Iterable[str], lang: str | None = None) -> list[str]:
    return [taxonomy_label("sector", code, lang) for code in codes]


@lru_cache(maxsize=16)
def _locale(lang: str) -> Any:
    from babel import Locale

    return Locale.parse(lang)


def language_label(code: str, lang: str | None = None) -> str:
    """A language's name in the reader's language (CLDR): "néerlandais" for nl, read in French."""
    return _locale(reader_language(lang)).languages.get(code) or code


def country_label(code: str | None, lang: str | None = None) -> str:
    """A country's name in the reader's language (CLDR); the code itself when unknown."""
    if not code:
        return ""
    return _locale(reader_language(lang)).territories.get(code.upper(), code.upper())


def region_label(key: str, lang: str | None = None) -> str:
    """A region facet value ("BE.VLG") as "Vlaanderen (BE)"."""
    from webapp.taxonomy import get_gazetteer

    country, _dot, code = key.partition(".")
    return f"{get_gazetteer().region_label(country, code, reader_language(lang)) or code} ({country})"


def place_id_label(place_id: int | str, lang: str | None = None) -> str | None:
    """A gazetteer place's name in the reader's language ("Gand"), None when unknown."""
    from webapp.taxonomy import get_gazetteer

    gazetteer = get_gazetteer()
    place = gazetteer.get(place_id)
    return gazetteer.label(place, reader_language(lang)) if place is not None else None


def place_name_label(row: Any, lang: str | None = None) -> str | None:
    """A row's place name in the reader's language ("Gand" for a French reader)."""
    if row is None or not row.place_name:
        return None
    if row.place_id:
        label = place_id_label(row.place_id, lang)
        if label is not None:  # else the place left the gazetteer: the stored name still does
            return label
    return row.place_name


def place_label(row: Any, lang: str | None = None) -> str | None:
    """A row's place in the reader's language, with its country ("Gand, Belgique")."""
    name = place_name_label(row, lang)
    if name is None:
        return None
    country = country_label(row.country, lang)
    return f"{name}, {country}" if country else name


def all_labels(kind: str, code: str) -> list[str]:
    """Every label and synonym of a sector or function, canonical English first (the English
    encoder relies on it); an unknown code contributes only itself."""
    from webapp.taxonomy import get_taxonomy

    return unique([taxonomy_label(kind, code, "en"), *get_taxonomy().all_labels(kind, code)])


def function_sectors(code: str) -> list[str]:
    """The sectors a function belongs to (a photographer: photography)."""
    from webapp.taxonomy import get_taxonomy

    entry = get_taxonomy().functions.get(code)
    return list(entry.sectors) if entry else []


__all__ = [
    "all_labels",
    "country_label",
    "function_sectors",
    "language_label",
    "place_id_label",
    "place_label",
    "place_name_label",
    "reader_language",
    "region_label",
    "sector_labels",
    "taxonomy_label",
]
