"""`flask p2p import FILE.jsonl`: one listing per line, idempotent on ``external_id``.

A line: ``{"external_id": "pl-1", "owner": "<member external_id>", "type": "offer" | "request",
"kind": "equipment" | "workspace" | "mentoring" | "coaching" | "service", "title": "...",
"description": "...", "sectors": [...], "place": "Gent", "country": "BE", "language": "nl",
"available_from": "2027-01-01", "available_to": "2027-06-30", "status": "active" | "paused" |
"closed" | "draft", "visibility": "public" | "community"}`` (without dates: open-ended), and for
workspace, mentoring and coaching optionally ``"slots": [{"weekday": 1, "from": "14:00", "to":
"18:00"}]`` (weekday 0 = Monday, or "0-4" for Monday to Friday; local times, Europe/Brussels;
without the key the listing's slots stay as they are).
Each line is its own savepoint: a bad line is reported by number, the others are imported.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import IO, Any

from sqlalchemy import select

from webapp.core.text import InputError
from webapp.extensions import db
from webapp.p2p import service
from webapp.p2p.models import STATUSES, Listing
from webapp.taxonomy import get_gazetteer


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)

    def summary(self) -> str:
        counts = f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged"
        return f"{counts}, {len(self.errors)} bad lines"


def _owner(record: dict) -> Any:
    from webapp.directory.models import MemberProfile

    ref = record.get("owner")
    if not isinstance(ref, str) or not ref.strip():
        raise InputError("owner: the member card's external_id is needed")
    card = db.session.scalar(select(MemberProfile).where(MemberProfile.external_id == ref.strip()))
    if card is None:
        raise InputError(f"owner: no member card with external_id {ref[:60]!r}")
    return card


def _place(record: dict, lang: str) -> Any:
    name = record.get("place")
    if not name:
        return None
    country = record.get("country")
    candidates = list(
        get_gazetteer().resolve(
            str(name)[:120], lang=lang, country=(country or None) and str(country).upper()
        )
    )
    if not candidates:
        raise InputError(f"place: unknown place {str(name)[:60]!r}")
    return candidates[0]


def _snapshot(listing: Listing) -> tuple:
    columns = (
        "type",
        "kind",
        "title",
        "description",
        "language",
        "place_id",
        "status",
        "audience",
        "user_id",
    )
    windows = tuple((w.starts_on, w.ends_on) for w in listing.windows)
    slots = tuple((s.weekday, s.starts_at, s.ends_at) for s in listing.slots)
    return (*(getattr(listing, c) for c in columns), tuple(listing.sectors), windows, slots)


def _wanted(data: service.ListingData, place: Any, card: Any, status: str, listing: Listing) -> tuple:
    """What ``_snapshot`` would read once the record is applied."""
    values = (
        data.type,
        data.kind,
        data.title,
        data.description,
        data.language,
        place.id if place is not None else None,
        status,
        data.audience,
        card.user_id,
    )
    slots = (
        tuple(data.slots)
        if data.slots is not None
        else tuple((s.weekday, s.starts_at, s.ends_at) for s in listing.slots)
    )
    return (*values, tuple(data.sectors), tuple(data.windows or ()), slots)


def apply_record(record: Any) -> str:
    """Create or update one listing; "created" | "updated" | "unchanged". InputError for bad data."""
    if not isinstance(record, dict):
        raise InputError("each line must be a JSON object")
    external_id = record.get("external_id")
    if not isinstance(external_id, str) or not external_id.strip() or len(external_id) > 100:
        raise InputError("external_id: a string of at most 100 characters is needed")
    status = record.get("status") or "active"
    if status not in STATUSES:
        raise InputError("status must be one of " + ", ".join(STATUSES))
    raw = dict(record)
    raw["windows"] = [(record.get("available_from"), record.get("available_to"))]
    if "slots" in record:
        slots = record["slots"] or []
        if not isinstance(slots, list) or not all(isinstance(x, dict) for x in slots):
            raise InputError('slots: a list of {"weekday", "from", "to"} objects is needed')
        raw["slots"] = [(x.get("weekday"), x.get("from"), x.get("to")) for x in slots]
    data = service.clean_listing_data(raw)
    card = _owner(record)
    place = _place(record, data.language)
    listing = db.session.scalar(select(Listing).where(Listing.external_id == external_id))
    before = _snapshot(listing) if listing is not None else None
    if before is not None and before == _wanted(data, place, card, status, listing):
        return "unchanged"  # nothing written: no new version, no index churn
    outcome = "created" if listing is None else "updated"
    listing = service.save_listing(
        listing, data, user_id=card.user_id, place=place, profile_id=card.id, actor_id=None, via="import"
    )
    listing.external_id = external_id
    listing.user_id, listing.profile_id = card.user_id, card.id
    if listing.status != status:
        service.set_status(listing, status, actor_id=None)
    if before is not None and _snapshot(listing) == before:
        return "unchanged"
    return outcome


def import_records(lines: IO[str]) -> ImportReport:
    report = ImportReport()
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        savepoint = db.session.begin_nested()
        try:
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(f"not JSON: {exc.msg}") from None
            outcome = apply_record(record)
            savepoint.commit()
        except InputError as exc:
            savepoint.rollback()
            report.errors.append((number, str(exc)))
            continue
        setattr(report, outcome, getattr(report, outcome) + 1)
    db.session.commit()
    return report
