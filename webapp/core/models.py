"""Shared model pieces: time helpers, mixins, the two outboxes, rate-limit counters, audit log."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

from webapp.extensions import db


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Stores UTC, always hands back aware datetimes (SQLite forgets the zone)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; store UTC-aware datetimes")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow, nullable=False)


class SectorLinkMixin:
    """One taxonomy sector a row is filed under, in its owner's order (a link table's columns).

    A module's link model adds the foreign key to its row (``profile_id``, ``listing_id``…)
    as part of the primary key; the row's model mixes in ``SectorsMixin``.
    """

    sector_code: Mapped[str] = mapped_column(String(60), primary_key=True, index=True)
    position: Mapped[int] = mapped_column(Integer, default=0, nullable=False)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.sector_code}@{self.position}>"


class SectorsMixin:
    """A row filed under sectors through an ordered ``sector_links`` relationship."""

    @property
    def sectors(self) -> list[str]:
        return [link.sector_code for link in self.sector_links]  # type: ignore[attr-defined]


def set_links(links: list[Any], link_cls: type, value_attr: str, values: list[str], *, ordered: bool) -> bool:
    """Make a link-table relationship (sectors, languages) hold exactly ``values``, changing rows in
    place (kept links keep their identity); True when anything changed. ``ordered`` links carry
    a ``position``."""
    current = [getattr(link, value_attr) for link in links]
    if current == values or (not ordered and sorted(current) == sorted(values)):
        return False
    wanted = set(values)
    for link in list(links):
        if getattr(link, value_attr) not in wanted:
            links.remove(link)
    present = {getattr(link, value_attr): link for link in links}
    for position, value in enumerate(values):
        link = present.get(value)
        if link is None:
            kwargs: dict[str, Any] = {value_attr: value}
            if ordered:
                kwargs["position"] = position
            links.append(link_cls(**kwargs))
        elif ordered:
            link.position = position
    if ordered:
        links.sort(key=lambda link: link.position)
    return True


class MailMessage(db.Model):
    """One outgoing mail, written in the transaction that causes it; a worker sends it."""

    __tablename__ = "mail_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    to_addr: Mapped[str] = mapped_column(String(320), nullable=False)
    subject: Mapped[str] = mapped_column(String(300), nullable=False)
    body_text: Mapped[str] = mapped_column(Text, nullable=False)
    reply_to: Mapped[str | None] = mapped_column(String(320))
    # Which user the mail is about (for erasure); not shown anywhere.
    user_id: Mapped[int | None] = mapped_column(Integer, index=True)
    kind: Mapped[str] = mapped_column(String(40), default="account", nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    attempts: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Given up (dead letter): it can never be sent, or failed too often; the worker skips it.
    failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_mail_messages_pending", "sent_at", "next_attempt_at"),)

    def __repr__(self) -> str:
        return f"<MailMessage {self.id} to={self.to_addr!r} sent={self.sent_at is not None}>"


class SearchOutboxEntry(db.Model):
    """A row changed that the search index must follow (upsert or delete)."""

    __tablename__ = "search_outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    entity: Mapped[str] = mapped_column(String(40), nullable=False)
    entity_id: Mapped[int] = mapped_column(Integer, nullable=False)
    op: Mapped[str] = mapped_column(String(10), nullable=False)  # "upsert" | "delete"
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    attempts: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    last_error: Mapped[str | None] = mapped_column(Text)
    # Done rows stay a while so a reindex can replay what changed while it ran.
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_search_outbox_due", "done_at", "next_attempt_at"),)

    def __repr__(self) -> str:
        return f"<SearchOutboxEntry {self.entity}:{self.entity_id} {self.op} attempts={self.attempts}>"


class SearchEntityVersion(db.Model):
    """The document build an entity's index was last filled with (EntitySpec.document_version)."""

    __tablename__ = "search_entity_versions"

    entity: Mapped[str] = mapped_column(String(40), primary_key=True)
    document_version: Mapped[int] = mapped_column(Integer, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow, nullable=False)

    def __repr__(self) -> str:
        return f"<SearchEntityVersion {self.entity} v{self.document_version}>"


class RateLimitCounter(db.Model):
    __tablename__ = "rate_limit_counters"

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(40), nullable=False)
    key: Mapped[str] = mapped_column(String(200), nullable=False)
    window: Mapped[int] = mapped_column(Integer, nullable=False)
    count: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    expires_at: Mapped[int] = mapped_column(Integer, nullable=False)

    __table_args__ = (UniqueConstraint("scope", "key", "window", name="uq_rate_limit_counters_key"),)

    def __repr__(self) -> str:
        return f"<RateLimitCounter {self.scope}:{self.key} w={self.window} n={self.count}>"


class AuditEvent(db.Model):
    """Who did what, when: publication/consent changes and staff actions on personal data."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(Integer, index=True)
    subject_user_id: Mapped[int | None] = mapped_column(Integer, index=True)
    action: Mapped[str] = mapped_column(String(60), nullable=False)
    detail: Mapped[dict] = mapped_column(JSON, default=dict, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    def __repr__(self) -> str:
        return f"<AuditEvent {self.action} actor={self.actor_id} subject={self.subject_user_id}>"


def audit(action: str, *, actor_id: int | None, subject_user_id: int | None, **detail: Any) -> AuditEvent:
    """Record an audit event in the current transaction."""
    event = AuditEvent(action=action, actor_id=actor_id, subject_user_id=subject_user_id, detail=detail)
    db.session.add(event)
    return event
