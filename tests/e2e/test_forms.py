"""Browser tests of the forms work of issue 9 (items 2, 4, 5, 7), at 1280 and 390 px, in English and
in another language:

* a 17 MB camera photo is accepted (downscaled) with the card; a file too big even for the limit
  is refused in the browser before sending (JavaScript) and, without JavaScript, the form comes back
  from the server with a message and everything typed; so does a file of the wrong type;
* the place and function type-aheads are driven by the keyboard alone (arrow keys, Enter, Escape)
  and submit the same values as the plain fields;
* a refused card form shows a banner with a link per bad field and puts the focus on the first;
  long texts have live counters and a 6,000-character message is not cut to 5,000;
* the search page's map view shows a marker per result (and works without JavaScript), the card
  page a small map.
Every page of every flow is checked for console errors and CSP violations (assert_clean).
"""

from __future__ import annotations

import io
import os
from typing import Any

import pytest

from tests.e2e.conftest import Browsers, BrowserSession, LiveServer, poll
from tests.e2e.test_browser_flows import INDEX_TIMEOUT, make_account, make_public_card, sign_in

pytestmark = pytest.mark.browser

VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
#: (viewport, UI language): each flow runs in all four languages, each width twice.
CASES = [("desktop", "en"), ("phone", "fr"), ("desktop", "nl"), ("phone", "de")]
TEXTS = {
    "too_large": {
        "en": "The photo is too large",
        "fr": "La photo est trop volumineuse",
        "nl": "De foto is te groot",
        "de": "Das Foto ist zu groß",
    },
    "wrong_type": {
        "en": "Only JPEG, PNG or WebP photos are accepted.",
        "fr": "Seules les photos JPEG, PNG ou WebP sont acceptées.",
        "nl": "Alleen foto's in JPEG, PNG of WebP worden aanvaard.",
        "de": "Nur Fotos im Format JPEG, PNG oder WebP werden akzeptiert.",
    },
}

_counter = iter(range(10_000))


def _member(live: LiveServer, lang: str) -> str:
    email = f"forms{next(_counter)}-{lang}@example.org"
    make_account(live, email, locale=lang)
    return email


def _visitor(browsers: Browsers, name: str, viewport: str, lang: str, *, js: bool = True) -> BrowserSession:
    visitor = browsers.new(f"{name}-{viewport}-{lang}", locale={"en": "en-GB"}.get(lang, lang))
    if not js:
        # A second context without JavaScript: the same flows must work on the plain HTML.
        visitor.context.close()
        context = browsers.chromium.new_context(
            locale=lang, base_url=browsers.live.base_url, java_script_enabled=False
        )
        context.set_default_timeout(15_000)
        visitor.context = context
        visitor.page = context.new_page()
        visitor.page.on("response", visitor._on_response)
    visitor.page.set_viewport_size(VIEWPORTS[viewport])
    return visitor


def _camera_jpeg(megabytes: float) -> bytes:
    """A real JPEG of camera size: noise compresses badly, so 4800×3200 (15 MP) at q95 weighs ~18 MB."""
    from PIL import Image

    noise = Image.frombytes("RGB", (4800, 3200), os.urandom(4800 * 3200 * 3))
    out = io.BytesIO()
    noise.save(out, format="JPEG", quality=95)
    data = out.getvalue()
    assert len(data) >= megabytes * 1024 * 1024, len(data)
    return data


def _card_at(live: LiveServer, email: str, name: str, city: str, headline: str) -> int:
    """A public card placed in ``city`` (the gazetteer's best match)."""
    from webapp.core.places import place_values
    from webapp.extensions import db
    from webapp.taxonomy import get_gazetteer

    user_id = make_account(live, email)
    with live.app.app_context():
        values = place_values(get_gazetteer().resolve(city, lang="en")[0])
        db.session.remove()
    return make_public_card(live, user_id, display_name=name, headline=headline, **values)


def _big_file(tmp_path: Any, name: str, megabytes: int) -> str:
    """A file on disk (a buffer this big is slow to hand to the browser)."""
    path = tmp_path / name
    with path.open("wb") as out:
        for _ in range(megabytes):
            out.write(os.urandom(1024 * 1024))
    return str(path)


def _shot(visitor: BrowserSession, name: str) -> None:
    """A screenshot into $E2E_SCREENSHOTS when set (for looking at the widgets; no test reads it)."""
    folder = os.environ.get("E2E_SCREENSHOTS")
    if folder:
        os.makedirs(folder, exist_ok=True)
        visitor.page.screenshot(path=os.path.join(folder, f"forms-{name}-{visitor.name}.png"))


def _no_horizontal_scroll(visitor: BrowserSession) -> None:
    width = visitor.page.evaluate("document.documentElement.scrollWidth")
    viewport = visitor.page.viewport_size["width"]
    assert width <= viewport + 1, f"{visitor.name}: page is {width}px wide in a {viewport}px window"


# --------------------------------------------------------------------------- item 2: big photos


@pytest.mark.parametrize(("viewport", "lang"), CASES)
def test_a_17_mb_camera_photo_is_saved_with_the_card(
    live_server: LiveServer, browsers: Browsers, viewport: str, lang: str, tmp_path: Any
) -> None:
    email = _member(live_server, lang)
    visitor = _visitor(browsers, "photographer", viewport, lang)
    sign_in(visitor, email)
    visitor.goto("/directory/card")
    page = visitor.page
    page.fill("#display_name", "Camera Owner")
    page.fill("#headline", "Straight from the camera")
    photo = tmp_path / "DSC_0042.JPG"
    photo.write_bytes(_camera_jpeg(17))
    page.set_input_files("#photo", str(photo), timeout=60_000)
    assert page.locator("#photo-client-errors").count() == 0  # 17 MB is within the limit
    visitor.submit("main form button:not(.secondary)")
    assert "/directory/members/" in visitor.path(), visitor.page.url
    image = page.locator("img.profile-photo")
    assert image.count() == 1
    size = image.evaluate("img => [img.naturalWidth, img.naturalHeight]")
    assert size == [800, 533], size  # downscaled on the server
    browsers.assert_clean()


@pytest.mark.parametrize(("viewport", "lang"), CASES)
def test_a_file_too_big_is_refused_in_the_browser_and_nothing_typed_is_lost(
    live_server: LiveServer, browsers: Browsers, viewport: str, lang: str, tmp_path: Any
) -> None:
    email = _member(live_server, lang)
    visitor = _visitor(browsers, "bigfile", viewport, lang)
    sign_in(visitor, email)
    visitor.goto("/directory/card")
    page = visitor.page
    page.fill("#display_name", "Kept Name")
    page.fill("#bio", "Everything I typed before choosing the photo.")
    page.set_input_files("#photo", _big_file(tmp_path, "huge.jpg", 30), timeout=60_000)
    error = page.locator("#photo-client-errors")
    error.wait_for()
    assert TEXTS["too_large"][lang] in error.inner_text()
    assert page.get_attribute("#photo", "aria-invalid") == "true"
    assert page.evaluate("document.querySelector('#photo').files.length") == 0  # dropped, not sent
    assert page.input_value("#display_name") == "Kept Name"
    assert page.input_value("#bio") == "Everything I typed before choosing the photo."
    _no_horizontal_scroll(visitor)
    # The rest of the form can still be saved.
    visitor.submit("main form button:not(.secondary)")
    assert "/directory/members/" in visitor.path()
    browsers.assert_clean()


@pytest.mark.parametrize(("viewport", "lang"), CASES)
def test_without_javascript_the_server_brings_the_form_back_with_everything_typed(
    live_server: LiveServer, browsers: Browsers, viewport: str, lang: str, tmp_path: Any
) -> None:
    email = _member(live_server, lang)
    visitor = _visitor(browsers, "nojs", viewport, lang, js=False)
    sign_in(visitor, email)
    page = visitor.page
    cv = tmp_path / "cv.jpg"
    cv.write_bytes(b"%PDF-1.4 a CV, not a photo")
    for path, text in (
        (_big_file(tmp_path, "huge.jpg", 30), TEXTS["too_large"][lang]),
        (str(cv), TEXTS["wrong_type"][lang]),
    ):
        visitor.goto("/directory/card")
        page.fill("#display_name", "Typed Name")
        page.fill("#headline", "A headline typed by hand")
        page.fill("#place", "Gent")
        page.set_input_files("#photo", path, timeout=60_000)
        visitor.submit("main form button:not(.secondary)", expect_status=400)
        assert text in page.locator("#photo-errors").inner_text()
        assert page.input_value("#display_name") == "Typed Name"
        assert page.input_value("#headline") == "A headline typed by hand"
        assert page.input_value("#place") == "Gent"
        assert page.locator(".error-banner a[href='#photo']").count() == 1
        assert page.get_attribute("#photo", "aria-invalid") == "true"


# --------------------------------------------------------------------------- item 4: type-ahead


@pytest.mark.parametrize(("viewport", "lang"), CASES)
def test_place_and_function_are_picked_with_the_keyboard_on_the_search_page(
    live_server: LiveServer, browsers: Browsers, viewport: str, lang: str
) -> None:
    visitor = _visitor(browsers, "typeahead", viewport, lang)
    visitor.goto("/directory")
    page = visitor.page
    place = page.locator("#f-place")
    if not place.is_visible():  # on a phone the filters sit behind the "Filters" button
        page.locator("details.filters > summary").click()
    assert place.get_attribute("role") == "combobox"
    place.click()
    page.keyboard.type("Gan", delay=40)
    listbox = page.locator(f"#{place.get_attribute('aria-controls')}")
    listbox.locator("li[role=option]").first.wait_for()
    assert place.get_attribute("aria-expanded") == "true"
    page.keyboard.press("Escape")
    assert place.get_attribute("aria-expanded") == "false" and listbox.is_hidden()
    page.keyboard.press("ArrowDown")  # reopens
    listbox.locator("li[role=option]").first.wait_for()
    page.keyboard.press("ArrowDown")
    _shot(visitor, "place-typeahead")
    active = place.get_attribute("aria-activedescendant")
    assert active and page.locator(f"#{active}").get_attribute("aria-selected") == "true"
    page.keyboard.press("Enter")
    expected = {"en": "Ghent", "fr": "Gand", "nl": "Gent", "de": "Gent"}[lang]
    assert place.input_value() == expected
    assert visitor.path() == "/directory"  # Enter picked; it did not submit

    # The function <select> became a type-ahead; the select itself stays and gets the value.
    function = page.locator("#f-function-typeahead")
    assert page.locator("#f-function").is_hidden()
    function.click()
    page.keyboard.type("fotog", delay=40)
    page.locator(f"#{function.get_attribute('aria-controls')} li[role=option]").first.wait_for()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    picked = {"en": "Photographer", "fr": "Photographe", "nl": "Fotograaf", "de": "Fotograf"}
    assert function.input_value() == picked[lang]
    assert page.eval_on_selector("#f-function", "s => s.value") == "photographer"
    with page.expect_navigation():
        page.locator(".facets form button").click()
    visitor.record()
    assert "function=photographer" in page.url and f"place={expected}" in page.url
    # (The search page's own width on phones is issue 9 item 1, asserted by the layout tests.)
    browsers.assert_clean()


def test_a_picked_namesake_is_sent_with_its_id_on_the_card_form(
    live_server: LiveServer, browsers: Browsers
) -> None:
    email = _member(live_server, "en")
    visitor = _visitor(browsers, "namesake", "desktop", "en")
    sign_in(visitor, email)
    visitor.goto("/directory/card")
    page = visitor.page
    page.fill("#display_name", "Halle Person")
    page.locator("#place").click()
    page.keyboard.type("Halle", delay=40)
    options = page.locator(f"#{page.get_attribute('#place', 'aria-controls')} li[role=option]")
    options.first.wait_for()
    texts = options.all_inner_texts()
    german = next(i for i, t in enumerate(texts) if "DE" in t or "Sachsen" in t or "Saxony" in t)
    for _ in range(german + 1):
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    chosen = page.eval_on_selector("input[type=hidden][name=place_choice]", "i => i.value")
    assert chosen.isdigit()
    visitor.submit("main form button:not(.secondary)")
    assert "/directory/members/" in visitor.path()
    from sqlalchemy import select

    from webapp.directory.models import MemberProfile
    from webapp.extensions import db

    with live_server.app.app_context():
        card = db.session.scalar(select(MemberProfile).where(MemberProfile.display_name == "Halle Person"))
        assert card.place_id == int(chosen) and card.country == "DE"
        db.session.remove()
    browsers.assert_clean()


# --------------------------------------------------------------------------- item 5: errors, counters


@pytest.mark.parametrize(("viewport", "lang"), CASES)
def test_errors_banner_focus_and_counters(
    live_server: LiveServer, browsers: Browsers, viewport: str, lang: str
) -> None:
    email = _member(live_server, lang)
    visitor = _visitor(browsers, "errors", viewport, lang)
    sign_in(visitor, email)
    visitor.goto("/directory/card")
    page = visitor.page
    page.fill("#headline", "h" * 170)
    counter = page.locator("#headline-counter")
    assert "10" in counter.inner_text() and "over" in (counter.get_attribute("class") or "")
    page.fill("#bio", "b" * 1234)
    counted = {
        "en": "1,234 / 4,000",
        "fr": "1\u202f234 / 4\u202f000",
        "nl": "1.234 / 4.000",
        "de": "1.234 / 4.000",
    }
    assert page.locator("#bio-counter").inner_text().startswith(counted[lang])
    page.fill("#website", "ftp://example.org")
    visitor.submit("main form button:not(.secondary)", expect_status=400)
    banner = page.locator(".error-banner")
    links = banner.locator("a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert links == ["#display_name", "#headline", "#website"], links
    assert page.evaluate("document.activeElement.id") == "display_name"
    for field in ("display_name", "headline", "website"):
        assert page.get_attribute(f"#{field}", "aria-invalid") == "true"
        border = page.eval_on_selector(f"#{field}", "e => getComputedStyle(e).borderTopWidth")
        assert border == "2px", (field, border)
    assert page.input_value("#headline") == "h" * 170  # kept, not cut
    _shot(visitor, "error-banner")
    banner.locator("a[href='#website']").click()
    assert page.evaluate("document.activeElement.id") == "website"
    _no_horizontal_scroll(visitor)
    browsers.assert_clean()


def test_a_6000_character_message_is_not_cut_and_not_sent(
    live_server: LiveServer, browsers: Browsers
) -> None:
    recipient = _member(live_server, "en")
    from sqlalchemy import select

    from webapp.accounts.models import User
    from webapp.extensions import db

    with live_server.app.app_context():
        user_id = db.session.scalar(select(User.id).where(User.email == recipient))
        db.session.remove()
    card_id = make_public_card(live_server, user_id, display_name="Recipient Rita")
    sender = _member(live_server, "en")
    visitor = _visitor(browsers, "writer", "phone", "en")
    sign_in(visitor, sender)
    visitor.goto(f"/directory/contact/member/{card_id}")
    page = visitor.page
    body = ("A long letter. " * 400)[:6000]
    page.fill("#subject", "About May")
    page.fill("#body", body)
    assert len(page.input_value("#body")) == 6000  # the browser did not cut it
    assert page.locator("#body-counter").inner_text() == "1,000 characters too many"
    visitor.submit("main form button:not(.secondary)", expect_status=400)
    assert page.input_value("#body").replace("\r\n", "\n") == body
    assert "6,000 characters" in page.locator("#body-errors").inner_text()
    assert page.evaluate("document.activeElement.id") == "body"
    assert not [m for m in live_server.mails() if "About May" in (m["Subject"] or "")]
    browsers.assert_clean()


# --------------------------------------------------------------------------- item 7: maps


def _indexed(visitor: BrowserSession, query: str, names: list[str]) -> Any:
    def ready() -> bool:
        try:
            visitor.goto(f"/directory?q={query}")
        except Exception as exc:  # the first search may wait for the encoders to load on a busy machine
            if "Timeout" not in type(exc).__name__:
                raise
            return False
        text = visitor.page.locator("ol.results").all_inner_texts()
        return all(name in " ".join(text) for name in names)

    return poll(ready, timeout=INDEX_TIMEOUT, interval=1.0, what=f"{names} searchable")


@pytest.mark.parametrize(("viewport", "lang"), CASES)
def test_map_view_shows_a_marker_per_result_and_the_card_a_small_map(
    live_server: LiveServer, browsers: Browsers, viewport: str, lang: str
) -> None:
    word = f"cartographer{lang}{viewport}"
    names = [f"Mapper {city} {lang}{viewport}" for city in ("Gent", "Namur", "Aachen")]
    for name, city in zip(names, ("Gent", "Namur", "Aachen"), strict=True):
        _card_at(
            live_server, f"{name.replace(' ', '.').lower()}@example.org", name, city, f"{word} in {city}"
        )
    visitor = _visitor(browsers, "maps", viewport, lang)
    _indexed(visitor, word, names)
    page = visitor.page
    page.locator(".view-switch a").nth(1).click()
    page.wait_for_load_state("load")
    visitor.record()
    assert "view=map" in page.url
    markers = page.locator("svg.map a.marker")
    results = [r.replace(" community", "").strip() for r in page.locator("li.result h3").all_inner_texts()]
    labels = markers.evaluate_all("ms => ms.map(m => m.getAttribute('aria-label'))")
    # A marker per result with a place (other tests' cards without one are only in the list).
    assert set(names) <= set(labels) and set(labels) <= set(results) and len(labels) == len(set(labels))
    # West to east: Gent, Namur, Aachen.
    xs = {
        m["label"]: m["x"]
        for m in markers.evaluate_all(
            "ms => ms.map(m => ({label: m.getAttribute('aria-label'),"
            " x: +m.querySelector('circle').getAttribute('cx')}))"
        )
    }
    assert xs[names[0]] < xs[names[1]] < xs[names[2]]
    _shot(visitor, "map-view")
    # A marker is a link to its card, which has a small map of its own.
    with page.expect_navigation():  # by keyboard: markers are links in the tab order
        page.locator(f"svg.map a.marker[aria-label='{names[0]}']").focus()
        page.keyboard.press("Enter")
    visitor.record()
    assert "/directory/members/" in visitor.path()
    assert page.locator("svg.map a.marker, svg.map g.marker").count() == 1
    _shot(visitor, "card-map")
    browsers.assert_clean()


def test_map_view_works_without_javascript(live_server: LiveServer, browsers: Browsers) -> None:
    _card_at(live_server, "plain.mapper@example.org", "Plain Mapper", "Liège", "nojsmapword")
    visitor = _visitor(browsers, "maps-nojs", "desktop", "en", js=False)
    _indexed(visitor, "nojsmapword", ["Plain Mapper"])
    visitor.goto("/directory?q=nojsmapword&view=map")
    # Its marker is there (weaker matches of other tests' cards may be on the map too).
    assert visitor.page.locator('svg.map a.marker[aria-label="Plain Mapper"]').count() == 1
    assert visitor.page.locator(".view-switch a[aria-current]").inner_text().strip() == "Map"
