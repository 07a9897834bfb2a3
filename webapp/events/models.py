"""Events, sector groups, RSVPs and calendar-feed tokens.

An event is a draft (its organisers only) until published to the community (signed-in users) or
the public (everyone, feeds, the public API); ``cancelled`` keeps a published event visible with
STATUS:CANCELLED. Times are stored in UTC with the event's own zone, in which it is shown and in
which its RRULE repeats (19:00 Brussels stays 19:00 across DST). The capacity is enforced by the
database: ``going_count`` is kept in the same transaction as the RSVPs and a CHECK constraint
refuses ``going_count > capacity`` (see ``service.rsvp`` for the lock that makes sign-ups fair).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.core.models import SectorLinkMixin, SectorsMixin, UTCDateTime, utcnow
from webapp.core.places import PlaceMixin
from webapp.core.publishing import PublishableMixin
from webapp.extensions import db

CATEGORIES = ("networking", "sector_meetup", "info_session", "workshop", "cooperative_meeting", "festival")
#: Who organises: a member (the creator), a sector group (its organisers), the cooperative's staff.
ORGANISER_KINDS = ("member", "group", "staff")
RSVP_STATUSES = ("going", "waiting", "not_going")
GROUP_ROLES = ("organiser", "member")


class EventGroup(PlaceMixin, PublishableMixin, SectorsMixin, db.Model):
    """A sector group ("Illustratoren Vlaanderen"): a trade or community in a region."""

    __tablename__ = "event_groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str | None] = mapped_column(String(100), unique=True)
    #: Who created it (NULL once that account is deleted).
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    name: Mapped[str] = mapped_column(String(160), nullable=False)
    description: Mapped[str | None] = mapped_column(Text)

    sector_links: Mapped[list[GroupSector]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="GroupSector.position"
    )
    memberships: Mapped[list[GroupMember]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, back_populates="group"
    )

    def __repr__(self) -> str:
        return f"<EventGroup {self.id} {self.name!r}>"


class GroupSector(SectorLinkMixin, db.Model):
    __tablename__ = "event_group_sectors"

    group_id: Mapped[int] = mapped_column(ForeignKey("event_groups.id", ondelete="CASCADE"), primary_key=True)


class GroupMember(db.Model):
    __tablename__ = "event_group_members"

    group_id: Mapped[int] = mapped_column(ForeignKey("event_groups.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    role: Mapped[str] = mapped_column(String(10), default="member", nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    group: Mapped[EventGroup] = relationship(back_populates="memberships")

    def __repr__(self) -> str:
        return f"<GroupMember {self.group_id}:{self.user_id} {self.role}>"


class Event(PlaceMixin, PublishableMixin, SectorsMixin, db.Model):
    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str | None] = mapped_column(String(100), unique=True)
    #: The member who created it, an organiser (NULL once that account is deleted).
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    group_id: Mapped[int | None] = mapped_column(
        ForeignKey("event_groups.id", ondelete="SET NULL"), index=True
    )
    organiser_kind: Mapped[str] = mapped_column(String(10), default="member", nullable=False)
    category: Mapped[str] = mapped_column(String(30), nullable=False, index=True)
    #: Spoken languages (ISO 639-1), in the organiser's order.
    languages: Mapped[list] = mapped_column(JSON, default=list, nullable=False)
    timezone: Mapped[str] = mapped_column(String(60), default="Europe/Brussels", nullable=False)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    #: RFC 5545 RRULE value ("FREQ=MONTHLY;BYDAY=1TH;COUNT=10"), repeating in ``timezone``.
    rrule: Mapped[str | None] = mapped_column(String(300))
    venue: Mapped[str | None] = mapped_column(String(300))
    online_url: Mapped[str | None] = mapped_column(String(300))
    capacity: Mapped[int | None] = mapped_column(Integer)
    registration_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    #: RSVPs with status "going"; kept with them in one transaction, bounded by the CHECK below.
    going_count: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    #: Arrival counter: each sign-up takes the next number under the event's row lock.
    arrivals: Mapped[int] = mapped_column(Integer, default=0, nullable=False)

    texts: Mapped[list[EventText]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="EventText.position"
    )
    exceptions: Mapped[list[EventException]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="EventException.original_start"
    )
    sector_links: Mapped[list[EventSector]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="EventSector.position"
    )
    group: Mapped[EventGroup | None] = relationship()

    __table_args__ = (
        CheckConstraint("capacity IS NULL OR going_count <= capacity", name="capacity"),
        CheckConstraint("going_count >= 0", name="going_count"),
    )

    @property
    def status(self) -> str:
        """draft / published / cancelled, as organisers and the import name it."""
        if self.visibility == "draft":
            return "draft"
        return "cancelled" if self.cancelled else "published"

    def __repr__(self) -> str:
        return f"<Event {self.id} {self.visibility}{' cancelled' if self.cancelled else ''}>"


class EventText(db.Model):
    """The title and description in one language (an event has one or more)."""

    __tablename__ = "event_texts"

    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), primary_key=True)
    lang: Mapped[str] = mapped_column(String(2), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    description: Mapped[str | None] = mapped_column(Text)

    def __repr__(self) -> str:
        return f"<EventText {self.event_id} {self.lang}>"


class EventSector(SectorLinkMixin, db.Model):
    __tablename__ = "event_sectors"

    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), primary_key=True)


class EventException(db.Model):
    """One occurrence of a recurring event cancelled (EXDATE) or moved (RECURRENCE-ID)."""

    __tablename__ = "event_exceptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), nullable=False, index=True
    )
    #: The occurrence's start as the RRULE gives it (UTC).
    original_start: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    cancelled: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)
    #: Where a moved occurrence went (UTC); NULL when cancelled.
    starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (UniqueConstraint("event_id", "original_start", name="uq_event_exceptions_occurrence"),)


class Rsvp(db.Model):
    """One member's answer; ``arrival`` is their place in the queue (the event's arrival counter)."""

    __tablename__ = "event_rsvps"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), nullable=False, index=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True
    )
    status: Mapped[str] = mapped_column(String(10), nullable=False)
    arrival: Mapped[int] = mapped_column(Integer, nullable=False)
    #: The member agreed to appear on the public list of attendees.
    public: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    #: Start (UTC) of the occurrence the last reminder was about: one reminder per occurrence.
    reminded_for: Mapped[datetime | None] = mapped_column(UTCDateTime)

    event: Mapped[Event] = relationship()
    user = relationship("User")

    __table_args__ = (UniqueConstraint("event_id", "user_id", name="uq_event_rsvps_member"),)

    def __repr__(self) -> str:
        return f"<Rsvp {self.event_id}:{self.user_id} {self.status} #{self.arrival}>"


class FeedToken(db.Model):
    """The secret of a member's private feed (the events they are going to); reset makes a new one."""

    __tablename__ = "event_feed_tokens"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)


class DigestPreference(db.Model):
    """A member asked for a weekly mail of new events that fit them (sectors and place)."""

    __tablename__ = "event_digest_preferences"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    weekly: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    last_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


__all__ = [
    "CATEGORIES",
    "DigestPreference",
    "Event",
    "EventException",
    "EventGroup",
    "EventSector",
    "EventText",
    "FeedToken",
    "GROUP_ROLES",
    "GroupMember",
    "GroupSector",
    "ORGANISER_KINDS",
    "RSVP_STATUSES",
    "Rsvp",
]
