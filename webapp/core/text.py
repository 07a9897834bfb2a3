"""Text a user typed, made safe to store: one place for cleaning, web addresses, tags and sort keys.

Every module's forms, importers and services use these, so "what a clean single-line value is"
or "which web addresses we accept" (CHECKLIST 17) cannot differ between a card, a listing and
an event.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any
from urllib.parse import urlsplit

from indexer.text import fold

WEBSITE_MAX = 300

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class InputError(ValueError):
    """A value a row cannot take; the message is safe to show to the user."""


def clean_text(value: Any, *, multiline: bool = False, max_len: int | None = None) -> str | None:
    """Trimmed text without control characters (keeps line breaks in multi-line fields); '' → None."""
    if value is None:
        return None
    text = unicodedata.normalize("NFC", str(value))
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not multiline:
        text = " ".join(text.split())
    text = _CONTROL.sub("", text).strip()
    if max_len is not None and len(text) > max_len:
        raise InputError(f"longer than {max_len} characters")
    return text or None


def normalize_website(value: Any, *, max_len: int = WEBSITE_MAX) -> str | None:
    """Accept only absolute http(s) URLs with a host: no javascript:, data: or relative links."""
    text = clean_text(value)
    if not text:
        return None
    if len(text) > max_len:
        raise InputError("website address too long")
    if "://" not in text and re.match(r"^[\w.-]+\.[a-z]{2,}(/|$)", text, re.I):
        text = "https://" + text  # "example.org" is what people type
    parts = urlsplit(text)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname or " " in text:
        raise InputError("only http:// or https:// web addresses")
    if any(c in text for c in "<>\"'\\"):
        raise InputError("not a valid web address")
    return text


def parse_tags(value: Any, *, max_len: int, max_count: int, what: str = "tag") -> list[str]:
    """Comma- (or semicolon-/line-) separated tags, or a list: trimmed, de-duplicated, bounded."""
    if value is None:
        return []
    items = value if isinstance(value, (list, tuple)) else re.split(r"[,;\n]", str(value))
    tags: list[str] = []
    seen: set[str] = set()
    for item in items:
        tag = clean_text(item)
        if not tag:
            continue
        if len(tag) > max_len:
            raise InputError(f"a {what} is longer than {max_len} characters: {tag[:max_len]}…")
        key = tag.casefold()
        if key not in seen:
            seen.add(key)
            tags.append(tag)
    if len(tags) > max_count:
        raise InputError(f"at most {max_count} {what}s")
    return tags


def sort_name(name: str | None) -> str:
    """Accent- and case-insensitive sort key, so "Émile" sorts with "Emile" and "Øster" with "Oster"."""
    return fold((name or "").strip())


def truncate(text: str | None, limit: int) -> str:
    """At most ``limit`` characters, cut at a word, with an ellipsis."""
    text = " ".join((text or "").split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut.rstrip(",;:") + "…"


__all__ = [
    "InputError",
    "clean_text",
    "normalize_website",
    "parse_tags",
    "sort_name",
    "truncate",
]
