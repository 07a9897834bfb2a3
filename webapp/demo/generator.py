"""Deterministic demo members and clients, as records for webapp.directory.importer.

Why deterministic: the demo must look the same on every machine and every run, and
``flask demo load`` must be idempotent (the importer keys on ``external_id``), so record *i*
depends only on the seed and on records before it, never on N, hash seeds or dict order.
Growing N therefore appends records and leaves the first ones untouched.

Cards follow their place: Flemish towns write Dutch, Walloon ones French, Brussels a mix of
French, Dutch and English, East Belgium German, abroad the local language or English. Function
codes and sectors come from the taxonomy (a trade the taxonomy does not know is never emitted);
place names are the gazetteer's, written the way the card's language writes them ("Gand").
"""

from __future__ import annotations

import bisect
import random
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate
from typing import Any, Iterator, Sequence, TypeVar

from webapp.demo.vocabulary import ClientKind, Place, Trade, vocabulary

#: Experience is counted from this year, not from today: output must not change over time.
REFERENCE_YEAR = 2025
EMAIL_DOMAIN = "demo.kring.example"
MEMBER_PREFIX = "demo-m-"
CLIENT_PREFIX = "demo-c-"
LANGS = ("nl", "fr", "de", "en")
HEADLINE_MAX = 160
#: The data files (webapp/demo/data/*.toml), read once when the generator is first imported.
_V = vocabulary()

T = TypeVar("T")


# ------------------------------------------------------------------------------ helpers


class _Weighted:
    """Weighted choice by bisecting cumulative weights: one rng.random() per draw."""

    __slots__ = ("items", "cum", "total")

    def __init__(self, pairs: Sequence[tuple[Any, float]]):
        self.items = [item for item, _ in pairs]
        self.cum = list(accumulate(weight for _, weight in pairs))
        self.total = self.cum[-1]

    def pick(self, rng: random.Random) -> Any:
        return self.items[bisect.bisect_right(self.cum, rng.random() * self.total)]


def _choice(rng: random.Random, seq: Sequence[T]) -> T:
    """rng.choice without its overhead (one random() per draw; the stream stays deterministic)."""
    return seq[int(rng.random() * len(seq))]


def _sample(rng: random.Random, seq: Sequence[T], k: int) -> list[T]:
    """k distinct items in random order (partial Fisher-Yates), cheaper than rng.sample."""
    pool = list(seq)
    n = len(pool)
    k = min(k, n)
    for i in range(k):
        j = i + int(rng.random() * (n - i))
        pool[i], pool[j] = pool[j], pool[i]
    return pool[:k]


def _ascii(text: str) -> str:
    text = text.replace("ß", "ss").replace("ø", "o").replace("æ", "ae").replace("ı", "i").replace("ł", "l")
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def slug(text: str, sep: str = "") -> str:
    """ASCII, lower case, only letters and digits (joined by ``sep``): for e-mails and domains."""
    return re.sub(r"[^a-z0-9]+", sep, _ascii(text).lower()).strip(sep)


def cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def join_list(items: Sequence[str], lang: str) -> str:
    """ "a, b and c"; with a comma before the last "and" when an item has its own "and"."""
    if len(items) <= 1:
        return "".join(items)
    conj = f" {_V.conjunction[lang]} "
    comma = "," if any(conj in item for item in items[:-1]) else ""
    return ", ".join(items[:-1]) + comma + conj + items[-1]


def _starts_with_vowel_sound(word: str) -> bool:
    return word[:1].lower() in "aeiou" and not word.startswith(("U", "uni", "use", "Eu"))


def en_article(title: str) -> str:
    return ("an " if _starts_with_vowel_sound(title) else "a ") + title


def fr_de(phrase: str) -> str:
    """French "de" + phrase, contracted (du, des, de l', d'…)."""
    for article, replacement in (
        ("le ", "du "),
        ("les ", "des "),
        ("la ", "de la "),
        ("l'", "de l'"),
        ("un ", "d'un "),
        ("une ", "d'une "),
    ):
        if phrase.startswith(article):
            return replacement + phrase[len(article) :]
    if phrase.startswith("des "):
        phrase = phrase[4:]
    return ("d'" if phrase[:1].lower() in "aeiouyéèêh" else "de ") + phrase


def fr_a(phrase: str) -> str:
    """French "à" + phrase, contracted (au, aux…)."""
    for article, replacement in (("le ", "au "), ("les ", "aux ")):
        if phrase.startswith(article):
            return replacement + phrase[len(article) :]
    return "à " + phrase


def _title(trade: Trade, lang: str, gender: str) -> str:
    title = trade.title[lang]
    if isinstance(title, tuple):
        return title[1] if gender == "f" else title[0]
    return title


def _langs_in(codes: Sequence[str], lang: str) -> str:
    names_ = [_V.language_names[lang][c] for c in codes]
    if lang == "en":
        return "in " + join_list(names_, lang)
    if lang == "nl":
        return "in " + join_list(["het " + n for n in names_], lang)
    if lang == "fr":
        return join_list(["en " + n for n in names_], lang)
    return "auf " + join_list(names_, lang)


# ------------------------------------------------------------------------------ catalogue


@dataclass(frozen=True)
class ResolvedTrade:
    trade: Trade
    code: str
    sectors: tuple[str, ...]


@dataclass(frozen=True)
class ResolvedKind:
    kind: ClientKind
    sectors: tuple[str, ...]
    hires: tuple[ResolvedTrade, ...]


@dataclass(frozen=True)
class Catalogue:
    """The static vocabulary matched against the taxonomy (function codes, their sectors)."""

    trades: tuple[ResolvedTrade, ...]
    kinds: tuple[ResolvedKind, ...]
    dropped: tuple[str, ...]


def _resolve_trade(taxonomy: Any, trade: Trade) -> str | None:
    if trade.key in taxonomy.functions:
        return trade.key
    candidates: list[str] = []
    for lang in ("en",):
        title = trade.title[lang]
        candidates += list(title) if isinstance(title, tuple) else [title]
    candidates += list(trade.aliases)
    for lang in ("nl", "fr", "de"):
        title = trade.title[lang]
        candidates += list(title) if isinstance(title, tuple) else [title]
    for name in candidates:
        code = taxonomy.resolve("function", name)
        if code:
            return code
    return None


def build_catalogue(taxonomy: Any) -> Catalogue:
    """Match trades and client kinds to taxonomy codes; what cannot be matched is dropped."""
    resolved: list[ResolvedTrade] = []
    dropped: list[str] = []
    for trade in _V.trades:
        code = _resolve_trade(taxonomy, trade)
        function = taxonomy.functions.get(code) if code else None
        sectors = tuple(s for s in (getattr(function, "sectors", None) or ()) if s in taxonomy.sectors)
        if function is None or not sectors:
            dropped.append(trade.key)
            continue
        resolved.append(ResolvedTrade(trade, code, sectors))
    by_key = {r.trade.key: r for r in resolved}
    kinds: list[ResolvedKind] = []
    for kind in _V.client_kinds:
        hires = tuple(by_key[k] for k in kind.hires if k in by_key)
        sectors: list[str] = []
        for name in kind.sectors:
            code = name if name in taxonomy.sectors else taxonomy.resolve("sector", name)
            if code and code not in sectors:
                sectors.append(code)
        if not sectors:
            # Fall back to the sectors most common among the trades this kind hires.
            counts: dict[str, int] = {}
            for hire in hires:
                for code in hire.sectors:
                    counts[code] = counts.get(code, 0) + 1
            sectors = sorted(counts, key=lambda c: -counts[c])[:2]  # stable: first seen wins ties
        if len(hires) < 2 or not sectors:
            dropped.append("client:" + kind.key)
            continue
        kinds.append(ResolvedKind(kind, tuple(sectors), hires))
    if not resolved or not kinds:
        raise RuntimeError("the taxonomy matches none of the demo trades; is it loaded?")
    return Catalogue(tuple(resolved), tuple(kinds), tuple(dropped))


@lru_cache(maxsize=1)
def catalogue() -> Catalogue:
    from webapp.taxonomy import get_taxonomy

    return build_catalogue(get_taxonomy())


# ------------------------------------------------------------------------------ static tables

_PLACES = _Weighted([(p, p.weight) for p in _V.places])
_CARD_LANG = {kind: _Weighted(mix) for kind, mix in _V.card_language.items()}
_ORIGIN = {kind: _Weighted(mix) for kind, mix in _V.origin_mix.items()}
_VISIBILITY_MEMBER = _Weighted([("public", 80), ("community", 14), ("draft", 6)])
_VISIBILITY_CLIENT = _Weighted([("public", 85), ("community", 12), ("draft", 3)])
_START_WORDS = tuple(w for w in _V.client_words["en"] if w.isalpha())


def _area_key(place: Place) -> str:
    return place.region if place.country == "BE" else place.country


def local_name(place: Place, lang: str) -> str:
    return place.local.get(lang, place.name)


def _person(rng: random.Random, region: str) -> tuple[str, str, str, str]:
    """(first name, family name, gender "m"/"f", origin)."""
    origin = _ORIGIN[region].pick(rng)
    male, female, surnames = _V.origins[origin]
    gender = "f" if rng.random() < 0.5 else "m"
    first = _choice(rng, female if gender == "f" else male)
    return first, _choice(rng, surnames), gender, origin


def _spoken(rng: random.Random, region: str, card_lang: str, origin: str) -> list[str]:
    base, extras = _V.spoken[region]
    spoken = list(base)
    for code, p in extras:
        if rng.random() < p and code not in spoken:
            spoken.append(code)
    heritage = _V.heritage.get(origin)
    if heritage and heritage[0] not in spoken and rng.random() < heritage[1]:
        spoken.append(heritage[0])
    if card_lang not in spoken:
        spoken.insert(0 if card_lang == "en" and region in ("es", "it", "se") else 1, card_lang)
    return spoken


def _experience(rng: random.Random) -> tuple[int, str, str]:
    """(years, level, bucket) with bucket one of starter/mid/senior for the bio templates."""
    roll = rng.random()
    if roll < 0.18:
        years = rng.randint(0, 2)
    elif roll < 0.63:
        years = rng.randint(3, 10)
    else:
        years = min(35, 11 + int(rng.expovariate(1 / 8)))
    bucket = "starter" if years < 3 else "mid" if years <= 10 else "senior"
    level = "starter" if years < 3 else "experienced" if years < 8 else "senior" if years <= 15 else "expert"
    return years, level, bucket


# ------------------------------------------------------------------------------ members


def _member_slots(
    rng: random.Random,
    rt: ResolvedTrade,
    lang: str,
    place: Place,
    first: str,
    last: str,
    gender: str,
    years: int,
    spoken: Sequence[str],
) -> dict[str, str]:
    trade = rt.trade
    title = _title(trade, lang, gender)
    work = _sample(rng, trade.work[lang], min(3, len(trade.work[lang])))
    skills = _sample(rng, trade.skills[lang], min(3, len(trade.skills[lang])))
    fam_clients = _V.family_clients[trade.family][lang]
    clients = _sample(rng, fam_clients, min(3, len(fam_clients)))
    tools = _sample(rng, trade.tools, min(3, len(trade.tools))) if trade.tools else []
    city = local_name(place, lang)
    pron = _V.pronouns[lang][1 if gender == "f" else 0]
    n_works = 2 if rng.random() < 0.5 else 3
    n_clients = 2 if rng.random() < 0.5 else 3
    shown_langs = list(spoken[:4])
    slots = {
        "title": title,
        "Title": cap(title),
        "first": first,
        "name": f"{first} {last}",
        "city": city,
        "years": str(years),
        "since": str(REFERENCE_YEAR - years),
        "study_city": _choice(rng, _V.study_cities[lang]),
        "work1": work[0],
        "work2": work[1 % len(work)],
        "works": join_list(work[:n_works], lang),
        "Work1": cap(work[0]),
        "client1": clients[0],
        "client2": clients[1 % len(clients)],
        "clients": join_list(clients[:n_clients], lang),
        "tool1": tools[0] if tools else "",
        "tool2": tools[1 % len(tools)] if tools else "",
        "tools": join_list(tools[: 2 + (rng.random() < 0.5)], lang) if tools else "",
        "skill1": skills[0],
        "skill2": skills[1 % len(skills)],
        "skill3": skills[2 % len(skills)],
        "Skill1": cap(skills[0]),
        "langs": join_list([_V.language_names[lang][c] for c in shown_langs], lang),
        "langs_in": _langs_in(shown_langs, lang),
        "in_area": _V.in_area[_area_key(place)][lang],
        "when": _choice(rng, _V.when[lang]),
        "pron": pron,
        "Pron": cap(pron),
        "e": "e" if gender == "f" else "",
        "r": "" if gender == "f" else "r",
        "in": "in" if gender == "f" else "",
        "a_title": en_article(title) if lang == "en" else title,
    }
    if lang == "fr":
        slots.update(
            de_work1=fr_de(work[0]),
            de_work2=fr_de(slots["work2"]),
            a_work1=fr_a(work[0]),
            de_client1=fr_de(clients[0]),
            de_client2=fr_de(slots["client2"]),
        )
    return slots


def _headline(rng: random.Random, lang: str, slots: dict[str, str], years: int) -> str:
    templates = _V.headlines[lang]
    for _ in range(6):
        template = _choice(rng, templates)
        if "{years}" in template and years < _V.headline_needs_years:
            continue
        text = template.format_map(slots)
        if len(text) <= HEADLINE_MAX:
            return text
    return templates[0].format_map(slots)


def _bio(
    rng: random.Random,
    lang: str,
    trade_key: str,
    family: str,
    slots: dict[str, str],
    bucket: str,
    availability: Sequence[str],
    has_tools: bool,
    fast: bool,
) -> str:
    bank = _V.bio[lang]
    person = "3" if rng.random() < 0.22 else "1"

    def pick(seq: Sequence[str]) -> str:
        return _choice(rng, seq)

    head = [pick(bank["intro" + person])]
    if fast:
        head.append(pick(bank["work" + person]))
        head.append(pick(bank["clients" + person]))
        return " ".join(head).format_map(slots)
    if rng.random() < 0.9:
        head.append(pick(bank[bucket + person]))
    middle = [pick(bank["work" + person])]
    if person == "1" and rng.random() < 0.65:
        own = _V.trade_sentences.get(trade_key, {}).get(lang, ()) + _V.family_sentences[family][lang]
        if not has_tools:
            own = tuple(s for s in own if "{tool" not in s)
        if own:
            middle += _sample(rng, own, 2 if rng.random() < 0.25 and len(own) > 1 else 1)
    if rng.random() < 0.7:
        middle.insert(rng.randint(0, len(middle)), pick(bank["clients" + person]))
    if has_tools and rng.random() < 0.5:
        middle.append(pick(bank["tools" + person]))
    tail = []
    if rng.random() < 0.6:
        tail.append(pick(bank["langs" + person]))
    chances = {"assignments": 0.7, "collaborations": 0.6, "mentoring": 0.8}
    for flag in availability:
        if rng.random() < chances[flag]:
            tail.append(pick(bank[flag + person]))
    if rng.random() < 0.55:
        tail.append(pick(bank["closing" + person]))
    paragraphs = [" ".join(head + middle)]
    if tail:
        if rng.random() < 0.4:
            paragraphs.append(" ".join(tail))
        else:
            paragraphs[0] += " " + " ".join(tail)
    return "\n\n".join(paragraphs).format_map(slots)


def _website(rng: random.Random, first: str, last: str, rt: ResolvedTrade) -> str:
    style = rng.randrange(4)
    if style == 0:
        return f"https://www.{slug(first)}{slug(last)}.example"
    if style == 1:
        return f"https://{slug(last, '-')}-{slug(_title(rt.trade, 'en', 'm'), '-')}.example"
    if style == 2:
        return f"https://studio-{slug(last, '-')}.example"
    return f"https://{slug(first)}-{slug(last, '-')}.example/portfolio"


def iter_members(
    n: int, seed: int = 1, *, fast: bool = False, accounts: bool = True, cat: Catalogue | None = None
) -> Iterator[dict[str, Any]]:
    """Member records 1..n. ``fast`` writes three-sentence bios (benchmarks: 100k in seconds);
    ``accounts`` adds ``"account": true`` so the importer creates (password-less) accounts."""
    cat = cat or catalogue()
    trade_pick = _Weighted([(rt, rt.trade.weight) for rt in cat.trades])
    rng = random.Random(f"kring-demo-members-{seed}")
    for i in range(1, n + 1):
        place = _PLACES.pick(rng)
        region = place.region
        lang = _CARD_LANG[region].pick(rng)
        first, last, gender, origin = _person(rng, region)
        spoken = _spoken(rng, region, lang, origin)
        rt = trade_pick.pick(rng)
        years, level, bucket = _experience(rng)
        availability = ["assignments"] if rng.random() < 0.85 else []
        if rng.random() < 0.45:
            availability.append("collaborations")
        if rng.random() < (0.35 if bucket == "senior" else 0.08):
            availability.append("mentoring")
        # Texts draw from their own stream: fast and full bios then share everything else.
        text_rng = random.Random(rng.getrandbits(64))
        slots = _member_slots(text_rng, rt, lang, place, first, last, gender, years, spoken)
        sectors = list(rt.sectors[:1])
        if len(rt.sectors) > 1 and rng.random() < 0.4:
            sectors.append(rt.sectors[1 + rng.randrange(len(rt.sectors) - 1)])
        n_skills = rng.randint(3, 6)
        skills = _sample(rng, rt.trade.skills[lang], min(n_skills, len(rt.trade.skills[lang])))
        if rt.trade.tools and rng.random() < 0.6:
            skills += _sample(rng, rt.trade.tools, min(rng.randint(1, 2), len(rt.trade.tools)))
        record: dict[str, Any] = {
            "external_id": f"{MEMBER_PREFIX}{i:06d}",
            "name": f"{first} {last}",
            "function": rt.code,
            "sectors": sectors,
            "place": local_name(place, lang),
            "country": place.country,
            "languages": spoken,
            "card_language": lang,
            "headline": _headline(text_rng, lang, slots, years),
            "bio": _bio(
                text_rng,
                lang,
                rt.trade.key,
                rt.trade.family,
                slots,
                bucket,
                availability,
                bool(rt.trade.tools),
                fast,
            ),
            "skills": skills,
            "experience_years": years,
            "experience_level": level,
            "availability": availability,
            "visibility": _VISIBILITY_MEMBER.pick(rng),
            "email": f"{slug(first)}.{slug(last)}.{i}@{EMAIL_DOMAIN}",
            "public_email": rng.random() < 0.08,
            "account": accounts,
        }
        if rng.random() < 0.4:
            record["website"] = _website(rng, first, last, rt)
        yield record


def generate_members(
    n: int, seed: int = 1, fast: bool = False, *, accounts: bool = True
) -> list[dict[str, Any]]:
    """``n`` member records (see iter_members); the first k are the same for any n ≥ k."""
    return list(iter_members(n, seed, fast=fast, accounts=accounts))


# ------------------------------------------------------------------------------ clients


def _with_article(title: str, lang: str, gender: str) -> str:
    if lang == "en":
        return en_article(title)
    if lang == "nl":
        return "een " + title
    if lang == "fr":
        return ("une " if gender == "f" else "un ") + title
    return ("eine " if gender == "f" else "ein ") + title


def iter_clients(
    n: int, seed: int = 1, *, accounts: bool = True, cat: Catalogue | None = None
) -> Iterator[dict[str, Any]]:
    """Client records 1..n: theatres, festivals, agencies, municipalities, schools, NGOs…"""
    cat = cat or catalogue()
    kind_pick = _Weighted([(rk, rk.kind.weight) for rk in cat.kinds])
    rng = random.Random(f"kring-demo-clients-{seed}")
    used: set[str] = set()  # membership only, never iterated: order cannot leak into output
    for i in range(1, n + 1):
        place = _PLACES.pick(rng)
        region = place.region
        lang = _CARD_LANG[region].pick(rng)
        rk = kind_pick.pick(rng)
        kind = rk.kind
        town = local_name(place, lang)
        contact_first, contact_last, _gender, _origin = _person(rng, region)
        name = ""
        for _ in range(6):
            surname = _person(rng, region)[1]
            name = _choice(rng, kind.names[lang]).format(
                word=_choice(rng, _V.client_words[lang]),
                eword=_choice(rng, _START_WORDS),
                town=town,
                surname=surname,
            )
            if name not in used:
                break
        if name in used:
            name = f"{name} ({town})"
        used.add(name)
        hires = _sample(rng, rk.hires, 2)
        genders = ["f" if rng.random() < 0.5 else "m" for _ in hires]
        slots = {
            "town": town,
            "year": str(rng.randint(1975, REFERENCE_YEAR - 1)),
            "size": str(_choice(rng, (3, 4, 5, 6, 8, 10, 12, 15, 20, 25, 40))),
            "contact": f"{contact_first} {contact_last}",
            "t1": _with_article(_title(hires[0].trade, lang, genders[0]), lang, genders[0]),
            "t2": _with_article(_title(hires[1].trade, lang, genders[1]), lang, genders[1]),
        }
        n_about = 2 if rng.random() < 0.4 and len(kind.about[lang]) > 1 else 1
        sentences = _sample(rng, kind.about[lang], n_about)
        if rng.random() < 0.85:
            sentences.append(_choice(rng, _V.client_hire[lang]))
        if rng.random() < 0.6:
            sentences.insert(n_about, _choice(rng, _V.client_founded[lang]))
        if rng.random() < 0.4:
            sentences.append(_choice(rng, _V.client_contact[lang]))
        sectors = list(rk.sectors[:1])
        if len(rk.sectors) > 1 and rng.random() < 0.5:
            sectors.append(rk.sectors[1])
        record: dict[str, Any] = {
            "type": "client",
            "external_id": f"{CLIENT_PREFIX}{i:06d}",
            "name": name,
            "sectors": sectors,
            "place": town,
            "country": place.country,
            "card_language": lang,
            "description": " ".join(sentences).format_map(slots),
            "contact_person": f"{contact_first} {contact_last}",
            "visibility": _VISIBILITY_CLIENT.pick(rng),
            "email": f"{slug(contact_first)}.{slug(contact_last)}.c{i}@{EMAIL_DOMAIN}",
            "account": accounts,
        }
        if rng.random() < 0.75:
            record["website"] = f"https://www.{slug(name, '-')}.example"
        yield record


def generate_clients(n: int, seed: int = 1, *, accounts: bool = True) -> list[dict[str, Any]]:
    """``n`` client records (see iter_clients)."""
    return list(iter_clients(n, seed, accounts=accounts))


def iter_records(
    members: int, clients: int = 0, seed: int = 1, *, fast: bool = False, accounts: bool = True
) -> Iterator[dict[str, Any]]:
    """Members first, then clients: one stream for the importer or a JSONL export."""
    yield from iter_members(members, seed, fast=fast, accounts=accounts)
    yield from iter_clients(clients, seed, accounts=accounts)


__all__ = [
    "Catalogue",
    "EMAIL_DOMAIN",
    "build_catalogue",
    "catalogue",
    "generate_clients",
    "generate_members",
    "iter_clients",
    "iter_members",
    "iter_records",
]
