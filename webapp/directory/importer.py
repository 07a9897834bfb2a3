"""Bulk import of member and client cards from JSON lines (``flask directory import FILE.jsonl``).

One JSON object per line. Member records::

    {"external_id": "m-42", "name": "Ann Peeters", "function": "photographer" | "Fotograaf" | "free text",
     "sectors": ["photography", "Grafisch ontwerp"], "place": "Gand" | "lat": 51.05, "lon": 3.72,
     "country": "BE", "languages": ["nl", "fr"], "headline": "...", "bio": "...", "skills": ["..."],
     "website": "https://...", "published": true | "visibility": "draft" | "community" | "public",
     "email": "ann@example.org", "public_email": false, "account": false, "experience_years": 12,
     "experience_level": "senior", "availability": ["assignments", "mentoring"], "card_language": "nl",
     "accepts_contact": true}

Client records carry ``"type": "client"`` and: external_id, name, sectors, place (or lat/lon),
country, website, description, contact_person, visibility/published, email, card_language, account.

Rules:

- ``external_id`` is the key: importing the same file again updates what changed and leaves
  the rest alone (unchanged cards keep their version and are not re-indexed).
- ``"published": true`` means public (everyone); ``"visibility"`` says it precisely and wins;
  neither means draft. Publication changes are audit-logged like the owner's own.
- ``function``: a taxonomy code, or a label/synonym in nl/fr/de/en (resolved to its code), else
  kept as free text. ``sectors``: codes or labels in any of the four languages; unknown → line error.
- ``place``: resolved through the gazetteer (Belgium first, ``country`` narrows it). With
  ``lat``/``lon`` the coordinates are kept and the nearest known place of that name (and
  country) names it; without a known place the point is stored as given.
- ``email`` is private: the contact relay delivers to it and it is never shown, unless
  ``"public_email": true``. With ``"account": true`` (demo data uses this) an account is created
  for the address instead: verified, with an unusable random password (the owner sets one through
  "forgot password"), and the card belongs to it; an existing account of the right type without a
  card of its own is linked instead.
- A bad line (invalid JSON, missing name, unknown place or sector, a website that is not
  http(s), ...) is reported with its line number; every other line is imported. Work is
  committed in batches; each changed card gets a search-outbox row in the same transaction.
"""

from __future__ import annotations

import json
import re
import secrets
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from webapp.core.models import utcnow
from webapp.core.places import place_from_coordinates, place_values
from webapp.core.publishing import VISIBILITIES
from webapp.core.text import InputError, clean_text, normalize_website
from webapp.core.vocabulary import CONTENT_LANGUAGES, resolve_function, resolve_sectors
from webapp.directory import service
from webapp.directory.models import EXPERIENCE_LEVELS, ClientProfile, MemberProfile
from webapp.extensions import db
from webapp.taxonomy import get_gazetteer

BATCH_SIZE = 200
_LANG_CODE = re.compile(r"^[a-z]{2,3}$")
_EMAIL = re.compile(r"^[^@\s,;<>\"']+@[^@\s,;<>\"']+\.[^@\s,;<>\"']+$")


class RecordError(ValueError):
    """A line that cannot be imported; the message names the field."""


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)

    @property
    def imported(self) -> int:
        return self.created + self.updated + self.unchanged

    def summary(self) -> str:
        return (
            f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged, "
            f"{len(self.errors)} bad line{'s' if len(self.errors) != 1 else ''}"
        )


@dataclass
class _Prepared:
    kind: str
    external_id: str
    values: dict[str, Any]
    visibility: str
    email: str | None
    account: bool
    locale: str | None


# ------------------------------------------------------------------------------- validation


def _text(
    record: dict, key: str, max_len: int, *, multiline: bool = False, required: bool = False
) -> str | None:
    value = record.get(key)
    if value is not None and not isinstance(value, (str, int, float)):
        raise RecordError(f"{key}: expected text")
    try:
        text = clean_text(value, multiline=multiline, max_len=max_len)
    except InputError as exc:
        raise RecordError(f"{key}: {exc}") from exc
    if required and not text:
        raise RecordError(f"{key}: missing")
    return text


def _list(record: dict, key: str) -> list[Any]:
    value = record.get(key)
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list):
        raise RecordError(f"{key}: expected a list")
    return value


def _bool(record: dict, key: str, default: bool) -> bool:
    value = record.get(key, default)
    if value is None:
        return default
    if not isinstance(value, bool):
        raise RecordError(f"{key}: expected true or false")
    return value


def _visibility(record: dict) -> str:
    if record.get("visibility") not in (None, ""):
        visibility = str(record["visibility"]).strip().lower()
        if visibility not in VISIBILITIES:
            raise RecordError(f"visibility: one of {', '.join(VISIBILITIES)}")
        return visibility
    return "public" if _bool(record, "published", False) else "draft"


def _email(record: dict) -> str | None:
    value = record.get("email")
    if value in (None, ""):
        return None
    if not isinstance(value, str) or len(value) > 320 or not _EMAIL.match(value.strip()):
        raise RecordError("email: not a valid address")
    from webapp.accounts.service import normalize_email

    return normalize_email(value)


def _coordinate(record: dict, key: str, limit: float) -> float | None:
    value = record.get(key)
    if value in (None, ""):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError) as exc:
        raise RecordError(f"{key}: expected a number") from exc
    if not -limit <= number <= limit:
        raise RecordError(f"{key}: out of range")
    return number


def _place(record: dict, lang: str | None) -> dict[str, Any]:
    name = _text(record, "place", 120)
    country = _text(record, "country", 2)
    if country:
        country = country.upper()
        if not re.match(r"^[A-Z]{2}$", country):
            raise RecordError("country: a two-letter ISO code such as BE")
    lat, lon = _coordinate(record, "lat", 90.0), _coordinate(record, "lon", 180.0)
    if (lat is None) != (lon is None):
        raise RecordError("lat/lon: give both or neither")
    if lat is not None:
        place = place_from_coordinates(lat, lon, name=name, country=country)
        values = place_values(place)
        if place is None:
            values.update({"place_name": name, "country": country})
        values.update({"lat": lat, "lon": lon})
        return values
    if not name:
        return place_values(None)
    candidates = list(get_gazetteer().resolve(name, lang=lang, country=country))
    if not candidates:
        where = f" in {country}" if country else ""
        raise RecordError(f"place: unknown place {name!r}{where} (give lat/lon to import it anyway)")
    return place_values(candidates[0])


def _common(record: dict) -> tuple[str, str | None, str, dict[str, Any]]:
    external_id = record.get("external_id")
    if isinstance(external_id, (int, float)) and not isinstance(external_id, bool):
        external_id = str(external_id)
    if not isinstance(external_id, str) or not external_id.strip() or len(external_id.strip()) > 100:
        raise RecordError("external_id: missing (it makes re-imports update instead of duplicate)")
    lang = record.get("card_language")
    if lang in (None, ""):
        lang = None
    elif lang not in CONTENT_LANGUAGES:
        raise RecordError(f"card_language: one of {', '.join(CONTENT_LANGUAGES)}")
    try:
        website = normalize_website(record.get("website"))
        sectors = resolve_sectors(_list(record, "sectors"))
    except InputError as exc:
        raise RecordError(str(exc)) from exc
    values: dict[str, Any] = {
        "external_id": external_id.strip(),
        "website": website,
        "sectors": sectors,
        "card_language": lang,
        "accepts_contact": _bool(record, "accepts_contact", True),
    }
    values.update(_place(record, lang))
    return external_id.strip(), lang, _visibility(record), values


def prepare_record(record: Any) -> _Prepared:
    """Validate one record into card values; raises RecordError naming the bad field."""
    if not isinstance(record, dict):
        raise RecordError("expected a JSON object")
    kind = record.get("type", "member") or "member"
    if kind not in ("member", "client"):
        raise RecordError('type: "member" or "client"')
    external_id, lang, visibility, values = _common(record)
    email = _email(record)
    account = _bool(record, "account", False)
    if account and not email:
        raise RecordError("account: needs an email")
    if kind == "client":
        values.update(
            {
                "name": _text(record, "name", service.CLIENT_NAME_MAX, required=True),
                "description": _text(record, "description", service.DESCRIPTION_MAX, multiline=True),
                "contact_person": _text(record, "contact_person", service.CONTACT_PERSON_MAX),
            }
        )
    else:
        try:
            function_code, function_text = resolve_function(record.get("function"))
            skills = service.parse_skills(_list(record, "skills"))
        except InputError as exc:
            raise RecordError(str(exc)) from exc
        languages: list[str] = []
        for code in _list(record, "languages"):
            code = str(code).strip().lower()
            if not _LANG_CODE.match(code):
                raise RecordError(f"languages: {code!r} is not an ISO 639-1 code")
            if code not in languages:
                languages.append(code)
        years = record.get("experience_years")
        if years in (None, ""):
            years = None
        elif (
            isinstance(years, bool)
            or not isinstance(years, int)
            or not 0 <= years <= service.EXPERIENCE_YEARS_MAX
        ):
            raise RecordError(f"experience_years: a whole number from 0 to {service.EXPERIENCE_YEARS_MAX}")
        level = record.get("experience_level") or None
        if level is not None and level not in EXPERIENCE_LEVELS:
            raise RecordError(f"experience_level: one of {', '.join(EXPERIENCE_LEVELS)}")
        available = {str(a) for a in _list(record, "availability")}
        unknown = available - set(service.AVAILABILITY)
        if unknown:
            raise RecordError(f"availability: unknown {', '.join(sorted(unknown))}")
        if "availability" not in record:
            available = {"assignments"}
        values.update(
            {
                "display_name": _text(record, "name", service.NAME_MAX, required=True),
                "function_code": function_code,
                "function_text": function_text,
                "headline": _text(record, "headline", service.HEADLINE_MAX),
                "bio": _text(record, "bio", service.BIO_MAX, multiline=True),
                "skills": skills,
                "languages": languages,
                "experience_years": years,
                "experience_level": level,
                "email_public": _bool(record, "public_email", False),
                "open_to_assignments": "assignments" in available,
                "open_to_collaborations": "collaborations" in available,
                "open_to_mentoring": "mentoring" in available,
            }
        )
    return _Prepared(kind, external_id, values, visibility, email, account, lang)


# ------------------------------------------------------------------------------- writing


def _account_for(prep: _Prepared, card: Any) -> Any:
    """The account a card with ``"account": true`` belongs to: existing (linked) or created now."""
    from webapp.accounts.models import User
    from webapp.accounts.service import canonical_email, find_user_by_email

    if card is not None and card.user_id is not None:
        owner = db.session.get(User, card.user_id)
        if owner is not None and owner.email_canonical == canonical_email(prep.email or ""):
            return owner
    user = find_user_by_email(prep.email or "")
    model = MemberProfile if prep.kind == "member" else ClientProfile
    if user is not None:
        if user.account_type != prep.kind:
            raise RecordError(f"email: belongs to a {user.account_type} account, not a {prep.kind} one")
        other = db.session.scalar(select(model).where(model.user_id == user.id))
        if other is not None and (card is None or other.id != card.id):
            raise RecordError("email: that account already has a card")
        return user
    user = User(
        email=prep.email,
        email_canonical=canonical_email(prep.email or ""),
        # Not an argon2/werkzeug hash, so no password matches it: the owner sets one via "reset".
        password_hash="!unusable:" + secrets.token_hex(16),
        account_type=prep.kind,
        role="user",
        locale=prep.locale,
        email_verified_at=utcnow(),
    )
    db.session.add(user)
    db.session.flush()
    return user


def apply_record(prep: _Prepared) -> str:
    """Create or update one card; returns "created", "updated" or "unchanged"."""
    model = MemberProfile if prep.kind == "member" else ClientProfile
    other_model = ClientProfile if prep.kind == "member" else MemberProfile
    # Cards and accounts are flushed as they are made, so these lookups need no autoflush of the
    # outbox and audit rows still pending (that took a third of the import's time).
    with db.session.no_autoflush:
        if db.session.scalar(select(other_model.id).where(other_model.external_id == prep.external_id)):
            other = "client" if prep.kind == "member" else "member"
            raise RecordError(f"external_id: already used by a {other} card")
        card = db.session.scalar(select(model).where(model.external_id == prep.external_id))
        user = _account_for(prep, card) if prep.account else None
    values = dict(prep.values)
    if user is not None:
        values["contact_email"] = None  # the relay writes to the account's address
    else:
        values["contact_email"] = prep.email
    if card is None:
        card = service.create_card(prep.kind, user, values)
        if prep.visibility != "draft":
            service.set_visibility(card, prep.visibility, actor_id=None, via="import", touch=False)
        return "created"
    changed = service.apply_values(card, values)
    if user is not None and card.user_id != user.id:
        card.user_id = user.id
        changed = True
    visibility_changed = prep.visibility != card.visibility
    if visibility_changed:
        service.set_visibility(card, prep.visibility, actor_id=None, via="import", touch=False)
    if changed or visibility_changed:
        service.mark_changed(card)
        return "updated"
    return "unchanged"


def _parse(raw: Any) -> Any:
    if isinstance(raw, bytes):
        raw = raw.decode("utf-8", "replace")
    if not isinstance(raw, str):
        return raw
    text = raw.strip()
    if not text:
        return None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise RecordError(f"not valid JSON ({exc.msg}, column {exc.colno})") from exc


def _advance(progress: Any, done: int) -> None:
    if progress is None:
        return
    if hasattr(progress, "advance"):
        progress.advance(1)
    else:
        progress(done)


def import_records(
    records: Iterable[Any],
    progress: Callable[[int], None] | Any = None,
    *,
    batch_size: int = BATCH_SIZE,
) -> ImportReport:
    """Import dicts (or raw JSON lines, e.g. an open file) and commit in batches.

    Line numbers in ``errors`` count from 1 over ``records`` (blank lines included), so they
    match the file. ``progress`` is a webapp.core.progress.Progress (advanced per line) or a
    callable given the number of lines done. The search outbox gets a row per changed card;
    draining it is the caller's choice (the CLI does, see ``index_pending``).
    """
    report = ImportReport()
    batch: list[tuple[int, _Prepared]] = []
    outcomes: list[str] = []

    def flush_batch() -> None:
        nonlocal batch, outcomes
        try:
            db.session.commit()
        except SQLAlchemyError:
            db.session.rollback()
            outcomes = _replay_one_by_one(batch, report)
        _tally(report, outcomes)
        batch, outcomes = [], []

    done = 0
    for line_no, raw in enumerate(records, 1):
        done += 1
        try:
            record = _parse(raw)
            if record is None:
                _advance(progress, done)
                continue
            prep = prepare_record(record)
            outcome = apply_record(prep)
        except RecordError as exc:
            # Raised before anything of this record is written: the batch stays intact.
            report.errors.append((line_no, str(exc)))
        except SQLAlchemyError:
            # Should not happen after validation; redo this batch line by line to isolate it.
            db.session.rollback()
            _tally(report, _replay_one_by_one(batch, report))
            batch, outcomes = [], []
            report.errors.append((line_no, "could not be stored (conflicts with existing data)"))
        else:
            batch.append((line_no, prep))
            outcomes.append(outcome)
            if len(batch) >= batch_size:
                flush_batch()
        _advance(progress, done)
    flush_batch()
    return report


def _tally(report: ImportReport, outcomes: list[str]) -> None:
    for outcome in outcomes:
        setattr(report, outcome, getattr(report, outcome) + 1)


def _replay_one_by_one(batch: list[tuple[int, _Prepared]], report: ImportReport) -> list[str]:
    outcomes = []
    for line_no, prep in batch:
        try:
            outcome = apply_record(prep)
            db.session.commit()
        except (RecordError, SQLAlchemyError) as exc:
            db.session.rollback()
            message = (
                str(exc)
                if isinstance(exc, RecordError)
                else "could not be stored (conflicts with existing data)"
            )
            report.errors.append((line_no, message))
        else:
            outcomes.append(outcome)
    report.errors.sort()
    return outcomes


def index_pending(progress: Any = None) -> Any:
    """Drain the search outbox so what was imported is searchable now; returns a DrainReport.

    ``progress`` (a Progress) is advanced by the number of outbox rows processed.
    """
    from webapp.core.search import drain_all

    return drain_all(limit=512, progress=progress.advance if progress is not None else None)


__all__ = ["ImportReport", "RecordError", "apply_record", "import_records", "index_pending", "prepare_record"]
