"""Account logic shared by views, CLI and tests: addresses, passwords, tokens, sign-up, reset.

Views stay thin: they validate a form, call one function here, flash and redirect.
Functions here change rows and queue mail in the caller's transaction; the caller commits
unless the docstring says otherwise.
"""

from __future__ import annotations

import secrets
import unicodedata
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from flask import current_app, has_app_context
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import String, cast, select
from werkzeug.security import check_password_hash

from webapp.accounts.models import ACCOUNT_TYPES, ROLES, User, new_session_token
from webapp.core.mail import external_url, send_template
from webapp.core.models import audit, utcnow
from webapp.extensions import db

#: No upper limit worth the name (passphrases welcome), but bounded so hashing stays cheap.
PASSWORD_MIN = 8
PASSWORD_MAX = 1024

#: OWASP's argon2id baseline (19 MiB, 2 passes, 1 lane): memory-hard, ~30 ms on our 2 cores.
#: Override with ARGON2_TIME_COST / ARGON2_MEMORY_COST / ARGON2_PARALLELISM in the app config;
#: existing hashes are upgraded at the next sign-in.
DEFAULT_ARGON2 = {"time_cost": 2, "memory_cost": 19456, "parallelism": 1}

VERIFY_MAX_AGE = timedelta(days=3)
RESET_MAX_AGE = timedelta(hours=1)
EMAIL_CHANGE_MAX_AGE = timedelta(days=1)


# ---------------------------------------------------------------- addresses


def canonical_email(email: str) -> str:
    """What uniqueness is checked on: trimmed, lower-cased, "+tag" removed from the local part.

    Two spellings of one mailbox (Ann@X.org, ann+kring@x.org) must not make two accounts, nor a
    look-alike in full-width or other compatibility forms (ａｌｉｃｅ@… is alice@…): NFKC first.
    """
    email = unicodedata.normalize("NFKC", email or "").strip().lower()
    local, at, domain = email.rpartition("@")
    if not at:
        return email
    local = local.split("+", 1)[0]
    return f"{local}@{domain}"


def normalize_email(email: str) -> str:
    """The address as we store and mail it: NFKC, trimmed, domain lower-cased (local part kept)."""
    email = unicodedata.normalize("NFKC", email or "").strip()
    local, at, domain = email.rpartition("@")
    return f"{local}@{domain.lower()}" if at else email


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email_canonical == canonical_email(email)))


# ---------------------------------------------------------------- passwords


def _argon2_params() -> dict[str, int]:
    params = dict(DEFAULT_ARGON2)
    if has_app_context():
        cfg = current_app.config
        params["time_cost"] = int(cfg.get("ARGON2_TIME_COST", params["time_cost"]))
        params["memory_cost"] = int(cfg.get("ARGON2_MEMORY_COST", params["memory_cost"]))
        params["parallelism"] = int(cfg.get("ARGON2_PARALLELISM", params["parallelism"]))
    return params


@lru_cache(maxsize=8)
def _hasher_for(time_cost: int, memory_cost: int, parallelism: int) -> PasswordHasher:
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism)


def _hasher() -> PasswordHasher:
    return _hasher_for(**_argon2_params())


def hash_password(password: str) -> str:
    """argon2id hash of the password exactly as typed (no trimming, no normalisation)."""
    return _hasher().hash(password)


#: Verified against when the address is unknown, so timing does not reveal accounts.
@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return _hasher_for(**DEFAULT_ARGON2).hash(secrets.token_urlsafe(16))


def burn_password_check(password: str) -> None:
    """Spend the time a real check would: unknown addresses must not answer faster."""
    try:
        _hasher().verify(_dummy_hash(), password)
    except (VerificationError, InvalidHashError):
        pass


def verify_password(user: User, password: str) -> bool:
    """Exact compare through argon2; upgrades outdated parameters and older schemes in place.

    Older hashes (Werkzeug pbkdf2/scrypt from an earlier import) are accepted once and
    replaced by argon2id; the caller's commit stores the new hash.
    """
    stored = user.password_hash or ""
    if not password or len(password) > PASSWORD_MAX or not stored:
        return False
    if stored.startswith("$argon2"):
        hasher = _hasher()
        try:
            hasher.verify(stored, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False
        if hasher.check_needs_rehash(stored) or not stored.startswith("$argon2id$"):
            user.password_hash = hash_password(password)
        return True
    if stored.startswith(("pbkdf2:", "scrypt:")):
        try:
            ok = check_password_hash(stored, password)
        except (ValueError, TypeError):
            return False
        if ok:
            user.password_hash = hash_password(password)
        return ok
    return False


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The blocklist (lower-cased) shipped in webapp/accounts/data/common-passwords.txt."""
    path = Path(__file__).parent / "data" / "common-passwords.txt"
    if not path.exists():
        return frozenset()
    words = (line.strip() for line in path.read_text(encoding="utf-8").splitlines())
    return frozenset(w.lower() for w in words if w and not w.startswith("#"))


def password_problems(password: str, *, email: str | None = None) -> list[str]:
    """Why a new password is refused (empty list = fine). Length and blocklist only: no composition rules."""
    problems: list[str] = []
    if len(password) < PASSWORD_MIN:
        problems.append(_("Use at least %(n)d characters.", n=PASSWORD_MIN))
    elif len(password) > PASSWORD_MAX:
        problems.append(_("Use at most %(n)d characters.", n=PASSWORD_MAX))
    elif password.lower() in common_passwords():
        problems.append(_("This password is too common: it is among the first ones attackers try."))
    elif email and password.strip().lower() in {email.strip().lower(), email.split("@")[0].strip().lower()}:
        problems.append(_("Do not use your e-mail address as password."))
    return problems


def set_password(user: User, password: str) -> None:
    """Store a new password and end every other session and remember-me cookie."""
    user.password_hash = hash_password(password)
    rotate_sessions(user)


def rotate_sessions(user: User) -> None:
    """A new session token makes every existing login cookie (and remember-me cookie) invalid."""
    user.session_token = new_session_token()


# ---------------------------------------------------------------- signed tokens


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"kring.accounts.{purpose}")


def make_token(purpose: str, data: dict[str, Any]) -> str:
    return _serializer(purpose).dumps(data)


def read_token(purpose: str, token: str, max_age: timedelta) -> dict[str, Any] | None:
    """The token's payload, or None when it is forged, for another purpose or expired."""
    try:
        data = _serializer(purpose).loads(token, max_age=int(max_age.total_seconds()))
    except (SignatureExpired, BadSignature):
        return None
    return data if isinstance(data, dict) else None


def _fingerprint(value: str) -> str:
    """Short keyed digest bound into tokens, so a used or changed state invalidates them and the
    token says nothing about the value (an address cannot be guessed back from it)."""
    import hashlib
    import hmac

    return hmac.new(current_app.config["SECRET_KEY"].encode(), value.encode(), hashlib.sha256).hexdigest()[
        :24
    ]


# ---------------------------------------------------------------- sign-up and verification


class EmailTaken(Exception):
    """The canonical address already belongs to an account."""


@dataclass
class SignupResult:
    user: User | None
    #: True when the address was already registered (we mailed the owner instead).
    existed: bool


def signup(
    email: str,
    password: str,
    *,
    account_type: str,
    locale: str | None = None,
    policy_version: str | None = None,
) -> SignupResult:
    """Create an unverified account and queue its verification mail.

    When the address already has an account, nothing is created and the owner gets a
    "someone tried to sign up with your address" mail instead: the page looks the same
    either way, so sign-up does not reveal which addresses exist.
    """
    if account_type not in ACCOUNT_TYPES:
        raise ValueError("unknown account type")
    existing = find_user_by_email(email)
    if existing is not None:
        _mail_signup_attempt(existing)
        burn_password_check(password)  # same cost as hashing below
        return SignupResult(user=None, existed=True)
    user = User(
        email=normalize_email(email),
        email_canonical=canonical_email(email),
        password_hash=hash_password(password),
        account_type=account_type,
        role="user",
        locale=locale if locale in current_app.config["LANGUAGES"] else None,
    )
    db.session.add(user)
    db.session.flush()
    # The consent given on the form, with the version of the terms and privacy notice it was given to.
    audit(
        "account.signup",
        actor_id=user.id,
        subject_user_id=user.id,
        account_type=account_type,
        policy_version=policy_version,
    )
    send_verification(user)
    return SignupResult(user=user, existed=False)


def _account_mail(user: User, template: str, *, to: str | None = None, **context: Any) -> None:
    """A mail about ``user``'s account, in their language, to their address unless ``to`` is given."""
    to = to or user.email
    send_template(
        to, f"accounts/mail/{template}.txt", lang=user.locale, kind="account", user_id=user.id, **context
    )


def send_verification(user: User) -> None:
    """Queue the "confirm your address" mail (current transaction)."""
    token = make_token("verify", {"uid": user.id, "fp": _fingerprint(user.email_canonical)})
    link = external_url("accounts.verify", token=token)
    _account_mail(user, "verify", days=VERIFY_MAX_AGE.days, link=link)


def _mail_signup_attempt(user: User) -> None:
    """Tell the owner someone tried their address; quietly capped so it cannot be used to spam them."""
    from webapp.extensions import limiter

    rule = current_app.config.get("RATELIMIT_RESET", "5/3600")
    if not limiter.hit("signup-notice", str(user.id), rule).allowed:
        return
    _account_mail(user, "signup_attempt", link=external_url("accounts.reset_request"))


def confirm_verification(token: str) -> User | None:
    """Mark the address verified when the token is valid and still matches the account's address."""
    data = read_token("verify", token, VERIFY_MAX_AGE)
    if not data:
        return None
    user = db.session.get(User, int(data.get("uid", 0)))
    if user is None or not secrets.compare_digest(
        _fingerprint(user.email_canonical), str(data.get("fp", ""))
    ):
        return None
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
        audit("account.verified", actor_id=user.id, subject_user_id=user.id)
    return user


# ---------------------------------------------------------------- sign-in


def authenticate(email: str, password: str) -> User | None:
    """The user whose address and password match; constant work whether or not the address exists."""
    user = find_user_by_email(email)
    if user is None:
        burn_password_check(password)
        return None
    if not verify_password(user, password):
        user.failed_logins = (user.failed_logins or 0) + 1
        return None
    user.failed_logins = 0
    user.last_login_at = utcnow()
    return user


SIGNIN_LINK_MAX_AGE = timedelta(hours=1)


def _signin_fingerprint(user: User) -> str:
    """Changes with every sign-in and every session rotation: a sign-in link works once."""
    return _fingerprint(
        f"{user.session_token}:{user.last_login_at.isoformat() if user.last_login_at else ''}"
    )


def mail_signin_link(email: str) -> None:
    """The account's sign-in limit tripped (someone guessing its password from many addresses):
    mail the owner a one-time link that signs them in anyway. At most one an hour per account;
    silently nothing for an unknown address, so the throttled page reveals nothing."""
    from webapp.extensions import limiter

    user = find_user_by_email(email)
    if user is None:
        return
    if not limiter.hit(
        "signin-link", str(user.id), current_app.config.get("RATELIMIT_SIGNIN_LINK", "1/3600")
    ).allowed:
        return
    token = make_token("signin-link", {"uid": user.id, "fp": _signin_fingerprint(user)})
    _account_mail(user, "signin_link", link=external_url("accounts.signin_link", token=token))
    audit("account.signin_link_sent", actor_id=None, subject_user_id=user.id)


def user_for_signin_link(token: str) -> User | None:
    """The account a sign-in link belongs to while it is unused and under an hour old."""
    data = read_token("signin-link", token, SIGNIN_LINK_MAX_AGE)
    if not data:
        return None
    user = db.session.get(User, int(data.get("uid", 0)))
    if user is None or not secrets.compare_digest(_signin_fingerprint(user), str(data.get("fp", ""))):
        return None
    return user


def signed_in_by_link(user: User) -> None:
    """Record the sign-in (which also spends the link)."""
    user.last_login_at = utcnow()
    audit("account.signin_by_link", actor_id=user.id, subject_user_id=user.id)


# ---------------------------------------------------------------- password reset


def request_password_reset(email: str) -> None:
    """Queue a reset link when the address has an account; silently nothing otherwise."""
    user = find_user_by_email(email)
    if user is None:
        return
    token = make_token("reset", {"uid": user.id, "pw": _fingerprint(user.password_hash)})
    link = external_url("accounts.reset", token=token)
    _account_mail(user, "reset", link=link)


def user_for_reset_token(token: str) -> User | None:
    """The account a reset token belongs to, while unused (the password has not changed since)."""
    data = read_token("reset", token, RESET_MAX_AGE)
    if not data:
        return None
    user = db.session.get(User, int(data.get("uid", 0)))
    if user is None or not secrets.compare_digest(_fingerprint(user.password_hash), str(data.get("pw", ""))):
        return None
    return user


def reset_password(user: User, password: str) -> None:
    """Set the new password; a reset also proves the mailbox, so it verifies the address."""
    set_password(user, password)
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
    audit("account.password_reset", actor_id=user.id, subject_user_id=user.id)


def change_password(user: User, new_password: str) -> None:
    set_password(user, new_password)
    audit("account.password_changed", actor_id=user.id, subject_user_id=user.id)


# ---------------------------------------------------------------- e-mail change


def request_email_change(user: User, new_email: str) -> None:
    """Mail a confirmation link to the new address; the change happens only when it is opened.

    When the new address already has an account, its owner gets a notice instead of a link,
    and the page says the same thing either way: changing the address reveals no accounts.
    The current address is told, so a hijacked session cannot move the account silently.
    """
    new_email = normalize_email(new_email)
    other = find_user_by_email(new_email)
    if other is not None and other.id != user.id:
        _account_mail(other, "email_taken")
    else:
        user.pending_email = new_email  # a newer request replaces it: only the newest link works
        token = make_token("email", {"uid": user.id, "fp": _email_change_fingerprint(user)})
        link = external_url("accounts.confirm_email", token=token)
        _account_mail(user, "email_change_confirm", to=new_email, link=link)
    _account_mail(user, "email_change_notice", link=external_url("accounts.reset_request"))
    audit("account.email_change_requested", actor_id=user.id, subject_user_id=user.id)


def _email_change_fingerprint(user: User) -> str:
    return _fingerprint(f"{user.email_canonical}\n{user.pending_email or ''}")


def confirm_email_change(token: str) -> User | None:
    """Apply a confirmed address change; None when the token is bad, stale, replaced by a newer
    request, or the address got taken."""
    data = read_token("email", token, EMAIL_CHANGE_MAX_AGE)
    if not data:
        return None
    user = db.session.get(User, int(data.get("uid", 0)))
    if user is None or not user.pending_email:
        return None
    if not secrets.compare_digest(_email_change_fingerprint(user), str(data.get("fp", ""))):
        return None
    new_email = user.pending_email
    other = find_user_by_email(new_email)
    if other is not None and other.id != user.id:
        return None
    keep = timedelta(days=current_app.config.get("MAIL_KEEP_DAYS", 30))
    user.previous_emails = [
        *(user.previous_emails or []),
        {"email": user.email, "until": (utcnow() + keep).isoformat()},
    ][-10:]
    user.email = new_email
    user.email_canonical = canonical_email(new_email)
    user.pending_email = None
    user.email_verified_at = utcnow()
    audit("account.email_changed", actor_id=user.id, subject_user_id=user.id)
    return user


# ---------------------------------------------------------------- settings and roles


def set_locale(user: User, locale: str | None) -> None:
    user.locale = locale if locale in current_app.config["LANGUAGES"] else None


def create_user(
    email: str,
    password: str,
    *,
    role: str = "user",
    account_type: str = "member",
    verified: bool = True,
    locale: str | None = None,
) -> User:
    """Staff/admin path (CLI): creates a verified account; raises EmailTaken on a duplicate."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}")
    if account_type not in ACCOUNT_TYPES:
        raise ValueError(f"unknown account type {account_type!r}")
    if find_user_by_email(email) is not None:
        raise EmailTaken(email)
    user = User(
        email=normalize_email(email),
        email_canonical=canonical_email(email),
        password_hash=hash_password(password),
        account_type=account_type,
        role=role,
        locale=locale,
        email_verified_at=utcnow() if verified else None,
    )
    db.session.add(user)
    db.session.flush()
    audit("account.created_by_admin", actor_id=None, subject_user_id=user.id, role=role)
    return user


def set_role(user: User, role: str, *, actor_id: int | None = None) -> None:
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}")
    old = user.role
    user.role = role
    rotate_sessions(user)  # privileges changed: sign in again
    audit("account.role_changed", actor_id=actor_id, subject_user_id=user.id, old=old, new=role)


def unverified_older_than(days: int) -> list[User]:
    cutoff = utcnow() - timedelta(days=days)
    return list(
        db.session.scalars(
            select(User).where(User.email_verified_at.is_(None), User.created_at < cutoff).order_by(User.id)
        )
    )


def forget_expired_addresses() -> int:
    """Previous addresses are kept only while mail sent to them may be (MAIL_KEEP_DAYS); how many
    accounts changed."""
    now = utcnow().isoformat()
    changed = 0
    for user in db.session.scalars(select(User).where(cast(User.previous_emails, String) != "[]")):
        kept = [
            e for e in user.previous_emails or [] if isinstance(e, dict) and str(e.get("until", "")) > now
        ]
        if kept != user.previous_emails:
            user.previous_emails = kept
            changed += 1
    return changed


def purge_unverified(days: int | None = None) -> int:
    """Erase accounts never verified within ``days`` (UNVERIFIED_ACCOUNT_DAYS); commits. Returns how many."""
    from webapp.core.privacy import erase_user

    days = current_app.config["UNVERIFIED_ACCOUNT_DAYS"] if days is None else days
    count = 0
    for user in unverified_older_than(days):
        erase_user(user, reason="unverified")
        count += 1
    forget_expired_addresses()
    db.session.commit()
    return count
