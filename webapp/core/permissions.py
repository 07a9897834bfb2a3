"""Who is asking, and what they may see: the platform's visibility and permission helpers.

Every module asks these (through its own ``permissions.py``, which adds its own rules such as
"only the owner edits a card" or "only organisers edit an event"), so the meaning of
"signed in", "staff" and "may see" is written once. Anything a viewer may not see must look
absent (404), never forbidden, so the existence of a draft does not leak.
"""

from __future__ import annotations

from typing import Any

from webapp.core.publishing import PUBLISHED


def signed_in(user: Any) -> bool:
    """A real, signed-in account (Flask-Login's anonymous user is not)."""
    return bool(user is not None and getattr(user, "is_authenticated", False))


def is_staff(user: Any) -> bool:
    """Staff and admins (moderation, abuse reports)."""
    return bool(signed_in(user) and getattr(user, "is_staff", False))


def owner_id(row: Any) -> int | None:
    """The account a row belongs to (``user_id``; rows imported without an account belong to no one)."""
    return getattr(row, "user_id", None)


def is_owner(user: Any, row: Any) -> bool:
    """The row belongs to this signed-in user."""
    owner = owner_id(row) if row is not None else None
    return bool(owner is not None and signed_in(user) and owner == user.id)


def visible_visibilities(user: Any) -> tuple[str, ...]:
    """Visibilities of other people's rows this viewer may see (for queries and search filters)."""
    return ("public", "community") if signed_in(user) else ("public",)


def may_see(user: Any, row: Any) -> bool:
    """Public: anyone; community: signed-in users; a draft (or anything else): its owner only."""
    if row is None:
        return False
    if is_owner(user, row):
        return True
    return row.visibility in PUBLISHED and row.visibility in visible_visibilities(user)


__all__ = ["is_owner", "is_staff", "may_see", "owner_id", "signed_in", "visible_visibilities"]
