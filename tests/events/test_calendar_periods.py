"""Month and week views show every event of their period, however many (the search answers 50 a
page: the views page through it)."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from tests.conftest import sign_in
from tests.events.helpers import make_event
from webapp.core.search import drain_search
from webapp.extensions import db as _db

BRUSSELS = ZoneInfo("Europe/Brussels")


def _items(html: str) -> list[str]:
    return re.findall(r'<a class="month-item" href="[^"]+">\d\d:\d\d (Avond \d{3})</a>', html)


def test_a_month_with_120_events_shows_all_120_and_a_week_all_of_its_own(app, db, user):
    today = date.today()
    first = date(today.year + (today.month == 12), today.month % 12 + 1, 1)  # next month
    made: dict[str, date] = {}
    for n in range(120):
        day = first + timedelta(days=n % 14)  # two weeks: a week holds more than a page
        start = datetime(day.year, day.month, day.day, 8 + n % 12, 0, tzinfo=BRUSSELS)
        title = f"Avond {n:03d}"
        make_event(user, title=title, start=start, hours=1, commit=False)
        made[title] = day
    # Drafts and community events stay out of an anonymous month, as everywhere.
    make_event(
        user,
        title="Avond 900",
        start=datetime(first.year, first.month, 3, 20, tzinfo=BRUSSELS),
        status="draft",
        commit=False,
    )
    make_event(
        user,
        title="Avond 901",
        start=datetime(first.year, first.month, 4, 20, tzinfo=BRUSSELS),
        visibility="community",
        commit=False,
    )
    _db.session.commit()
    drain_search()

    html = app.test_client().get(f"/events?view=month&month={first:%Y-%m}").get_data(as_text=True)
    shown = _items(html)
    assert sorted(shown) == sorted(made) and len(shown) == 120
    member = sign_in(app.test_client(), user)
    html = member.get(f"/events?view=month&month={first:%Y-%m}").get_data(as_text=True)
    assert len(_items(html)) == 121 and "Avond 901" in _items(html)

    monday = first + timedelta(days=(7 - first.weekday()) % 7)
    in_week = sorted(t for t, d in made.items() if monday <= d <= monday + timedelta(days=6))
    assert len(in_week) > 50
    html = app.test_client().get(f"/events?view=week&week={monday.isoformat()}").get_data(as_text=True)
    assert sorted(_items(html)) == in_week
