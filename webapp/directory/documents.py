"""Member and client cards as search documents, and the rows the search pages hydrate.

The index only ever holds published cards (community or public); a draft or an
unpublished card builds to ``None`` so the outbox deletes it. Nothing private
goes in: no e-mail address (not even a public one), no contact address, no
account data.
"""

from __future__ import annotations

from typing import Any, Sequence

from sqlalchemy.orm import selectinload

from indexer.types import Document
from webapp.core.publishing import PUBLISHED
from webapp.core.search.documents import (
    builder,
    place_phrase,
    published_ids,
    row_document,
    rows_by_id,
    taxonomy_labels,
)
from webapp.core.text import sort_name, truncate
from webapp.directory.models import ClientProfile, MemberProfile
from webapp.taxonomy.concepts import get_lexicon
from webapp.taxonomy.labels import taxonomy_label
from webapp.taxonomy.text import unique
from webapp.taxonomy.understand import title_functions

#: Characters of the bio in the embedding text: trade, sectors, place, headline and skills come
#: first; the whole bio stays in the lexical leg. Longer texts cost encode time (~3x at 600).
EMBED_BIO_CHARS = 300


def _label(kind: str, code: str | None) -> str:
    """The English label: documents are built the same whoever's request queued them."""
    return taxonomy_label(kind, code, "en")


# --- documents ---------------------------------------------------------------------------------


def member_payload(profile: MemberProfile) -> dict[str, Any]:
    """What a hit may show without touching the database; display-safe fields only."""
    return {
        "name": profile.display_name,
        "function": profile.function_code,
        "function_text": profile.function_text,
        "sectors": list(profile.sectors),
        "place": profile.place_name,
        "country": profile.country,
        "headline": profile.headline,
        "photo": profile.photo_filename,
        "visibility": profile.visibility,
    }


def member_functions(profile: MemberProfile) -> list[str]:
    """The functions a card is searched as: its taxonomy code and what its free-text title
    names ("Sportfotograaf" → photographer, "Graphiste et webdesigner" → graphic designer and
    web designer). A title the taxonomy cannot resolve as a whole still names a trade that
    clients search for, in any language, and that query understanding boosts."""
    codes = [profile.function_code] if profile.function_code else []
    if profile.function_text:
        codes += title_functions(profile.function_text)
    return list(dict.fromkeys(codes))


def member_embed_text(profile: MemberProfile, functions: Sequence[str] | None = None) -> str:
    """A compact natural sentence: the encoders read trade, sector and place before the bio."""
    if functions is None:
        functions = member_functions(profile)
    labels = [_label("function", code) for code in functions]
    function = " / ".join(labels)
    if profile.function_text and sort_name(profile.function_text) not in {sort_name(x) for x in labels}:
        function = f"{function} ({profile.function_text})" if function else profile.function_text
    sectors = ", ".join(_label("sector", code) for code in profile.sectors)
    lead = function or profile.display_name
    if sectors:
        lead += f" ({sectors})"
    place = place_phrase(profile)
    if place:
        lead += f" in {place}"
    parts = [lead]
    if profile.headline:
        parts.append(profile.headline.strip().rstrip("."))
    if profile.skills:
        parts.append("Skills: " + ", ".join(str(s) for s in profile.skills))
    text = ". ".join(p for p in parts if p) + "."
    if profile.bio:
        text += " " + truncate(profile.bio, EMBED_BIO_CHARS)
    return text


def member_document(profile: MemberProfile) -> Document | None:
    """The card as the index sees it, or None when it must not be searchable (a draft)."""
    if profile.visibility not in PUBLISHED:
        return None
    functions = member_functions(profile)
    tags = [("function", code) for code in functions] + [("sector", code) for code in profile.sectors]
    keywords = unique([str(s) for s in (profile.skills or [])] + [profile.function_text or ""])
    return row_document(
        profile,
        name=profile.display_name,
        fields={
            "title": profile.display_name,
            "labels": taxonomy_labels(tags),
            "headline": profile.headline or "",
            "keywords": " | ".join(keywords),
            "body": profile.bio or "",
            "concepts": get_lexicon().card_words(
                profile.function_text,
                profile.headline,
                " , ".join(keywords),
                profile.bio,
                lang=profile.card_language,
            ),
        },
        facets={
            "sector": list(profile.sectors),
            "function": functions,
            "language": sorted(set(profile.languages)),
        },
        embed_text=member_embed_text(profile, functions),
        payload=member_payload(profile),
        lang=profile.card_language,
        ranges={"years": [profile.experience_years] if profile.experience_years is not None else []},
    )


def client_payload(profile: ClientProfile) -> dict[str, Any]:
    return {
        "name": profile.name,
        "sectors": list(profile.sectors),
        "place": profile.place_name,
        "country": profile.country,
        "headline": truncate(profile.description or "", 160),
        "visibility": profile.visibility,
    }


def client_embed_text(profile: ClientProfile) -> str:
    sectors = ", ".join(_label("sector", code) for code in profile.sectors)
    lead = profile.name
    if sectors:
        lead += f" ({sectors})"
    place = place_phrase(profile)
    if place:
        lead += f" in {place}"
    text = lead + "."
    if profile.description:
        text += " " + truncate(profile.description, EMBED_BIO_CHARS)
    return text


def client_document(profile: ClientProfile) -> Document | None:
    """An organisation's card as the index sees it; the contact person's name stays out."""
    return row_document(
        profile,
        name=profile.name,
        fields={
            "title": profile.name,
            "labels": taxonomy_labels(("sector", code) for code in profile.sectors),
            "body": profile.description or "",
        },
        facets={"sector": list(profile.sectors)},
        embed_text=client_embed_text(profile),
        payload=client_payload(profile),
        lang=profile.card_language,
    )


# --- loading rows --------------------------------------------------------------------------------


def load_members(ids: Sequence[int]) -> dict[int, MemberProfile]:
    """Rows with their sector and language links, in one round trip per table (no N+1)."""
    return rows_by_id(
        MemberProfile,
        ids,
        selectinload(MemberProfile.sector_links),
        selectinload(MemberProfile.language_links),
    )


def load_clients(ids: Sequence[int]) -> dict[int, ClientProfile]:
    return rows_by_id(ClientProfile, ids, selectinload(ClientProfile.sector_links))


build_members = builder(load_members, member_document)
build_clients = builder(load_clients, client_document)
member_ids = published_ids(MemberProfile)
client_ids = published_ids(ClientProfile)
