"""Rows and helpers for the directory-cards tests: real cards through the real service."""

from __future__ import annotations

import io
import itertools
from typing import Any

from tests.factories import make_user

_seq = itertools.count(1)


def sign_in(client: Any, user: Any) -> Any:
    """Put the user in the client's session the way Flask-Login's sign-in does."""
    with client.session_transaction() as sess:
        sess["_user_id"] = user.get_id()
        sess["_fresh"] = True
    return client


def code(kind: str, text: str) -> str:
    """A taxonomy code by label, so tests do not hard-code the taxonomy's spelling of codes."""
    from webapp.taxonomy import get_taxonomy

    found = get_taxonomy().resolve(kind, text)
    assert found, f"taxonomy does not know {kind} {text!r}"
    return found


def place(name: str, lang: str = "en") -> Any:
    from webapp.taxonomy import get_gazetteer

    found = get_gazetteer().resolve(name, lang=lang)
    assert found, f"gazetteer does not know {name!r}"
    return found[0]


def member_card(user: Any = None, *, visibility: str = "draft", commit: bool = True, **values: Any) -> Any:
    """A member card owned by ``user`` (a new verified member when None; pass user=False for no account)."""
    from webapp.directory import service
    from webapp.extensions import db

    if user is None:
        user = make_user()
    owner = user or None
    data = {"display_name": f"Member {next(_seq)}", "headline": "Freelancer"}
    data.update(values)
    card = service.create_card("member", owner, data)
    if visibility != "draft":
        service.set_visibility(card, visibility, actor_id=owner.id if owner else None, via="test")
    if commit:
        db.session.commit()
    return card


def client_card(user: Any = None, *, visibility: str = "draft", commit: bool = True, **values: Any) -> Any:
    """A client card owned by ``user`` (a new verified client account when None; user=False for none)."""
    from webapp.directory import service
    from webapp.extensions import db

    if user is None:
        user = make_user(account_type="client")
    owner = user or None
    data = {"name": f"Organisation {next(_seq)}", "description": "We hire freelancers."}
    data.update(values)
    card = service.create_card("client", owner, data)
    if visibility != "draft":
        service.set_visibility(card, visibility, actor_id=owner.id if owner else None, via="test")
    if commit:
        db.session.commit()
    return card


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


def outbox_rows(entity: str | None = None) -> list[Any]:
    from sqlalchemy import select

    from webapp.core.models import SearchOutboxEntry
    from webapp.extensions import db

    query = select(SearchOutboxEntry).order_by(SearchOutboxEntry.id)
    if entity:
        query = query.where(SearchOutboxEntry.entity == entity)
    return list(db.session.scalars(query))


def mails() -> list[Any]:
    from sqlalchemy import select

    from webapp.core.models import MailMessage
    from webapp.extensions import db

    return list(db.session.scalars(select(MailMessage).order_by(MailMessage.id)))


def audit_events(action: str | None = None) -> list[Any]:
    from sqlalchemy import select

    from webapp.core.models import AuditEvent
    from webapp.extensions import db

    query = select(AuditEvent).order_by(AuditEvent.id)
    if action:
        query = query.where(AuditEvent.action == action)
    return list(db.session.scalars(query))


def fresh(obj: Any) -> Any:
    """Reload a row from the database (what another request would see)."""
    from webapp.extensions import db

    db.session.expire_all()
    return db.session.get(type(obj), obj.id)
