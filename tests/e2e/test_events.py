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
    member.goto(f"/events?view=month&month={start:%Y-%m}")
    assert texts["title"] in member.record()
    organiser.goto(event_path.rstrip("/") + "/attendees")
    assert "goer-" + lang in organiser.record()
    for visitor in (organiser, member):
        visitor.assert_clean()


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
