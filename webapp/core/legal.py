"""The legal pages (privacy notice, terms of use, imprint) and the version of the policy they state.

Why one version for all three: what a person agrees to at sign-up and when publishing a card is
"the terms and the privacy notice as they stood then". ``POLICY_VERSION`` below is the one place
to bump when either text changes in substance; sign-up and publishing record it in the audit
trail (``core.models.audit``), the pages show it, and the account page shows which version its
owner accepted. The texts are templates, one per page and language
(``core/templates/core/legal/<page>.<lang>.html``), so the cooperative edits them without code;
the facts in them (retention periods, the operator's name and address) come from the settings.
"""

from __future__ import annotations

from typing import Any

from flask import current_app
from jinja2 import TemplateNotFound
from sqlalchemy import select

from webapp.core.models import AuditEvent
from webapp.core.publishing import policy_version
from webapp.extensions import db

#: Bump when the terms or the privacy notice change in substance (and update LEGAL_UPDATED).
POLICY_VERSION = "2026-12"
#: The date the current texts took effect, shown on every legal page.
LEGAL_UPDATED = "2026-12-06"

PAGES = ("privacy", "terms", "imprint")
#: Audit actions that record the acceptance of a policy version (their detail has policy_version).
CONSENT_ACTIONS = ("account.signup", "account.consent", "directory.publish")


def current_policy_version() -> str:
    """The version in force; ``POLICY_VERSION`` in the app's settings overrides (tests, staged texts)."""
    return policy_version("POLICY_VERSION", POLICY_VERSION)


def template_for(page: str, lang: str) -> str:
    """The page's template in ``lang``, English when that language has none yet."""
    wanted = f"core/legal/{page}.{lang}.html"
    try:
        current_app.jinja_env.get_template(wanted)
    except TemplateNotFound:
        return f"core/legal/{page}.en.html"
    return wanted


def legal_context() -> dict[str, Any]:
    """The facts the texts state, from the settings, so a changed setting never leaves a text wrong."""
    cfg = current_app.config
    return {
        "policy_version": current_policy_version(),
        "updated": LEGAL_UPDATED,
        "operator": cfg.get("LEGAL_NAME") or "",
        "address": cfg.get("LEGAL_ADDRESS") or "",
        "company_number": cfg.get("LEGAL_COMPANY_NUMBER") or "",
        "contact_email": cfg.get("LEGAL_EMAIL") or cfg.get("STAFF_EMAIL") or "",
        "mail_keep_days": int(cfg.get("MAIL_KEEP_DAYS", 30)),
        "unverified_days": int(cfg.get("UNVERIFIED_ACCOUNT_DAYS", 14)),
        "contact_log_days": int(cfg.get("CONTACT_LOG_DAYS", 365)),
        "contact_hour": str(cfg.get("RATELIMIT_CONTACT_HOUR", "10/3600")).split("/")[0],
        "contact_day": str(cfg.get("RATELIMIT_CONTACT_DAY", "30/86400")).split("/")[0],
        "fresh_minutes": int(cfg.get("FRESH_LOGIN_MINUTES", 15)),
        "access_log": bool(cfg.get("ACCESS_LOG", True)),
    }


def accepted_policy(user_id: int) -> dict[str, Any] | None:
    """The latest policy version ``user_id`` accepted (sign-up, a renewed consent or a publication)."""
    events = db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.subject_user_id == user_id, AuditEvent.action.in_(CONSENT_ACTIONS))
        .order_by(AuditEvent.id.desc())
    )
    for event in events:
        version = (event.detail or {}).get("policy_version")
        if version:
            return {
                "version": version,
                "at": event.created_at,
                "current": version == current_policy_version(),
            }
    return None


__all__ = [
    "LEGAL_UPDATED",
    "PAGES",
    "POLICY_VERSION",
    "accepted_policy",
    "current_policy_version",
    "legal_context",
    "template_for",
]
