"""Event logic shared by the views, the import, the CLI, the workers and the API.

**Fair sign-ups under concurrency.** ``rsvp`` starts its transaction with one statement,
``UPDATE events SET arrivals = arrivals + 1 WHERE id = :id RETURNING arrivals``. On PostgreSQL
that takes the event's row lock (a concurrent sign-up waits for this transaction to end, then
reads what it committed: READ COMMITTED reads per statement). On SQLite a write statement takes
the database's write lock before it reads (the driver begins the transaction right before it, as
BEGIN IMMEDIATE would), and WAL with ``busy_timeout`` makes others wait. Either way the sign-ups of
one event are serialised, the number each gets is its place in the queue, and the decision
"going or waiting" is made on the committed ``going_count``. The CHECK constraint
``going_count <= capacity`` is the last word: even a code path that forgot the lock could not
overbook. Cancelling promotes the first waiting person (lowest arrival number) in the same
locked transaction and queues their mail; nobody can buy or hide a better place.
"""

from __future__ import annotations

import csv
import io
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Iterable

from sqlalchemy import select, update

from webapp.core.legal import current_policy_version
from webapp.core.mail import external_url, send_template
from webapp.core.models import audit, set_links, utcnow
from webapp.core.places import place_values
from webapp.core.publishing import mark_changed, set_visibility
from webapp.events.models import (
    Event,
    EventException,
    EventGroup,
    EventSector,
    EventText,
    FeedToken,
    GroupMember,
    GroupSector,
    Rsvp,
)
from webapp.events.recurrence import next_occurrence
from webapp.extensions import db

UTC = UTC


class RsvpError(ValueError):
    """Why a sign-up was refused (deadline passed, cancelled, not published)."""


@dataclass
class EventData:
    """What a form or an import line sets on an event (texts: [(lang, title, description)])."""

    texts: list[tuple[str, str, str]]
    category: str
    languages: list[str]
    sectors: list[str]
    timezone: str
    starts_at: datetime
    ends_at: datetime
    rrule: str | None = None
    venue: str | None = None
    place: Any = None
    online_url: str | None = None
    capacity: int | None = None
    registration_deadline: datetime | None = None
    organiser_kind: str = "member"
    group_id: int | None = None


def apply(event: Event, data: EventData) -> None:
    """Set every field of ``data`` on ``event`` (texts and sectors in place)."""
    event.category = data.category
    event.languages = list(dict.fromkeys(data.languages))
    event.timezone = data.timezone
    event.starts_at = data.starts_at.astimezone(UTC)
    event.ends_at = data.ends_at.astimezone(UTC)
    event.rrule = data.rrule or None
    event.venue = data.venue or None
    event.online_url = data.online_url or None
    event.capacity = data.capacity
    event.registration_deadline = data.registration_deadline
    event.organiser_kind = data.organiser_kind
    event.group_id = data.group_id if data.organiser_kind == "group" else None
    for key, value in place_values(data.place).items():
        setattr(event, key, value)
    wanted = {lang: (title, description) for lang, title, description in data.texts}
    for text in list(event.texts):
        if text.lang not in wanted:
            event.texts.remove(text)
    existing = {text.lang: text for text in event.texts}
    for position, (lang, title, description) in enumerate(data.texts):
        text = existing.get(lang)
        if text is None:
            text = EventText(lang=lang)
            event.texts.append(text)
        text.title, text.description, text.position = title, description or None, position
    set_links(event.sector_links, EventSector, "sector_code", list(data.sectors), ordered=True)


def create_event(user: Any, data: EventData, *, external_id: str | None = None) -> Event:
    """A new draft (its organisers only) in the caller's transaction."""
    event = Event(user_id=getattr(user, "id", None), external_id=external_id, visibility="draft", version=1)
    apply(event, data)
    db.session.add(event)
    db.session.flush()
    mark_changed(event)
    return event


def update_event(event: Event, data: EventData) -> None:
    """Every change bumps the version (the feeds' SEQUENCE) and re-indexes."""
    apply(event, data)
    mark_changed(event)


def set_status(event: Event, status: str, visibility: str, *, actor_id: int | None, via: str = "web") -> None:
    """draft / published (community or public) / cancelled; audit-logged with the policy version."""
    target = "draft" if status == "draft" else visibility
    if target not in ("draft", "community", "public"):
        raise ValueError("unknown visibility")
    cancelled = status == "cancelled"
    changed = cancelled != event.cancelled
    if cancelled and changed and event.visibility != "draft" and _claim_cancellation(event):
        _mail_cancelled(event)
    event.cancelled = cancelled
    if changed:
        audit(
            "events.cancel" if cancelled else "events.uncancel",
            actor_id=actor_id,
            subject_user_id=None,
            event_id=event.id,
            via=via,
        )
    moved = set_visibility(
        event,
        target,
        actor_id=actor_id,
        action="events",
        policy=current_policy_version(),
        via=via,
        touch=False,
        event_id=event.id,
    )
    if changed or moved:
        mark_changed(event)


def set_occurrence(
    event: Event,
    original_start: datetime,
    *,
    cancelled: bool,
    starts_at: datetime | None = None,
    ends_at: datetime | None = None,
) -> None:
    """Cancel one occurrence (EXDATE) or move it (RECURRENCE-ID); cancelling nothing restores it."""
    original_start = original_start.astimezone(UTC)
    exc = next((e for e in event.exceptions if e.original_start == original_start), None)
    was = None
    if exc is None:
        exc = EventException(original_start=original_start)
        event.exceptions.append(exc)
        newly_cancelled = cancelled
    else:
        was = (exc.starts_at, exc.ends_at)
        newly_cancelled = cancelled and _claim_occurrence_cancellation(exc)
    if newly_cancelled:
        _mail_occurrence_cancelled(event, original_start, was)
    exc.cancelled = cancelled
    exc.starts_at = None if cancelled else starts_at
    exc.ends_at = None if cancelled else ends_at
    mark_changed(event)


# --- cancellation mails: once per person and cancellation, in their language, in the event's zone


def _claim_cancellation(event: Event) -> bool:
    """Mark the event cancelled in the database unless it already is: True for the one
    transaction that made the change (two organisers cancelling at once send one set of mails:
    the second UPDATE waits for the first's lock, then matches no row)."""
    result = db.session.execute(
        update(Event)
        .where(Event.id == event.id, Event.cancelled.is_(False))
        .values(cancelled=True)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def _claim_occurrence_cancellation(exc: EventException) -> bool:
    """The same for a moved occurrence being cancelled (a new exception row is claimed by the
    table's unique constraint on (event, original start))."""
    if exc.cancelled:
        return False
    if exc.id is None:
        return True
    result = db.session.execute(
        update(EventException)
        .where(EventException.id == exc.id, EventException.cancelled.is_(False))
        .values(cancelled=True)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def _mail_cancelled(event: Event) -> int:
    """Those going and those waiting, when the event still lies ahead (a past one needs no news)."""
    occ = next_occurrence(event)
    if occ is None:
        return 0
    rows = [r for r in attendees(event) if r.status in ("going", "waiting")]
    for row in rows:
        user = row.user
        lang = user.locale or "en"
        send_template(
            user.email,
            "events/mail/cancelled.txt",
            lang=lang,
            kind="events.cancelled",
            user_id=user.id,
            title=display_title(event, lang),
            when=when_text(event, lang, occ.start),
            url=external_url("events.event", event_id=event.id),
        )
    return len(rows)


def _mail_occurrence_cancelled(
    event: Event, original_start: datetime, moved: tuple[datetime | None, datetime | None] | None
) -> int:
    """Those going, about the one date (where it had been moved to, if it had), when it is ahead
    and the event itself is on: drafts and cancelled events mail nobody."""
    if event.visibility == "draft" or event.cancelled:
        return 0
    start = (moved[0] if moved and moved[0] else None) or original_start
    end = (moved[1] if moved and moved[1] else None) or start + (event.ends_at - event.starts_at)
    if end < utcnow():
        return 0
    rows = attendees(event, "going")
    for row in rows:
        user = row.user
        lang = user.locale or "en"
        send_template(
            user.email,
            "events/mail/occurrence_cancelled.txt",
            lang=lang,
            kind="events.occurrence_cancelled",
            user_id=user.id,
            title=display_title(event, lang),
            when=when_text(event, lang, start),
            url=external_url("events.event", event_id=event.id),
        )
    return len(rows)


def restore_occurrence(event: Event, original_start: datetime) -> None:
    for exc in list(event.exceptions):
        if exc.original_start == original_start.astimezone(UTC):
            event.exceptions.remove(exc)
    mark_changed(event)


def title_in(event: Event, lang: str | None) -> EventText | None:
    """The text in ``lang`` when there is one, else the organiser's first language."""
    for text in event.texts:
        if text.lang == lang:
            return text
    return event.texts[0] if event.texts else None


def ordered_texts(event: Event, lang: str | None) -> list[EventText]:
    """The reader's language first when the event has it, then the organiser's order."""
    return sorted(event.texts, key=lambda t: (t.lang != lang, t.position))


def display_title(event: Event, lang: str | None = None) -> str:
    text = title_in(event, lang)
    return text.title if text else ""


# --- RSVP -----------------------------------------------------------------------------------------------


def _lock(event_id: int) -> int:
    """Serialise the event's sign-ups (see the module docstring); returns the next arrival number."""
    number = db.session.execute(
        update(Event)
        .where(Event.id == event_id)
        .values(arrivals=Event.arrivals + 1)
        .returning(Event.arrivals)
        .execution_options(synchronize_session=False)
    ).scalar_one()
    return int(number)


def _fresh(event_id: int) -> Event:
    event = db.session.get(Event, event_id, populate_existing=True)
    assert event is not None
    return event


def registration_open(event: Event, now: datetime | None = None) -> bool:
    now = now or utcnow()
    if event.cancelled or not event.is_published:
        return False
    if event.registration_deadline is not None and now > event.registration_deadline:
        return False
    return next_occurrence(event, now) is not None


def rsvp(
    event_id: int, user: Any, going: bool, *, public: bool = False, now: datetime | None = None
) -> Rsvp | None:
    """Going or not going, in its own transaction (committed here): going when a place is free,
    else waiting in arrival order; not going frees the place for the first waiting person."""
    db.session.commit()  # the lock must be this transaction's first statement
    arrival = _lock(event_id)
    event = _fresh(event_id)
    row = db.session.scalar(
        select(Rsvp).where(Rsvp.event_id == event_id, Rsvp.user_id == user.id).with_for_update()
    )
    if going:
        if not registration_open(event, now):
            db.session.rollback()
            raise RsvpError("closed")
        if row is not None and row.status in ("going", "waiting"):
            row.public = public
            db.session.commit()
            return row
        full = event.capacity is not None and event.going_count >= event.capacity
        status = "waiting" if full else "going"
        if row is None:
            row = Rsvp(event_id=event_id, user_id=user.id, status=status, arrival=arrival, public=public)
            db.session.add(row)
        else:
            row.status, row.arrival, row.public, row.updated_at = status, arrival, public, utcnow()
        if status == "going":
            event.going_count += 1
        db.session.commit()
        return row
    if row is None or row.status == "not_going":
        db.session.rollback()
        return row
    was_going = row.status == "going"
    row.status, row.updated_at, row.public = "not_going", utcnow(), False
    if was_going:
        event.going_count -= 1
        _promote_waiting(event)
    db.session.commit()
    return row


def _promote_waiting(event: Event) -> list[Rsvp]:
    """Fill free places from the waiting list, first come first served, with a mail each."""
    promoted: list[Rsvp] = []
    while event.capacity is None or event.going_count < event.capacity:
        first = db.session.scalar(
            select(Rsvp)
            .where(Rsvp.event_id == event.id, Rsvp.status == "waiting")
            .order_by(Rsvp.arrival, Rsvp.id)
            .limit(1)
        )
        if first is None:
            break
        first.status, first.updated_at = "going", utcnow()
        event.going_count += 1
        db.session.flush()
        _mail_promoted(event, first)
        promoted.append(first)
    return promoted


def _mail_promoted(event: Event, row: Rsvp) -> None:
    user = row.user
    lang = user.locale or "en"
    send_template(
        user.email,
        "events/mail/promoted.txt",
        lang=lang,
        kind="events.promoted",
        user_id=user.id,
        title=display_title(event, lang),
        when=when_text(event, lang),
        url=external_url("events.event", event_id=event.id),
    )


def organiser_promote(event_id: int, rsvp_id: int, actor: Any) -> Rsvp | None:
    """The organiser lets a waiting person in ahead of the queue: one more place, logged."""
    db.session.commit()
    _lock(event_id)
    event = _fresh(event_id)
    row = db.session.get(Rsvp, rsvp_id)
    if row is None or row.event_id != event_id or row.status != "waiting":
        db.session.rollback()
        return None
    if event.capacity is not None:
        event.capacity = max(event.capacity, event.going_count + 1)
    row.status, row.updated_at = "going", utcnow()
    event.going_count += 1
    audit(
        "events.override",
        actor_id=actor.id,
        subject_user_id=row.user_id,
        event_id=event_id,
        rsvp_id=row.id,
        capacity=event.capacity,
        arrival=row.arrival,
    )
    _mail_promoted(event, row)
    db.session.commit()
    return row


def set_capacity(event: Event, capacity: int | None) -> None:
    """A new capacity never drops below who is already going; a bigger one promotes the waiting."""
    if capacity is not None:
        capacity = max(capacity, event.going_count)
    event.capacity = capacity
    db.session.flush()
    _promote_waiting(event)


def attendees(event: Event, status: str | None = None) -> list[Rsvp]:
    query = select(Rsvp).where(Rsvp.event_id == event.id)
    if status:
        query = query.where(Rsvp.status == status)
    return list(db.session.scalars(query.order_by(Rsvp.status, Rsvp.arrival)))


def own_rsvp(event: Event, user: Any) -> Rsvp | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return db.session.scalar(select(Rsvp).where(Rsvp.event_id == event.id, Rsvp.user_id == user.id))


def waiting_position(row: Rsvp) -> int:
    return 1 + int(
        db.session.scalar(
            select(db.func.count())
            .select_from(Rsvp)
            .where(Rsvp.event_id == row.event_id, Rsvp.status == "waiting", Rsvp.arrival < row.arrival)
        )
        or 0
    )


def attendees_csv(event: Event) -> str:
    """going then waiting, in arrival order: name, e-mail, status, place in the queue, since."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["name", "email", "status", "arrival", "since"])
    for row in attendees(event):
        if row.status == "not_going":
            continue
        name = member_name(row.user)
        writer.writerow(
            [_csv_safe(name), _csv_safe(row.user.email), row.status, row.arrival, row.created_at.isoformat()]
        )
    return out.getvalue()


def _csv_safe(value: str) -> str:
    """No formula injection when the file is opened in a spreadsheet."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def member_name(user: Any) -> str:
    card = getattr(user, "member_profile", None)
    return card.display_name if card is not None else user.email.split("@")[0]


def mail_attendees(event: Event, actor: Any, subject: str, body: str) -> int:
    """One mail per person going, through the outbox, in the caller's transaction."""
    count = 0
    for row in attendees(event, "going"):
        user = row.user
        lang = user.locale or "en"
        send_template(
            user.email,
            "events/mail/organiser.txt",
            lang=lang,
            kind="events.organiser",
            user_id=user.id,
            subject_line=subject,
            message=body,
            title=display_title(event, lang),
            url=external_url("events.event", event_id=event.id),
        )
        count += 1
    audit("events.mail_attendees", actor_id=actor.id, subject_user_id=None, event_id=event.id, count=count)
    return count


# --- reminders -----------------------------------------------------------------------------------------


def send_reminders(now: datetime | None = None, *, window: timedelta = timedelta(hours=24)) -> int:
    """Remind those going of occurrences starting within ``window``: once per person and occurrence."""
    now = now or utcnow()
    sent = 0
    events = db.session.scalars(
        select(Event).where(
            Event.visibility.in_(("community", "public")), Event.cancelled.is_(False), Event.going_count > 0
        )
    )
    for event in list(events):
        occ = next_occurrence(event, now)
        if occ is None or occ.start < now or occ.start > now + window:
            continue
        for row in attendees(event, "going"):
            if row.reminded_for == occ.start:
                continue
            user = row.user
            lang = user.locale or "en"
            send_template(
                user.email,
                "events/mail/reminder.txt",
                lang=lang,
                kind="events.reminder",
                user_id=user.id,
                title=display_title(event, lang),
                when=when_text(event, lang, occ.start),
                where=event.venue or event.online_url or "",
                url=external_url("events.event", event_id=event.id),
            )
            row.reminded_for = occ.start
            sent += 1
    db.session.commit()
    return sent


def when_text(event: Event, lang: str, start: datetime | None = None) -> str:
    """ "2027-03-18 19:00 (Europe/Brussels)" in the event's zone."""
    from webapp.events.recurrence import local

    occ = next_occurrence(event) if start is None else None
    moment = start or (occ.start if occ else event.starts_at)
    return f"{local(moment, event.timezone):%Y-%m-%d %H:%M} ({event.timezone})"


# --- the weekly digest -----------------------------------------------------------------------------------

DIGEST_EVERY = timedelta(days=7)


def set_digest(user: Any, weekly: bool) -> None:
    from webapp.events.models import DigestPreference

    row = db.session.get(DigestPreference, user.id)
    if row is None:
        row = DigestPreference(user_id=user.id, weekly=weekly, last_sent_at=utcnow())
        db.session.add(row)
    row.weekly = weekly


def wants_digest(user: Any) -> bool:
    from webapp.events.models import DigestPreference

    row = db.session.get(DigestPreference, user.id)
    return bool(row and row.weekly)


# --- groups ----------------------------------------------------------------------------------------------


@dataclass
class GroupData:
    """What the group form sets: name, description, sectors, a gazetteer place (or None)."""

    name: str
    description: str | None
    sectors: list[str]
    place: Any = None


def _apply_group(group: EventGroup, data: GroupData) -> None:
    group.name = data.name
    # Browsers send a textarea's line breaks as CRLF; paragraphs are split on blank lines.
    group.description = (data.description or "").replace("\r\n", "\n").strip() or None
    for key, value in place_values(data.place).items():
        setattr(group, key, value)
    set_links(group.sector_links, GroupSector, "sector_code", list(data.sectors), ordered=True)


def _reindex_group_events(group: EventGroup) -> None:
    """The group's name is in its events' search documents (not in their feeds: no new SEQUENCE)."""
    from webapp.core.search import queue_index

    for event_id in db.session.scalars(select(Event.id).where(Event.group_id == group.id)):
        queue_index("event", event_id)


def create_group(user: Any, data: GroupData, visibility: str) -> EventGroup:
    """A new group; its creator is its first organiser (audit: events.group_create)."""
    group = EventGroup(user_id=user.id, visibility="draft")
    _apply_group(group, data)
    db.session.add(group)
    db.session.flush()
    db.session.add(GroupMember(group_id=group.id, user_id=user.id, role="organiser"))
    audit("events.group_create", actor_id=user.id, subject_user_id=user.id, group_id=group.id)
    set_group_visibility(group, visibility, actor_id=user.id)
    return group


def update_group(group: EventGroup, data: GroupData, visibility: str, *, actor_id: int) -> None:
    renamed = group.name != data.name
    _apply_group(group, data)
    audit("events.group_edit", actor_id=actor_id, subject_user_id=None, group_id=group.id)
    set_group_visibility(group, visibility, actor_id=actor_id)
    if renamed:
        db.session.flush()
        _reindex_group_events(group)


def set_group_visibility(group: EventGroup, visibility: str, *, actor_id: int | None) -> None:
    """draft (its organisers only) / community / public; audit events.group.publish/unpublish."""
    set_visibility(
        group,
        visibility,
        actor_id=actor_id,
        action="events.group",
        policy=current_policy_version(),
        touch=False,
        group_id=group.id,
    )


class GroupRoleError(ValueError):
    """Why a role change was refused (not a member, the last organiser)."""


def organiser_count(group: EventGroup) -> int:
    return int(
        db.session.scalar(
            select(db.func.count())
            .select_from(GroupMember)
            .where(GroupMember.group_id == group.id, GroupMember.role == "organiser")
        )
        or 0
    )


def set_group_role(group: EventGroup, user_id: int, role: str, *, actor_id: int) -> GroupMember:
    """Appoint a member organiser, or make an organiser a plain member again; a group keeps at
    least one organiser. Audit-logged (events.group_role) like other organiser actions.

    The group's organiser rows are locked first (PostgreSQL: FOR UPDATE; SQLite: the write lock
    of the first UPDATE), so two organisers stepping down at once cannot leave nobody."""
    if role not in ("organiser", "member"):
        raise GroupRoleError("role")
    db.session.execute(
        update(GroupMember)
        .where(GroupMember.group_id == group.id, GroupMember.role == "organiser")
        .values(role="organiser")
        .execution_options(synchronize_session=False)
    )
    row = db.session.get(GroupMember, (group.id, user_id), populate_existing=True)
    if row is None:
        raise GroupRoleError("not a member")
    if row.role == role:
        return row
    if role == "member" and organiser_count(group) <= 1:
        raise GroupRoleError("last organiser")
    previous, row.role = row.role, role
    audit(
        "events.group_role",
        actor_id=actor_id,
        subject_user_id=user_id,
        group_id=group.id,
        role=role,
        previous=previous,
    )
    return row


def group_members(group: EventGroup) -> list[GroupMember]:
    """Everyone in the group, organisers first, then by joining date (for its organisers)."""
    return list(
        db.session.scalars(
            select(GroupMember)
            .where(GroupMember.group_id == group.id)
            .order_by(GroupMember.role != "organiser", GroupMember.created_at, GroupMember.user_id)
        )
    )


def join_group(group: EventGroup, user: Any) -> None:
    if db.session.get(GroupMember, (group.id, user.id)) is None:
        db.session.add(GroupMember(group_id=group.id, user_id=user.id, role="member"))


def leave_group(group: EventGroup, user: Any) -> bool:
    """Leave; the last organiser stays (a group is never left without one)."""
    row = db.session.get(GroupMember, (group.id, user.id))
    if row is None:
        return True
    if row.role == "organiser":
        organisers = db.session.scalar(
            select(db.func.count())
            .select_from(GroupMember)
            .where(GroupMember.group_id == group.id, GroupMember.role == "organiser")
        )
        if (organisers or 0) <= 1:
            return False
    db.session.delete(row)
    return True


def user_groups(user: Any, role: str | None = None) -> list[EventGroup]:
    query = select(EventGroup).join(GroupMember).where(GroupMember.user_id == user.id)
    if role:
        query = query.where(GroupMember.role == role)
    return list(db.session.scalars(query.order_by(EventGroup.name)))


# --- the private feed ------------------------------------------------------------------------------------


def feed_token(user: Any, *, create: bool = True) -> str | None:
    row = db.session.get(FeedToken, user.id)
    if row is None and create:
        row = FeedToken(user_id=user.id, token=secrets.token_urlsafe(32))
        db.session.add(row)
        db.session.flush()
    return row.token if row else None


def reset_feed_token(user: Any) -> str:
    row = db.session.get(FeedToken, user.id)
    if row is None:
        return feed_token(user) or ""
    row.token, row.created_at = secrets.token_urlsafe(32), utcnow()
    audit("events.feed_reset", actor_id=user.id, subject_user_id=user.id)
    return row.token


def user_for_token(token: str) -> Any:
    """The member whose private feed this secret opens, or None."""
    from webapp.accounts.models import User

    if not token or len(token) > 64:
        return None
    row = db.session.scalar(select(FeedToken).where(FeedToken.token == token))
    return db.session.get(User, row.user_id) if row is not None else None


def going_events(user: Any) -> list[Event]:
    """Events the member is going to or waiting for (their own token feed), drafts included if theirs."""
    return list(
        db.session.scalars(
            select(Event)
            .join(Rsvp, Rsvp.event_id == Event.id)
            .where(Rsvp.user_id == user.id, Rsvp.status.in_(("going", "waiting")))
            .order_by(Event.starts_at)
        )
    )


def organised_events(user: Any) -> list[Event]:
    return list(db.session.scalars(select(Event).where(Event.user_id == user.id).order_by(Event.starts_at)))


def upcoming(events: Iterable[Event], now: datetime | None = None) -> list[tuple[Event, Any]]:
    """(event, next occurrence) for events still ahead, soonest first."""
    now = now or utcnow()
    out = []
    for event in events:
        occ = next_occurrence(event, now)
        if occ is not None:
            out.append((event, occ))
    out.sort(key=lambda pair: pair[1].start)
    return out
