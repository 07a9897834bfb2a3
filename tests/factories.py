"""Row factories for tests: real rows through the real models, sensible defaults."""

from __future__ import annotations

import itertools

from webapp.accounts.models import User
from webapp.core.models import utcnow
from webapp.extensions import db

PASSWORD = "correct horse battery staple"
_seq = itertools.count(1)


def make_user(
    email: str | None = None,
    *,
    password: str = PASSWORD,
    account_type: str = "member",
    role: str = "user",
    verified: bool = True,
    locale: str | None = None,
) -> User:
    from webapp.accounts.service import canonical_email, hash_password

    email = email or f"user{next(_seq)}@example.org"
    user = User(
        email=email,
        email_canonical=canonical_email(email),
        password_hash=hash_password(password),
        account_type=account_type,
        role=role,
        locale=locale,
        email_verified_at=utcnow() if verified else None,
    )
    db.session.add(user)
    db.session.commit()
    return user
