"""Who may see, edit and manage events and groups: written once, asked by views, feeds and the API.

Only organisers edit an event and see its attendees: the member who created it, the organisers
of its group, and for events the cooperative organises ("staff"), staff. Anything a viewer may
not see looks absent (404), never forbidden.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from webapp.core.permissions import is_owner, is_staff, may_see, signed_in, visible_visibilities
from webapp.events.models import Event, EventGroup, GroupMember
from webapp.extensions import db


def is_group_organiser(user: Any, group_id: int | None) -> bool:
    if group_id is None or not signed_in(user):
        return False
    role = db.session.scalar(
        select(GroupMember.role).where(GroupMember.group_id == group_id, GroupMember.user_id == user.id)
    )
    return role == "organiser"


def is_group_member(user: Any, group_id: int) -> bool:
    if not signed_in(user):
        return False
    return (
        db.session.scalar(
            select(GroupMember.user_id).where(
                GroupMember.group_id == group_id, GroupMember.user_id == user.id
            )
        )
        is not None
    )


def can_edit_event(user: Any, event: Event | None) -> bool:
    """An organiser of this event (creator, its group's organisers, staff for staff events)."""
    if event is None or not signed_in(user):
        return False
    if is_owner(user, event):
        return True
    if event.organiser_kind == "group" and is_group_organiser(user, event.group_id):
        return True
    return event.organiser_kind == "staff" and is_staff(user)


def may_see_event(user: Any, event: Event | None) -> bool:
    """Organisers always; others as the platform says (public: anyone, community: signed in)."""
    if event is None:
        return False
    return can_edit_event(user, event) or may_see(user, event)


def may_create_event(user: Any) -> bool:
    """Members and staff organise events (clients do not)."""
    return signed_in(user) and (bool(getattr(user, "is_member", False)) or is_staff(user))


def may_organise_as(user: Any, kind: str, group_id: int | None) -> bool:
    """Whether ``user`` may put an event under this organiser."""
    if kind == "member":
        return bool(getattr(user, "is_member", False)) or is_staff(user)
    if kind == "staff":
        return is_staff(user)
    return kind == "group" and is_group_organiser(user, group_id)


def may_see_group(user: Any, group: EventGroup | None) -> bool:
    if group is None:
        return False
    return is_group_organiser(user, group.id) or group.visibility in visible_visibilities(user)


def may_create_group(user: Any) -> bool:
    """Verified members and staff start sector groups (clients and unverified accounts do not)."""
    if not signed_in(user) or not getattr(user, "is_verified", False):
        return False
    return bool(getattr(user, "is_member", False)) or is_staff(user)


def can_edit_group(user: Any, group: EventGroup | None) -> bool:
    """Its organisers only (staff included only when they are one)."""
    return group is not None and is_group_organiser(user, group.id)


def may_rsvp(user: Any, event: Event) -> bool:
    return signed_in(user) and may_see_event(user, event) and event.is_published and not event.cancelled


__all__ = [
    "can_edit_event",
    "can_edit_group",
    "may_create_group",
    "is_group_member",
    "is_group_organiser",
    "may_create_event",
    "may_organise_as",
    "may_rsvp",
    "may_see_event",
    "may_see_group",
]
