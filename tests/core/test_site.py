"""The site frame: initials avatars, the home page's sections registry, the disclaimer once."""

from __future__ import annotations

import re

import pytest

from webapp.core.site import AVATAR_TONES, avatar, avatar_tone, initials


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Lieve Vandewalle", "LV"),
        ("anna", "A"),
        ("Hélène  de la Rousseau", "HR"),
        ("Studio 54 & Co", "SC"),
        ("Ölçer Şahin", "ÖŞ"),
        ("Maximiliane von Hohenzollern-Sigmaringen", "MH"),
        ("123 !!", "?"),
        ("", "?"),
    ],
)
def test_initials(name, expected):
    assert initials(name) == expected


def test_avatar_tone_is_the_same_on_every_run_and_ignores_case_and_spacing():
    # CRC32, not hash(): a literal value pins it (hash() is salted per process).
    assert avatar_tone("Lieve Vandewalle") == 3
    assert avatar_tone("  lieve   VANDEWALLE ") == avatar_tone("Lieve Vandewalle")
    tones = {avatar_tone(f"Member {n}") for n in range(200)}
    assert tones == set(range(AVATAR_TONES))


def test_avatar_is_classes_only_and_escaped():
    html = str(avatar("<b>x</b> Evil", size="lg", shape="square"))
    assert "style=" not in html and "<b>" not in html
    assert re.fullmatch(
        r'<span class="avatar avatar-lg avatar-square avatar-tone-\d" aria-hidden="true">[^<]*</span>', html
    ), html
    assert 'class="avatar avatar-md avatar-round' in str(avatar("A B", size="huge", shape="blob"))


def test_home_page_shows_only_what_the_modules_do(app, client):
    """Sections come from the registry: the directory's search, its "about" panels; nothing about
    modules that do not exist (lending, mentoring, meetups)."""
    html = client.get("/").get_data(as_text=True)
    assert "What you can do here" in html and "For members" in html and "For clients" in html
    text = re.sub(r"<[^>]+>", " ", html).lower()
    for promise in ("lend", "borrow", "mentoring", "meetup", "meet colleagues"):
        assert promise not in text, promise

    from jinja2 import ChoiceLoader, DictLoader

    from webapp.core.site import register_home_section

    # A module landing later: its panel joins the directory's under "What you can do here".
    app.jinja_env.loader = ChoiceLoader(
        [
            DictLoader({"board/_home.html": "<div class=panel><h3>{{ section.title }}</h3></div>"}),
            app.jinja_env.loader,
        ]
    )
    register_home_section(
        app, lambda viewer: {"template": "board/_home.html", "slot": "about", "title": "Board"}
    )
    register_home_section(app, lambda viewer: None)  # a module with nothing to say adds nothing
    again = client.get("/").get_data(as_text=True)
    about = again.split('id="about-title"', 1)[1].split("</section>", 1)[0]
    assert about.index("For clients") < about.index("<h3>Board</h3>")


def test_home_page_without_about_sections_has_no_empty_heading(app, client):
    app.extensions["kring_home_sections"] = [
        p for p in app.extensions["kring_home_sections"] if (p(None) or {}).get("slot") != "about"
    ]
    assert "What you can do here" not in client.get("/").get_data(as_text=True)


def test_disclaimer_once_on_pages_with_cards(app, client):
    from tests.factories import client_card, member_card

    member = member_card(visibility="public", display_name="Anna Peeters")
    organisation = client_card(visibility="public", name="Theater Oost")
    for path in (
        "/",
        "/directory",
        "/directory/clients",
        f"/directory/members/{member.id}",
        f"/directory/clients/{organisation.id}",
    ):
        html = client.get(path).get_data(as_text=True)
        assert html.count("not liable") == 1, (path, html.count("not liable"))
    assert "not liable" not in client.get("/signin").get_data(as_text=True)


def _heading_levels(html: str) -> list[int]:
    return [int(level) for level in re.findall(r"<h([1-6])[\s>]", html)]


def _outline_problems(levels: list[int]) -> list[str]:
    problems = [] if levels.count(1) == 1 and levels[0] == 1 else [f"h1s: {levels}"]
    problems += [f"h{a} then h{b}" for a, b in zip(levels, levels[1:], strict=False) if b > a + 1]
    return problems


def test_every_page_has_one_h1_and_skips_no_heading_level(app, client, user, other_user, staff):
    """The outline on every page a visitor, a member, a client or staff can open (the browser
    tests check the main ones as rendered; this walks the rest from the server's HTML)."""
    from tests.conftest import sign_in
    from tests.factories import client_card, member_card

    card = member_card(user, visibility="public", display_name="Ann Peeters")
    organisation = client_card(other_user, visibility="public", name="Theater Oost")
    anonymous = [
        "/",
        "/directory",
        "/directory?q=photographer",
        "/directory?page=99",
        "/directory/clients",
        f"/directory/members/{card.id}",
        f"/directory/clients/{organisation.id}",
        "/signin",
        "/signup",
        "/reset",
        "/no-such-page",
    ]
    member = [
        "/account",
        "/account/settings",
        "/account/email",
        "/account/export",
        "/account/delete",
        "/directory/card",
        f"/directory/members/{card.id}",
        f"/directory/cards/member/{card.id}/publish",
        f"/directory/contact/client/{organisation.id}",
        "/directory/messages",
    ]
    checked = []
    for who, paths in (("anonymous", anonymous), ("member", member), ("staff", ["/directory/staff/reports"])):
        browser = app.test_client()
        if who == "member":
            sign_in(browser, user)
        elif who == "staff":
            sign_in(browser, staff)
        for path in paths:
            response = browser.get(path)
            assert response.status_code in (200, 404), (who, path, response.status_code)
            levels = _heading_levels(response.get_data(as_text=True))
            assert not _outline_problems(levels), (who, path, levels)
            checked.append(path)
    assert len(checked) == len(anonymous) + len(member) + 1
