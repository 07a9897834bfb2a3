"""Publishing: draft → community → public, the version counter the index follows, and the audit trail.

Platform vocabulary (CHECKLIST 27, 28): a row is a draft (its owner only) until its owner
publishes it to the community (signed-in members and clients) or the public (everyone, feeds,
the public API). Publishing is explicit, reversible in one click, and every change is recorded
with who, when, and the version of the policy it was made under. Cards use it today; listings,
events and groups reuse it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import current_app, has_app_context
from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from webapp.core.models import TimestampMixin, UTCDateTime, audit, utcnow
from webapp.core.search import entity_of, queue_index
from webapp.extensions import db

VISIBILITIES = ("draft", "community", "public")
#: Visibilities of a published row: shown to others, searchable.
PUBLISHED = ("community", "public")


class PublishableMixin(TimestampMixin):
    visibility: Mapped[str] = mapped_column(String(10), default="draft", nullable=False, index=True)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Grows on every change; the search index ignores writes older than what it holds.
    version: Mapped[int] = mapped_column(Integer, default=1, nullable=False)

    @property
    def is_published(self) -> bool:
        return self.visibility in PUBLISHED

    def touch(self) -> None:
        """Mark a change the index must follow."""
        self.version = (self.version or 0) + 1
        self.updated_at = utcnow()


def mark_changed(row: Any) -> None:
    """Bump the version and tell the index, in the caller's transaction."""
    row.touch()
    db.session.flush()
    queue_index(entity_of(row), row.id)


def policy_version(setting: str, default: str) -> str:
    """The version of the terms a publication is made under (a setting, so a new text bumps it)."""
    return current_app.config.get(setting, default) if has_app_context() else default


def set_visibility(
    row: Any,
    visibility: str,
    *,
    actor_id: int | None,
    action: str,
    policy: str,
    via: str = "web",
    touch: bool = True,
    **detail: Any,
) -> bool:
    """Publish to "community" or "public", or back to "draft"; audit-logged with the policy version.

    ``action`` prefixes the audit actions ("directory" → "directory.publish"/"directory.unpublish").
    Unpublishing takes effect everywhere at once: pages and the API check visibility on every
    read, and the outbox row makes the indexer drop the row from search. ``touch=False`` is for a
    caller that bumps the version and queues the index itself. False when nothing changed.
    """
    if visibility not in VISIBILITIES:
        raise ValueError("unknown visibility")
    previous = row.visibility
    if previous == visibility:
        return False
    row.visibility = visibility
    if visibility == "draft":
        row.published_at = None
    elif previous == "draft" or row.published_at is None:
        row.published_at = utcnow()
    if touch:
        mark_changed(row)
    audit(
        f"{action}.unpublish" if visibility == "draft" else f"{action}.publish",
        actor_id=actor_id,
        subject_user_id=getattr(row, "user_id", None),
        **detail,
        visibility=visibility,
        previous=previous,
        policy_version=policy,
        via=via,
    )
    return True


__all__ = [
    "PUBLISHED",
    "VISIBILITIES",
    "PublishableMixin",
    "mark_changed",
    "policy_version",
    "set_visibility",
]
