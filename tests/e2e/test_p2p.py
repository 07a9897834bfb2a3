"""The board's main flow in a real browser (Debian's Chromium, strict CSP checked on every page):
a member posts an offer and makes it active, another member finds it and asks for days, the owner
accepts, the borrower then sees the pick-up address. The booking form marks a booked day and the
server refuses it with the clear message; a mentoring offer shows its weekly slots and takes a
session at a time. In English and in Dutch, at desktop and 390 px."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest

from tests.e2e.conftest import Browsers, LiveServer, check_layout, poll
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


#: What the booking form and the listing page say, per UI language.
REFUSALS = {
    "en": {
        "closed": "This day cannot be asked for",
        "taken": "Those days are already booked",
        "slots": "Tuesday 14:00–18:00",
        "taken_time": "That time is already booked",
    },
    "nl": {
        "closed": "Deze dag kan niet worden aangevraagd",
        "taken": "Die dagen zijn al geboekt",
        "slots": "dinsdag 14:00–18:00",
        "taken_time": "Dat tijdstip is al geboekt",
    },
}


def _next(weekday: int, after: int) -> date:
    day = date.today() + timedelta(days=after)
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def _board_rows(live: LiveServer, owner_id: int, holder_id: int, lang: str) -> tuple[int, int, date, date]:
    """An equipment offer with an accepted booking, and a mentoring offer (Tuesdays 14:00–18:00)
    with an accepted 14:00–15:00 session; made through the services."""
    from webapp.accounts.models import User
    from webapp.extensions import db
    from webapp.p2p import service

    booked = date.today() + timedelta(days=4)
    tuesday = _next(1, 8)
    with live.app.app_context():
        owner, holder = db.session.get(User, owner_id), db.session.get(User, holder_id)
        ids = []
        for kind, title, slots in (
            ("equipment", f"Camera body {lang} to lend", None),
            ("mentoring", f"Portfolio mentoring {lang}", [(1, "14:00", "18:00")]),
        ):
            data = service.clean_listing_data(
                {
                    "type": "offer",
                    "kind": kind,
                    "title": title,
                    "description": "Ask me.",
                    "language": "en",
                    "audience": "public",
                    "slots": slots,
                }
            )
            listing = service.save_listing(None, data, user_id=owner.id)
            service.set_status(listing, "active", actor_id=owner.id)
            db.session.commit()
            if slots:
                held = service.request_session(listing, holder, tuesday, time(14), time(15))
            else:
                held = service.request_booking(listing, holder, booked, booked + timedelta(days=1))
            db.session.commit()
            service.accept_booking(held.id, actor_id=owner.id)
            ids.append(listing.id)
        db.session.remove()
    return ids[0], ids[1], booked, tuesday


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_the_booking_form_marks_a_booked_day_and_the_server_refuses_it(
    live_server: LiveServer, browsers: Browsers, lang: str
) -> None:
    words, refusal = WORDS[lang], REFUSALS[lang]
    emails = [f"{who}-cal-{lang}@example.org" for who in ("owner", "holder", "asker")]
    owner_id, holder_id, _asker = (make_account(live_server, e, locale=lang) for e in emails)
    camera, mentoring, booked, tuesday = _board_rows(live_server, owner_id, holder_id, lang)

    asker = browsers.new("asker", locale=words["lang"])
    sign_in(asker, emails[2])
    for width in ("desktop", "phone"):
        path = f"/board/listings/{camera}?month={booked:%Y-%m}"
        check_layout(asker, path, name=f"board-calendar-{width}", lang=lang, width=width)
        page = asker.page
        cell = page.locator(f"#listing-calendar td[data-day='{booked.isoformat()}']")
        assert cell.get_attribute("data-state") == "booked" and "✕" in cell.inner_text()
        # Picking the booked day: the form says so at once (board.js), before anything is sent.
        page.fill("#starts_on", booked.isoformat())
        page.dispatch_event("#starts_on", "change")
        assert refusal["closed"] in page.inner_text("#starts_on-closed")
        assert page.get_attribute("#starts_on", "aria-invalid") == "true"
        page.fill("#ends_on", (booked + timedelta(days=1)).isoformat())
        asker.submit("form[action$='/book'] button", expect_status=400)
        assert refusal["taken"] in page.inner_text("#starts_on-errors")
        assert asker.page.locator(f"td[data-day='{booked.isoformat()}']").count() == 1
        # The listing form with its weekly-slot rows fits too.
        check_layout(asker, "/board/new", name=f"board-new-{width}", lang=lang, width=width)
        assert page.locator("fieldset.slot-row select[name$='-weekday']").count() >= 3

    # The mentoring offer: its slots, a partly booked Tuesday, the held time refused, a free one taken.
    asker.page.set_viewport_size({"width": 390, "height": 844})
    asker.goto(f"/board/listings/{mentoring}?month={tuesday:%Y-%m}")
    page = asker.page
    assert refusal["slots"] in page.inner_text("#weekly-slots")
    assert page.get_attribute(f"td[data-day='{tuesday.isoformat()}']", "data-state") == "partial"
    page.fill("#day", tuesday.isoformat())
    page.fill("#start_time", "14:30")
    page.fill("#end_time", "15:30")
    asker.submit("form[action$='/book'] button", expect_status=400)
    assert refusal["taken_time"] in page.inner_text("#day-errors")
    page.fill("#start_time", "15:00")
    page.fill("#end_time", "16:00")
    asker.submit("form[action$='/book'] button")
    assert asker.path().startswith("/board/bookings/")
    assert "15:00–16:00" in page.inner_text("#booking-when")
    assert words["requested"] in page.inner_text("#booking-status")


# --- listing photos -------------------------------------------------------------------------------

PHOTO_WORDS = {
    "en": "The photo is added.",
    "nl": "De foto is toegevoegd.",
    "fr": "La photo est ajoutée.",
    "de": "Das Foto wurde hinzugefügt.",
}
BROWSER_LOCALES = {"en": "en-GB", "nl": "nl-BE", "fr": "fr-BE", "de": "de-DE"}


def _photo_file(tmp_path, lang: str):
    """A phone-like JPEG on disk, as a member would pick it."""
    from tests.factories import image_bytes

    path = tmp_path / f"werkbank-{lang}.jpg"
    path.write_bytes(image_bytes("JPEG", (1200, 900), exif=True))
    return path


def _image_shown(visitor, selector: str) -> dict:
    """The first matching <img>: its alt text and whether the browser decoded it (under the CSP)."""
    return visitor.page.eval_on_selector(
        selector, "img => ({alt: img.alt, width: img.naturalWidth, complete: img.complete})"
    )


@pytest.mark.parametrize("lang", ["nl", "fr", "de", "en"])
def test_add_a_photo_and_see_it_on_the_listing_and_in_the_results(
    live_server: LiveServer, browsers: Browsers, lang: str, tmp_path
) -> None:
    from tests.e2e.conftest import check_layout
    from tests.p2p.helpers import make_listing

    email = f"photo-owner-{lang}@example.org"
    make_account(live_server, email, locale=lang)
    title = f"Werkbank {lang} Zwaluwstaart"
    with live_server.app.app_context():
        from webapp.accounts.models import User
        from webapp.extensions import db

        user = db.session.scalar(db.select(User).where(User.email == email))
        listing_id = make_listing(user, title=title, kind="workspace", description="A bench with a vice.").id
    owner = browsers.new(f"photo-owner-{lang}", locale=BROWSER_LOCALES[lang])
    sign_in(owner, email)
    owner.goto(f"/board/listings/{listing_id}/edit")
    owner.page.set_input_files("#photo", str(_photo_file(tmp_path, lang)))
    owner.submit("form[action$='/photos'] button")
    assert PHOTO_WORDS[lang] in owner.record()
    shown = _image_shown(owner, "#photos img.listing-photo")
    assert shown["alt"] == title and shown["complete"] and shown["width"] > 0
    for width in ("desktop", "phone"):
        check_layout(
            owner, f"/board/listings/{listing_id}/edit", name="board-edit-photos", lang=lang, width=width
        )

    visitor = browsers.new(f"photo-visitor-{lang}", locale=BROWSER_LOCALES[lang])
    visitor.goto("/")
    for width in ("desktop", "phone"):
        # The whole page fits: the photos and the month calendar (seven columns in every language).
        check_layout(
            visitor, f"/board/listings/{listing_id}", name="board-listing-photos", lang=lang, width=width
        )
    visitor.page.set_viewport_size({"width": 1280, "height": 900})
    visitor.goto(f"/board/listings/{listing_id}")
    shown = _image_shown(visitor, "img.listing-photo")
    assert shown["alt"] == title and shown["complete"] and shown["width"] > 0
    visitor.page.set_viewport_size({"width": 390, "height": 844})
    visitor.goto(f"/board/listings/{listing_id}")
    right = visitor.page.eval_on_selector("ul.listing-photos", "el => el.getBoundingClientRect().right")
    assert right <= 390, f"the photos reach {right} px on a 390 px screen"

    # The live server is shared by the languages: this language's listing is the one linking here.
    mine = f"li.result:has(a[href$='/board/listings/{listing_id}'])"

    def indexed() -> bool:
        visitor.goto("/board?q=Zwaluwstaart")
        return visitor.page.query_selector(f"{mine} img.listing-thumb") is not None

    poll(indexed, timeout=60, what="the listing with its thumbnail in the board's results")
    for width in ("desktop", "phone"):
        check_layout(
            visitor,
            "/board?q=Zwaluwstaart",
            name="board-results-thumb",
            lang=lang,
            width=width,
            first_result=mine,
        )
        shown = _image_shown(visitor, f"{mine} img.listing-thumb")
        assert shown["alt"] == title and shown["complete"] and shown["width"] > 0
    browsers.assert_clean()
