"""Occasion words ("wedding", "mariage", "Hochzeit", "huwelijk") that should reach cards in any
language: a client asks for someone "to film our wedding", a Dutch videographer lists
"huwelijksreportages". Not trades or sectors (they boost nobody), only words: query
understanding adds the other languages' forms as expansions, and the compound stems of Dutch
and German ("huwelijks…", "Hochzeits…") as prefixes (``word*``), which the embedded backend
expands over its vocabulary (bounded) and Elasticsearch reads as the plain stem.
"""

from __future__ import annotations

from webapp.taxonomy.text import normalize

#: occasion → language → words (folded on use); "prefixes" are compound heads of nl/de.
INTENTS: dict[str, dict[str, tuple[str, ...]]] = {
    "wedding": {
        "en": ("wedding", "weddings", "bride", "marriage"),
        "nl": ("huwelijk", "huwelijken", "bruiloft", "bruiloften", "trouwfeest", "trouwdag", "bruid"),
        "fr": ("mariage", "mariages", "noces", "mariée"),
        "de": ("Hochzeit", "Hochzeiten", "Braut", "Trauung"),
        "prefixes": ("huwelijks", "trouw", "bruilofts", "hochzeits"),
    },
    "birthday": {
        "en": ("birthday", "birthdays"),
        "nl": ("verjaardag", "verjaardagsfeest"),
        "fr": ("anniversaire", "anniversaires"),
        "de": ("Geburtstag", "Geburtstage", "Geburtstagsfeier"),
        "prefixes": ("verjaardags", "geburtstags"),
    },
    "conference": {
        "en": ("conference", "conferences", "congress"),
        "nl": ("congres", "congressen", "conferentie"),
        "fr": ("congrès", "conférence", "conférences", "colloque"),
        "de": ("Kongress", "Konferenz", "Tagung"),
        "prefixes": ("congres", "kongress", "konferenz"),
    },
}

_WORDS: dict[str, str] = {}
for _code, _forms in INTENTS.items():
    for _lang, _words in _forms.items():
        if _lang != "prefixes":
            for _w in _words:
                _WORDS[normalize(_w)] = _code
#: Shortest compound prefix read inside a longer word ("huwelijksfotograaf").
MIN_PREFIX = 5


def intent_of(folded: str) -> str | None:
    """The occasion a folded word names: a listed word, or a compound starting with a listed
    Dutch/German compound head (at least MIN_PREFIX letters, and longer than it)."""
    code = _WORDS.get(folded)
    if code is not None:
        return code
    for code, forms in INTENTS.items():
        for prefix in forms.get("prefixes", ()):
            if len(prefix) >= MIN_PREFIX and folded.startswith(prefix) and len(folded) > len(prefix) + 2:
                return code
    return None


def intent_expansions(code: str, typed: set[str]) -> list[str]:
    """The occasion's words in the four languages (not the ones typed) and its compound heads
    as ``prefix*``."""
    forms = INTENTS[code]
    out = [w for lang in ("en", "nl", "fr", "de") for w in forms[lang] if normalize(w) not in typed]
    return out + [f"{p}*" for p in forms.get("prefixes", ())]
