"""Weekly slots and timed sessions: the listing form declares slots (add, remove, several; refused
with a message in the reader's language when half filled, reversed or overlapping), the listing
page shows them, a session is asked for inside one slot and one window, two sessions of a day
that do not overlap are both accepted, an overlapping one is refused, the calendar's days say
free / partly booked / booked / unavailable, the .ics has the times, the reminder comes once, and
the migration gives old whole-day rows their instants."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import create_engine, func, select, text

from tests.conftest import DATABASES, post_form, sign_in
from tests.factories import make_user
from tests.p2p.helpers import make_listing, soon

BRUSSELS = ZoneInfo("Europe/Brussels")
TUESDAY, WEDNESDAY, SATURDAY = 1, 2, 5


def next_weekday(weekday: int, after: int = 7) -> date:
    """The first such weekday at least ``after`` days from today."""
    day = soon(after)
    return day + timedelta(days=(weekday - day.weekday()) % 7)


@pytest.fixture
def mentor(app):
    """A verified member who offers mentoring, reading in Dutch."""
    return make_user("mentor@example.org", locale="nl")


@pytest.fixture
def mentee(app):
    """A verified member who asks for sessions, reading in French."""
    return make_user("mentee@example.org", locale="fr")


def _mentoring(owner, **kwargs):
    """A mentoring offer: Tuesdays 14:00–18:00 and Monday to Friday 09:00–12:00."""
    from webapp.extensions import db
    from webapp.p2p import service

    listing = make_listing(
        owner,
        title="Mentoring for starting graphic designers",
        description="Portfolio reviews and pricing, one hour at a time.",
        kind="mentoring",
        **kwargs,
    )
    data = service.clean_listing_data(
        {
            "type": "offer",
            "kind": "mentoring",
            "title": listing.title,
            "description": listing.description,
            "language": "en",
            "audience": "public",
            "slots": [(TUESDAY, "14:00", "18:00"), ("0-4", "09:00", "12:00")],
        }
    )
    service.save_listing(listing, data, user_id=owner.id, keep_place=True)
    db.session.commit()
    return listing


def _at(day: date, hh_mm: str) -> datetime:
    return datetime.combine(day, time.fromisoformat(hh_mm), BRUSSELS).astimezone(UTC)


# ------------------------------------------------------------------------------------ the slots


def test_slots_parse_monday_to_friday_and_refuse_half_reversed_or_overlapping_rows(app):
    from webapp.core.text import InputError
    from webapp.p2p import service

    slots = service.parse_slots([("0-4", "09:00", "17:00"), ("1", "18:00", "20:00"), ("", "", "")])
    assert [(d, f"{s:%H:%M}", f"{e:%H:%M}") for d, s, e in slots] == [
        (0, "09:00", "17:00"),
        (1, "09:00", "17:00"),
        (1, "18:00", "20:00"),
        (2, "09:00", "17:00"),
        (3, "09:00", "17:00"),
        (4, "09:00", "17:00"),
    ]
    for rows, words in (
        ([("1", "14:00", "")], "needs a day"),
        ([("", "14:00", "15:00")], "needs a day"),
        ([("1", "15:00", "14:00")], "ends before"),
        ([("0-4", "09:00", "12:00"), ("2", "11:00", "13:00")], "overlap"),
        ([("7", "09:00", "12:00")], "day of the week"),
    ):
        with pytest.raises(InputError, match=words):
            service.parse_slots(rows)
    with pytest.raises(InputError, match="workspace, mentoring and coaching"):
        service.clean_listing_data(
            {
                "type": "offer",
                "kind": "equipment",
                "title": "A drill",
                "language": "en",
                "slots": [("1", "14:00", "15:00")],
            }
        )


def test_the_listing_form_adds_shows_and_removes_several_slots(app, db, other_user):
    from webapp.p2p.models import Listing, ListingSlot

    mentor = make_user("mentor-en@example.org", locale="en")
    client = sign_in(app.test_client(), mentor)
    assert 'name="slots-2-weekday"' in client.get("/board/new").get_data(as_text=True)  # empty rows
    form = {
        "type": "offer",
        "kind": "mentoring",
        "title": "Coaching for freelance translators",
        "description": "Rates, clients, contracts.",
        "language": "en",
        "place": "Gent",
        "audience": "public",
        "slots-0-weekday": "1",
        "slots-0-starts_at": "14:00",
        "slots-0-ends_at": "18:00",
        "slots-1-weekday": "0-4",
        "slots-1-starts_at": "09:00",
        "slots-1-ends_at": "12:00",
        "slots-2-weekday": "",
    }
    response = post_form(client, "/board/new", form)
    assert response.status_code == 302, response.get_data(as_text=True)
    listing = db.session.scalars(select(Listing)).one()
    assert len(listing.slots) == 6
    page = client.get(f"/board/listings/{listing.id}").get_data(as_text=True)
    assert "Monday – Friday 09:00–12:00" in page and "Tuesday 14:00–18:00" in page

    # The edit form shows each slot as a row; "remove" drops one, an empty row adds nothing.
    edit = client.get(f"/board/listings/{listing.id}/edit").get_data(as_text=True)
    assert edit.count('class="slot-row"') == 6 + 3
    rows = {}
    for n, slot in enumerate(listing.slots):
        rows |= {
            f"slots-{n}-weekday": str(slot.weekday),
            f"slots-{n}-starts_at": f"{slot.starts_at:%H:%M}",
            f"slots-{n}-ends_at": f"{slot.ends_at:%H:%M}",
        }
        if slot.weekday != TUESDAY or slot.starts_at != time(14):
            rows[f"slots-{n}-remove"] = "y"
    rows |= {"slots-6-weekday": "5", "slots-6-starts_at": "10:00", "slots-6-ends_at": "13:00"}
    base = {k: v for k, v in form.items() if not k.startswith("slots-")}
    assert post_form(client, f"/board/listings/{listing.id}/edit", base | rows).status_code == 302
    db.session.expire_all()
    kept = [(s.weekday, f"{s.starts_at:%H:%M}", f"{s.ends_at:%H:%M}") for s in listing.slots]
    assert kept == [(TUESDAY, "14:00", "18:00"), (SATURDAY, "10:00", "13:00")]

    # Someone else cannot change them: 404, nothing changed.
    stranger = sign_in(app.test_client(), other_user)
    wiped = base | {"slots-0-weekday": "3", "slots-0-starts_at": "08:00", "slots-0-ends_at": "09:00"}
    assert post_form(stranger, f"/board/listings/{listing.id}/edit", wiped).status_code == 404
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(ListingSlot)) == 2


@pytest.mark.parametrize(
    ("lang", "half", "reversed_", "wrong_kind"),
    [
        (
            "nl",
            "heeft een dag, een begin- en een einduur nodig",
            "eindigt voor het begint",
            "voor werkplekken, mentoring en coaching",
        ),
        ("en", "needs a day, a start time and an end time", "ends before it starts", "workspace, mentoring"),
    ],
)
def test_bad_slots_get_a_message_in_the_readers_language_and_nothing_typed_is_lost(
    app, db, lang, half, reversed_, wrong_kind
):
    from webapp.p2p.models import Listing

    member = make_user(f"slots-{lang}@example.org", locale=lang)
    client = sign_in(app.test_client(), member)
    form = {
        "type": "offer",
        "kind": "workspace",
        "title": "Desk in a shared studio",
        "description": "Light, quiet, coffee.",
        "language": "en",
        "place": "Gent",
        "audience": "public",
    }
    for slot, words, kind in (
        (("1", "14:00", ""), half, "workspace"),
        (("1", "18:00", "14:00"), reversed_, "workspace"),
        (("1", "14:00", "18:00"), wrong_kind, "equipment"),
    ):
        data = form | {"kind": kind}
        data |= {"slots-0-weekday": slot[0], "slots-0-starts_at": slot[1], "slots-0-ends_at": slot[2]}
        response = post_form(client, "/board/new", data, headers={"Accept-Language": lang})
        html = response.get_data(as_text=True)
        assert response.status_code == 400 and words in html, (slot, html[:200])
        assert "Desk in a shared studio" in html
    assert db.session.scalar(select(func.count()).select_from(Listing)) == 0


# --------------------------------------------------------------------------------- the sessions


def test_sessions_inside_a_slot_are_asked_for_and_the_rest_is_refused(app, db, mentor, mentee):
    from webapp.p2p import service

    listing = _mentoring(mentor, windows=[(soon(1), soon(60))])
    tuesday, saturday = next_weekday(TUESDAY), next_weekday(SATURDAY)
    assert service.is_timed(listing)
    cases = [
        ((tuesday, "15:00", "16:00"), None),
        ((tuesday, "10:00", "11:00"), None),  # the Monday-to-Friday morning slot
        ((tuesday, "17:30", "18:30"), "no_slot"),  # runs past the slot
        ((tuesday, "12:30", "13:30"), "no_slot"),  # between the slots
        ((saturday, "10:00", "11:00"), "no_slot"),  # no slot that day
        ((tuesday, "16:00", "15:00"), "reversed_time"),
        ((tuesday, "15:00", "15:05"), "too_short"),
        ((next_weekday(TUESDAY, 61), "15:00", "16:00"), "unavailable"),  # past the window
        ((soon(-7), "15:00", "16:00"), "past"),
        ((None, "15:00", "16:00"), "session"),
    ]
    for (day, start, end), code in cases:
        got = service.check_session(
            listing, day, time.fromisoformat(start), time.fromisoformat(end) if end else None
        )
        assert got == code, (day, start, end, got)
    # A listing booked by the session takes no whole days, and the reverse.
    with pytest.raises(service.BookingRefused, match="session"):
        service.request_booking(listing, mentee, tuesday, tuesday)
    drill = make_listing(mentor, title="Drill")
    with pytest.raises(service.BookingRefused, match="dates"):
        service.request_session(drill, mentee, tuesday, time(15), time(16))


def test_two_sessions_of_one_day_are_both_accepted_and_an_overlapping_one_is_refused(
    app, db, mentor, mentee, other_user
):
    from webapp.p2p import service
    from webapp.p2p.models import Booking

    listing = _mentoring(mentor)
    tuesday = next_weekday(TUESDAY)
    first = service.request_session(listing, mentee, tuesday, time(14), time(15))
    second = service.request_session(listing, other_user, tuesday, time(15), time(16))  # touches
    clash = service.request_session(listing, other_user, tuesday, time(14, 30), time(15, 30))
    db.session.commit()
    assert (first.starts_at, first.ends_at) == (_at(tuesday, "14:00"), _at(tuesday, "15:00"))
    assert first.timed and first.starts_on == first.ends_on == tuesday
    service.accept_booking(first.id, actor_id=mentor.id)
    service.accept_booking(second.id, actor_id=mentor.id)
    with pytest.raises(service.BookingRefused, match="taken"):
        service.accept_booking(clash.id, actor_id=mentor.id)
    db.session.expire_all()
    states = dict(db.session.execute(select(Booking.id, Booking.status)).all())
    assert states == {first.id: "accepted", second.id: "accepted", clash.id: "requested"}

    # Asking for a held time through the page: the clear refusal, the note kept, nothing added.
    client = sign_in(app.test_client(), other_user)
    response = post_form(
        client,
        f"/board/listings/{listing.id}/book",
        {"day": tuesday.isoformat(), "start_time": "14:30", "end_time": "15:00", "note": "kept note"},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "That time is already booked" in html and "kept note" in html
    response = post_form(
        client,
        f"/board/listings/{listing.id}/book",
        {"day": tuesday.isoformat(), "start_time": "16:00", "end_time": "17:00"},
    )
    assert response.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Booking)) == 4
    # The listing page lists the held times (and no one's name).
    page = client.get(f"/board/listings/{listing.id}?month={tuesday:%Y-%m}").get_data(as_text=True)
    booked_times = re.search(r'<ul id="booked-times">(.*?)</ul>', page, re.S).group(1)
    assert "14:00–15:00" in booked_times and "15:00–16:00" in booked_times
    assert "16:00–17:00" not in booked_times  # only requested: holds nothing yet
    assert "mentee" not in booked_times


def test_a_whole_day_booking_and_a_session_never_overlap(app, db, mentor, mentee, other_user):
    """Whole days hold [00:00, next day 00:00) in Brussels, so they exclude the sessions of their
    days on the same constraint; a workspace with slots is booked by the session too."""
    from webapp.extensions import db as _db
    from webapp.p2p import service

    studio = make_listing(mentor, title="Rehearsal room", kind="workspace")
    assert not service.is_timed(studio)
    tuesday = next_weekday(TUESDAY)
    whole = service.request_booking(studio, mentee, tuesday, tuesday)
    _db.session.commit()
    service.accept_booking(whole.id, actor_id=mentor.id)
    data = service.clean_listing_data(
        {
            "type": "offer",
            "kind": "workspace",
            "title": "Rehearsal room",
            "language": "en",
            "audience": "public",
            "slots": [(TUESDAY, "19:00", "23:00")],
        }
    )
    service.save_listing(studio, data, user_id=mentor.id, keep_place=True)
    _db.session.commit()
    assert service.is_timed(studio)
    assert service.check_session(studio, tuesday, time(19), time(20)) == "taken"
    assert service.check_session(studio, tuesday + timedelta(days=7), time(19), time(20)) is None


def test_the_calendar_marks_free_partly_booked_booked_and_unavailable_days(app, db, mentor, mentee):
    from webapp.p2p import service

    tuesday = next_weekday(TUESDAY)
    wednesday = tuesday + timedelta(days=1)
    listing = _mentoring(mentor, windows=[(soon(1), tuesday + timedelta(days=14))])
    morning = service.request_session(listing, mentee, wednesday, time(9), time(12))  # all of it
    afternoon = service.request_session(listing, mentee, tuesday, time(14), time(15))
    db.session.commit()
    for booking in (morning, afternoon):
        service.accept_booking(booking.id, actor_id=mentor.id)
    saturday = tuesday + timedelta(days=4)
    after_window = tuesday + timedelta(days=15)
    states = service.day_states(listing, tuesday, after_window)
    assert states[tuesday] == "partial"
    assert states[wednesday] == "booked"
    assert states[tuesday + timedelta(days=2)] == "free"  # Thursday morning
    assert states[saturday] == "unavailable"  # no slot on Saturdays
    assert states[after_window] == "unavailable"  # outside the window
    closed = service.closed_days(listing, tuesday, after_window)
    assert (wednesday, wednesday) in closed and (saturday, saturday + timedelta(days=1)) in closed

    # The page renders each day's state, and the booking form carries the closed days.
    client = sign_in(app.test_client(), make_user("reader@example.org"))
    page = client.get(f"/board/listings/{listing.id}?month={tuesday:%Y-%m}").get_data(as_text=True)
    cells = dict(re.findall(r'data-day="([\d-]+)" data-state="(\w+)"', page))
    assert cells[tuesday.isoformat()] == "partial" and cells[wednesday.isoformat()] == "booked"
    assert cells[saturday.isoformat()] == "unavailable"
    closed_attr = re.search(r'id="closed-days" data-days="([^"]*)"', page).group(1)
    assert f"{wednesday.isoformat()}/{wednesday.isoformat()}" in closed_attr.split()
    assert 'name="start_time"' in page and 'name="ends_on"' not in page


def test_whole_day_calendar_states_and_the_date_pickers(app, db, mentor, mentee):
    """An equipment offer: a held day is "booked", outside the window "unavailable", others free;
    the pickers carry the closed runs and the window's bounds."""
    from webapp.p2p import service

    listing = make_listing(mentor, windows=[(soon(1), soon(20))])
    booking = service.request_booking(listing, mentee, soon(3), soon(4))
    db.session.commit()
    service.accept_booking(booking.id, actor_id=mentor.id)
    states = service.day_states(listing, soon(0), soon(21))
    assert [states[soon(n)] for n in (0, 2, 3, 4, 5, 21)] == [
        "unavailable",
        "free",
        "booked",
        "booked",
        "free",
        "unavailable",
    ]
    page = sign_in(app.test_client(), make_user("r@example.org")).get(f"/board/listings/{listing.id}")
    html = page.get_data(as_text=True)
    closed = re.search(r'id="closed-days" data-days="([^"]*)"', html).group(1).split()
    assert f"{soon(3).isoformat()}/{soon(4).isoformat()}" in closed
    assert f'max="{soon(20).isoformat()}"' in html and 'data-closed-days="closed-days"' in html
    assert "js/board.js" in html


def test_the_ics_of_a_session_has_its_times_and_the_reminder_comes_once(app, db, mentor, mentee, smtp_server):
    from webapp.core.mail import drain_mail
    from webapp.p2p import service

    listing = _mentoring(mentor)
    tomorrow = soon(1)
    # A slot on tomorrow's weekday, so the reminder is due today.
    data = service.clean_listing_data(
        {
            "type": "offer",
            "kind": "mentoring",
            "title": listing.title,
            "language": "en",
            "audience": "public",
            "slots": [(tomorrow.weekday(), "20:00", "22:00")],
        }
    )
    service.save_listing(listing, data, user_id=mentor.id, keep_place=True)
    session = service.request_session(listing, mentee, tomorrow, time(20), time(21, 30))
    db.session.commit()
    service.accept_booking(session.id, actor_id=mentor.id)
    ics = sign_in(app.test_client(), mentee).get(f"/board/bookings/{session.id}/booking.ics")
    body = ics.get_data(as_text=True)
    assert f"DTSTART:{_at(tomorrow, '20:00'):%Y%m%dT%H%M%SZ}" in body
    assert f"DTEND:{_at(tomorrow, '21:30'):%Y%m%dT%H%M%SZ}" in body and "VALUE=DATE" not in body
    page = sign_in(app.test_client(), mentee).get(f"/board/bookings/{session.id}").get_data(as_text=True)
    assert "20:00–21:30" in page

    smtp_server.messages.clear()
    assert service.send_reminders() == 1
    assert service.send_reminders() == 0
    assert service.send_reminders(tomorrow - timedelta(days=0)) == 0  # no "return" of a session
    app.config["MAIL_URL"] = smtp_server.url
    drain_mail(force=True)
    reminders = [m for m in smtp_server.messages if re.search("Morgen|Demain", m["msg"]["Subject"])]
    assert sorted(m["envelope_to"][0] for m in reminders) == ["mentee@example.org", "mentor@example.org"]
    text_nl = next(m for m in reminders if m["envelope_to"][0] == "mentor@example.org")["msg"]
    from babel.dates import format_date

    # The day in the reader's language, the session's local times.
    day_nl = format_date(tomorrow, "full", locale="nl")
    assert f"{day_nl} 20:00 – 21:30" in text_nl.get_content() and "sessie" in text_nl["Subject"]


# ---------------------------------------------------------------------------------- migration


@pytest.fixture
def empty_engine(tmp_path):
    """An engine on a database with no tables at all."""
    engine = create_engine(DATABASES.get().empty_url(tmp_path / "db"))
    yield engine
    engine.dispose()


@pytest.mark.db
def test_the_migration_gives_old_whole_day_rows_their_instants(empty_engine):
    from webapp.core import schema

    schema.upgrade_database(empty_engine, "0008")
    with empty_engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO bookings (id, listing_title, owner_id, starts_on, ends_on, status, "
                "created_at, updated_at, pickup_reminded, return_reminded) VALUES (1, 'Van', NULL, "
                ":start, :end, 'accepted', :now, :now, false, false)"
            ),
            # Across the switch to summer time (29 March 2027): 00:00 is 23:00 UTC, then 22:00.
            {"start": date(2027, 3, 27), "end": date(2027, 3, 29), "now": datetime(2026, 1, 1)},
        )
    schema.upgrade_database(empty_engine)
    with empty_engine.connect() as conn:
        row = conn.execute(text("SELECT starts_at, ends_at, timed FROM bookings")).one()
    starts_at, ends_at = (v if isinstance(v, datetime) else datetime.fromisoformat(v) for v in row[:2])
    assert (starts_at, ends_at) == (datetime(2027, 3, 26, 23), datetime(2027, 3, 29, 22))
    assert not row[2]
