"""The board's logic, shared by the views, the importer, the CLI, the demo and the privacy hooks.

Functions change rows and write the search and mail outboxes in the caller's transaction; the
caller commits. The exception is ``accept_booking``, which is its own serialised transaction:
two overlapping bookings can never both be accepted, even when two workers accept at the same
instant (PostgreSQL: the ``ex_bookings_no_overlap`` exclusion constraint; SQLite: the check and
the write under ``BEGIN IMMEDIATE``, which takes the database's one write lock before reading).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Iterable

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError

from webapp.core.legal import current_policy_version
from webapp.core.mail import external_url, send_template
from webapp.core.models import audit, set_links, utcnow
from webapp.core.places import place_values
from webapp.core.publishing import mark_changed, set_visibility
from webapp.core.search.params import LOCAL_ZONE
from webapp.core.text import InputError, clean_text
from webapp.core.vocabulary import CONTENT_LANGUAGES, resolve_sectors
from webapp.extensions import db
from webapp.p2p.models import (
    AUDIENCES,
    HOLDING,
    KINDS,
    PHOTOS_MAX,
    SLOT_KINDS,
    STATUSES,
    TIMED_KINDS,
    TYPES,
    Booking,
    BookingMessage,
    Listing,
    ListingPhoto,
    ListingReport,
    ListingSector,
    ListingSlot,
    ListingWindow,
    Review,
)

TITLE_MAX = 160
DESCRIPTION_MAX = 4000
CONDITIONS_MAX = 1000
ADDRESS_MAX = 300
NOTE_MAX = 1000
MESSAGE_MAX = 2000
REVIEW_MAX = 600
WINDOWS_MAX = 12
SLOTS_MAX = 21
#: A session at a time lasts at least this long and at most this long (a slot bounds it too).
SESSION_MIN_MINUTES = 15
SESSION_MAX_HOURS = 8
#: How far ahead a booking may be asked for, and how long it may last.
BOOKING_HORIZON_DAYS = 366
#: The days a listing's availability may name: past the last one a day has no next day (date.max)
#: and an instant near the calendar's edge overflows, so farther dates are refused as input.
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2999, 12, 31)
BOOKING_MAX_DAYS = 90
#: A review may be changed for this long after it was written.
REVIEW_EDIT_DAYS = 14


class BookingRefused(Exception):
    """A booking action that cannot happen; ``code`` says why (the views word it)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


# ------------------------------------------------------------------------------------- listings


def effective_visibility(listing: Listing) -> str:
    """What search, the API and other people see: the audience while active and not hidden."""
    if listing.status == "active" and listing.hidden_at is None:
        return listing.audience
    return "draft"


def sync_visibility(listing: Listing, *, actor_id: int | None, via: str = "web") -> None:
    """Bring ``visibility`` in line with status, audience and hiding (audited when it changes), and
    tell the index; in the caller's transaction."""
    set_visibility(
        listing,
        effective_visibility(listing),
        actor_id=actor_id,
        action="p2p.listing",
        policy=current_policy_version(),
        via=via,
        touch=False,
        listing_id=listing.id,
    )
    mark_changed(listing)


def parse_day(value: Any, what: str) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        day = value
    else:
        try:
            day = date.fromisoformat(str(value).strip())
        except ValueError:
            raise InputError(f"{what}: not a date (YYYY-MM-DD): {str(value)[:40]!r}") from None
    if not FIRST_DAY <= day <= LAST_DAY:
        raise InputError(f"{what}: a date from {FIRST_DAY.year} to {LAST_DAY.year}: {day.isoformat()}")
    return day


def parse_windows(pairs: Iterable[tuple[Any, Any]]) -> list[tuple[date | None, date | None]]:
    """(from, to) pairs → days; empty pairs dropped; a reversed window raises InputError."""
    windows = []
    for start, end in pairs:
        start_day, end_day = parse_day(start, "available_from"), parse_day(end, "available_to")
        if start_day is None and end_day is None:
            continue
        if start_day and end_day and end_day < start_day:
            raise InputError("an availability window ends before it starts")
        windows.append((start_day, end_day))
    if len(windows) > WINDOWS_MAX:
        raise InputError(f"at most {WINDOWS_MAX} availability windows")
    return windows


def parse_time(value: Any, what: str) -> time | None:
    if value in (None, ""):
        return None
    if isinstance(value, time):
        return value.replace(second=0, microsecond=0)
    try:
        return time.fromisoformat(str(value).strip()).replace(second=0, microsecond=0)
    except ValueError:
        raise InputError(f"{what}: not a time (HH:MM): {str(value)[:20]!r}") from None


def parse_weekdays(value: Any) -> list[int]:
    """0 (Monday) … 6, or a run "0-4" (Monday to Friday) → the days; "" → none."""
    text = str(value if value is not None else "").strip()
    if not text:
        return []
    try:
        first, _sep, last = text.partition("-")
        days = list(range(int(first), int(last or first) + 1))
    except ValueError:
        raise InputError(f"weekday: not a day of the week: {text[:10]!r}") from None
    if not days or days[0] < 0 or days[-1] > 6:
        raise InputError(f"weekday: not a day of the week: {text[:10]!r}")
    return days


def parse_slots(rows: Iterable[tuple[Any, Any, Any]]) -> list[tuple[int, time, time]]:
    """(weekday or "0-4", from, to) rows → one slot per day; empty rows dropped; a half-filled,
    reversed or overlapping slot raises InputError."""
    slots: list[tuple[int, time, time]] = []
    for weekday, start, end in rows:
        days = parse_weekdays(weekday)
        start_t, end_t = parse_time(start, "slot_from"), parse_time(end, "slot_to")
        if not days and start_t is None and end_t is None:
            continue
        if not days or start_t is None or end_t is None:
            raise InputError("a weekly slot needs a day, a start time and an end time")
        if end_t <= start_t:
            raise InputError("a weekly slot ends before it starts")
        for day in days:
            for other_day, other_start, other_end in slots:
                if other_day == day and other_start < end_t and start_t < other_end:
                    raise InputError("two weekly slots on the same day overlap")
            slots.append((day, start_t, end_t))
    if len(slots) > SLOTS_MAX:
        raise InputError(f"at most {SLOTS_MAX} weekly slots")
    return sorted(slots)


@dataclass
class ListingData:
    """A listing's fields, validated (forms and the importer both fill one)."""

    type: str
    kind: str
    title: str
    description: str
    language: str
    sectors: list[str]
    conditions: str | None = None
    pickup_address: str | None = None
    audience: str = "community"
    windows: list[tuple[date | None, date | None]] | None = None
    slots: list[tuple[int, time, time]] | None = None


def clean_listing_data(raw: dict[str, Any]) -> ListingData:
    """Validate what a form or an import line gave; InputError names the first problem."""
    type_ = str(raw.get("type") or "")
    if type_ not in TYPES:
        raise InputError("type must be offer or request")
    kind = str(raw.get("kind") or "")
    if kind not in KINDS:
        raise InputError("kind must be one of " + ", ".join(KINDS))
    title = clean_text(raw.get("title"), max_len=TITLE_MAX)
    if not title:
        raise InputError("a title is needed")
    description = clean_text(raw.get("description"), multiline=True, max_len=DESCRIPTION_MAX) or ""
    language = str(raw.get("language") or "")
    if language not in CONTENT_LANGUAGES:
        raise InputError("language must be one of " + ", ".join(CONTENT_LANGUAGES))
    audience = str(raw.get("audience") or raw.get("visibility") or "community")
    if audience not in AUDIENCES:
        raise InputError("visibility must be community or public")
    sectors = resolve_sectors(raw.get("sectors") or [])
    windows = raw.get("windows")
    slots = parse_slots(raw["slots"]) if raw.get("slots") is not None else None
    if slots and kind not in SLOT_KINDS:
        raise InputError("weekly slots are for workspace, mentoring and coaching")
    return ListingData(
        type=type_,
        kind=kind,
        title=title,
        description=description,
        language=language,
        sectors=sectors,
        conditions=clean_text(raw.get("conditions"), multiline=True, max_len=CONDITIONS_MAX),
        pickup_address=clean_text(raw.get("pickup_address"), multiline=True, max_len=ADDRESS_MAX),
        audience=audience,
        windows=parse_windows(windows) if windows is not None else None,
        slots=slots,
    )


def save_listing(
    listing: Listing | None,
    data: ListingData,
    *,
    user_id: int | None,
    place: Any = None,
    keep_place: bool = False,
    profile_id: int | None = None,
    actor_id: int | None = None,
    via: str = "web",
) -> Listing:
    """Create or update a listing (a new one is a draft); re-indexes it. The caller commits."""
    if listing is None:
        listing = Listing(user_id=user_id, profile_id=profile_id, status="draft", visibility="draft")
        db.session.add(listing)
    for name in (
        "type",
        "kind",
        "title",
        "description",
        "language",
        "conditions",
        "pickup_address",
        "audience",
    ):
        setattr(listing, name, getattr(data, name))
    if not keep_place:
        for column, value in place_values(place).items():
            setattr(listing, column, value)
    set_links(listing.sector_links, ListingSector, "sector_code", data.sectors, ordered=True)
    if data.windows is not None:
        listing.windows[:] = [ListingWindow(starts_on=s, ends_on=e) for s, e in data.windows]
    if data.slots is not None:
        listing.slots[:] = [ListingSlot(weekday=d, starts_at=s, ends_at=e) for d, s, e in data.slots]
    elif listing.kind not in SLOT_KINDS and listing.slots:
        listing.slots[:] = []  # a listing that became equipment or a service keeps no slots
    db.session.flush()
    sync_visibility(listing, actor_id=actor_id if actor_id is not None else user_id, via=via)
    return listing


def set_status(listing: Listing, status: str, *, actor_id: int | None) -> bool:
    """Draft → active → paused → closed (and back); False when nothing changed."""
    if status not in STATUSES:
        raise ValueError("unknown status")
    if listing.status == status:
        return False
    previous = listing.status
    listing.status = status
    audit(
        "p2p.listing.status",
        actor_id=actor_id,
        subject_user_id=listing.user_id,
        listing_id=listing.id,
        status=status,
        previous=previous,
    )
    sync_visibility(listing, actor_id=actor_id)
    return True


def hide_listing(listing: Listing, *, staff_id: int, hidden: bool, reason: str = "") -> bool:
    """Staff take a listing off the board (or put it back); audit-logged."""
    if (listing.hidden_at is not None) == hidden:
        return False
    listing.hidden_at = utcnow() if hidden else None
    listing.hidden_by_id = staff_id if hidden else None
    audit(
        "p2p.listing.hide" if hidden else "p2p.listing.unhide",
        actor_id=staff_id,
        subject_user_id=listing.user_id,
        listing_id=listing.id,
        reason=reason[:200],
    )
    if hidden:
        for report in db.session.scalars(
            select(ListingReport).where(
                ListingReport.listing_id == listing.id, ListingReport.status == "open"
            )
        ):
            report.status = "handled"
    sync_visibility(listing, actor_id=staff_id, via="staff")
    return True


def report_listing(listing: Listing, *, reporter_id: int, reason: str) -> ListingReport:
    text = clean_text(reason, multiline=True, max_len=1000)
    if not text:
        raise InputError("a reason is needed")
    report = ListingReport(listing_id=listing.id, reporter_id=reporter_id, reason=text)
    db.session.add(report)
    return report


def delete_listing(listing: Listing) -> list[str]:
    """Remove a listing; its bookings stay (with their title) for the people in them. Returns its
    photos' file names: the caller deletes the files once the rows are gone."""
    listing_id = listing.id
    photo_files = [photo.filename for photo in listing.photos]
    db.session.delete(listing)
    db.session.flush()
    from webapp.core.search import queue_index

    queue_index("listing", listing_id)
    return photo_files


# --------------------------------------------------------------------------------------- photos


def add_photo(listing: Listing, filename: str) -> ListingPhoto | None:
    """Attach a stored photo (``webapp.core.photos``); None when the listing has PHOTOS_MAX already.
    The caller commits (and deletes the file when this refuses or the commit fails)."""
    if len(listing.photos) >= PHOTOS_MAX:
        return None
    photo = ListingPhoto(filename=filename)
    listing.photos.append(photo)
    db.session.flush()
    return photo


def remove_photo(listing: Listing, photo_id: int) -> str | None:
    """Detach one of the listing's photos; its file name (the caller deletes the file after the
    commit), or None when the listing has no such photo."""
    photo = next((p for p in listing.photos if p.id == photo_id), None)
    if photo is None:
        return None
    listing.photos.remove(photo)
    db.session.flush()
    return photo.filename


def photo_by_filename(filename: str) -> ListingPhoto | None:
    return db.session.scalar(select(ListingPhoto).where(ListingPhoto.filename == filename))


# ---------------------------------------------------------------------------------- availability


def in_windows(listing: Listing, start: date, end: date) -> bool:
    """The whole period lies inside one availability window (no windows: any period)."""
    if not listing.windows:
        return True
    for window in listing.windows:
        if (window.starts_on is None or window.starts_on <= start) and (
            window.ends_on is None or end <= window.ends_on
        ):
            return True
    return False


def local_instant(day: date, at: time = time()) -> datetime:
    """A local wall-clock time on a day (Europe/Brussels) as an aware UTC instant."""
    return datetime.combine(day, at, LOCAL_ZONE).astimezone(UTC)


def whole_days(start: date, end: date) -> tuple[datetime, datetime]:
    """The instants a whole-day booking holds: [first day 00:00, the day after the last 00:00)."""
    return local_instant(start), local_instant(end + timedelta(days=1))


def is_timed(listing: Listing) -> bool:
    """Booked by the session (a day, a start and an end time) rather than by whole days."""
    return listing.kind in TIMED_KINDS or (listing.kind in SLOT_KINDS and bool(listing.slots))


def in_slot(listing: Listing, day: date, start: time, end: time) -> bool:
    """The session lies inside one weekly slot of that day (no slots: any time of any day)."""
    if not listing.slots:
        return True
    return any(
        s.weekday == day.weekday() and s.starts_at <= start and end <= s.ends_at for s in listing.slots
    )


def held_overlapping(
    listing_id: int, starts_at: datetime, ends_at: datetime, *, exclude: int | None = None
) -> list[Booking]:
    """Holding bookings of a listing whose instants meet [starts_at, ends_at)."""
    query = select(Booking).where(
        Booking.listing_id == listing_id,
        Booking.status.in_(HOLDING),
        Booking.starts_at < ends_at,
        Booking.ends_at > starts_at,
    )
    if exclude is not None:
        query = query.where(Booking.id != exclude)
    return list(db.session.scalars(query.order_by(Booking.starts_at)))


def _day_periods(listing: Listing, day: date) -> list[tuple[datetime, datetime]]:
    """The instants of a day one may book: its slots, or (no slots) the whole day."""
    if not listing.slots:
        return [whole_days(day, day)]
    return [
        (local_instant(day, s.starts_at), local_instant(day, s.ends_at))
        for s in listing.slots
        if s.weekday == day.weekday()
    ]


def _uncovered_seconds(periods: list[tuple[datetime, datetime]], held: list[Booking]) -> float:
    free = 0.0
    for start, end in periods:
        cursor = start
        for booking in sorted(held, key=lambda b: b.starts_at):
            if booking.ends_at <= cursor or booking.starts_at >= end:
                continue
            free += max(0.0, (booking.starts_at - cursor).total_seconds())
            cursor = max(cursor, booking.ends_at)
        free += max(0.0, (end - cursor).total_seconds())
    return free


#: A day's state in the calendar and the booking form.
DAY_STATES = ("free", "partial", "booked", "unavailable")


def day_states(listing: Listing, first: date, last: date) -> dict[date, str]:
    """Each day of [first, last]: "free"; "partial" (some of its time held, some still free: a
    timed listing); "booked" (nothing left to ask for); "unavailable" (outside every window, or
    not one of the weekly slots' days)."""
    start, end = whole_days(first, last)
    held = held_overlapping(listing.id, start, end)
    out = {}
    day = first
    while day <= last:
        day_start, day_end = whole_days(day, day)
        held_day = [b for b in held if b.starts_at < day_end and b.ends_at > day_start]
        periods = _day_periods(listing, day) if in_windows(listing, day, day) else []
        if not periods:
            out[day] = "booked" if held_day else "unavailable"
        else:
            free = _uncovered_seconds(periods, held_day)
            total = sum((e - s).total_seconds() for s, e in periods)
            out[day] = "booked" if free <= 0 else ("partial" if free < total else "free")
        day += timedelta(days=1)
    return out


def closed_days(listing: Listing, first: date, last: date) -> list[tuple[date, date]]:
    """Runs of days that cannot be asked for (booked or unavailable), for the booking form's
    pickers (static/js/board.js): [(from, to)], both ends included."""
    runs: list[tuple[date, date]] = []
    for day, state in day_states(listing, first, last).items():
        if state not in ("booked", "unavailable"):
            continue
        if runs and runs[-1][1] == day - timedelta(days=1):
            runs[-1] = (runs[-1][0], day)
        else:
            runs.append((day, day))
    return runs


def held_sessions(listing: Listing, first: date, last: date) -> list[Booking]:
    """The timed sessions already held in [first, last], for the listing page's "booked times"."""
    start, end = whole_days(first, last)
    return [b for b in held_overlapping(listing.id, start, end) if b.timed]


def check_period(
    listing: Listing, start: date | None, end: date | None, *, today: date | None = None
) -> str | None:
    """Why these days cannot be asked for (a code), or None."""
    today = today or date.today()
    if start is None or end is None:
        return "dates"
    if end < start:
        return "reversed"
    if start < today:
        return "past"
    if (start - today).days > BOOKING_HORIZON_DAYS:
        return "horizon"
    if (end - start).days + 1 > BOOKING_MAX_DAYS:
        return "too_long"
    if not in_windows(listing, start, end):
        return "unavailable"
    if held_overlapping(listing.id, *whole_days(start, end)):
        return "taken"
    return None


def check_session(
    listing: Listing,
    day: date | None,
    start: time | None,
    end: time | None,
    *,
    now: datetime | None = None,
) -> str | None:
    """Why this session cannot be asked for (a code), or None: it must lie on one day, inside one
    weekly slot and one window, in the future, and meet no held booking."""
    now = now or utcnow()
    if day is None or start is None or end is None:
        return "session"
    if end <= start:
        return "reversed_time"
    starts_at, ends_at = local_instant(day, start), local_instant(day, end)
    if starts_at <= now:
        return "past"
    if (day - now.astimezone(LOCAL_ZONE).date()).days > BOOKING_HORIZON_DAYS:
        return "horizon"
    minutes = (ends_at - starts_at).total_seconds() / 60
    if minutes < SESSION_MIN_MINUTES:
        return "too_short"
    if minutes > SESSION_MAX_HOURS * 60:
        return "session_too_long"
    if not in_windows(listing, day, day):
        return "unavailable"
    if not in_slot(listing, day, start, end):
        return "no_slot"
    if held_overlapping(listing.id, starts_at, ends_at):
        return "taken"
    return None


# ------------------------------------------------------------------------------------- bookings


def _user(user_id: int | None) -> Any:
    from webapp.accounts.models import User

    return db.session.get(User, user_id) if user_id else None


def _when(booking: Booking, lang: str | None) -> dict[str, str]:
    """The booking's days (or a session's day and local times) as the mails print them, in the
    recipient's language ("dinsdag 15 december 2026"; a session "… 14:00" to "15:00")."""
    from flask_babel import force_locale, format_date

    from webapp.core.mail import mail_language

    with force_locale(mail_language(lang)):
        if not booking.timed:
            return {
                "starts_on": format_date(booking.starts_on, "full"),
                "ends_on": format_date(booking.ends_on, "full"),
            }
        start, end = booking.starts_at.astimezone(LOCAL_ZONE), booking.ends_at.astimezone(LOCAL_ZONE)
        first = f"{format_date(start.date(), 'full')} {start:%H:%M}"
        if end.date() == start.date():
            return {"starts_on": first, "ends_on": f"{end:%H:%M}"}
        return {"starts_on": first, "ends_on": f"{format_date(end.date(), 'full')} {end:%H:%M}"}


def _mail_other(booking: Booking, recipient_id: int | None, template: str, **context: Any) -> None:
    """Mail the other party in their language (nobody left: nothing to send)."""
    recipient = _user(recipient_id)
    if recipient is None:
        return
    send_template(
        recipient.email,
        template,
        lang=recipient.locale,
        kind="p2p",
        user_id=recipient.id,
        title=booking.listing_title,
        **_when(booking, recipient.locale),
        url=external_url("p2p.booking", booking_id=booking.id),
        **context,
    )


def request_booking(
    listing: Listing, borrower: Any, start: date | None, end: date | None, note: str = ""
) -> Booking:
    """A member asks for an offer's days; refused (BookingRefused) when they cannot be had (a
    listing booked by the session takes request_session instead)."""
    _check_bookable(listing, borrower)
    if is_timed(listing):
        raise BookingRefused("session")
    problem = check_period(listing, start, end)
    if problem:
        raise BookingRefused(problem)
    starts_at, ends_at = whole_days(start, end)  # type: ignore[arg-type]
    return _new_booking(listing, borrower, start, end, starts_at, ends_at, timed=False, note=note)


def request_session(
    listing: Listing, borrower: Any, day: date | None, start: time | None, end: time | None, note: str = ""
) -> Booking:
    """A member asks for a session at a time (mentoring, coaching, a workspace's slot)."""
    _check_bookable(listing, borrower)
    if not is_timed(listing):
        raise BookingRefused("dates")
    problem = check_session(listing, day, start, end)
    if problem:
        raise BookingRefused(problem)
    starts_at, ends_at = local_instant(day, start), local_instant(day, end)  # type: ignore[arg-type]
    return _new_booking(listing, borrower, day, day, starts_at, ends_at, timed=True, note=note)


def _check_bookable(listing: Listing, borrower: Any) -> None:
    if listing.type != "offer" or listing.visibility == "draft":
        raise BookingRefused("not_bookable")
    if listing.user_id is None:
        raise BookingRefused("no_owner")
    if listing.user_id == borrower.id:
        raise BookingRefused("own")


def _new_booking(
    listing: Listing,
    borrower: Any,
    start: Any,
    end: Any,
    starts_at: datetime,
    ends_at: datetime,
    *,
    timed: bool,
    note: str,
) -> Booking:
    booking = Booking(
        listing_id=listing.id,
        listing_title=listing.title,
        owner_id=listing.user_id,
        borrower_id=borrower.id,
        starts_on=start,
        ends_on=end,
        starts_at=starts_at,
        ends_at=ends_at,
        timed=timed,
        status="requested",
        note=clean_text(note, multiline=True, max_len=NOTE_MAX),
    )
    db.session.add(booking)
    db.session.flush()
    _mail_other(
        booking, booking.owner_id, "p2p/mail/booking_status.txt", status="requested", note=booking.note or ""
    )
    return booking


def _serialise() -> None:
    """Start a transaction that holds the write lock before it reads (SQLite); PostgreSQL relies on
    the exclusion constraint and needs nothing here."""
    db.session.commit()  # end whatever the request read: the check must see the newest rows
    if db.session.get_bind().dialect.name == "sqlite":
        db.session.connection().exec_driver_sql("BEGIN IMMEDIATE")


def accept_booking(booking_id: int, *, actor_id: int) -> Booking:
    """The owner accepts: its own transaction, committed here. Raises BookingRefused("taken") when
    an overlapping booking was accepted first, even by another worker at the same instant."""
    _serialise()
    try:
        booking = db.session.get(Booking, booking_id, populate_existing=True)
        if booking is None or booking.owner_id != actor_id:
            raise BookingRefused("not_found")
        if booking.status != "requested":
            raise BookingRefused("state")
        if booking.listing_id is None or held_overlapping(
            booking.listing_id, booking.starts_at, booking.ends_at, exclude=booking.id
        ):
            raise BookingRefused("taken")
        booking.status = "accepted"
        db.session.flush()  # PostgreSQL: the exclusion constraint speaks here (or at commit)
        _after_change(booking, "accepted", actor_id)
        db.session.commit()
    except BookingRefused:
        db.session.rollback()
        raise
    except IntegrityError as exc:
        db.session.rollback()
        if "ex_bookings_no_overlap" in str(exc.orig) or "23P01" in str(getattr(exc.orig, "sqlstate", "")):
            raise BookingRefused("taken") from None
        raise
    return booking


#: action → (who may, from which states, to which state)
TRANSITIONS: dict[str, tuple[str, tuple[str, ...], str]] = {
    "decline": ("owner", ("requested",), "declined"),
    "cancel": ("either", ("requested", "accepted"), "cancelled"),
    "handover": ("owner", ("accepted",), "handed_over"),
    "return": ("owner", ("handed_over",), "returned"),
    "noshow": ("owner", ("accepted",), "no_show"),
}


def party_role(user_id: int | None, booking: Booking) -> str | None:
    if user_id is None:
        return None
    if booking.owner_id == user_id:
        return "owner"
    if booking.borrower_id == user_id:
        return "borrower"
    return None


def allowed_actions(user_id: int | None, booking: Booking) -> list[str]:
    role = party_role(user_id, booking)
    if role is None:
        return []
    actions = ["accept"] if role == "owner" and booking.status == "requested" else []
    for action, (who, states, _to) in TRANSITIONS.items():
        if booking.status in states and (who == "either" or who == role):
            actions.append(action)
    return actions


def change_booking(booking: Booking, action: str, *, actor_id: int) -> None:
    """Any state change but acceptance (see accept_booking); the caller commits."""
    if action not in TRANSITIONS or action not in allowed_actions(actor_id, booking):
        raise BookingRefused("state")
    booking.status = TRANSITIONS[action][2]
    db.session.flush()
    _after_change(booking, booking.status, actor_id)


def _after_change(booking: Booking, status: str, actor_id: int) -> None:
    """The other party hears of it; the listing's held days (its ``blocked`` range) follow."""
    other = booking.borrower_id if actor_id == booking.owner_id else booking.owner_id
    _mail_other(booking, other, "p2p/mail/booking_status.txt", status=status, note="")
    if booking.listing is not None:
        mark_changed(booking.listing)


def post_message(booking: Booking, *, sender_id: int, body: str) -> BookingMessage:
    text = clean_text(body, multiline=True, max_len=MESSAGE_MAX)
    if not text:
        raise InputError("empty message")
    message = BookingMessage(booking_id=booking.id, sender_id=sender_id, body=text)
    db.session.add(message)
    db.session.flush()
    other = booking.borrower_id if sender_id == booking.owner_id else booking.owner_id
    _mail_other(booking, other, "p2p/mail/booking_message.txt", message=text)
    return message


def may_see_address(user_id: int | None, booking: Booking) -> bool:
    """The pick-up address: only the borrower, only once the owner accepted."""
    return bool(user_id and booking.borrower_id == user_id and booking.status in ("accepted", "handed_over"))


# -------------------------------------------------------------------------------------- reviews


def own_review(booking: Booking, user_id: int) -> Review | None:
    role = party_role(user_id, booking)
    if role is None:
        return None
    return db.session.scalar(select(Review).where(Review.booking_id == booking.id, Review.role == role))


def can_review(user_id: int | None, booking: Booking, *, now: datetime | None = None) -> bool:
    """One review per side of a returned booking, changeable for REVIEW_EDIT_DAYS."""
    if party_role(user_id, booking) is None or booking.status != "returned":
        return False
    existing = own_review(booking, user_id)  # type: ignore[arg-type]
    now = now or utcnow()
    return existing is None or now - existing.created_at <= timedelta(days=REVIEW_EDIT_DAYS)


def save_review(booking: Booking, *, author_id: int, rating: int, text: str) -> Review:
    if not can_review(author_id, booking):
        raise BookingRefused("review")
    if not 1 <= int(rating) <= 5:
        raise InputError("rating 1 to 5")
    role = party_role(author_id, booking)
    review = own_review(booking, author_id)
    if review is None:
        review = Review(
            booking_id=booking.id,
            role=role,
            author_id=author_id,
            subject_id=booking.borrower_id if role == "owner" else booking.owner_id,
            listing_id=booking.listing_id,
        )
        db.session.add(review)
    review.rating = int(rating)
    review.text = clean_text(text, multiline=True, max_len=REVIEW_MAX) or ""
    db.session.flush()
    return review


def listing_reviews(listing_id: int) -> list[Review]:
    """What borrowers said about a listing, newest first."""
    return list(
        db.session.scalars(
            select(Review)
            .where(Review.listing_id == listing_id, Review.role == "borrower")
            .order_by(Review.created_at.desc())
            .limit(20)
        )
    )


# ------------------------------------------------------------------------------------ reminders


def send_reminders(today: date | None = None) -> int:
    """The day before pick-up and before return, both parties get a reminder, once each (a timed
    session: one reminder, the day before it)."""
    today = today or date.today()
    tomorrow = today + timedelta(days=1)
    sent = 0
    pickups = db.session.scalars(
        select(Booking).where(
            Booking.status == "accepted", Booking.starts_on == tomorrow, Booking.pickup_reminded.is_(False)
        )
    )
    for booking in pickups:
        moment = "session" if booking.timed else "pickup"
        for party in (booking.owner_id, booking.borrower_id):
            _mail_other(booking, party, "p2p/mail/reminder.txt", moment=moment)
        booking.pickup_reminded = True
        booking.return_reminded = booking.return_reminded or booking.timed
        sent += 1
    returns = db.session.scalars(
        select(Booking).where(
            Booking.status.in_(("accepted", "handed_over")),
            Booking.ends_on == tomorrow,
            Booking.timed.is_(False),
            Booking.return_reminded.is_(False),
        )
    )
    for booking in returns:
        for party in (booking.owner_id, booking.borrower_id):
            _mail_other(booking, party, "p2p/mail/reminder.txt", moment="return")
        booking.return_reminded = True
        sent += 1
    db.session.commit()
    return sent


def reminder_step() -> int:
    """The background worker's pass: reminders and the daily digests (each sent once)."""
    from webapp.p2p.matching import send_digests

    send_reminders()
    send_digests()
    return 0  # nothing left that another pass right away would do


# ------------------------------------------------------------------------------------------ ics


def _ics_escape(value: str) -> str:
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def _fold(line: str) -> str:
    """RFC 5545 folding: lines of at most 75 octets, continued with a space."""
    out, current = [], b""
    for char in line:
        encoded = char.encode()
        if len(current) + len(encoded) > (75 if not out else 74):
            out.append(current.decode())
            current = b""
        current += encoded
    out.append(current.decode())
    return "\r\n ".join(out)


def booking_ics(booking: Booking, *, domain: str) -> str:
    """An all-day event over the booking's days (DTEND is the day after the last, per RFC 5545), or
    a timed session with its start and end in UTC."""
    stamp = utcnow().strftime("%Y%m%dT%H%M%SZ")
    if booking.timed:
        when = [
            f"DTSTART:{booking.starts_at.astimezone(UTC):%Y%m%dT%H%M%SZ}",
            f"DTEND:{booking.ends_at.astimezone(UTC):%Y%m%dT%H%M%SZ}",
        ]
    else:
        when = [
            f"DTSTART;VALUE=DATE:{booking.starts_on.strftime('%Y%m%d')}",
            f"DTEND;VALUE=DATE:{(booking.ends_on + timedelta(days=1)).strftime('%Y%m%d')}",
        ]
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Kring//p2p//EN",
        "CALSCALE:GREGORIAN",
        "BEGIN:VEVENT",
        f"UID:booking-{booking.id}@{domain}",
        f"DTSTAMP:{stamp}",
        *when,
        f"SUMMARY:{_ics_escape(booking.listing_title)}",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"


# ---------------------------------------------------------------------------------------- reads


def my_listings(user_id: int) -> list[Listing]:
    return list(
        db.session.scalars(
            select(Listing).where(Listing.user_id == user_id).order_by(Listing.updated_at.desc())
        )
    )


def my_bookings(user_id: int) -> list[Booking]:
    return list(
        db.session.scalars(
            select(Booking)
            .where(or_(Booking.owner_id == user_id, Booking.borrower_id == user_id))
            .order_by(Booking.starts_at.desc(), Booking.id.desc())
        )
    )


def newest_listings(visibilities: tuple[str, ...], limit: int = 6) -> list[Listing]:
    return list(
        db.session.scalars(
            select(Listing)
            .where(Listing.visibility.in_(visibilities))
            .order_by(Listing.published_at.desc().nulls_last(), Listing.id.desc())
            .limit(limit)
        )
    )


def open_reports() -> list[ListingReport]:
    return list(
        db.session.scalars(
            select(ListingReport).where(ListingReport.status == "open").order_by(ListingReport.created_at)
        )
    )


__all__ = [
    "BookingRefused",
    "ListingData",
    "accept_booking",
    "add_photo",
    "allowed_actions",
    "booking_ics",
    "can_review",
    "change_booking",
    "check_period",
    "check_session",
    "clean_listing_data",
    "closed_days",
    "day_states",
    "effective_visibility",
    "held_sessions",
    "hide_listing",
    "is_timed",
    "local_instant",
    "my_bookings",
    "my_listings",
    "photo_by_filename",
    "post_message",
    "remove_photo",
    "report_listing",
    "request_booking",
    "request_session",
    "save_listing",
    "save_review",
    "send_reminders",
    "set_status",
    "whole_days",
]
