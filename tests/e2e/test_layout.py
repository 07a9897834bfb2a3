"""The layout in a real browser (issue 9 "Done means"): the main pages at 1280 px and 390 px in
all four languages, plus the directory at 360 px and in dark mode.

Each page must not scroll sideways, must keep one <h1> and no skipped heading level, must put
the first result on the phone's first screen, and must have no serious or critical axe-core
violation; every visit leaves a screenshot and its findings (JSON) in E2E_ARTIFACTS (default
.cache/e2e-artifacts/). axe-core comes from npm through scripts/setup-test; without it the
accessibility check is skipped with a reason (never silently passed).

Another module adds its pages with one line in PAGES (or SIGNED_IN_PAGES), e.g.
``PageCheck("board", "/board?q=camera", first_result="li.result")``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterator

import pytest

from tests.e2e.conftest import (
    LANGS,
    Browsers,
    BrowserSession,
    LiveServer,
    axe_available,
    check_layout,
    poll,
)

pytestmark = pytest.mark.browser

PASSWORD = "layout checks in four languages"
INDEX_TIMEOUT = 60.0


@dataclass(frozen=True)
class PageCheck:
    """One page the layout test visits: ``path`` may name {member} / {client} (seeded card ids);
    ``first_result`` is the selector that must be on the phone's first screen."""

    name: str
    path: str
    first_result: str | None = None


PAGES = [
    PageCheck("home", "/"),
    PageCheck("directory", "/directory", first_result="li.result"),
    PageCheck("directory-search", "/directory?q=fotograaf+Gent", first_result="li.result"),
    PageCheck("clients", "/directory/clients", first_result="li.result"),
    PageCheck("member-card", "/directory/members/{member}"),
    PageCheck("client-card", "/directory/clients/{client}"),
    PageCheck("signin", "/signin"),
    PageCheck("signup", "/signup"),
]
SIGNED_IN_PAGES = [
    PageCheck("dashboard", "/account"),
    PageCheck("edit-card", "/directory/card"),
]
#: The rest of what a member opens: checked at 360 px in the longest languages, axe in English.
OTHER_SIGNED_IN_PAGES = [
    PageCheck("settings", "/account/settings"),
    PageCheck("change-email", "/account/email"),
    PageCheck("export", "/account/export"),
    PageCheck("delete-account", "/account/delete"),
    PageCheck("messages", "/directory/messages"),
    PageCheck("publish", "/directory/cards/member/{own}/publish"),
]
OTHER_PAGES = [PageCheck("reset", "/reset")]
#: The long-option pages again at 360 px (small Android phones) and in dark mode.
SMALL_PAGES = [p for p in PAGES if p.name in ("directory", "directory-search", "clients", "member-card")]
DARK_PAGES = [p for p in PAGES if p.name in ("home", "directory-search", "member-card", "signin")]


@dataclass
class Seeded:
    member: int
    client: int
    #: lang → e-mail of a member with that account language and a card of their own.
    accounts: dict[str, str]
    #: lang → that member's own card.
    own_cards: dict[str, int] = field(default_factory=dict)

    def path(self, check: PageCheck, lang: str = "en") -> str:
        return check.path.format(member=self.member, client=self.client, own=self.own_cards.get(lang))


@pytest.fixture(scope="module")
def seeded(live_server: LiveServer) -> Seeded:
    """The search tests' corpus (members and clients in four languages), one card with very long
    words, and one member per language with a card; indexed before the first visit."""
    from tests.api.cards import CLIENTS, CORPUS, make_client, make_member
    from tests.factories import code, make_user, member_card, place
    from webapp.core.places import place_values
    from webapp.extensions import db

    live = live_server
    with live.app.app_context():
        for n, spec in enumerate(CORPUS):
            make_member(spec, 500 + n)
        clients = [make_client(spec, 500 + n) for n, spec in enumerate(CLIENTS)]
        long_one = member_card(
            False,
            visibility="public",
            commit=False,
            display_name="Maximiliane Wilhelmine von Hohenzollern-Sigmaringen-Schwarzenberg",
            headline="Veranstaltungstechnikermeisterin für Bühnenbeleuchtungsanlagenwartung",
            function_code=code("function", "photographer"),
            sectors=[code("sector", "photography")],
            bio="Donaudampfschifffahrtsgesellschaftskapitänsmützenfotografie " * 3,
            skills=["Rindfleischetikettierungsüberwachungsaufgabenübertragung"],
            **place_values(place("Ghent")),
        )
        accounts, own = {}, {}
        for lang in LANGS:
            email = f"layout-{lang}@members.example"
            user = make_user(email, password=PASSWORD, locale=lang)
            card = member_card(
                user, visibility="public", display_name=f"Layout {lang.upper()}", headline="Tester"
            )
            accounts[lang], own[lang] = email, card.id
        db.session.commit()
        seeded = Seeded(member=long_one.id, client=clients[0].id, accounts=accounts, own_cards=own)
        db.session.remove()

    import urllib.request

    def indexed() -> bool:
        url = live.url("/directory?q=Hohenzollern")
        try:  # the first query loads the encoders: slow on a busy machine
            with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - our own server
                return "Sigmaringen" in response.read().decode("utf-8")
        except TimeoutError:
            return False

    poll(indexed, timeout=INDEX_TIMEOUT, what="the layout corpus to be indexed")
    return seeded


@pytest.fixture(scope="module")
def visitors(chromium: Any, live_server: LiveServer, seeded: Seeded) -> Iterator[dict[str, BrowserSession]]:
    """One anonymous and one signed-in visitor per language, reused by every check (fast)."""
    factory = Browsers(chromium, live_server)
    found: dict[str, BrowserSession] = {}
    for lang in LANGS:
        found[lang] = factory.new(f"anonymous-{lang}", locale=lang)
        member = factory.new(f"member-{lang}", locale=lang)
        member.goto("/signin")
        member.page.fill("#email", seeded.accounts[lang])
        member.page.fill("#password", PASSWORD)
        member.submit("main form[action='/signin'] button[type=submit]")
        assert member.path() == "/account", f"sign-in in {lang} landed on {member.page.url}"
        found[f"member-{lang}"] = member
    yield found
    factory.assert_clean()
    factory.close()


@pytest.fixture(scope="module")
def dark_visitor(chromium: Any, live_server: LiveServer) -> Iterator[BrowserSession]:
    """An English visitor whose system asks for dark mode."""
    factory = Browsers(chromium, live_server)
    visitor = factory.new("anonymous-dark", locale="en")
    visitor.page.emulate_media(color_scheme="dark")
    yield visitor
    factory.assert_clean()
    factory.close()


def _axe_note() -> None:
    if not axe_available():
        pytest.skip("axe-core is not installed (scripts/setup-test installs it): layout checked, axe not run")


@pytest.mark.parametrize("width", ["desktop", "phone"])
@pytest.mark.parametrize("lang", LANGS)
def test_main_pages(visitors: dict[str, BrowserSession], seeded: Seeded, lang: str, width: str) -> None:
    visitor = visitors[lang]
    for check in PAGES:
        check_layout(
            visitor,
            seeded.path(check),
            name=check.name,
            lang=lang,
            width=width,
            first_result=check.first_result,
        )
    member = visitors[f"member-{lang}"]
    for check in SIGNED_IN_PAGES:
        check_layout(
            member,
            seeded.path(check),
            name=check.name,
            lang=lang,
            width=width,
            first_result=check.first_result,
        )
    _axe_note()


@pytest.mark.parametrize("lang", LANGS)
def test_small_phone(visitors: dict[str, BrowserSession], seeded: Seeded, lang: str) -> None:
    """360 px, the narrowest common phone: layout only (axe ran at 390 px)."""
    for visitor, checks in ((visitors[lang], SMALL_PAGES), (visitors[f"member-{lang}"], SIGNED_IN_PAGES)):
        for check in checks:
            check_layout(
                visitor,
                seeded.path(check),
                name=check.name,
                lang=lang,
                width="small",
                first_result=check.first_result,
                axe=False,
            )


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_dark_mode(dark_visitor: BrowserSession, seeded: Seeded, width: str) -> None:
    """Dark mode follows the system setting, and its colours pass axe's contrast check too."""
    for check in DARK_PAGES:
        check_layout(
            dark_visitor,
            seeded.path(check),
            name=f"dark-{check.name}",
            lang="en",
            width=width,
            first_result=check.first_result,
        )
    background = dark_visitor.page.evaluate("() => getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(18, 22, 21)", f"dark mode not applied: body background {background}"
    _axe_note()


@pytest.mark.parametrize(("lang", "width"), [("de", "small"), ("fr", "small"), ("en", "desktop")])
def test_other_pages(visitors: dict[str, BrowserSession], seeded: Seeded, lang: str, width: str) -> None:
    """The account and card pages beyond the main ones fit the phone too (axe at desktop)."""
    for visitor, checks in (
        (visitors[lang], OTHER_PAGES),
        (visitors[f"member-{lang}"], OTHER_SIGNED_IN_PAGES),
    ):
        for check in checks:
            check_layout(
                visitor,
                seeded.path(check, lang),
                name=check.name,
                lang=lang,
                width=width,
                axe=width == "desktop",
            )
    check_layout(visitors[lang], "/no-such-page", name="not-found", lang=lang, width=width, expect_status=404)


def test_filters_fold_behind_a_button_on_the_phone(
    visitors: dict[str, BrowserSession], seeded: Seeded
) -> None:
    """On the phone the filters are one closed "Filters" summary above the results and open on a
    tap; on a wide screen they show beside the results without a tap (no script involved)."""
    visitor = visitors["nl"]
    page = visitor.page
    page.set_viewport_size({"width": 390, "height": 844})
    visitor.goto("/directory?q=fotograaf+Gent&country=BE")
    select = page.locator("#f-place")
    assert not select.is_visible(), "the filters are open on the phone"
    summary = page.locator("details.filters > summary")
    assert "1" in summary.inner_text(), "the summary does not count the active filter"
    summary_box = summary.bounding_box()
    first = page.locator("li.result").first.bounding_box()
    assert summary_box and first and summary_box["y"] < first["y"], (
        "the Filters button is not above the results"
    )
    summary.click()
    assert select.is_visible(), "the Filters button does not open the filters"
    assert page.evaluate("() => document.scrollingElement.scrollWidth <= innerWidth")

    page.set_viewport_size({"width": 1280, "height": 800})
    visitor.goto("/directory")
    assert page.locator("#f-place").is_visible(), "the filters are hidden on a wide screen"
    assert page.evaluate("() => document.querySelector('details.filters').open"), "shown but announced closed"
    aside = page.locator("aside.facets").bounding_box()
    results = page.locator("li.result").first.bounding_box()
    assert aside and results and aside["x"] + aside["width"] <= results["x"], (
        "filters are not beside the results"
    )


def test_filters_work_without_javascript(chromium: Any, live_server: LiveServer, seeded: Seeded) -> None:
    """The fold is CSS and <details> only: with scripts off the phone still gets results first
    and a working Filters button, and a wide screen still shows the filters."""
    context = chromium.new_context(
        java_script_enabled=False, locale="de", viewport={"width": 390, "height": 844}
    )
    try:
        page = context.new_page()
        page.goto(live_server.url("/directory"))
        assert not page.locator("#f-function").is_visible()
        first = page.locator("li.result").first.bounding_box()
        assert first and first["y"] + 40 <= 844, f"first result at {first}"
        page.locator("details.filters > summary").click()
        assert page.locator("#f-function").is_visible()
        page.set_viewport_size({"width": 1280, "height": 800})
        page.goto(live_server.url("/directory"))
        assert page.locator("#f-function").is_visible(), "wide screen without scripts: filters hidden"
        assert page.evaluate("() => document.querySelector('details.filters').open") is False
    finally:
        context.close()


def test_footer_ends_the_screen_and_the_disclaimer_shows_once(
    visitors: dict[str, BrowserSession], seeded: Seeded
) -> None:
    visitor = visitors["en"]
    page = visitor.page
    page.set_viewport_size({"width": 1280, "height": 1000})
    visitor.goto("/signin")  # a short page
    bottom = page.evaluate("() => document.querySelector('.site-footer').getBoundingClientRect().bottom")
    assert abs(bottom - 1000) <= 1, f"the footer ends at {bottom} px on a 1000 px screen"
    for path in ("/", "/directory", seeded.path(PAGES[4]), seeded.path(PAGES[5])):
        visitor.goto(path)
        text = page.inner_text("body")
        assert text.count("not liable") == 1, f"{path}: the disclaimer shows {text.count('not liable')} times"


def test_avatars_and_logo(visitors: dict[str, BrowserSession], seeded: Seeded) -> None:
    """Cards without a photo get initials in a colour of their own, from classes (the CSP allows no
    style attribute); the logo is the app's own SVG."""
    visitor = visitors["en"]
    page = visitor.page
    page.set_viewport_size({"width": 1280, "height": 800})
    visitor.goto(seeded.path(PAGES[4]))
    avatar = page.locator("article .avatar")
    assert avatar.inner_text() == "MH"  # Maximiliane … Hohenzollern-Sigmaringen-Schwarzenberg
    assert avatar.get_attribute("aria-hidden") == "true" and avatar.get_attribute("style") is None
    colour = avatar.evaluate("(el) => getComputedStyle(el).backgroundColor")
    assert colour not in ("rgba(0, 0, 0, 0)", "transparent")
    visitor.goto("/directory?per_page=50")
    tones = page.locator("li.result .avatar").evaluate_all(
        "els => els.map(el => [...el.classList].find(c => c.startsWith('avatar-tone-')))"
    )
    assert len(tones) >= 10 and len(set(tones)) >= 3, f"avatars do not vary by name: {tones}"
    assert page.locator("[style]").count() == 0, "a style attribute on the page"
    logo = page.locator(".brand img")
    assert logo.get_attribute("src") == "/static/logo.svg"
    assert logo.evaluate("(img) => img.complete && img.naturalWidth > 0"), "the logo did not load"


def test_the_axe_check_finds_what_it_should(visitors: dict[str, BrowserSession], seeded: Seeded) -> None:
    """The accessibility check is proven to work: an unlabelled field and unreadable grey text,
    put into a real page, fail it."""
    _axe_note()
    from tests.e2e.conftest import run_axe

    visitor = visitors["en"]
    visitor.page.set_viewport_size({"width": 1280, "height": 800})
    visitor.goto("/signin")
    assert not [v for v in run_axe(visitor.page) if v["impact"] in ("serious", "critical")]
    visitor.page.evaluate(
        """() => {
          const input = document.createElement("input");
          input.type = "text";
          document.querySelector("main form").append(input);
          const faint = document.createElement("p");
          faint.textContent = "Barely readable";
          faint.className = "faint-for-axe";
          document.querySelector("main").append(faint);
          // Through CSSOM, not a style attribute: the CSP would block that.
          document.styleSheets[0].insertRule(".faint-for-axe { color: #ddd; background: #fff; }");
        }"""
    )
    found = {v["id"]: v["impact"] for v in run_axe(visitor.page)}
    assert found.get("label") == "critical", found
    assert found.get("color-contrast") == "serious", found


#: The board's and the calendar's pages (issues 10 and 11): every language at 1280 and 390 px.
#: {listing}, {event} and {group} are the seeded rows (see ``board_and_calendar``).
MODULE_PAGES = [
    PageCheck("board", "/board", first_result="li.result"),
    PageCheck("board-search", "/board?q=Lötkolben", first_result="li.result"),
    PageCheck("board-listing", "/board/listings/{listing}"),
    PageCheck("calendar", "/events", first_result="li.result"),
    PageCheck("calendar-month", "/events?view=month"),
    PageCheck("calendar-week", "/events?view=week"),
    PageCheck("event", "/events/{event}"),
    PageCheck("groups", "/events/groups"),
    PageCheck("group", "/events/groups/{group}"),
]
MODULE_SIGNED_IN_PAGES = [
    PageCheck("board-new", "/board/new"),
    PageCheck("board-mine", "/board/mine"),
    PageCheck("board-bookings", "/board/bookings"),
    PageCheck("board-booking", "/board/bookings/{booking}"),
    PageCheck("event-new", "/events/new"),
    PageCheck("events-mine", "/events/mine"),
    PageCheck("group-new", "/events/groups/new"),
    PageCheck("groups-mine", "/events/groups/mine"),
]


@pytest.fixture(scope="module")
def board_and_calendar(live_server: LiveServer, seeded: Seeded) -> dict[str, Any]:
    """A public soldering-iron offer in Ghent (with a booking asked by each language's member), a
    public event this week in Antwerp and its public group; indexed before the first visit."""
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    from tests.events.helpers import make_event
    from tests.factories import make_user
    from tests.p2p.helpers import make_listing, soon
    from webapp.accounts.models import User
    from webapp.events.models import EventGroup, GroupMember
    from webapp.extensions import db
    from webapp.p2p import service as board

    live = live_server
    with live.app.app_context():
        owner = make_user("layout-owner@members.example", password=PASSWORD, locale="nl")
        listing = make_listing(
            owner,
            title="Lötkolben und Lötstation zu verleihen",
            description="Eine Lötstation mit drei Spitzen, für Reparaturen an Verstärkern und Kabeln.",
            language="de",
            windows=[(soon(1), soon(120))],
        )
        bookings = {}
        for n, lang in enumerate(LANGS):
            member = db.session.scalar(db.select(User).where(User.email == seeded.accounts[lang]))
            asked = board.request_booking(listing, member, soon(10 + 3 * n), soon(11 + 3 * n), note="Graag!")
            db.session.flush()
            bookings[lang] = asked.id
        group = EventGroup(name="Illustratoren Vlaanderen", visibility="public")
        db.session.add(group)
        db.session.flush()
        db.session.add(GroupMember(group_id=group.id, user_id=owner.id, role="organiser"))
        tomorrow = datetime.now(ZoneInfo("Europe/Brussels")) + timedelta(days=1)
        start = tomorrow.replace(hour=19, minute=0, second=0, microsecond=0)
        event = make_event(
            owner,
            title="Netwerkavond illustratoren en grafisch ontwerpers",
            start=start,
            capacity=30,
            organiser_kind="group",
            group_id=group.id,
        )
        found = {"listing": listing.id, "event": event.id, "group": group.id, "bookings": bookings}
        db.session.commit()
        db.session.remove()

    import urllib.request

    def indexed() -> bool:
        try:
            with urllib.request.urlopen(live.url("/board?q=L%C3%B6tstation"), timeout=30) as response:  # noqa: S310
                board_ok = "Lötkolben" in response.read().decode("utf-8")
            with urllib.request.urlopen(live.url("/events"), timeout=30) as response:  # noqa: S310
                return board_ok and "Netwerkavond illustratoren" in response.read().decode("utf-8")
        except TimeoutError:
            return False

    poll(indexed, timeout=INDEX_TIMEOUT, what="the board's listing and the calendar's event to be indexed")
    return found


@pytest.mark.parametrize("width", ["desktop", "phone"])
@pytest.mark.parametrize("lang", LANGS)
def test_board_and_calendar_pages(
    visitors: dict[str, BrowserSession], board_and_calendar: dict[str, Any], lang: str, width: str
) -> None:
    """Every board and calendar page a visitor or member opens, in every language and at both
    widths (axe in English and French; the others have the same markup with other words)."""
    axe = lang in ("en", "fr")
    for visitor, checks in (
        (visitors[lang], MODULE_PAGES),
        (visitors[f"member-{lang}"], MODULE_SIGNED_IN_PAGES),
    ):
        for check in checks:
            check_layout(
                visitor,
                check.path.format(**board_and_calendar, booking=board_and_calendar["bookings"][lang]),
                name=check.name,
                lang=lang,
                width=width,
                first_result=check.first_result,
                axe=axe,
            )
    if axe:
        _axe_note()
