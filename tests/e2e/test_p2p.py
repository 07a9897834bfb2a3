"""The board's main flow in a real browser (Debian's Chromium, strict CSP checked on every page):
a member posts an offer and makes it active, another member finds it and asks for days, the owner
accepts, the borrower then sees the pick-up address. In English and in Dutch."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.e2e.conftest import Browsers, LiveServer, poll
from tests.e2e.test_browser_flows import make_account, sign_in

pytestmark = pytest.mark.browser

#: What the pages say, per UI language.
WORDS = {
    "en": {"saved": "saved as a draft", "accepted": "Accepted", "requested": "Requested", "lang": "en-GB"},
    "nl": {
        "saved": "als concept bewaard",
        "accepted": "Aanvaard",
        "requested": "Aangevraagd",
        "lang": "nl-BE",
    },
}


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_post_an_offer_book_it_and_accept(live_server: LiveServer, browsers: Browsers, lang: str) -> None:
    words = WORDS[lang]
    owner_email, borrower_email = f"lender-{lang}@example.org", f"borrower-{lang}@example.org"
    make_account(live_server, owner_email, locale=lang)
    make_account(live_server, borrower_email, locale=lang)
    title = f"Sewing machine {lang} to lend"

    owner = browsers.new("owner", locale=words["lang"])
    # An active listing's page runs the "wanted" matching search: the first one loads the encoders.
    owner.context.set_default_timeout(60_000)
    sign_in(owner, owner_email)
    owner.goto("/board/new")
    page = owner.page
    page.select_option("#type", "offer")
    page.select_option("#kind", "equipment")
    page.fill("#title", title)
    page.fill("#description", "A sturdy machine with an overlock stitch.")
    page.fill("#place", "Gent")
    page.fill("#pickup_address", "Veldstraat 1, 9000 Gent")
    page.select_option("#audience", "public")
    owner.submit("main form button:not(.link)")
    assert words["saved"] in owner.record()
    listing_path = owner.path()
    owner.submit("button[name=status][value=active]")

    borrower = browsers.new("borrower", locale=words["lang"])
    sign_in(borrower, borrower_email)

    def found() -> bool:
        borrower.goto("/board?q=sewing+machine")
        return listing_path in borrower.page.content()

    poll(found, timeout=30, what="the new listing in the board's search")
    borrower.goto(listing_path)
    assert "Veldstraat" not in borrower.record()
    start = date.today() + timedelta(days=3)
    borrower.page.fill("#starts_on", start.isoformat())
    borrower.page.fill("#ends_on", (start + timedelta(days=2)).isoformat())
    borrower.page.fill("#note", "For a costume project")
    borrower.submit("form[action$='/book'] button")
    assert borrower.path().startswith("/board/bookings/")
    booking_path = borrower.path()
    assert words["requested"] in borrower.page.inner_text("#booking-status")

    owner.goto(booking_path)
    assert "For a costume project" in owner.record()
    owner.submit("#booking-actions button >> nth=0")  # accept comes first
    assert words["accepted"] in owner.page.inner_text("#booking-status")

    borrower.goto(booking_path)
    assert words["accepted"] in borrower.page.inner_text("#booking-status")
    assert "Veldstraat 1, 9000 Gent" in borrower.page.inner_text("#pickup-address")
    live_server.wait_for_mail(lambda m: borrower_email in str(m["To"]) and title in str(m["Subject"]))
    # Nobody else reaches the booking.
    stranger = browsers.new("stranger", locale=words["lang"])
    make_account(live_server, f"stranger-{lang}@example.org", locale=lang)
    sign_in(stranger, f"stranger-{lang}@example.org")
    stranger.goto(booking_path, expect_status=404)
    browsers.assert_clean()
