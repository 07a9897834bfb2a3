"""An event as the search index sees it: every language's title and text, the category's words in
the four languages (so "netwerkevent", "Treffen" and "meetup" find the right events), sector
labels, place facets, and one ``when`` interval per occurrence for period filters and "soonest".

Drafts and cancelled events are never indexed (``row_document`` drops drafts; cancelled ones
become deletes here): search shows what one can still go to.
"""

from __future__ import annotations

from typing import Any, Sequence

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from indexer.types import Document
from webapp.core.publishing import PUBLISHED
from webapp.core.search.documents import (
    builder,
    named_functions,
    place_phrase,
    row_document,
    rows_by_id,
    taxonomy_labels,
)
from webapp.events.models import Event
from webapp.events.recurrence import occurrences
from webapp.extensions import db
from webapp.taxonomy.labels import taxonomy_label

#: The category in each content language, with the words people search it by.
CATEGORY_WORDS: dict[str, dict[str, str]] = {
    "networking": {
        "en": "networking event, network drinks",
        "nl": "netwerkevent, netwerkavond, netwerken",
        "fr": "événement de réseautage, réseautage, afterwork",
        "de": "Netzwerktreffen, Networking-Abend",
    },
    "sector_meetup": {
        "en": "sector meetup, trade meetup",
        "nl": "sectorbijeenkomst, meetup, vakgroep",
        "fr": "rencontre sectorielle, meetup, rencontre",
        "de": "Branchentreffen, Treffen, Stammtisch",
    },
    "info_session": {
        "en": "info session, information evening",
        "nl": "infosessie, infoavond",
        "fr": "séance d'information, soirée d'info",
        "de": "Infoveranstaltung, Informationsabend",
    },
    "workshop": {"en": "workshop", "nl": "workshop, atelier", "fr": "atelier, workshop", "de": "Workshop"},
    "cooperative_meeting": {
        "en": "cooperative meeting, general assembly",
        "nl": "coöperatievergadering, algemene vergadering",
        "fr": "réunion de la coopérative, assemblée générale",
        "de": "Genossenschaftsversammlung, Mitgliederversammlung",
    },
    "festival": {
        "en": "festival presence, festival stand",
        "nl": "aanwezigheid op festival, festivalstand",
        "fr": "présence en festival, stand au festival",
        "de": "Festivalpräsenz, Festivalstand",
    },
}


def category_label(category: str, lang: str) -> str:
    """The category's first word in ``lang`` (facet labels, pages)."""
    words = CATEGORY_WORDS.get(category, {})
    return (words.get(lang) or words.get("en") or category).split(",")[0].strip()


def load_events(ids: Sequence[int]) -> dict[int, Event]:
    return rows_by_id(
        Event,
        ids,
        selectinload(Event.texts),
        selectinload(Event.sector_links),
        selectinload(Event.exceptions),
        selectinload(Event.group),
    )


def event_embed_text(event: Event, functions: Sequence[str] = ()) -> str:
    """What the encoders read: the English text when the event has one (the English encoder reads
    only English), the category, and who it is for in English (the trades it names, its sectors),
    so a Dutch "Workshop vertaalgeheugens" still reads as a translators' event to both encoders."""
    text = next((t for t in event.texts if t.lang == "en"), event.texts[0])
    audience = [taxonomy_label("function", code, "en") for code in functions] + [
        taxonomy_label("sector", code, "en") for code in event.sectors
    ]
    parts = (
        text.title,
        CATEGORY_WORDS.get(event.category, {}).get("en", ""),
        ("For " + ", ".join(dict.fromkeys(audience))) if audience else "",
        (text.description or "")[:300],
        place_phrase(event),
    )
    return ". ".join(p for p in parts if p)


def event_document(event: Event) -> Document | None:
    if event.cancelled:
        return None
    texts = event.texts
    if not texts:
        return None
    # The trades its texts name ("illustratoren", "Tontechniker") with the sectors: their labels in
    # the four languages let a query in another language meet the title word for word.
    named = named_functions(*(t.title for t in texts), *(t.description for t in texts))
    tags = [("sector", code) for code in event.sectors] + [("function", code) for code in named]
    group = event.group
    keywords = " | ".join(
        [CATEGORY_WORDS.get(event.category, {}).get(lang, "") for lang in ("nl", "fr", "de", "en")]
        + ([group.name] if group is not None else [])
        + ([event.venue] if event.venue else [])
    )
    spans = [[o.start.timestamp(), o.end.timestamp()] for o in occurrences(event)]
    if not spans:
        return None
    first = texts[0]
    embed = event_embed_text(event, named)
    return row_document(
        event,
        name=first.title,
        fields={
            "title": " | ".join(t.title for t in texts),
            "headline": place_phrase(event),
            "labels": taxonomy_labels(tags),
            "keywords": keywords,
            "body": "\n".join(t.description or "" for t in texts),
        },
        facets={
            "sector": event.sectors,
            "category": [event.category],
            "language": list(event.languages or []),
            "group": [str(event.group_id)] if event.group_id else [],
        },
        embed_text=embed,
        payload={"title": first.title},
        lang=first.lang,
        ranges={"when": spans},
    )


build_events = builder(load_events, event_document)


def event_ids() -> list[int]:
    return list(
        db.session.scalars(
            select(Event.id)
            .where(Event.visibility.in_(PUBLISHED), Event.cancelled.is_(False))
            .order_by(Event.id)
        )
    )


def event_tags(event: Any) -> list[tuple[str, str]]:
    return [("sector", code) for code in event.sectors]


__all__ = ["CATEGORY_WORDS", "build_events", "category_label", "event_document", "event_ids", "load_events"]
