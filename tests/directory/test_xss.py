"""Script payloads in every text field render inert on every page that shows them."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from sqlalchemy import select

from tests.conftest import post_form, sign_in
from tests.factories import make_user, member_card

PAYLOADS = [
    "<script>alert('xss')</script>",
    '"><img src=x onerror=alert(1)>',
    "<svg onload=alert(1)>",
    "'><a href=javascript:alert(1) onclick=alert(2)>x</a>",
    "</textarea><script>alert(3)</script>",
    "{{ 7*7 }}<iframe src=javascript:alert(4)>",
]


class _Scanner(HTMLParser):
    """Collects what a browser would execute: script elements and on* handlers, javascript: URLs."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name.lower().startswith("on"):
                self.problems.append(f"<{tag} {name}=...>")
            if (
                name.lower() in ("href", "src", "action")
                and value
                and value.strip().lower().startswith("javascript:")
            ):
                self.problems.append(f"<{tag} {name}={value}>")
        if tag in ("script", "iframe", "svg", "object", "embed"):
            src = dict(attrs).get("src") or ""
            if not (tag == "script" and src.startswith("/static/")):
                self.problems.append(f"<{tag}>")

    handle_startendtag = handle_starttag


def assert_inert(html: str, where: str) -> None:
    scanner = _Scanner()
    scanner.feed(html)
    assert scanner.problems == [], (where, scanner.problems)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_member_card_fields_render_inert(app, client, payload):
    from webapp.directory import service
    from webapp.directory.models import MemberProfile
    from webapp.extensions import db

    owner = make_user()
    sign_in(client, owner)
    form = {
        "display_name": payload[:120],
        "function_text": payload[:120],
        "headline": payload[:160],
        "bio": payload + "\n\n" + payload,
        "skills": payload.replace(",", " ")[:40] + ", second",
        "card_language": "en",
        "accepts_contact": "y",
        "website": "https://example.org/?q=" + payload.replace(" ", "%20").replace('"', "%22")[:100],
    }
    response = post_form(client, "/directory/card", form, token_from="/directory/card")
    # The website may be refused (quotes/brackets); then save it without one.
    if response.status_code != 302:
        assert_inert(response.get_data(as_text=True), "edit form with errors")
        form["website"] = ""
        response = post_form(client, "/directory/card", form, token_from="/directory/card")
    assert response.status_code == 302, response.get_data(as_text=True)
    card = db.session.scalar(select(MemberProfile))
    service.set_visibility(card, "public", actor_id=owner.id)
    db.session.commit()

    pages = {
        "card (owner)": client.get(f"/directory/members/{card.id}"),
        "card (anonymous)": app.test_client().get(f"/directory/members/{card.id}"),
        "edit form": client.get("/directory/card"),
        "publish": client.get(f"/directory/cards/member/{card.id}/publish"),
        "dashboard": client.get("/account"),
    }
    for where, page in pages.items():
        assert page.status_code == 200, where
        assert_inert(page.get_data(as_text=True), where)
    html = pages["card (anonymous)"].get_data(as_text=True)
    assert "&lt;" in html  # the payload is shown, escaped


@pytest.mark.parametrize("payload", PAYLOADS)
def test_unknown_place_error_message_is_inert(app, client, payload):
    sign_in(client, make_user())
    form = {"display_name": "Ann", "card_language": "en", "place": payload[:120]}
    response = post_form(client, "/directory/card", form, token_from="/directory/card")
    assert response.status_code == 400
    assert_inert(response.get_data(as_text=True), "place error")


@pytest.mark.parametrize("payload", PAYLOADS)
def test_client_card_fields_render_inert(app, client, payload):
    from webapp.directory import service
    from webapp.directory.models import ClientProfile
    from webapp.extensions import db

    owner = make_user(account_type="client")
    sign_in(client, owner)
    form = {
        "name": payload[:160],
        "description": payload,
        "contact_person": payload[:120],
        "card_language": "fr",
        "accepts_contact": "y",
    }
    response = post_form(client, "/directory/organisation", form, token_from="/directory/organisation")
    assert response.status_code == 302
    card = db.session.scalar(select(ClientProfile))
    service.set_visibility(card, "public", actor_id=owner.id)
    db.session.commit()
    for url in (f"/directory/clients/{card.id}", "/directory/organisation", "/account"):
        page = client.get(url)
        assert page.status_code == 200
        assert_inert(page.get_data(as_text=True), url)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_relay_message_and_report_render_inert(app, client, staff, payload):
    from webapp.directory.models import ContactMessage
    from webapp.extensions import db

    recipient = make_user()
    card = member_card(recipient, visibility="public")
    sign_in(client, make_user())
    url = f"/directory/contact/member/{card.id}"
    response = post_form(
        client, url, {"subject": payload[:150], "body": payload + " and more text"}, token_from=url
    )
    assert response.status_code == 302
    message = db.session.scalar(select(ContactMessage))
    owner_client = sign_in(app.test_client(), recipient)
    report_url = f"/directory/messages/{message.id}/report"
    assert post_form(owner_client, report_url, {"reason": payload}, token_from=report_url).status_code == 302
    staff_client = sign_in(app.test_client(), staff)
    for where, page in {
        "inbox": owner_client.get("/directory/messages"),
        "report form": owner_client.get(report_url),
        "staff reports": staff_client.get("/directory/staff/reports"),
    }.items():
        assert page.status_code == 200, where
        assert_inert(page.get_data(as_text=True), where)
