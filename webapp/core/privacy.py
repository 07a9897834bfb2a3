"""Where personal data lives: one registry drives the GDPR export (Art. 20) and erasure (Art. 17).

Each feature registers what it stores about a user (``register_personal_data``): the models
holding it, how to export it and how to erase it. Account export and deletion walk the
registry, so a feature that lands later is covered as soon as it registers. A meta-test
(tests/core/test_privacy_registry.py) fails when a model pointing at a user is neither
covered by an entry nor listed in ``EXCLUDED_MODELS`` with a reason.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from flask import Flask, current_app
from sqlalchemy import delete, func, or_, select

from webapp.core.models import AuditEvent, MailMessage, RateLimitCounter, audit, utcnow
from webapp.extensions import db

log = logging.getLogger(__name__)


@dataclass
class PersonalData:
    """One feature's share of a user's personal data."""

    name: str
    #: Models whose rows about the user this entry exports and erases (the meta-test checks coverage).
    models: list[type] = field(default_factory=list)
    #: user -> JSON-serialisable data (dicts, lists, strings, numbers, ISO dates).
    export: Callable[[Any], Any] = lambda user: None
    #: user -> None; deletes or anonymises the rows (flush only: erase_user commits once).
    erase: Callable[[Any], None] = lambda user: None
    #: Lower runs first on erase; the accounts entry (which deletes the User row) runs last.
    order: int = 50
    #: user -> ids of outbox mails that carry their data without being addressed to or about them
    #: (a relay mail another member sent them); asked before any entry erases anything.
    mail_ids: Callable[[Any], Iterable[int]] = lambda user: ()
    #: user -> (name in the export archive, file on disk) of files that are theirs (a card photo):
    #: the ZIP export carries them next to the JSON.
    files: Callable[[Any], Iterable[tuple[str, Any]]] = lambda user: ()


#: Models that reference a user but are deliberately not exported, with the reason.
#: Features may add to it with ``exclude_model``.
EXCLUDED_MODELS: dict[type, str] = {
    MailMessage: (
        "outgoing mail queue: copies of mails we sent to the user, not data they gave us; "
        "erase_user deletes every row addressed to or about them"
    ),
    RateLimitCounter: "short-lived counters keyed by IP or a keyed hash of the address, expire within a day",
}

#: Audit-detail keys that may carry personal data; blanked for events about an erased user.
PERSONAL_DETAIL_KEYS = {
    "email",
    "old_email",
    "new_email",
    "to",
    "reply_to",
    "name",
    "display_name",
    "ip",
    "address",
    "subject",
    "body",
    "message",
    "text",
    "phone",
    "website",
    "contact_email",
}


def register_personal_data(app: Flask, entry: PersonalData) -> None:
    """Add a feature's entry; registering the same name twice replaces the first."""
    entries: list[PersonalData] = app.extensions.setdefault("kring_personal_data", [])
    entries[:] = [e for e in entries if e.name != entry.name]
    entries.append(entry)


def exclude_model(model: type, reason: str) -> None:
    """Declare a user-referencing model that is deliberately neither exported nor erased by an entry."""
    if not reason.strip():
        raise ValueError("an exclusion needs a reason")
    EXCLUDED_MODELS[model] = reason


def registered_entries(app: Flask | None = None) -> list[PersonalData]:
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    return sorted(app.extensions.get("kring_personal_data", []), key=lambda e: e.order)


def covered_models(app: Flask | None = None) -> set[type]:
    covered: set[type] = set()
    for entry in registered_entries(app):
        covered.update(entry.models)
    return covered


def _jsonable(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_jsonable(v) for v in value]
    return value


def export_user_data(user: Any) -> dict[str, Any]:
    """Everything registered features hold about ``user``, as one JSON-ready dict."""
    data: dict[str, Any] = {
        "format": "kring-export/1",
        "generated_at": utcnow().isoformat(),
        "user_id": user.id,
    }
    for entry in registered_entries():
        data[entry.name] = _jsonable(entry.export(user))
    return data


def export_user_files(user: Any) -> list[tuple[str, Any]]:
    """The files registered features hold for ``user``, as (archive name, path) of existing files,
    each under its feature's name ("directory/photo.webp")."""
    found: list[tuple[str, Any]] = []
    for entry in registered_entries():
        for name, path in entry.files(user):
            if path is not None and path.exists():
                found.append((f"{entry.name}/{name}", path))
    return found


def _scrub_audit(user: Any, emails: Iterable[str]) -> None:
    """Keep the accountability trail (who did what, when) but drop personal detail."""
    needles = [e.lower() for e in emails if e]
    events = db.session.scalars(
        select(AuditEvent).where(or_(AuditEvent.subject_user_id == user.id, AuditEvent.actor_id == user.id))
    )
    for event in events:
        detail = dict(event.detail or {})
        clean = {}
        for key, value in detail.items():
            if key in PERSONAL_DETAIL_KEYS:
                continue
            if isinstance(value, str) and any(n in value.lower() for n in needles):
                continue
            clean[key] = value
        if clean != detail:
            event.detail = clean
    # Events by other actors can mention the address too (staff notes): scrub those as well.
    for needle in needles:
        for event in db.session.scalars(
            select(AuditEvent).where(func.lower(func.cast(AuditEvent.detail, db.String)).contains(needle))
        ):
            event.detail = {
                k: v
                for k, v in (event.detail or {}).items()
                if not (isinstance(v, str) and needle in v.lower()) and k not in PERSONAL_DETAIL_KEYS
            }


def _addresses(user: Any) -> set[str]:
    """Every address the account had: its own, canonical, and the previous ones still remembered."""
    found = {user.email, getattr(user, "email_canonical", None), getattr(user, "pending_email", None)}
    for entry in getattr(user, "previous_emails", None) or []:
        found.add(entry.get("email") if isinstance(entry, dict) else entry)
    return {e for e in found if e}


def _delete_mail(user: Any, emails: Iterable[str], mail_ids: Iterable[int]) -> list[int]:
    """Delete the outbox rows addressed to or about the user, or listed by a feature; their ids."""
    addresses = [e.lower() for e in emails if e]
    conditions = [MailMessage.user_id == user.id]
    ids = list(mail_ids)
    if ids:
        conditions.append(MailMessage.id.in_(ids))
    if addresses:
        conditions.append(func.lower(MailMessage.to_addr).in_(addresses))
        conditions.append(func.lower(MailMessage.reply_to).in_(addresses))
    doomed = list(db.session.scalars(select(MailMessage.id).where(or_(*conditions))))
    if doomed:
        db.session.execute(delete(MailMessage).where(MailMessage.id.in_(doomed)))
    return doomed


def erase_user(user: Any, *, reason: str = "self") -> None:
    """Erase ``user`` everywhere: every registered entry, their mails, audit detail, sessions, the row.

    Runs in one transaction and commits; a failure rolls everything back so an account is
    never half erased. What must stay for others (e.g. messages they received) is the
    features' business: their erase anonymises it ("former member").
    """
    from webapp.core.mail import delete_mail_files

    user_id = user.id
    emails = _addresses(user)
    try:
        # Asked first: erasing anonymises the rows that lead to these mails.
        linked = {i for entry in registered_entries() for i in entry.mail_ids(user)}
        # Features first (they may need the user row), the accounts entry last.
        for entry in registered_entries():
            entry.erase(user)
        db.session.flush()
        deleted_mail = _delete_mail(user, emails, linked)
        _scrub_audit(user, emails)
        rotate = getattr(user, "session_token", None) is not None
        if rotate:  # any cookie still around no longer matches, even if the delete were undone
            user.session_token = secrets.token_urlsafe(24)
        if user in db.session:
            db.session.delete(user)
        db.session.flush()
        audit("account.deleted", actor_id=None, subject_user_id=user_id, reason=reason)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    delete_mail_files(deleted_mail)
    checkpoint()
    log.info("erased user %s (%s)", user_id, reason)


def checkpoint() -> None:
    """SQLite: move the write-ahead log into the database file and empty it, so erased rows (zeroed
    there by secure_delete) leave no readable copy in app.db-wal. Other databases: nothing to do."""
    if db.engine.dialect.name == "sqlite":
        with db.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


#: Column names that hold a user id even without a foreign key (logs keep ids of deleted users).
USER_COLUMN_PATTERN = (
    r"(^|_)user_id$|^(actor|sender|recipient|reporter|owner|author|creator|handled_by)(_user)?_id$"
)


def user_reference_columns(mappers: Iterable[Any] | None = None) -> list[tuple[type, str]]:
    """(model, column) pairs that point at a user: a users.id foreign key or a user_id-ish name.

    Used by the meta-test; call after ``create_app`` (every module has imported its models).
    """
    import re

    pattern = re.compile(USER_COLUMN_PATTERN)
    found: list[tuple[type, str]] = []
    for mapper in db.Model.registry.mappers if mappers is None else mappers:
        cls = mapper.class_
        table = getattr(cls, "__table__", None)
        if table is None:
            continue
        for column in table.columns:
            fk_to_users = any(fk.column.table.name == "users" for fk in column.foreign_keys)
            if fk_to_users or (pattern.search(column.name) and table.name != "users"):
                found.append((cls, column.name))
    return found


def uncovered_models(app: Flask | None = None, mappers: Iterable[Any] | None = None) -> dict[type, list[str]]:
    """Models referencing a user that no entry covers and EXCLUDED_MODELS does not list."""
    covered = covered_models(app)
    missing: dict[type, list[str]] = {}
    for cls, column in user_reference_columns(mappers):
        if cls in covered or cls in EXCLUDED_MODELS:
            continue
        missing.setdefault(cls, []).append(column)
    return missing


__all__ = [
    "EXCLUDED_MODELS",
    "PersonalData",
    "covered_models",
    "erase_user",
    "exclude_model",
    "export_user_data",
    "export_user_files",
    "register_personal_data",
    "registered_entries",
    "uncovered_models",
    "user_reference_columns",
]
