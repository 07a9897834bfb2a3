"""The demo generator's vocabulary (trades, names, places, sentence templates), read from ``data/*.toml``.

Why TOML: people write and review these files (sentences in four languages, names, places),
and TOML keeps their comments, needs no quoted keys and diffs line by line; JSON is for files
that programs write. Why validated here: a typo in a data file must fail on load with the file
and the key named, not as a KeyError deep inside the generator half-way through a demo load.
Lists are read in file order and become tuples; the generator draws by position, so its output
depends on the files' content only, never on hash seeds or dict order.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

DATA_DIR = Path(__file__).with_name("data")
#: Card languages: every per-language table has exactly these keys.
LANGS = ("en", "nl", "fr", "de")
#: The bio sentence banks the generator picks from, per card language ("1" first person, "3" third).
BIO_BANKS = tuple(
    part + person
    for part in (
        "intro",
        "starter",
        "mid",
        "senior",
        "work",
        "clients",
        "tools",
        "langs",
        "assignments",
        "collaborations",
        "mentoring",
        "closing",
    )
    for person in "13"
)

T = TypeVar("T")
Texts = tuple[str, ...]
Weights = tuple[tuple[str, float], ...]
#: A job title: one form, or (masculine, feminine) where the language marks gender.
Title = str | tuple[str, str]


class DataFileError(ValueError):
    """A data file is malformed; the message names the file and the key."""


@dataclass(frozen=True)
class Trade:
    key: str
    family: str
    title: dict[str, Title]
    work: dict[str, Texts]
    skills: dict[str, Texts]
    tools: Texts = ()
    weight: float = 1.0
    #: Extra English names to resolve the function code with when ``key`` is unknown.
    aliases: Texts = ()


@dataclass(frozen=True)
class ClientKind:
    key: str
    weight: float
    #: Sector codes (or names in any language, resolved through the taxonomy); unknown ones are skipped.
    sectors: Texts
    #: Trade keys this kind of organisation hires.
    hires: Texts
    names: dict[str, Texts]
    about: dict[str, Texts]


class Place(NamedTuple):
    name: str
    country: str
    #: Region kind: vl, wa, bru, dg in Belgium, else the country's own (nl, fr, de, lu, …).
    region: str
    weight: float
    #: How a card in a given language writes the name ("Gand"), when not as ``name``.
    local: dict[str, str]


class Origin(NamedTuple):
    male: Texts
    female: Texts
    surnames: Texts


class Spoken(NamedTuple):
    always: Texts
    #: (language, probability) pairs.
    maybe: Weights


@dataclass(frozen=True)
class Vocabulary:
    """Everything the generator draws from; one field per table of the data files."""

    # trades.toml
    trades: tuple[Trade, ...]
    # families.toml
    family_clients: dict[str, dict[str, Texts]]
    family_sentences: dict[str, dict[str, Texts]]
    trade_sentences: dict[str, dict[str, Texts]]
    # names.toml
    origins: dict[str, Origin]
    origin_mix: dict[str, Weights]
    # phrases.toml
    headline_needs_years: int
    conjunction: dict[str, str]
    pronouns: dict[str, tuple[str, str]]
    headlines: dict[str, Texts]
    bio: dict[str, dict[str, Texts]]
    when: dict[str, Texts]
    in_area: dict[str, dict[str, str]]
    study_cities: dict[str, Texts]
    # places.toml
    places: tuple[Place, ...]
    card_language: dict[str, Weights]
    spoken: dict[str, Spoken]
    heritage: dict[str, tuple[str, float]]
    language_names: dict[str, dict[str, str]]
    # clients.toml
    client_words: dict[str, Texts]
    client_hire: dict[str, Texts]
    client_founded: dict[str, Texts]
    client_contact: dict[str, Texts]
    client_kinds: tuple[ClientKind, ...]


# ------------------------------------------------------------------------------ checked reads


class _Invalid(Exception):
    def __init__(self, at: str, problem: str) -> None:
        super().__init__(f"{at}: {problem}")


def _what(value: Any) -> str:
    return {str: "a string", list: "a list", dict: "a table", bool: "a boolean"}.get(
        type(value), type(value).__name__
    )


def _table(value: Any, at: str, required: tuple[str, ...] = (), optional: tuple[str, ...] = ()) -> dict:
    """A table; with ``required``/``optional`` also no missing and no unknown (misspelt) keys."""
    if not isinstance(value, dict):
        raise _Invalid(at, f"expected a table, got {_what(value)}")
    for key in required:
        if key not in value:
            raise _Invalid(f"{at}.{key}" if at else key, "missing")
    if required or optional:
        for key in value:
            if key not in required and key not in optional:
                raise _Invalid(f"{at}.{key}" if at else key, "unknown key")
    return value


def _text(value: Any, at: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _Invalid(at, f"expected a non-empty string, got {_what(value)}")
    return value


def _texts(value: Any, at: str, size: int | None = None) -> Texts:
    if not isinstance(value, list) or not value:
        raise _Invalid(at, f"expected a non-empty list of strings, got {_what(value)}")
    if size is not None and len(value) != size:
        raise _Invalid(at, f"expected {size} strings, got {len(value)}")
    return tuple(_text(item, f"{at}[{i}]") for i, item in enumerate(value))


def _number(value: Any, at: str, *, upto: float | None = None) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        raise _Invalid(at, f"expected a positive number, got {value!r}")
    if upto is not None and value > upto:
        raise _Invalid(at, f"expected at most {upto}, got {value!r}")
    return value


def _weights(value: Any, at: str, *, upto: float | None = None, empty: bool = False) -> Weights:
    """[[name, weight], …]: a list of pairs, so that the order (which the draws depend on) is explicit."""
    if not isinstance(value, list) or (not value and not empty):
        raise _Invalid(at, f"expected a non-empty list of [name, number] pairs, got {_what(value)}")
    pairs = []
    for i, pair in enumerate(value):
        if not isinstance(pair, list) or len(pair) != 2:
            raise _Invalid(f"{at}[{i}]", "expected a [name, number] pair")
        pairs.append((_text(pair[0], f"{at}[{i}][0]"), _number(pair[1], f"{at}[{i}][1]", upto=upto)))
    return tuple(pairs)


def _per_lang(value: Any, at: str, read: Callable[[Any, str], T]) -> dict[str, T]:
    """A table with exactly the four card languages."""
    table = _table(value, at, LANGS)
    return {lang: read(item, f"{at}.{lang}") for lang, item in table.items()}


def _each(value: Any, at: str, read: Callable[[Any, str], T]) -> dict[str, T]:
    """A non-empty table of any keys, each value read alike."""
    table = _table(value, at)
    if not table:
        raise _Invalid(at, "expected at least one entry")
    return {key: read(item, f"{at}.{key}" if at else key) for key, item in table.items()}


def _per_lang_texts(value: Any, at: str) -> dict[str, Texts]:
    return _per_lang(value, at, _texts)


def _pair(value: Any, at: str) -> tuple[str, str]:
    first, second = _texts(value, at, size=2)
    return first, second


def _count(value: Any, at: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise _Invalid(at, f"expected a whole number, got {value!r}")
    return value


def _title(value: Any, at: str) -> Title:
    return _pair(value, at) if isinstance(value, list) else _text(value, at)


def _lookup(mapping: dict, key: str, at: str, what: str, where: str = "") -> None:
    if key not in mapping:
        raise _Invalid(at, f"unknown {what} {key!r}" + (f" ({where})" if where else ""))


# ------------------------------------------------------------------------------ files


def _parse(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as f:
            return tomllib.load(f)
    except tomllib.TOMLDecodeError as exc:
        raise DataFileError(f"{path}: {exc}") from exc


@contextmanager
def _blame(path: Path) -> Iterator[None]:
    """Turn a shape problem found while reading ``path`` into a DataFileError naming file and key."""
    try:
        yield
    except _Invalid as exc:
        raise DataFileError(f"{path}: {exc}") from None


def _keyed_list(
    raw: Any,
    name: str,
    required: tuple[str, ...],
    optional: tuple[str, ...],
    build: Callable[[dict, str], T],
) -> tuple[T, ...]:
    """``[[name]]`` tables, each with a unique ``key``, so errors say which entry ("trade[3] (dj)")."""
    if not isinstance(raw, list) or not raw:
        raise _Invalid(name, f"expected [[{name}]] tables")
    built: list[T] = []
    seen: set[str] = set()
    for i, item in enumerate(raw):
        entry = _table(item, f"{name}[{i}]")
        key = _text(entry.get("key"), f"{name}[{i}].key")
        at = f"{name}[{i}] ({key})"
        if key in seen:
            raise _Invalid(f"{at}.key", f"duplicate {name} key")
        seen.add(key)
        built.append(build(_table(entry, at, ("key", *required), optional), at))
    return tuple(built)


def _read_trade(t: dict, at: str) -> Trade:
    return Trade(
        key=t["key"],
        family=_text(t["family"], f"{at}.family"),
        title=_per_lang(t["title"], f"{at}.title", _title),
        work=_per_lang_texts(t["work"], f"{at}.work"),
        skills=_per_lang_texts(t["skills"], f"{at}.skills"),
        tools=_texts(t["tools"], f"{at}.tools") if "tools" in t else (),
        weight=_number(t.get("weight", 1.0), f"{at}.weight"),
        aliases=_texts(t["aliases"], f"{at}.aliases") if "aliases" in t else (),
    )


def _read_kind(t: dict, at: str) -> ClientKind:
    return ClientKind(
        key=t["key"],
        weight=_number(t["weight"], f"{at}.weight"),
        sectors=_texts(t["sectors"], f"{at}.sectors"),
        hires=_texts(t["hires"], f"{at}.hires"),
        names=_per_lang_texts(t["names"], f"{at}.names"),
        about=_per_lang_texts(t["about"], f"{at}.about"),
    )


def _read_origin(value: Any, at: str) -> Origin:
    t = _table(value, at, ("male", "female", "surnames"))
    return Origin(*(_texts(t[key], f"{at}.{key}") for key in ("male", "female", "surnames")))


def _read_bank(value: Any, at: str) -> dict[str, Texts]:
    return {key: _texts(item, f"{at}.{key}") for key, item in _table(value, at, BIO_BANKS).items()}


def _read_place(value: Any, at: str) -> Place:
    t = _table(value, at, ("name", "country", "region", "weight"), ("local",))
    local = _table(t.get("local", {}), f"{at}.local")
    for lang, name in local.items():
        if lang not in LANGS:
            raise _Invalid(f"{at}.local.{lang}", "not a card language")
        _text(name, f"{at}.local.{lang}")
    return Place(
        _text(t["name"], f"{at}.name"),
        _text(t["country"], f"{at}.country"),
        _text(t["region"], f"{at}.region"),
        _number(t["weight"], f"{at}.weight"),
        dict(local),
    )


def _read_spoken(value: Any, at: str) -> Spoken:
    t = _table(value, at, ("always", "maybe"))
    return Spoken(
        _texts(t["always"], f"{at}.always"), _weights(t["maybe"], f"{at}.maybe", upto=1, empty=True)
    )


def _read_heritage(value: Any, at: str) -> tuple[str, float]:
    t = _table(value, at, ("language", "chance"))
    return _text(t["language"], f"{at}.language"), _number(t["chance"], f"{at}.chance", upto=1)


def load_vocabulary(directory: Path = DATA_DIR) -> Vocabulary:
    """Read and check the data files (uncached: tests point it at a copy; use ``vocabulary()``)."""
    paths = {
        name: directory / f"{name}.toml"
        for name in ("trades", "families", "names", "phrases", "places", "clients")
    }
    with _blame(paths["trades"]):
        raw = _table(_parse(paths["trades"]), "", ("trade",))["trade"]
        trade_fields = ("family", "title", "work", "skills")
        trades = _keyed_list(raw, "trade", trade_fields, ("weight", "aliases", "tools"), _read_trade)
    by_key = {trade.key: trade for trade in trades}
    with _blame(paths["families"]):
        t = _table(_parse(paths["families"]), "", ("clients", "sentences", "trade_sentences"))
        family_clients = _each(t["clients"], "clients", _per_lang_texts)
        family_sentences = _each(t["sentences"], "sentences", _per_lang_texts)
        trade_sentences = _each(t["trade_sentences"], "trade_sentences", _per_lang_texts)
        for key in trade_sentences:
            _lookup(by_key, key, f"trade_sentences.{key}", "trade key", "not in trades.toml")
    with _blame(paths["trades"]):
        for i, trade in enumerate(trades):
            at = f"trade[{i}] ({trade.key}).family"
            _lookup(family_clients, trade.family, at, "family", "no [clients.…] in families.toml")
            _lookup(family_sentences, trade.family, at, "family", "no [sentences.…] in families.toml")
    with _blame(paths["names"]):
        t = _table(_parse(paths["names"]), "", ("origins", "origin_mix"))
        origins = _each(t["origins"], "origins", _read_origin)
        origin_mix = _each(t["origin_mix"], "origin_mix", _weights)
        for region, mix in origin_mix.items():
            for i, (origin, _weight) in enumerate(mix):
                _lookup(origins, origin, f"origin_mix.{region}[{i}]", "origin")
    with _blame(paths["phrases"]):
        t = _table(
            _parse(paths["phrases"]),
            "",
            (
                "headline_needs_years",
                "and",
                "pronouns",
                "headlines",
                "bio",
                "when",
                "in_area",
                "study_cities",
            ),
        )
        phrases = {
            "headline_needs_years": _count(t["headline_needs_years"], "headline_needs_years"),
            "conjunction": _per_lang(t["and"], "and", _text),
            "pronouns": _per_lang(t["pronouns"], "pronouns", _pair),
            "headlines": _per_lang_texts(t["headlines"], "headlines"),
            "bio": _per_lang(t["bio"], "bio", _read_bank),
            "when": _per_lang_texts(t["when"], "when"),
            "in_area": _each(t["in_area"], "in_area", lambda v, at: _per_lang(v, at, _text)),
            "study_cities": _per_lang_texts(t["study_cities"], "study_cities"),
        }
    with _blame(paths["places"]):
        t = _table(
            _parse(paths["places"]), "", ("places", "card_language", "spoken", "heritage", "language_names")
        )
        if not isinstance(t["places"], list) or not t["places"]:
            raise _Invalid("places", "expected a non-empty list of places")
        places = tuple(_read_place(item, f"places[{i}]") for i, item in enumerate(t["places"]))
        card_language = _each(t["card_language"], "card_language", _weights)
        spoken = _each(t["spoken"], "spoken", _read_spoken)
        heritage = _each(t["heritage"], "heritage", _read_heritage)
        language_names = _per_lang(t["language_names"], "language_names", lambda v, at: _each(v, at, _text))
        _check_places(places, card_language, spoken, heritage, language_names, origins, origin_mix, phrases)
    with _blame(paths["clients"]):
        t = _table(_parse(paths["clients"]), "", ("words", "hire", "founded", "contact", "kind"))
        kind_fields = ("weight", "sectors", "hires", "names", "about")
        kinds = _keyed_list(t["kind"], "kind", kind_fields, (), _read_kind)
        for k, kind in enumerate(kinds):
            for i, key in enumerate(kind.hires):
                _lookup(by_key, key, f"kind[{k}] ({kind.key}).hires[{i}]", "trade key", "not in trades.toml")
        clients = {
            "client_words": _per_lang_texts(t["words"], "words"),
            "client_hire": _per_lang_texts(t["hire"], "hire"),
            "client_founded": _per_lang_texts(t["founded"], "founded"),
            "client_contact": _per_lang_texts(t["contact"], "contact"),
        }
    return Vocabulary(
        trades=trades,
        family_clients=family_clients,
        family_sentences=family_sentences,
        trade_sentences=trade_sentences,
        origins=origins,
        origin_mix=origin_mix,
        places=places,
        card_language=card_language,
        spoken=spoken,
        heritage=heritage,
        language_names=language_names,
        client_kinds=kinds,
        **phrases,
        **clients,
    )


def _check_places(
    places: tuple[Place, ...],
    card_language: dict[str, Weights],
    spoken: dict[str, Spoken],
    heritage: dict[str, tuple[str, float]],
    language_names: dict[str, dict[str, str]],
    origins: dict[str, Origin],
    origin_mix: dict[str, Weights],
    phrases: dict[str, Any],
) -> None:
    """References from places.toml to the other tables the generator looks places up in."""
    for i, place in enumerate(places):
        at = f"places[{i}] ({place.name})"
        _lookup(card_language, place.region, f"{at}.region", "region kind", "no [card_language] entry")
        _lookup(spoken, place.region, f"{at}.region", "region kind", "no [spoken] entry")
        _lookup(
            origin_mix, place.region, f"{at}.region", "region kind", "no [origin_mix] entry in names.toml"
        )
        area = place.region if place.country == "BE" else place.country
        _lookup(phrases["in_area"], area, f"{at}.region", "area", "no [in_area] entry in phrases.toml")
    for region, mix in card_language.items():
        for i, (lang, _weight) in enumerate(mix):
            if lang not in LANGS:
                raise _Invalid(f"card_language.{region}[{i}]", f"{lang!r} is not a card language")
    named = set(LANGS)
    named.update(code for entry in spoken.values() for code in entry.always)
    named.update(code for entry in spoken.values() for code, _p in entry.maybe)
    named.update(code for code, _p in heritage.values())
    for lang, table in language_names.items():
        for code in sorted(named - set(table)):
            raise _Invalid(f"language_names.{lang}.{code}", "missing (a member may speak it)")
    for origin in heritage:
        _lookup(origins, origin, f"heritage.{origin}", "origin", "not in names.toml")


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    """The packaged vocabulary, read and checked once per process."""
    return load_vocabulary()


__all__ = [
    "ClientKind",
    "DataFileError",
    "Origin",
    "Place",
    "Spoken",
    "Trade",
    "Vocabulary",
    "load_vocabulary",
    "vocabulary",
]
