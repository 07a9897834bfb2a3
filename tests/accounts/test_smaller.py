"""Issue 9.9 on the account pages: the verify page puts "Confirm my address" first, the account
deletion is checked by the server before anything happens, a language chosen just before signing in
wins (and is saved), the export also comes as a ZIP with the photo and received message bodies."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta

import pytest

from tests.accounts.conftest import is_signed_in, mailed_links, signin
from tests.conftest import post_form, sign_in
from tests.factories import PASSWORD, fresh, image_bytes, mails, make_user, member_card
from webapp.core.models import utcnow

pytestmark = pytest.mark.db


def _verify_link(user) -> str:
    from webapp.accounts.service import send_verification
    from webapp.extensions import db

    send_verification(user)
    db.session.commit()
    return [link for m in mails(user.email) for link in mailed_links(m.body_text) if "/verify/" in link][-1]


def test_the_verify_page_puts_confirm_first_and_no_resend_above_it(app, client):
    user = make_user("unconfirmed@example.org", verified=False)
    link = _verify_link(user)
    sign_in(client, user)
    html = client.get(link).get_data(as_text=True)
    main = html.split('<main id="main"', 1)[1]
    assert "Confirm my address" in main
    assert "Send the confirmation mail again" not in main.split("Confirm my address", 1)[0]
    # Elsewhere the banner with the resend button still shows.
    assert "Send the confirmation mail again" in client.get("/account").get_data(as_text=True)


def test_a_dead_verify_link_offers_the_resend_below_the_explanation(app, client):
    user = make_user("late@example.org", verified=False)
    sign_in(client, user)
    response = client.get("/verify/expired-or-broken")
    main = response.get_data(as_text=True).split('<main id="main"', 1)[1]
    assert response.status_code == 400
    explanation = main.index("This link does not work")
    assert main.index("Send the confirmation mail again") > explanation
    assert main.count("Send the confirmation mail again") == 1


def test_account_deletion_is_checked_by_the_server_before_anything_happens(app, auth_client, user):
    from webapp.accounts.models import User
    from webapp.extensions import db

    user_id = user.id
    page = auth_client.get("/account/delete").get_data(as_text=True)
    assert "data-confirm" not in page  # no browser dialog that fires before the form is checked
    wrong = post_form(
        auth_client,
        "/account/delete",
        {"password": "not my password", "confirm": "y"},
        token_from="/account/delete",
    )
    assert wrong.status_code == 200 and "This password is not correct." in wrong.get_data(as_text=True)
    unticked = post_form(auth_client, "/account/delete", {"password": PASSWORD}, token_from="/account/delete")
    assert "Please tick the box to confirm." in unticked.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, user_id) is not None and is_signed_in(auth_client)
    done = post_form(
        auth_client, "/account/delete", {"password": PASSWORD, "confirm": "y"}, token_from="/account/delete"
    )
    assert done.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, user_id) is None


def test_a_language_chosen_before_signing_in_wins_and_is_saved(app, client, db):
    user = make_user("lang@example.org", locale="nl")
    post_form(client, "/language", {"lang": "fr", "next": "/signin"}, token_from="/signin")
    assert signin(client, user.email).status_code == 302
    assert 'lang="fr"' in client.get("/account").get_data(as_text=True)
    assert fresh(user).locale == "fr"
    # Signed out and in again without touching the switcher: the (now saved) account language holds.
    post_form(client, "/signout", token_from="/account")
    other = app.test_client()
    assert signin(other, user.email).status_code == 302
    assert 'lang="fr"' in other.get("/account").get_data(as_text=True)


def test_without_a_choice_the_account_language_wins_over_the_browser(app, client):
    user = make_user("kept@example.org", locale="de")
    client.get("/signin", headers={"Accept-Language": "nl"})
    signin(client, user.email)
    assert 'lang="de"' in client.get("/account", headers={"Accept-Language": "nl"}).get_data(as_text=True)
    assert fresh(user).locale == "de"


def test_another_account_on_the_same_browser_is_not_given_the_previous_choice(app, client):
    first = make_user("first@example.org", locale="nl")
    second = make_user("second@example.org", locale="de")
    post_form(client, "/language", {"lang": "fr", "next": "/"}, token_from="/signin")
    signin(client, first.email)
    post_form(client, "/signout", token_from="/account")
    signin(client, second.email)
    assert fresh(second).locale == "de"


def _photo_card(user):
    from webapp.directory import photos, service
    from webapp.extensions import db

    card = member_card(user, visibility="public", display_name="Ann With Photo")
    name = photos.store_photo(io.BytesIO(image_bytes("PNG", (120, 90))))
    service.set_photo(card, name)
    db.session.commit()
    return photos.photo_path(name)


def test_the_zip_export_holds_the_json_the_photo_and_received_message_bodies(app, auth_client, user):
    from webapp.directory import relay
    from webapp.extensions import db

    photo = _photo_card(user)
    sender = make_user("writer@example.org")
    relay.send_message(sender, _card_of(user), "Sound in May", "Could you do the sound for our festival?")
    db.session.commit()
    response = post_form(auth_client, "/account/export", {"submit_zip": "1"}, token_from="/account/export")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert response.headers["Content-Disposition"].endswith('.zip"')
    archive = zipfile.ZipFile(io.BytesIO(response.get_data()))
    assert sorted(archive.namelist()) == ["directory/photo.webp", "kring-export.json"]
    assert archive.read("directory/photo.webp") == photo.read_bytes()
    data = json.loads(archive.read("kring-export.json"))
    assert data["account"]["email"] == user.email
    assert data["directory"]["member_card"]["photo_filename"] == photo.name
    [received] = data["directory"]["messages_received"]
    assert received["body"] == "Could you do the sound for our festival?"
    # The JSON export is still there, with the same content.
    plain = post_form(auth_client, "/account/export", token_from="/account/export")
    assert plain.mimetype == "application/json"
    assert json.loads(plain.get_data())["directory"] == data["directory"]


def _card_of(user):
    from webapp.directory import service

    return service.own_card(user)


def test_the_zip_export_without_a_photo_has_only_the_json(app, auth_client, user):
    response = post_form(auth_client, "/account/export", {"submit_zip": "1"}, token_from="/account/export")
    assert zipfile.ZipFile(io.BytesIO(response.get_data())).namelist() == ["kring-export.json"]


def test_the_zip_export_needs_a_fresh_signin_and_is_only_the_users_own(app, client, user):
    other_user = make_user("other.member@example.org")
    other_photo = _photo_card(other_user)
    sign_in(client, user)
    with client.session_transaction() as sess:
        sess["fresh_at"] = (utcnow() - timedelta(hours=2)).timestamp()
    stale = post_form(client, "/account/export", {"submit_zip": "1"}, token_from="/account")
    assert stale.status_code == 302 and stale.headers["Location"].startswith("/reauth")
    sign_in(client, user)
    archive = zipfile.ZipFile(
        io.BytesIO(
            post_form(client, "/account/export", {"submit_zip": "1"}, token_from="/account/export").get_data()
        )
    )
    assert other_photo.read_bytes() not in [archive.read(n) for n in archive.namelist()]
    assert other_user.email not in archive.read("kring-export.json").decode()
