"""Every write route tried as another user answers 404 and changes nothing; CSRF and methods."""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import func, select

from tests.conftest import csrf_token, post_form, sign_in
from tests.factories import client_card, image_bytes, make_user, member_card, place


def _snapshot() -> dict:
    """Everything the directory's write routes could change, as plain values."""
    from webapp.core.models import AuditEvent, MailMessage, SearchOutboxEntry
    from webapp.directory.models import (
        AbuseReport,
        ClientProfile,
        ContactBlock,
        ContactMessage,
        MemberProfile,
    )
    from webapp.extensions import db

    db.session.expire_all()

    def rows(model, *cols):
        return sorted(tuple(getattr(r, c) for c in cols) for r in db.session.scalars(select(model)))

    return {
        "members": rows(
            MemberProfile,
            "id",
            "user_id",
            "visibility",
            "version",
            "display_name",
            "headline",
            "photo_filename",
            "published_at",
        ),
        "clients": rows(ClientProfile, "id", "user_id", "visibility", "version", "name"),
        "messages": rows(ContactMessage, "id", "sender_id", "subject"),
        "blocks": rows(ContactBlock, "id", "user_id", "blocked_user_id"),
        "reports": rows(AbuseReport, "id", "status", "handled_by_id"),
        "outbox": db.session.scalar(select(func.count()).select_from(SearchOutboxEntry)),
        "mail": db.session.scalar(select(func.count()).select_from(MailMessage)),
        "audit": sorted(e.action for e in db.session.scalars(select(AuditEvent))),
    }


@pytest.fixture
def world(app):
    """An owner's member card (with photo) and client card, a message to the owner, a block, a report."""
    from webapp.directory import photos, relay, service
    from webapp.directory.models import ContactMessage
    from webapp.extensions import db

    owner = make_user("owner@private.example")
    card = member_card(owner, visibility="public", display_name="Owner Card", headline="Original")
    service.set_photo(card, photos.store_photo(io.BytesIO(image_bytes())))
    org_owner = make_user(account_type="client")
    org = client_card(org_owner, visibility="public", name="Owner Org")
    draft = member_card(visibility="draft", display_name="Someone's draft")
    sender = make_user()
    sender_client = sign_in(app.test_client(), sender)
    url = f"/directory/contact/member/{card.id}"
    assert (
        post_form(
            sender_client, url, {"subject": "Hi", "body": "Hello there, owner."}, token_from=url
        ).status_code
        == 302
    )
    message = db.session.scalar(select(ContactMessage))
    block = relay.block_sender(owner, message)
    report = relay.report_message(message, reporter_id=owner.id, reason="Spam")
    db.session.commit()
    return {
        "owner": owner,
        "card": card,
        "org_owner": org_owner,
        "org": org,
        "draft": draft,
        "message": message,
        "block": block,
        "report": report,
    }


def _write_routes(w) -> list[tuple[str, dict]]:
    c, o, d = w["card"].id, w["org"].id, w["draft"].id
    edit = {"display_name": "Hacked", "headline": "Hacked", "card_language": "en", "name": "Hacked"}
    return [
        (f"/directory/members/{c}/edit", edit),
        (f"/directory/members/{d}/edit", edit),
        (f"/directory/clients/{o}/edit", edit),
        (f"/directory/members/{c}/photo/delete", {}),
        (f"/directory/cards/member/{c}/publish", {"visibility": "community"}),
        (f"/directory/cards/member/{d}/publish", {"visibility": "public"}),
        (f"/directory/cards/client/{o}/publish", {"visibility": "community"}),
        (f"/directory/cards/member/{c}/unpublish", {}),
        (f"/directory/cards/client/{o}/unpublish", {}),
        (f"/directory/cards/member/{c}/delete", {}),
        (f"/directory/cards/member/{d}/delete", {}),
        (f"/directory/cards/client/{o}/delete", {}),
        (f"/directory/messages/{w['message'].id}/block", {}),
        (f"/directory/messages/{w['message'].id}/report", {"reason": "Fake report"}),
        (f"/directory/blocks/{w['block'].id}/delete", {}),
        (f"/directory/staff/reports/{w['report'].id}/handle", {}),
    ]


@pytest.mark.parametrize("intruder", ["member", "client", "staff-for-cards"])
def test_every_write_route_as_another_user_is_404_and_changes_nothing(app, world, intruder):
    account_type = "client" if intruder == "client" else "member"
    role = "staff" if intruder.startswith("staff") else "user"
    client = sign_in(app.test_client(), make_user(account_type=account_type, role=role))
    before = _snapshot()
    for url, data in _write_routes(world):
        if role == "staff" and "/staff/" in url:
            continue  # staff may handle reports: that is their job (tested in test_relay)
        response = post_form(client, url, data)
        assert response.status_code == 404, (url, response.status_code)
        if url.endswith("/edit") or url.endswith("/publish") or url.endswith("/report"):
            assert client.get(url).status_code == 404, url
    assert _snapshot() == before


def test_the_owner_may_do_what_others_may_not(app, world):
    """The same routes work for the owner: the 404s above are about ownership, not broken routes."""
    client = sign_in(app.test_client(), world["owner"])
    card = world["card"].id
    url = f"/directory/cards/member/{card}/publish"
    assert post_form(client, url, {"visibility": "community"}, token_from=url).status_code == 302
    assert post_form(client, f"/directory/members/{card}/photo/delete").status_code == 302
    assert post_form(client, f"/directory/messages/{world['message'].id}/block").status_code == 302
    assert post_form(client, f"/directory/blocks/{world['block'].id}/delete").status_code == 302


def test_anonymous_writes_go_to_sign_in_or_404_and_change_nothing(app, world):
    client = app.test_client()
    before = _snapshot()
    for url, data in _write_routes(world):
        response = post_form(client, url, data)
        assert response.status_code in (302, 404), url
        if response.status_code == 302:
            assert "/signin" in response.headers["Location"], url
    assert _snapshot() == before


def test_posts_without_csrf_token_are_refused(app, world):
    client = sign_in(app.test_client(), world["owner"])
    other = sign_in(app.test_client(), make_user())  # made before the snapshot: accounts are audited
    before = _snapshot()
    for url, data in _write_routes(world) + [
        ("/directory/card", {"display_name": "No token", "card_language": "en"}),
        (f"/directory/contact/member/{world['draft'].id}", {"subject": "x", "body": "long enough body"}),
    ]:
        response = client.post(url, data=data)
        assert response.status_code == 400, (url, response.status_code)
    assert _snapshot() == before
    # A token from another session does not pass either.
    foreign = csrf_token(other, "/")
    response = client.post(
        f"/directory/cards/member/{world['card'].id}/unpublish", data={"csrf_token": foreign}
    )
    assert response.status_code == 400
    assert _snapshot() == before


@pytest.mark.parametrize(
    "path",
    [
        "/directory/members/{c}/photo/delete",
        "/directory/cards/member/{c}/unpublish",
        "/directory/cards/member/{c}/delete",
        "/directory/messages/{m}/block",
        "/directory/blocks/{b}/delete",
        "/directory/staff/reports/{r}/handle",
    ],
)
def test_get_on_a_mutating_url_is_405(app, world, path):
    client = sign_in(app.test_client(), world["owner"])
    url = path.format(c=world["card"].id, m=world["message"].id, b=world["block"].id, r=world["report"].id)
    assert client.get(url).status_code == 405


def test_read_routes_do_not_leak_to_the_wrong_people(app, world):
    other = sign_in(app.test_client(), make_user())
    assert other.get("/directory/staff/reports").status_code == 404
    assert other.get(f"/directory/members/{world['draft'].id}").status_code == 404
    assert other.get(f"/directory/messages/{world['message'].id}/report").status_code == 404
    inbox = other.get("/directory/messages").get_data(as_text=True)
    assert "Hello there, owner." not in inbox


# ------------------------------------------------------------------- issue 9.9: community-only cards


def place_values(found):
    from webapp.core.places import place_values as values

    return values(found)


def _without_token(html: str, card_id: int) -> str:
    html = re.sub(r'name="csrf_token" value="[^"]+"', "", html)
    return html.replace(f"/directory/members/{card_id}", "/directory/members/ID")


def test_a_community_card_asks_a_signed_out_visitor_to_sign_in_and_names_nothing(app, client):
    from tests.accounts.conftest import signin

    owner = make_user("community.owner@example.org")
    card = member_card(
        owner,
        visibility="community",
        display_name="Griet Gemeenschap",
        headline="Lichttechnica voor theater",
        **place_values(place("Gent")),
    )
    response = client.get(f"/directory/members/{card.id}")
    html = response.get_data(as_text=True)
    assert response.status_code == 404 and response.headers["Cache-Control"] == "no-store"
    assert "Sign in to see this card" in html
    assert f'href="/signin?next=/directory/members/{card.id}"' in html
    for secret in ("Griet", "Gemeenschap", "Lichttechnica", "Gent", "Ghent", "community.owner"):
        assert secret not in html, secret
    # A draft and an id nobody has answer the very same page: it reveals no card's existence.
    draft = member_card(make_user(), display_name="Dirk Draft")
    for other in (draft.id, card.id + 1000):
        same = client.get(f"/directory/members/{other}")
        assert same.status_code == 404
        assert _without_token(same.get_data(as_text=True), other) == _without_token(html, card.id)
    # Signing in through that link lands on the card.
    viewer = make_user("viewer@example.org")
    signed_in = signin(client, viewer.email, next=f"/directory/members/{card.id}")
    assert signed_in.headers["Location"] == f"/directory/members/{card.id}"
    assert "Griet Gemeenschap" in client.get(f"/directory/members/{card.id}").get_data(as_text=True)
    # A draft stays a plain 404 for other signed-in people.
    assert client.get(f"/directory/members/{draft.id}").status_code == 404
    assert "Dirk Draft" not in client.get(f"/directory/members/{draft.id}").get_data(as_text=True)


def test_a_community_client_card_asks_to_sign_in_too(app, client):
    card = client_card(visibility="community", name="Verborgen Organisatie")
    response = client.get(f"/directory/clients/{card.id}")
    html = response.get_data(as_text=True)
    assert response.status_code == 404 and "Sign in to see this card" in html
    assert "Verborgen" not in html
