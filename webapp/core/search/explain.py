"""How a hit explains itself: highlighted text, facet labels and the "why" line, in the reader's language.

Generic over entities: the indexer's explanations (lexical terms, semantic similarity, boosts,
distance) become short phrases ("photographer · 12 km away · matched “lighting”") using the
taxonomy's labels; a row's own taxonomy tags keep the line from repeating what its tags say.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from functools import lru_cache
from typing import Callable, Iterable, Mapping

from flask_babel import format_decimal
from flask_babel import gettext as _
from markupsafe import Markup, escape

from indexer.types import HL_END, HL_START, Hit
from webapp.taxonomy import get_taxonomy
from webapp.taxonomy.labels import (
    all_labels,
    country_label,
    function_sectors,
    language_label,
    place_id_label,
    reader_language,
    region_label,
    taxonomy_label,
)


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


def km_text(value: float) -> str:
    return format_decimal(round(value) if value >= 10 else round(value, 1))


def away(km: float) -> str:
    if km < 1:
        return _("less than 1 km away")
    return _("%(km)s km away", km=km_text(km))


#: Labels of facet values other than the platform's (a listing's kind…): field → (key, lang) → label.
FacetLabeler = Callable[[str, str], str]


def facet_label(field_name: str, key: str, lang: str, extra: Mapping[str, FacetLabeler] | None = None) -> str:
    """A facet value as the reader sees it: "Fotografie", "Belgique", "Vlaanderen (BE)", "Gand"."""
    if extra and field_name in extra:
        return extra[field_name](key, lang)
    if field_name in STATIC_LABELS:
        return static_label(field_name, key, lang)
    if field_name == "region":
        return region_label(key, lang)
    if field_name == "city" and key.isdigit():
        return place_id_label(key, lang) or key
    return key


#: Facet fields whose labels come from data fixed for the process (taxonomy, CLDR).
STATIC_LABELS = ("sector", "function", "country", "language")


def static_label(field_name: str, key: str, lang: str) -> str:
    """A sector, function, country or language label from a bounded table filled on first use:
    a page labels every facet value and every result's tags (hundreds of look-ups at 10k cards).
    Keyed on the taxonomy object too, so a reloaded taxonomy is a new key; labels carry no rows
    and no visibility."""
    # An empty lang means "the request's": resolve it before it becomes part of the key.
    return _static_label(field_name, key, reader_language(lang), id(get_taxonomy()))


@lru_cache(maxsize=16384)
def _static_label(field_name: str, key: str, lang: str, _taxonomy: int) -> str:
    if field_name in ("sector", "function"):
        return taxonomy_label(field_name, key, lang)
    if field_name == "country":
        return country_label(key, lang)
    return language_label(key, lang)


def _tag(label: str, lang: str) -> str:
    """A label mid-sentence: "photographer", but German nouns and acronyms ("IT & web") keep capitals."""
    if lang == "de" or len(label) < 2 or not label[1].islower():
        return label
    return label[0].lower() + label[1:]


def _label_words(pairs: Iterable[tuple[str, str]]) -> tuple[str, ...]:
    """The label words of these tags, sorted (prefix look-ups by bisection); cached per tag set."""
    return _sorted_label_words(tuple(pairs))


@lru_cache(maxsize=4096)
def _sorted_label_words(pairs: tuple[tuple[str, str], ...]) -> tuple[str, ...]:
    out: set[str] = set()
    for kind, code in pairs:
        out |= _words_of_labels(kind, code)
    return tuple(sorted(out))


@lru_cache(maxsize=2048)
def _words_of_labels(kind: str, code: str) -> frozenset[str]:
    return frozenset(w for label in all_labels(kind, code) for w in re.split(r"\W+", label.casefold()) if w)


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
    matched_folded: list[str] = []
    semantic = False
    for item in hit.why:
        detail = item.detail or {}
        if item.kind == "boost":
            facet, value = detail.get("facet"), detail.get("value")
            if facet in ("function", "sector") and value:
                tags.append(_tag(static_label(str(facet), str(value), lang), lang))
                boosted.append((str(facet), str(value)))
        elif item.kind == "distance" and detail.get("km") is not None:
            distance = away(float(detail["km"]))
        elif item.kind == "lexical":
            for term in detail.get("terms") or []:
                term = strip_markers(str(term)).strip()
                folded = term.casefold()
                # "Portrait" and "portraits" are one match.
                if term and not any(m.startswith(folded) or folded.startswith(m) for m in matched_folded):
                    matched.append(term)
                    matched_folded.append(folded)
        elif item.kind == "semantic":
            semantic = True
    # "photographer" already says "photography": drop sector tags the matched trade implies.
    implied = {s for facet, value in boosted if facet == "function" for s in function_sectors(value)}
    if implied:
        pairs = [
            (t, b) for t, b in zip(tags, boosted, strict=True) if not (b[0] == "sector" and b[1] in implied)
        ]
        tags, boosted = [t for t, _b in pairs], [b for _t, b in pairs]
    if distance is None and hit.distance_km is not None:
        distance = away(hit.distance_km)
    # Words matched in the taxonomy labels (all four languages) read as noise ("matched
    # “Photographe”, “Fotografie”"): a boost's tag already says it, and label words the user
    # did not type came from expansions. The user's own words stay, first.
    card_tags = list(card_tags)
    typed = [w for w in re.split(r"\W+", query_text.casefold()) if len(w) >= 3]

    def is_typed(term: str) -> bool:
        return any(_same_stem(term.casefold(), w) for w in typed)

    def covered_by(words: tuple[str, ...], term: str) -> bool:
        # Some label word starts with the term: in sorted words, the first one ≥ term does.
        folded = term.casefold()
        i = bisect_left(words, folded)
        return i < len(words) and words[i].startswith(folded)

    by_card = _label_words(card_tags)
    if tags:
        both = _label_words([*boosted, *card_tags])
        kept = [t for t in matched if not covered_by(both, t)]
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
