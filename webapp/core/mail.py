"""The mail outbox: queue in the caller's transaction, send from a worker.

Default backend writes ``.eml`` files under ``DATA_DIR/mail``; ``MAIL_URL=smtp://…``
sends through SMTP. A failed send stays queued with its error and is retried
with back-off; the outbox id doubles as Message-ID so a retry never duplicates.

Mail texts are plain-text Jinja templates, ``templates/<module>/mail/<name>.txt`` in each
module's template folder, with a ``subject`` and a ``body`` block, rendered in the
recipient's language by ``send_template``: adding a kind of mail is a template and one call.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
import time
import unicodedata
from datetime import timedelta
from email.header import decode_header
from email.message import EmailMessage
from email.utils import parseaddr
from pathlib import Path
from typing import Any, Iterable, Protocol
from urllib.parse import unquote, urlparse

from flask import Flask, current_app, has_request_context, url_for
from flask_babel import force_locale
from jinja2 import Environment, StrictUndefined
from sqlalchemy import func, select

from webapp.core.claims import claim_due
from webapp.core.models import MailMessage, utcnow
from webapp.extensions import db

log = logging.getLogger(__name__)

MAX_ATTEMPTS_BACKOFF = 12
#: Attempts after which a mail is given up (MAIL_MAX_ATTEMPTS overrides).
MAX_ATTEMPTS = 8
LEASE = timedelta(minutes=5)
#: The background thread that drains the mail outbox in the web process (webapp.core.workers).
MAIL_WORKER = "mail-worker"


class HeaderInjection(ValueError):
    """A header value carried a control character (a line break to some mail software), raw or encoded."""


def has_control(value: str) -> bool:
    """Any control character (C0, DEL, C1: VT, FF, FS, GS, RS break lines for Python's e-mail
    package), or a Unicode line or paragraph separator."""
    return any(unicodedata.category(c) in ("Cc", "Zl", "Zp") for c in value)


def safe_header(value: str) -> str:
    """Refuse control characters in a header value, including RFC 2047 encoded forms."""
    if has_control(value):
        raise HeaderInjection("control character in a mail header")
    if "=?" in value:
        try:
            decoded = "".join(
                part.decode(enc or "ascii", "replace") if isinstance(part, bytes) else part
                for part, enc in decode_header(value)
            )
        except Exception as exc:  # malformed encoded word
            raise HeaderInjection("malformed encoded header") from exc
        if has_control(decoded):
            raise HeaderInjection("encoded control character in a mail header")
    return value


def safe_address(value: str) -> str:
    """One plain address, no display-name tricks, no header injection."""
    safe_header(value)
    name, addr = parseaddr(value)
    if not addr or addr != value.strip() or "@" not in addr or "," in addr or " " in addr:
        raise HeaderInjection("not a single plain e-mail address")
    return addr


def queue_mail(
    to: str,
    subject: str,
    body: str,
    *,
    reply_to: str | None = None,
    user_id: int | None = None,
    kind: str = "account",
) -> MailMessage:
    """Add a mail to the outbox in the current transaction (the caller commits)."""
    msg = MailMessage(
        to_addr=safe_address(to),
        subject=safe_header(subject)[:300],
        body_text=body,
        reply_to=safe_address(reply_to) if reply_to else None,
        user_id=user_id,
        kind=kind,
    )
    db.session.add(msg)
    return msg


def mail_language(lang: str | None) -> str:
    """``lang`` when the site speaks it, else the site's default: a mail is never in a language
    without a catalogue (nor does an unknown code reach Babel, which would raise)."""
    config = current_app.config
    return lang if lang in config["LANGUAGES"] else config["BABEL_DEFAULT_LOCALE"]


def _mail_jinja(app: Flask) -> Environment:
    """The app's Jinja environment (loaders, gettext, filters) with two changes for mail: no
    autoescaping, whatever the file name (plain text must not turn "&" into "&amp;"), and
    undefined variables raise instead of leaving a silent gap where a link should be."""
    env = app.extensions.get("kring.mail_jinja")
    if env is None:
        env = app.jinja_env.overlay(autoescape=False, undefined=StrictUndefined)
        app.extensions["kring.mail_jinja"] = env
    return env


def render_mail(template: str, *, lang: str | None, **context: Any) -> tuple[str, str]:
    """(subject, body) of a mail template in ``lang`` (see mail_language).

    User-supplied values go in as context, never as template source, so "{{ … }}" or "%(x)s" in a
    message stays literal; the subject still passes safe_header in queue_mail.
    """
    tmpl = _mail_jinja(current_app._get_current_object()).get_template(template)
    missing = {"subject", "body"} - set(tmpl.blocks)
    if missing:
        raise LookupError(f"mail template {template} lacks {{% block {' / '.join(sorted(missing))} %}}")
    with force_locale(mail_language(lang)):
        ctx = tmpl.new_context(context)
        subject = "".join(tmpl.blocks["subject"](ctx))
        body = "".join(tmpl.blocks["body"](ctx))
    return subject, body


def send_template(
    to: str,
    template: str,
    *,
    lang: str | None,
    kind: str,
    reply_to: str | None = None,
    user_id: int | None = None,
    **context: Any,
) -> MailMessage:
    """Render ``template`` in the recipient's language ``lang`` and queue it (the caller commits).

    ``template`` is a name such as "accounts/mail/verify.txt"; ``context`` are its variables.
    """
    subject, body = render_mail(template, lang=lang, **context)
    return queue_mail(to, subject, body, reply_to=reply_to, user_id=user_id, kind=kind)


def external_url(endpoint: str, **values: object) -> str:
    """An absolute link for a mail, on BASE_URL (a request's Host header is not trusted),
    also outside a request (CLI, workers)."""
    base = current_app.config.get("BASE_URL", "").rstrip("/")
    if has_request_context():
        return base + url_for(endpoint, **values)
    with current_app.test_request_context("/"):
        return base + url_for(endpoint, **values)


def build_message(row: MailMessage, sender: str, domain: str) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = safe_address(row.to_addr)
    msg["Subject"] = safe_header(row.subject)
    if row.reply_to:
        msg["Reply-To"] = safe_address(row.reply_to)
    msg["Message-ID"] = f"<outbox-{row.id}@{domain}>"
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content(row.body_text)
    return msg


class MailBackend(Protocol):
    def send(self, msg: EmailMessage, row: MailMessage) -> None: ...


class FileMailBackend:
    """Writes each mail to ``<dir>/<outbox id>.eml``; rewriting the same id is harmless."""

    def __init__(self, directory: Path):
        self.directory = directory

    def send(self, msg: EmailMessage, row: MailMessage) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        tmp = self.directory / f".{row.id}.eml.tmp"
        tmp.write_bytes(bytes(msg))
        tmp.replace(self.directory / f"{row.id:08d}.eml")


class SMTPMailBackend:
    def __init__(self, url: str, timeout: float = 10.0):
        parts = urlparse(url)
        self.host = parts.hostname or "localhost"
        self.port = parts.port or (465 if parts.scheme == "smtps" else 25)
        self.user = unquote(parts.username) if parts.username else None
        self.password = unquote(parts.password) if parts.password else None
        self.implicit_tls = parts.scheme == "smtps"
        self.starttls = "starttls=1" in (parts.query or "")
        self.timeout = timeout

    def send(self, msg: EmailMessage, row: MailMessage) -> None:
        if self.implicit_tls:
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                self.host, self.port, timeout=self.timeout, context=ssl.create_default_context()
            )
        else:
            smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        with smtp:
            if self.starttls:
                smtp.starttls(context=ssl.create_default_context())
            if self.user:
                smtp.login(self.user, self.password or "")
            # Envelope recipient is the outbox row's single address, never parsed headers.
            smtp.send_message(msg, to_addrs=[row.to_addr])


def mail_dir() -> Path:
    """Where the default backend writes its .eml files."""
    return Path(current_app.config["DATA_DIR"]) / "mail"


def delete_mail_files(ids: Iterable[int]) -> int:
    """Remove the .eml copies of these outbox mails (erasure); how many existed."""
    removed = 0
    for mail_id in ids:
        path = mail_dir() / f"{int(mail_id):08d}.eml"
        if path.exists():
            path.unlink()
            removed += 1
    return removed


def purge_mail(days: int | None = None) -> tuple[int, int]:
    """Forget mail older than ``days`` (MAIL_KEEP_DAYS, 30): sent or given-up outbox rows and .eml
    files. Returns
    (rows, files) removed; commits. Unsent mail is never purged."""
    from sqlalchemy import delete, or_

    days = int(current_app.config.get("MAIL_KEEP_DAYS", 30) if days is None else days)
    cutoff = utcnow() - timedelta(days=days)
    old = list(
        db.session.scalars(
            select(MailMessage.id).where(
                MailMessage.created_at < cutoff,
                or_(MailMessage.sent_at.is_not(None), MailMessage.failed_at.is_not(None)),
            )
        )
    )
    if old:
        db.session.execute(delete(MailMessage).where(MailMessage.id.in_(old)))
    files = 0
    if mail_dir().is_dir():
        for path in mail_dir().glob("*.eml"):
            if path.stat().st_mtime < cutoff.timestamp():
                path.unlink(missing_ok=True)
                files += 1
    db.session.commit()
    return len(old), files


def mail_backend() -> MailBackend:
    url = current_app.config.get("MAIL_URL")
    if url and url.startswith(("smtp://", "smtps://")):
        return SMTPMailBackend(url)
    return FileMailBackend(mail_dir())


def _backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(30 * 2 ** min(attempts, MAX_ATTEMPTS_BACKOFF), 6 * 3600))


def drain_mail(limit: int = 50, *, force: bool = False) -> tuple[int, int]:
    """Send due mails; returns (sent, failed). ``force`` ignores back-off (tests, CLI)."""
    backend = mail_backend()
    sender = current_app.config["MAIL_FROM"]
    domain = parseaddr(sender)[1].split("@")[-1] or "localhost"
    now = utcnow()
    # Claimed with a lease in one statement, so a second worker skips them: never two sends.
    ids = claim_due(
        MailMessage,
        pending=PENDING,
        now=now,
        lease_until=now + LEASE,
        limit=limit,
        force=force,
    )
    sent = failed = 0
    for mail_id in ids:
        row = db.session.get(MailMessage, mail_id)
        try:
            backend.send(build_message(row, sender, domain), row)
        except Exception as exc:  # noqa: BLE001 - any failure keeps the mail queued, or gives it up
            row.attempts += 1
            row.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            row.next_attempt_at = utcnow() + _backoff(row.attempts)
            failed += 1
            log.warning("mail %s failed (attempt %s): %s", row.id, row.attempts, row.last_error)
            if is_permanent(exc) or row.attempts >= current_app.config.get("MAIL_MAX_ATTEMPTS", MAX_ATTEMPTS):
                give_up(row)
        else:
            row.sent_at = utcnow()
            row.last_error = None
            sent += 1
        db.session.commit()
    return sent, failed


#: Rows the worker still tries to send.
PENDING = MailMessage.sent_at.is_(None) & MailMessage.failed_at.is_(None)


def is_permanent(exc: BaseException) -> bool:
    """A failure no retry can mend: headers that cannot be built, or the server's final "no" (5xx)."""
    if isinstance(exc, HeaderInjection):
        return True
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _msg in exc.recipients.values())
    if isinstance(exc, (smtplib.SMTPSenderRefused, smtplib.SMTPDataError)):
        return exc.smtp_code >= 500
    return False


def give_up(row: MailMessage) -> None:
    """The dead-letter state: never retried, counted by `mail status`, and staff are told (the
    notice about a given-up notice is not sent, so a dead staff address cannot loop)."""
    row.failed_at = utcnow()
    log.error("mail %s given up after %s attempt(s): %s", row.id, row.attempts, row.last_error)
    if row.kind == "staff-notice":
        return
    send_template(
        current_app.config["STAFF_EMAIL"],
        "core/mail/undeliverable.txt",
        lang=None,
        kind="staff-notice",
        user_id=row.user_id,  # erased with the person the failed mail was about
        mail_id=row.id,
        mail_kind=row.kind,
        attempts=row.attempts,
        error=row.last_error or "",
    )


#: How often the background worker purges old mail.
PURGE_EVERY_S = 3600.0


def drain_step() -> int:
    """One pass of the background worker: mails sent (0 lets the worker idle); old mail purged hourly."""
    sent, _failed = drain_mail()
    last = current_app.extensions.get("kring_mail_purged_at", 0.0)
    if time.monotonic() - last > PURGE_EVERY_S:
        current_app.extensions["kring_mail_purged_at"] = time.monotonic()
        purge_mail()
    return sent


def mail_status() -> dict[str, int]:
    def count(*conditions: Any) -> int:
        return db.session.scalar(select(func.count()).select_from(MailMessage).where(*conditions)) or 0

    return {
        "queued": count(PENDING),
        "failing": count(PENDING, MailMessage.attempts > 0),
        "sent": count(MailMessage.sent_at.is_not(None)),
        "given_up": count(MailMessage.failed_at.is_not(None)),
    }


__all__ = [
    "HeaderInjection",
    "drain_mail",
    "delete_mail_files",
    "drain_step",
    "purge_mail",
    "external_url",
    "mail_language",
    "mail_status",
    "queue_mail",
    "render_mail",
    "safe_address",
    "safe_header",
    "send_template",
]
