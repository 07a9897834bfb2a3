"""Rows for tests, made through the real services (so a test's rows are rows the app could make),
and small readers of what the services wrote (outboxes, audit log).

Everything here needs an app context; none of it commits unless it says so.
"""

from __future__ import annotations

import io
import itertools
from typing import Any

PASSWORD = "correct horse battery staple"
#: ``next=`` values that must never lead off the site (CHECKLIST 10): other hosts however spelled,
#: scripts, and nothing at all. The sign-in route and ``safe_next`` itself are tested with the same.
FOREIGN_NEXT = [
    "//evil.example",
    " //evil.example",
    "/\\evil.example",
    "/\t/evil.example",
    "https://evil.example/x",
    "https:evil.example",
    "http:/evil.example",
    "http:/evil",
    "javascript:alert(1)",
    "",
]
_seq = itertools.count(1)


def make_user(
    email: str | None = None,
    *,
    password: str = PASSWORD,
    account_type: str = "member",
    role: str = "user",
    verified: bool = True,
    locale: str | None = None,
) -> Any:
    """An account through the staff path (``accounts.service.create_user``), committed.

    That path writes the audit event ``account.created_by_admin``: a test that compares the audit
    log before and after something makes its users first.
    """
    from webapp.accounts.service import create_user
    from webapp.extensions import db

    user = create_user(
        email or f"user{next(_seq)}@example.org",
        password,
        role=role,
        account_type=account_type,
        verified=verified,
        locale=locale,
    )
    db.session.commit()
    return user


def code(kind: str, text: str) -> str:
    """A taxonomy code by label, so tests do not hard-code the taxonomy's spelling of codes."""
    from webapp.taxonomy import get_taxonomy

    found = get_taxonomy().resolve(kind, text)
    assert found, f"taxonomy does not know {kind} {text!r}"
    return found


def place(name: str, lang: str = "en") -> Any:
    """The gazetteer's best place for ``name``, so tests name places as people type them."""
    from webapp.taxonomy import get_gazetteer

    found = get_gazetteer().resolve(name, lang=lang)
    assert found, f"gazetteer does not know {name!r}"
    return found[0]


def _card(kind: str, user: Any, defaults: dict[str, Any], visibility: str, commit: bool, values: dict) -> Any:
    from webapp.directory import service
    from webapp.extensions import db

    if user is None:
        user = make_user(account_type=kind)
    owner = user or None
    card = service.create_card(kind, owner, {**defaults, **values})
    if visibility != "draft":
        service.set_visibility(card, visibility, actor_id=owner.id if owner else None, via="test")
    if commit:
        db.session.commit()
    return card


def member_card(user: Any = None, *, visibility: str = "draft", commit: bool = True, **values: Any) -> Any:
    """A member card owned by ``user`` (a new verified member when None; pass user=False for no account,
    as an imported card has), created and published through the directory service."""
    defaults = {"display_name": f"Member {next(_seq)}", "headline": "Freelancer"}
    return _card("member", user, defaults, visibility, commit, values)


def client_card(user: Any = None, *, visibility: str = "draft", commit: bool = True, **values: Any) -> Any:
    """A client card owned by ``user`` (a new verified client account when None; user=False for none)."""
    defaults = {"name": f"Organisation {next(_seq)}", "description": "We hire freelancers."}
    return _card("client", user, defaults, visibility, commit, values)


def image_bytes(fmt: str = "JPEG", size: tuple[int, int] = (64, 48), *, exif: bool = False) -> bytes:
    """A small real image; with ``exif`` it carries camera and GPS tags like a phone photo."""
    from PIL import Image

    image = Image.new("RGB", size, (200, 80, 40))
    out = io.BytesIO()
    kwargs: dict[str, Any] = {}
    if exif:
        tags = Image.Exif()
        tags[0x010F] = "SecretCameraMaker"  # Make
        tags[0x0110] = "SecretModel-1234"  # Model
        tags[0x0131] = "SecretSoftware"  # Software
        tags[0x0112] = 1  # Orientation
        tags[0x8825] = {1: "N", 2: (50.0, 51.0, 52.0), 3: "E", 4: (3.0, 43.0, 10.0)}  # GPS
        kwargs["exif"] = tags.tobytes()
    image.save(out, format=fmt, **kwargs)
    return out.getvalue()


def _rows(model: Any, column: Any = None, value: Any = None) -> list[Any]:
    """Rows of ``model`` in id order, those whose ``column`` equals ``value`` when one is given."""
    from sqlalchemy import select

    from webapp.extensions import db

    query = select(model).order_by(model.id)
    if value is not None:
        query = query.where(column == value)
    return list(db.session.scalars(query))


def outbox_rows(entity: str | None = None) -> list[Any]:
    """The search outbox (of one entity), oldest first."""
    from webapp.core.models import SearchOutboxEntry

    return _rows(SearchOutboxEntry, SearchOutboxEntry.entity, entity)


def mails(to: str | None = None) -> list[Any]:
    """The mail outbox (to one address), oldest first."""
    from webapp.core.models import MailMessage

    return _rows(MailMessage, MailMessage.to_addr, to)


def audit_events(action: str | None = None) -> list[Any]:
    """The audit log (of one action), oldest first."""
    from webapp.core.models import AuditEvent

    return _rows(AuditEvent, AuditEvent.action, action)


def fresh(obj: Any) -> Any:
    """Reload a row from the database (what another request would see)."""
    from webapp.extensions import db

    db.session.expire_all()
    return db.session.get(type(obj), obj.id)
