"""User input → platform vocabulary: sectors, functions (trades) and languages.

Every module files its rows under taxonomy sectors (cards, listings, events, groups) and reads
them from forms and imports in any of the four languages ("Fotografie", "photographie",
"photography"); the resolution and its limits are written once here.
"""

from __future__ import annotations

from typing import Any, Iterable

from webapp.core.text import InputError, clean_text
from webapp.taxonomy import get_taxonomy
from webapp.taxonomy.understand import title_functions

SECTORS_MAX = 5
FUNCTION_TEXT_MAX = 120

#: Languages rows are written in (the UI's four languages).
CONTENT_LANGUAGES = ("nl", "fr", "de", "en")
#: Languages a member may say they speak (ISO 639-1); labels come from Babel in the reader's language.
SPOKEN_LANGUAGES = tuple(
    "nl fr de en es it pt pl ro lb sv da no fi el hu cs sk bg hr sl sr lt lv et ru uk tr ar fa he "
    "zh ja ko hi sw wa".split()
)


def resolve_sectors(values: Iterable[Any], *, max_count: int = SECTORS_MAX) -> list[str]:
    """Sector codes or labels (any language) → codes, in the given order; unknown ones raise."""
    tax = get_taxonomy()
    codes: list[str] = []
    for value in values or []:
        text = clean_text(value)
        if not text:
            continue
        code = text if text in tax.sectors else tax.resolve("sector", text)
        if code is None:
            raise InputError(f"unknown sector: {text}")
        if code not in codes:
            codes.append(code)
    if len(codes) > max_count:
        raise InputError(f"at most {max_count} sectors")
    return codes


def resolve_function(value: Any, *, max_len: int = FUNCTION_TEXT_MAX) -> tuple[str | None, str | None]:
    """A function code or free text → (code, free text); text the taxonomy does not know stays text."""
    text = clean_text(value, max_len=max_len)
    if not text:
        return None, None
    tax = get_taxonomy()
    if text in tax.functions:
        return text, None
    code = tax.resolve("function", text)
    if code:
        return code, None
    # A title the taxonomy does not know as a whole may still name a trade ("Sportfotograaf",
    # "Photographe d'architecture"): file the row under it and keep the owner's own words.
    named = title_functions(text)
    return (named[0] if named else None), text


__all__ = [
    "CONTENT_LANGUAGES",
    "FUNCTION_TEXT_MAX",
    "SECTORS_MAX",
    "SPOKEN_LANGUAGES",
    "resolve_function",
    "resolve_sectors",
]
