"""Member and client cards, the contact relay's log, blocks and abuse reports.

A card is a draft (owner only) until its owner publishes it to the community
(signed-in members and clients) or the public (everyone, the public API).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.core.models import SectorLinkMixin, SectorsMixin, UTCDateTime, utcnow
from webapp.core.places import PlaceMixin
from webapp.core.publishing import PublishableMixin
from webapp.extensions import db

EXPERIENCE_LEVELS = ("starter", "experienced", "senior", "expert")


class CardMixin(PlaceMixin, PublishableMixin, SectorsMixin):
    """What member and client cards share: a place, publishing, sectors, contact settings."""

    card_language: Mapped[str | None] = mapped_column(String(2))
    website: Mapped[str | None] = mapped_column(String(300))
    accepts_contact: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)
    #: Private address for cards without an account (imported); never shown.
    contact_email: Mapped[str | None] = mapped_column(String(320))
    external_id: Mapped[str | None] = mapped_column(String(100), unique=True)


class MemberProfile(CardMixin, db.Model):
    __tablename__ = "member_profiles"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    display_name: Mapped[str] = mapped_column(String(120), nullable=False)
    function_code: Mapped[str | None] = mapped_column(String(60), index=True)
    function_text: Mapped[str | None] = mapped_column(String(120))
    headline: Mapped[str | None] = mapped_column(String(160))
    bio: Mapped[str | None] = mapped_column(Text)
    skills: Mapped[list] = mapped_column(JSON, default=list, nullable=False)
    experience_years: Mapped[int | None] = mapped_column(Integer)
    experience_level: Mapped[str | None] = mapped_column(String(20))
    email_public: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    open_to_assignments: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)
    open_to_collaborations: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    open_to_mentoring: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    #: Indexed: the photo route finds the card (and so who may see the photo) by file name.
    photo_filename: Mapped[str | None] = mapped_column(String(80), index=True)

    user = relationship("User", backref=db.backref("member_profile", uselist=False, passive_deletes=True))
    sector_links: Mapped[list[MemberSector]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="MemberSector.position"
    )
    language_links: Mapped[list[MemberLanguage]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True
    )

    @property
    def languages(self) -> list[str]:
        return [link.language for link in self.language_links]

    def __repr__(self) -> str:
        return f"<MemberProfile {self.id} {self.visibility}>"


class MemberSector(SectorLinkMixin, db.Model):
    __tablename__ = "member_sectors"

    profile_id: Mapped[int] = mapped_column(
        ForeignKey("member_profiles.id", ondelete="CASCADE"), primary_key=True
    )


class MemberLanguage(db.Model):
    __tablename__ = "member_languages"

    profile_id: Mapped[int] = mapped_column(
        ForeignKey("member_profiles.id", ondelete="CASCADE"), primary_key=True
    )
    #: ISO 639-1 code of a language the member speaks.
    language: Mapped[str] = mapped_column(String(8), primary_key=True, index=True)

    def __repr__(self) -> str:
        return f"<MemberLanguage {self.profile_id} {self.language}>"


class ClientProfile(CardMixin, db.Model):
    __tablename__ = "client_profiles"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    name: Mapped[str] = mapped_column(String(160), nullable=False)
    description: Mapped[str | None] = mapped_column(Text)
    contact_person: Mapped[str | None] = mapped_column(String(120))

    user = relationship("User", backref=db.backref("client_profile", uselist=False, passive_deletes=True))
    sector_links: Mapped[list[ClientSector]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="ClientSector.position"
    )

    def __repr__(self) -> str:
        return f"<ClientProfile {self.id} {self.visibility}>"


class ClientSector(SectorLinkMixin, db.Model):
    __tablename__ = "client_sectors"

    profile_id: Mapped[int] = mapped_column(
        ForeignKey("client_profiles.id", ondelete="CASCADE"), primary_key=True
    )


class ContactMessage(db.Model):
    """One message sent through the relay; kept so the recipient can report abuse."""

    __tablename__ = "contact_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: NULL once the sender deleted their account ("former member").
    sender_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    recipient_kind: Mapped[str] = mapped_column(String(10), nullable=False)  # "member" | "client"
    recipient_profile_id: Mapped[int] = mapped_column(Integer, nullable=False)
    recipient_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    subject: Mapped[str] = mapped_column(String(200), nullable=False)
    body: Mapped[str] = mapped_column(Text, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    mail_id: Mapped[int | None] = mapped_column(Integer)

    def __repr__(self) -> str:
        return f"<ContactMessage {self.id} {self.recipient_kind}:{self.recipient_profile_id}>"


class ContactBlock(db.Model):
    """A recipient no longer accepts relay messages from one sender."""

    __tablename__ = "contact_blocks"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False)
    blocked_user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    __table_args__ = (UniqueConstraint("user_id", "blocked_user_id", name="uq_contact_blocks_pair"),)

    def __repr__(self) -> str:
        return f"<ContactBlock {self.user_id} blocks {self.blocked_user_id}>"


class AbuseReport(db.Model):
    """A recipient reports a relay message to staff."""

    __tablename__ = "abuse_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(
        ForeignKey("contact_messages.id", ondelete="CASCADE"), nullable=False
    )
    reporter_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    reason: Mapped[str] = mapped_column(Text, nullable=False)
    status: Mapped[str] = mapped_column(String(12), default="open", nullable=False)  # open | handled
    handled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    def __repr__(self) -> str:
        return f"<AbuseReport {self.id} {self.status}>"


__all__ = [
    "AbuseReport",
    "ClientProfile",
    "ClientSector",
    "ContactBlock",
    "ContactMessage",
    "EXPERIENCE_LEVELS",
    "MemberLanguage",
    "MemberProfile",
    "MemberSector",
]
