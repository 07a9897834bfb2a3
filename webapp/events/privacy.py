"""The events' share of a user's personal data, for export (Art. 20) and erasure (Art. 17).

Export: RSVPs, events they created, group memberships and groups they created, the private feed
token. Erasure: RSVPs go (a freed place promotes the first person waiting), memberships and the
feed token go; events and groups they organised stay for the people who signed up but lose their
creator (``user_id`` NULL, "a former member"), and a draft of theirs nobody else can manage goes.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import select

from webapp.core.publishing import mark_changed
from webapp.events.models import DigestPreference, Event, EventGroup, FeedToken, GroupMember, Rsvp
from webapp.extensions import db


def export_events(user: Any) -> dict[str, Any]:
    rsvps = db.session.scalars(select(Rsvp).where(Rsvp.user_id == user.id).order_by(Rsvp.id))
    events = db.session.scalars(select(Event).where(Event.user_id == user.id).order_by(Event.id))
    memberships = db.session.scalars(select(GroupMember).where(GroupMember.user_id == user.id))
    groups = db.session.scalars(select(EventGroup).where(EventGroup.user_id == user.id))
    token = db.session.get(FeedToken, user.id)
    return {
        "rsvps": [
            {
                "event_id": r.event_id,
                "status": r.status,
                "arrival": r.arrival,
                "public": r.public,
                "created_at": r.created_at.isoformat(),
            }
            for r in rsvps
        ],
        "organised_events": [
            {
                "id": e.id,
                "status": e.status,
                "visibility": e.visibility,
                "category": e.category,
                "starts_at": e.starts_at.isoformat(),
                "timezone": e.timezone,
                "rrule": e.rrule,
                "venue": e.venue,
                "place": e.place_name,
                "online_url": e.online_url,
                "capacity": e.capacity,
                "texts": [{"lang": t.lang, "title": t.title, "description": t.description} for t in e.texts],
            }
            for e in events
        ],
        "group_memberships": [
            {"group_id": m.group_id, "role": m.role, "since": m.created_at.isoformat()} for m in memberships
        ],
        "created_groups": [{"id": g.id, "name": g.name} for g in groups],
        "feed_token": token.token if token else None,
        "weekly_digest": bool((pref := db.session.get(DigestPreference, user.id)) and pref.weekly),
    }


def erase_events(user: Any) -> None:
    from webapp.events.service import _promote_waiting

    for row in list(db.session.scalars(select(Rsvp).where(Rsvp.user_id == user.id))):
        event = db.session.get(Event, row.event_id)
        was_going = row.status == "going"
        db.session.delete(row)
        db.session.flush()
        if event is not None and was_going:
            event.going_count -= 1
            _promote_waiting(event)
    for row in db.session.scalars(select(GroupMember).where(GroupMember.user_id == user.id)):
        db.session.delete(row)
    for row in (db.session.get(FeedToken, user.id), db.session.get(DigestPreference, user.id)):
        if row is not None:
            db.session.delete(row)
    for event in list(db.session.scalars(select(Event).where(Event.user_id == user.id))):
        if event.visibility == "draft" and event.organiser_kind == "member":
            db.session.delete(event)
            db.session.flush()
            from webapp.core.search import queue_index

            queue_index("event", event.id)
        else:
            event.user_id = None
            mark_changed(event)
    for group in db.session.scalars(select(EventGroup).where(EventGroup.user_id == user.id)):
        group.user_id = None
    db.session.flush()


def register(app: Flask) -> None:
    from webapp.core.privacy import PersonalData, register_personal_data

    register_personal_data(
        app,
        PersonalData(
            name="events",
            models=[Rsvp, Event, EventGroup, GroupMember, FeedToken, DigestPreference],
            export=export_events,
            erase=erase_events,
            order=30,
        ),
    )


__all__ = ["erase_events", "export_events", "register"]
