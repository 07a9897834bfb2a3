"""The accounts module's own entry in the personal-data registry (webapp.core.privacy)."""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import select

from webapp.accounts.models import User
from webapp.core.models import AuditEvent
from webapp.core.privacy import PersonalData, register_personal_data
from webapp.extensions import db


def export_account(user: User) -> dict[str, Any]:
    """What we hold on the account itself (never the password hash) and its consent/audit trail."""
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.subject_user_id == user.id).order_by(AuditEvent.id)
    )
    return {
        "email": user.email,
        "account_type": user.account_type,
        "role": user.role,
        "locale": user.locale,
        "created_at": user.created_at,
        "email_verified_at": user.email_verified_at,
        "last_login_at": user.last_login_at,
        "pending_email": user.pending_email,
        "previous_emails": list(user.previous_emails or []),
        "history": [
            {"action": e.action, "at": e.created_at, "by_self": e.actor_id == user.id, "detail": e.detail}
            for e in events
        ],
    }


def erase_account(user: User) -> None:
    """Nothing beyond what erase_user does itself (mails, audit detail, the User row)."""


def register(app: Flask) -> None:
    register_personal_data(
        app,
        PersonalData(
            name="account",
            models=[User, AuditEvent],
            export=export_account,
            erase=erase_account,
            order=1000,
        ),
    )
