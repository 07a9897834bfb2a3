"""The weekly digest: once a week, to members who asked, the new events that fit their sectors
and place (``search.for_you``, with why), in one mail; nothing when there is nothing new.

Its own module because it needs both the service and the search (which reads the service).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from webapp.accounts.models import User
from webapp.core.mail import external_url, send_template
from webapp.core.models import utcnow
from webapp.events.models import DigestPreference
from webapp.events.search import for_you
from webapp.events.service import DIGEST_EVERY, when_text
from webapp.extensions import db


def send_digests(now: datetime | None = None) -> int:
    """Once a week per member who asked: the events published since the last digest that fit their
    sectors and place (webapp.events.search.for_you), in one mail; nothing when there are none."""
    now = now or utcnow()
    sent = 0
    due = db.session.scalars(
        select(DigestPreference).where(
            DigestPreference.weekly.is_(True),
            (DigestPreference.last_sent_at.is_(None)) | (DigestPreference.last_sent_at <= now - DIGEST_EVERY),
        )
    )
    for pref in list(due):
        user = db.session.get(User, pref.user_id)
        since = pref.last_sent_at or now - DIGEST_EVERY
        lang = user.locale or "en"
        fits = [
            (r, why)
            for r, why in for_you(user, lang, limit=20)
            if r.row.published_at is not None and r.row.published_at > since
        ]
        pref.last_sent_at = now
        if not fits:
            continue
        lines = [
            f"- {r.title} ({when_text(r.row, lang)}){' — ' + ', '.join(why) if why else ''}\n  "
            + external_url("events.event", event_id=r.id)
            for r, why in fits
        ]
        send_template(
            user.email,
            "events/mail/digest.txt",
            lang=lang,
            kind="events.digest",
            user_id=user.id,
            events="\n".join(lines),
            url=external_url("events.mine"),
        )
        sent += 1
    db.session.commit()
    return sent


__all__ = ["send_digests"]
