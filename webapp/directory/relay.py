"""The contact relay: members and clients write to a card without learning its address.

The platform sends the mail (From: MAIL_FROM) to the card owner's address, with the
sender's account address as Reply-To; the recipient reveals their own address only by
replying. Each message is logged (ContactMessage) in the same transaction as its outbox
mail, so the recipient can block the sender or report the message to staff, and nothing
is lost when the mail server is down. Senders are capped per hour and per day.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select

from webapp.core.mail import HeaderInjection, external_url, safe_header, send_template
from webapp.core.models import audit, utcnow
from webapp.directory import service
from webapp.directory.models import AbuseReport, ContactBlock, ContactMessage
from webapp.directory.permissions import Card, can_contact, card_kind
from webapp.extensions import db, limiter

SUBJECT_MAX = 150
BODY_MAX = 5000
BODY_MIN = 10
REASON_MAX = 2000


class RelayError(Exception):
    """Why a message cannot go out; ``code`` picks the user-facing message."""

    def __init__(self, code: str, retry_after: int = 0):
        super().__init__(code)
        self.code = code
        self.retry_after = retry_after


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="kring.directory.report")


def report_token(message: ContactMessage) -> str:
    """A link token that lets the recipient of one message report it, even without an account."""
    return _serializer().dumps({"m": message.id})


def token_matches(token: str | None, message: ContactMessage) -> bool:
    if not token:
        return False
    max_age = int(timedelta(days=int(current_app.config.get("CONTACT_LOG_DAYS", 365))).total_seconds())
    try:
        data = _serializer().loads(token, max_age=max_age)
    except (BadSignature, SignatureExpired):
        return False
    return isinstance(data, dict) and data.get("m") == message.id


def is_blocked(recipient_user_id: int | None, sender_id: int) -> bool:
    if recipient_user_id is None:
        return False
    return (
        db.session.scalar(
            select(ContactBlock.id).where(
                ContactBlock.user_id == recipient_user_id, ContactBlock.blocked_user_id == sender_id
            )
        )
        is not None
    )


def check_subject(subject: str) -> str:
    """One line, bounded; raw and RFC 2047-encoded line breaks are refused, never stripped."""
    subject = (subject or "").strip()
    if not subject:
        raise RelayError("subject")
    try:
        safe_header(subject)
    except HeaderInjection as exc:
        raise RelayError("subject") from exc
    if len(subject) > SUBJECT_MAX:
        raise RelayError("subject")
    return subject


def check_body(body: str) -> str:
    body = (body or "").replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "").strip()
    if len(body) < BODY_MIN or len(body) > BODY_MAX:
        raise RelayError("body")
    return body


def _rate_limit(sender_id: int) -> None:
    cfg = current_app.config
    for scope, rule in (
        ("contact-hour", cfg["RATELIMIT_CONTACT_HOUR"]),
        ("contact-day", cfg["RATELIMIT_CONTACT_DAY"]),
    ):
        verdict = limiter.hit(scope, f"user:{sender_id}", rule)
        if not verdict.allowed:
            raise RelayError("rate", retry_after=verdict.retry_after)


def _sender_card(sender: Any) -> tuple[str, str | None]:
    """How the sender is introduced: their card's name ("" without a card: the mail then names
    them by the address they reply from) and, when published, the link to it. A client card
    names its contact person with the organisation ("An Peeters (Theater Aan Zee)")."""
    card = service.own_card(sender)
    if card is None:
        return "", None
    name = getattr(card, "display_name", None) or getattr(card, "name", None) or ""
    person = (getattr(card, "contact_person", None) or "").strip()
    if person and name and card_kind(card) == "client":
        name = f"{person} ({name})"
    url = external_url(f"directory.{card_kind(card)}", profile_id=card.id) if card.is_published else None
    return name, url


def _mail_locale(card: Card) -> str | None:
    """The recipient's language: their account's, else their card's (send_template falls back)."""
    user = card.user if card.user_id is not None else None
    return getattr(user, "locale", None) or card.card_language


def send_message(sender: Any, card: Card, subject: str, body: str) -> ContactMessage:
    """Log the message and queue its mail in the caller's transaction (the caller commits).

    Raises RelayError: "not_allowed" (card not contactable by this sender), "blocked",
    "subject" (empty, too long, or with a line break), "body", "rate" (with retry_after).
    """
    if not can_contact(sender, card):
        raise RelayError("not_allowed")
    if is_blocked(card.user_id, sender.id):
        raise RelayError("blocked")
    subject = check_subject(subject)
    body = check_body(body)
    to_addr = service.delivery_address(card)
    if not to_addr:
        raise RelayError("not_allowed")
    _rate_limit(sender.id)

    message = ContactMessage(
        sender_id=sender.id,
        recipient_kind=card_kind(card),
        recipient_profile_id=card.id,
        recipient_user_id=card.user_id,
        subject=subject,
        body=body,
        created_at=utcnow(),
    )
    db.session.add(message)
    db.session.flush()

    name, card_url = _sender_card(sender)
    report_url = external_url("directory.report", message_id=message.id, t=report_token(message))
    mail = send_template(
        to_addr,
        "directory/mail/relay.txt",
        lang=_mail_locale(card),
        kind="contact",
        reply_to=sender.email,
        user_id=sender.id,
        subject=subject,
        message=body,
        sender_name=name,
        # Without a card the sender is named by the address the recipient's reply goes to (it is
        # in Reply-To anyway, and the contact form told the sender so).
        sender_email=sender.email,
        sender_is_member=sender.is_member,
        card_url=card_url,
        report_url=report_url,
    )
    db.session.flush()
    message.mail_id = mail.id
    return message


# ------------------------------------------------------------------------------- blocks and reports


def block_sender(user: Any, message: ContactMessage) -> ContactBlock | None:
    """The recipient stops further messages from this sender (nothing to block for a former member)."""
    if message.sender_id is None or message.sender_id == user.id:
        return None
    existing = db.session.scalar(
        select(ContactBlock).where(
            ContactBlock.user_id == user.id, ContactBlock.blocked_user_id == message.sender_id
        )
    )
    if existing is not None:
        return existing
    block = ContactBlock(user_id=user.id, blocked_user_id=message.sender_id, created_at=utcnow())
    db.session.add(block)
    db.session.flush()
    return block


def unblock(block: ContactBlock) -> None:
    db.session.delete(block)
    db.session.flush()


def blocks_of(user: Any) -> list[ContactBlock]:
    return list(
        db.session.scalars(
            select(ContactBlock)
            .where(ContactBlock.user_id == user.id)
            .order_by(ContactBlock.created_at.desc())
        )
    )


def report_message(message: ContactMessage, *, reporter_id: int | None, reason: str) -> AbuseReport:
    """File a report for staff and tell them by mail (without the message's content)."""
    reason = (reason or "").strip()
    if not reason:
        raise RelayError("reason")
    report = AbuseReport(
        message_id=message.id,
        reporter_id=reporter_id,
        reason=reason[:REASON_MAX],
        status="open",
        created_at=utcnow(),
    )
    db.session.add(report)
    db.session.flush()
    staff_email = current_app.config.get("STAFF_EMAIL")
    if staff_email:
        # Staff have no account language: the site's default, as for anyone without one.
        send_template(
            staff_email,
            "directory/mail/abuse_report.txt",
            lang=None,
            kind="staff",
            report_id=report.id,
            url=external_url("directory.staff_reports"),
        )
    return report


def received_messages(user: Any, limit: int = 100) -> list[ContactMessage]:
    return list(
        db.session.scalars(
            select(ContactMessage)
            .where(ContactMessage.recipient_user_id == user.id)
            .order_by(ContactMessage.created_at.desc(), ContactMessage.id.desc())
            .limit(limit)
        )
    )


def reports(status: str = "open", limit: int = 200) -> list[AbuseReport]:
    return list(
        db.session.scalars(
            select(AbuseReport)
            .where(AbuseReport.status == status)
            .order_by(AbuseReport.created_at.desc(), AbuseReport.id.desc())
            .limit(limit)
        )
    )


def open_report_count() -> int:
    return db.session.scalar(select(func.count()).where(AbuseReport.status == "open")) or 0


def handle_report(report: AbuseReport, staff: Any) -> bool:
    """Mark a report handled, once; audit-logged."""
    if report.status == "handled":
        return False
    report.status = "handled"
    report.handled_by_id = staff.id
    message = db.session.get(ContactMessage, report.message_id)
    audit(
        "directory.report_handled",
        actor_id=staff.id,
        subject_user_id=message.sender_id if message else None,
        report_id=report.id,
        message_id=report.message_id,
    )
    return True


def purge_old_messages(days: int | None = None) -> int:
    """Forget relay messages older than CONTACT_LOG_DAYS (the documented retention period),
    except those an open abuse report still needs. Returns how many went; the caller commits."""
    days = int(current_app.config.get("CONTACT_LOG_DAYS", 365)) if days is None else days
    cutoff = utcnow() - timedelta(days=days)
    still_needed = select(AbuseReport.message_id).where(AbuseReport.status == "open")
    old = list(
        db.session.scalars(
            select(ContactMessage).where(
                ContactMessage.created_at < cutoff, ContactMessage.id.not_in(still_needed)
            )
        )
    )
    for message in old:
        db.session.delete(message)
    db.session.flush()
    return len(old)


__all__ = [
    "RelayError",
    "block_sender",
    "blocks_of",
    "handle_report",
    "is_blocked",
    "open_report_count",
    "purge_old_messages",
    "received_messages",
    "report_message",
    "report_token",
    "reports",
    "send_message",
    "token_matches",
    "unblock",
]
