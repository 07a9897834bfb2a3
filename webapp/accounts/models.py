"""Users and roles."""

from __future__ import annotations

import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import JSON, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from webapp.core.models import TimestampMixin, UTCDateTime
from webapp.extensions import db, login_manager

ACCOUNT_TYPES = ("member", "client")
ROLES = ("user", "staff", "admin")


def new_session_token() -> str:
    return secrets.token_urlsafe(24)


class User(UserMixin, TimestampMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), nullable=False)
    #: Lower-cased, plus-addressing removed: what uniqueness is checked on.
    email_canonical: Mapped[str] = mapped_column(String(320), unique=True, nullable=False)
    password_hash: Mapped[str] = mapped_column(String(255), nullable=False)
    account_type: Mapped[str] = mapped_column(String(10), nullable=False, default="member")
    role: Mapped[str] = mapped_column(String(10), nullable=False, default="user")
    locale: Mapped[str | None] = mapped_column(String(5))
    email_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Part of the login cookie; rotating it signs out every session and remember-me token.
    session_token: Mapped[str] = mapped_column(String(64), nullable=False, default=new_session_token)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    #: The address an e-mail change waits to move to, until the mailed link is opened.
    pending_email: Mapped[str | None] = mapped_column(String(320))
    #: [{"email", "until"}]: addresses the account had, while mail sent to them may still be kept
    #: (MAIL_KEEP_DAYS); erasure deletes by them too.
    previous_emails: Mapped[list] = mapped_column(
        JSON, default=list, nullable=False, server_default=text("'[]'")
    )

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    @property
    def is_verified(self) -> bool:
        return self.email_verified_at is not None

    @property
    def is_staff(self) -> bool:
        return self.role in ("staff", "admin")

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def is_member(self) -> bool:
        return self.account_type == "member"

    @property
    def is_client(self) -> bool:
        return self.account_type == "client"

    def __repr__(self) -> str:
        return f"<User {self.id} {self.account_type}/{self.role}>"


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """The cookie holds "<id>:<session_token>"; a rotated token signs the cookie out."""
    raw_id, _, token = user_id.partition(":")
    if not raw_id.isdigit() or not token:
        return None
    user = db.session.get(User, int(raw_id))
    if user is None or not secrets.compare_digest(user.session_token, token):
        return None
    return user
