"""The directory's share of a user's personal data, for export (Art. 20) and erasure (Art. 17).

Erasure removes the user's cards and photo files and tells the search index to drop
them at once; messages they sent stay for their recipients but lose every trace of the
sender ("a former member"); blocks go; reports they filed stay for staff without the
reporter. Messages they received are deleted unless a report keeps them as evidence.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import func, or_, select

from webapp.directory import photos, service
from webapp.directory.models import (
    AbuseReport,
    ClientProfile,
    ContactBlock,
    ContactMessage,
    MemberProfile,
)
from webapp.extensions import db

FORMER_SUBJECT = "Message from a former member"
FORMER_BODY = "This message was sent by a former member of the platform, who has since deleted their account."


def _card_export(card: Any) -> dict[str, Any]:
    data = {
        column.name: getattr(card, column.key)
        for column in card.__table__.columns
        if column.name not in ("user_id",)
    }
    data["sectors"] = list(card.sectors)
    if isinstance(card, MemberProfile):
        data["languages"] = list(card.languages)
    return data


def export_directory(user: Any) -> dict[str, Any]:
    """Cards, messages sent and received (metadata), blocks and reports of ``user``."""
    member = db.session.scalar(select(MemberProfile).where(MemberProfile.user_id == user.id))
    client = db.session.scalar(select(ClientProfile).where(ClientProfile.user_id == user.id))
    sent = db.session.scalars(
        select(ContactMessage).where(ContactMessage.sender_id == user.id).order_by(ContactMessage.id)
    )
    received = db.session.scalars(
        select(ContactMessage).where(ContactMessage.recipient_user_id == user.id).order_by(ContactMessage.id)
    )
    blocks = db.session.scalars(select(ContactBlock).where(ContactBlock.user_id == user.id))
    blocked_by_count = db.session.scalar(select(func.count()).where(ContactBlock.blocked_user_id == user.id))
    reports = db.session.scalars(select(AbuseReport).where(AbuseReport.reporter_id == user.id))
    return {
        "member_card": _card_export(member) if member else None,
        "client_card": _card_export(client) if client else None,
        "messages_sent": [
            {
                "id": m.id,
                "to": f"{m.recipient_kind}:{m.recipient_profile_id}",
                "subject": m.subject,
                "body": m.body,
                "created_at": m.created_at,
            }
            for m in sent
        ],
        "messages_received": [
            {
                "id": m.id,
                "subject": m.subject,
                # The text is theirs to keep too: it was written to them (Art. 15 and 20).
                "body": m.body,
                "created_at": m.created_at,
                "from_former_member": m.sender_id is None,
            }
            for m in received
        ],
        "blocks": [{"blocked_user_id": b.blocked_user_id, "created_at": b.created_at} for b in blocks],
        "blocked_by_others": blocked_by_count,
        "reports_filed": [
            {
                "id": r.id,
                "message_id": r.message_id,
                "reason": r.reason,
                "status": r.status,
                "created_at": r.created_at,
            }
            for r in reports
        ],
    }


def export_files(user: Any) -> list[tuple[str, Any]]:
    """The member card's photo, as stored (re-encoded WebP), for the ZIP export."""
    card = db.session.scalar(select(MemberProfile).where(MemberProfile.user_id == user.id))
    if card is None or not card.photo_filename:
        return []
    path = photos.photo_path(card.photo_filename)
    return [("photo.webp", path)] if path is not None else []


def relay_mail_ids(user: Any) -> list[int]:
    """The outbox mails of relay messages the user sent or received: a message to them went to
    whatever address they had then, and carries their card's name."""
    return [
        mail_id
        for mail_id in db.session.scalars(
            select(ContactMessage.mail_id).where(
                or_(ContactMessage.sender_id == user.id, ContactMessage.recipient_user_id == user.id)
            )
        )
        if mail_id is not None
    ]


def erase_directory(user: Any) -> None:
    """Delete cards (+ photos, + index entries), anonymise sent messages, drop blocks (flush only)."""
    photo_files: list[str] = []
    for model in (MemberProfile, ClientProfile):
        for card in db.session.scalars(select(model).where(model.user_id == user.id)):
            photo = service.delete_card(card, actor_id=user.id, reason="account erased")
            if photo:
                photo_files.append(photo)
    for message in db.session.scalars(select(ContactMessage).where(ContactMessage.sender_id == user.id)):
        message.sender_id = None
        message.subject = FORMER_SUBJECT
        message.body = FORMER_BODY
    # Messages to them: gone, unless a report keeps one as evidence for staff.
    reported = select(AbuseReport.message_id)
    for message in db.session.scalars(
        select(ContactMessage).where(
            ContactMessage.recipient_user_id == user.id, ContactMessage.id.not_in(reported)
        )
    ):
        db.session.delete(message)
    for message in db.session.scalars(
        select(ContactMessage).where(ContactMessage.recipient_user_id == user.id)
    ):
        message.recipient_user_id = None
    for block in db.session.scalars(
        select(ContactBlock).where(
            or_(ContactBlock.user_id == user.id, ContactBlock.blocked_user_id == user.id)
        )
    ):
        db.session.delete(block)
    for report in db.session.scalars(
        select(AbuseReport).where(
            or_(AbuseReport.reporter_id == user.id, AbuseReport.handled_by_id == user.id)
        )
    ):
        if report.reporter_id == user.id:
            report.reporter_id = None
        if report.handled_by_id == user.id:
            report.handled_by_id = None
    db.session.flush()
    # Files go after the rows are flushed; erase_user commits or rolls back as a whole, and a
    # photo of an erased card must not survive even if a later step fails and is retried.
    for filename in photo_files:
        photos.delete_photo(filename)


def register(app: Flask) -> None:
    """Put the directory in the personal-data registry."""
    from webapp.core.privacy import PersonalData, register_personal_data

    register_personal_data(
        app,
        PersonalData(
            name="directory",
            models=[MemberProfile, ClientProfile, ContactMessage, ContactBlock, AbuseReport],
            export=export_directory,
            erase=erase_directory,
            mail_ids=relay_mail_ids,
            files=export_files,
            order=20,
        ),
    )


__all__ = ["FORMER_BODY", "FORMER_SUBJECT", "erase_directory", "export_directory", "register"]
