"""The events flow in a real browser (Debian's Chromium), in English and in French: an organiser
creates and publishes an event, a member says they are going, the calendar (list and month)
shows it; no console error or CSP violation on any page."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.e2e.conftest import Browsers, LiveServer, poll
from tests.e2e.test_browser_flows import make_account, sign_in

TEXTS = {
    "en": {
        "title": "Meetup of sound technicians",
        "word": "technicians",
        "going": "You are going.",
        "saved": "The event is saved.",
    },
    "fr": {
        "title": "Rencontre des techniciens du son",
        "word": "techniciens",
        "going": "Vous y allez.",
        "saved": "L'événement est enregistré.",
    },
}


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_organiser_creates_member_rsvps_calendar_shows_it(
    live_server: LiveServer, browsers: Browsers, lang: str
):
    texts = TEXTS[lang]
    start = (datetime.now(ZoneInfo("Europe/Brussels")) + timedelta(days=12)).replace(hour=19, minute=0)
    organiser_email, member_email = f"organiser-{lang}@example.org", f"goer-{lang}@example.org"
    make_account(live_server, organiser_email, locale=lang)
    make_account(live_server, member_email, locale=lang)

    organiser = browsers.new(f"organiser-{lang}", locale=lang)
    sign_in(organiser, organiser_email)
    organiser.goto("/events/new")
    page = organiser.page
    page.fill("#title_1", texts["title"])
    page.fill("#description_1", "Bring your own headphones.")
    page.select_option("#category", "sector_meetup")
    page.fill("#start", start.strftime("%Y-%m-%dT%H:%M"))
    page.fill("#end", (start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"))
    page.fill("#venue", "Studio 3")
    page.fill("#place", "Liège")
    page.fill("#capacity", "10")
    page.select_option("#status", "published")
    organiser.submit("#save-event")
    html = organiser.record()
    assert texts["saved"] in html and texts["title"] in html
    event_path = organiser.path()
    assert "19:00" in html  # shown in the event's zone

    member = browsers.new(f"member-{lang}", locale=lang)
    sign_in(member, member_email)
    member.goto(event_path)
    member.submit("#rsvp-yes")
    assert texts["going"] in member.record()
    assert member.page.locator("#rsvp-status").count() == 1

    def listed() -> bool:
        member.goto("/events?q=" + texts["word"])
        return texts["title"] in member.page.locator("li.result h3 a").all_inner_texts()

    poll(listed, timeout=60, what="the event in the calendar list")
    _second_event_same_evening(live_server, start, texts["title"] + " (2)")
    month_path = f"/events?view=month&month={start:%Y-%m}"

    def both_in_month() -> bool:
        member.goto(month_path)
        items = member.page.locator("a.month-item").all_inner_texts()
        return any(texts["title"] + " (2)" in item for item in items)

    poll(both_in_month, timeout=60, what="the second event in the month view")
    assert texts["title"] in member.record()
    _assert_month_grid_reads(member, start, lang, texts["title"])
    organiser.goto(event_path.rstrip("/") + "/attendees")
    assert "goer-" + lang in organiser.record()
    for visitor in (organiser, member):
        visitor.assert_clean()


def _second_event_same_evening(live_server: LiveServer, start: datetime, title: str) -> None:
    """A second public event an hour later on the same day, so a month cell holds two."""
    from tests.events.helpers import make_event

    with live_server.app.app_context():
        make_event(title=title, start=start + timedelta(hours=1), city="Liège")


def _assert_month_grid_reads(member, start: datetime, lang: str, title: str) -> None:  # noqa: ANN001
    """The month view is a calendar, not a run-on table: the month is named in the reader's
    language, the seven day columns are equally wide, two events of a day are on separate
    lines, and at 390 px the page does not scroll sideways."""
    from babel.dates import format_date

    from tests.e2e.conftest import check_layout

    page = member.page
    assert page.locator(".month-nav h2").inner_text() == format_date(start, "MMMM yyyy", locale=lang)
    widths = page.locator("table.month-grid thead th").evaluate_all(
        "cells => cells.map(c => c.getBoundingClientRect().width)"
    )
    assert len(widths) == 7 and max(widths) - min(widths) <= 2, widths
    cell = page.locator("table.month-grid td", has=page.locator(f"a.month-item:text-is('19:00 {title}')"))
    boxes = cell.locator("a.month-item").evaluate_all(
        "items => items.map(i => i.getBoundingClientRect().toJSON())"
    )
    assert len(boxes) >= 2, boxes  # this test's two events (and other languages' runs on that day)
    stacked = sorted(boxes, key=lambda b: b["top"])
    for above, below in zip(stacked, stacked[1:], strict=False):
        assert below["top"] >= above["bottom"] - 1, boxes  # each event on its own line(s)
    check_layout(
        member, f"/events?view=month&month={start:%Y-%m}", name="calendar-month", lang=lang, width="phone"
    )


GROUP_TEXTS = {
    "nl": {
        "name": "Illustratoren Gent",
        "saved": "De groep is opgeslagen.",
        "updated": "De organisatoren zijn bijgewerkt.",
    },
    "fr": {
        "name": "Illustrateurs de Gand",
        "saved": "Le groupe est enregistré.",
        "updated": "Les organisateurs sont mis à jour.",
    },
    "de": {
        "name": "Illustratoren Gent",
        "saved": "Die Gruppe ist gespeichert.",
        "updated": "Die Organisatoren sind aktualisiert.",
    },
    "en": {
        "name": "Illustrators Ghent",
        "saved": "The group is saved.",
        "updated": "The organisers are updated.",
    },
}


@pytest.mark.parametrize("lang", ["nl", "fr", "de", "en"])
def test_member_starts_a_group_and_names_a_second_organiser(
    live_server: LiveServer, browsers: Browsers, lang: str
):
    """A member starts a sector group, another joins and is made organiser; the group pages hold
    their layout at desktop and 390 px (axe too) in every language."""
    from tests.e2e.conftest import check_layout

    texts = GROUP_TEXTS[lang]
    founder_email, joiner_email = f"founder-{lang}@example.org", f"joiner-{lang}@example.org"
    make_account(live_server, founder_email, locale=lang)
    make_account(live_server, joiner_email, locale=lang)

    founder = browsers.new(f"founder-{lang}", locale=lang)
    sign_in(founder, founder_email)
    founder.goto("/events/groups")
    founder.submit("a.button[href$='/events/groups/new']")
    page = founder.page
    page.fill("#name", texts["name"])
    page.fill("#place", "Gent")
    page.fill("#description", "Tekenen, drukken, uitgeven.\n\nElke maand samen.")
    founder.submit("#save-group")
    html = founder.record()
    assert texts["saved"] in html and texts["name"] in html
    group_path = founder.path()

    joiner = browsers.new(f"joiner-{lang}", locale=lang)
    sign_in(joiner, joiner_email)
    joiner.goto(group_path)
    joiner.submit(f"form[action='{group_path}/join'] button")
    assert joiner.page.locator(f"a[href='{group_path}/edit']").count() == 0

    founder.goto(group_path)
    founder.submit(f"form[action='{group_path}/organisers'] button")
    assert texts["updated"] in founder.record()
    joiner.goto(group_path)
    assert joiner.page.locator(f"a[href='{group_path}/edit']").count() == 1

    for width in ("desktop", "phone"):
        for name, path in (
            ("group", group_path),
            ("group-edit", group_path + "/edit"),
            ("group-new", "/events/groups/new"),
            ("my-groups", "/events/groups/mine"),
            ("groups", "/events/groups"),
        ):
            check_layout(founder, path, name=name, lang=lang, width=width)
    for visitor in (founder, joiner):
        visitor.assert_clean()
