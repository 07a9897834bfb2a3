"""Listings as search documents, and the rows the board's search page hydrates.

Only active, published, not hidden listings are in the index: their ``visibility`` is "draft"
otherwise (webapp.p2p.models), so they build to ``None`` and the outbox deletes them. Nothing
private goes in: no pick-up address, no owner's e-mail. Availability windows become the
``available`` range and the instants held by accepted bookings (whole days, or a session's
time) the ``blocked`` range, so "available
from … to …" is one range filter in either backend.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any, Sequence

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from indexer.types import Document
from webapp.core.search.documents import (
    builder,
    named_functions,
    place_phrase,
    row_document,
    rows_by_id,
    taxonomy_labels,
)
from webapp.core.search.params import LOCAL_ZONE
from webapp.core.text import truncate
from webapp.extensions import db
from webapp.p2p.models import HOLDING, Booking, Listing
from webapp.taxonomy.labels import taxonomy_label

#: Words for each kind in the four languages (and what people type with them: "lenen", "prêter"),
#: for the lexical leg, so "PA-installatie lenen" meets a French "sono à prêter".
KIND_WORDS: dict[str, str] = {
    "equipment": "equipment gear tools lend borrow materiaal gereedschap uitlenen lenen "
    "matériel équipement outils prêter emprunter Ausrüstung Geräte Werkzeug verleihen ausleihen",
    "workspace": "workspace room desk studio space werkplek ruimte atelier lokaal bureau "
    "espace de travail salle local Arbeitsplatz Raum Atelier Proberaum",
    "mentoring": "mentoring mentor guidance mentor begeleiding mentorat accompagnement parrainage "
    "Mentoring Mentor Begleitung",
    "coaching": "coaching coach coaching coach Coaching Coach",
    "service": "service help skill dienst hulp vaardigheid service aide compétence Dienst Hilfe Fähigkeit",
}
TYPE_WORDS = {
    "offer": "offer aanbod offre Angebot",
    "request": "request wanted gezocht demande recherche gesucht",
}
EMBED_DESCRIPTION_CHARS = 400


def day_start(day: date) -> float:
    """The first instant of a day in the cooperative's zone, as the search's range filters read it."""
    return datetime.combine(day, time(), LOCAL_ZONE).timestamp()


def day_end(day: date) -> float:
    """The last instant of a day (the same closed end the search parameters give a whole day)."""
    return datetime.combine(day + timedelta(days=1), time(), LOCAL_ZONE).timestamp() - 1e-3


def available_ranges(listing: Listing) -> list[tuple[float | None, float | None]]:
    """Windows as intervals; no window at all: available any day (one open interval)."""
    if not listing.windows:
        return [(None, None)]
    return [
        (day_start(w.starts_on) if w.starts_on else None, day_end(w.ends_on) if w.ends_on else None)
        for w in listing.windows
    ]


def held_bookings(listing_ids: Sequence[int]) -> dict[int, list[Booking]]:
    rows = db.session.scalars(
        select(Booking).where(Booking.listing_id.in_(list(listing_ids)), Booking.status.in_(HOLDING))
    )
    out: dict[int, list[Booking]] = {}
    for booking in rows:
        out.setdefault(booking.listing_id, []).append(booking)  # type: ignore[arg-type]
    return out


def listing_embed_text(listing: Listing) -> str:
    sectors = ", ".join(taxonomy_label("sector", code, "en") for code in listing.sectors)
    lead = f"{listing.type.capitalize()} ({listing.kind}): {listing.title}"
    if sectors:
        lead += f" ({sectors})"
    place = place_phrase(listing)
    if place:
        lead += f" in {place}"
    text = lead + "."
    if listing.description:
        text += " " + truncate(listing.description, EMBED_DESCRIPTION_CHARS)
    return text


def listing_payload(listing: Listing) -> dict[str, Any]:
    return {
        "title": listing.title,
        "kind": listing.kind,
        "type": listing.type,
        "sectors": list(listing.sectors),
        "place": listing.place_name,
        "country": listing.country,
        "visibility": listing.visibility,
    }


def listing_document(listing: Listing, blocked: list[Booking] | None = None) -> Document | None:
    """The listing as the index sees it, or None when it must not be searchable."""
    blocked = blocked or []
    return row_document(
        listing,
        name=listing.title,
        fields={
            "title": listing.title,
            # Sectors, and the trades the texts name ("graphic designers", "traducteurs"), in
            # the four languages: a Dutch "grafisch ontwerper" meets an English mentor's title.
            "labels": taxonomy_labels(
                [("sector", code) for code in listing.sectors]
                + [("function", code) for code in named_functions(listing.title, listing.description)]
            ),
            "headline": f"{KIND_WORDS[listing.kind]} | {TYPE_WORDS[listing.type]}",
            "body": listing.description or "",
        },
        facets={
            "sector": list(listing.sectors),
            "kind": [listing.kind],
            "type": [listing.type],
            "language": [listing.language] if listing.language else [],
        },
        embed_text=listing_embed_text(listing),
        payload=listing_payload(listing),
        lang=listing.language,
        ranges={
            "available": available_ranges(listing),
            # The instants each held booking holds (a whole day ends a millisecond before the next
            # day, the closed end the search parameters give a day; a session at its end).
            "blocked": [(b.starts_at.timestamp(), b.ends_at.timestamp() - 1e-3) for b in blocked],
        },
    )


def load_listings(ids: Sequence[int]) -> dict[int, Listing]:
    """Rows with sectors, windows and owner, one round trip per table."""
    return rows_by_id(
        Listing,
        ids,
        selectinload(Listing.sector_links),
        selectinload(Listing.windows),
        selectinload(Listing.user),
        selectinload(Listing.photos),
    )


def build_listings(ids: list[int]) -> dict[int, Document | None]:
    rows = load_listings(ids)
    held = held_bookings(list(rows))
    return {i: (listing_document(rows[i], held.get(i, [])) if i in rows else None) for i in ids}


def listing_ids() -> list[int]:
    """Every listing that may be in the index (active, published, not hidden)."""
    from webapp.core.publishing import PUBLISHED

    return list(
        db.session.scalars(select(Listing.id).where(Listing.visibility.in_(PUBLISHED)).order_by(Listing.id))
    )


__all__ = [
    "KIND_WORDS",
    "available_ranges",
    "build_listings",
    "builder",
    "day_end",
    "day_start",
    "listing_document",
    "listing_ids",
    "load_listings",
]
