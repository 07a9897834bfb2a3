"""Settings: language, password change, e-mail change (verified by mail, canonical uniqueness)."""

from __future__ import annotations

from tests.accounts.conftest import is_signed_in, mailed_links, signin
from tests.conftest import post_form
from tests.factories import PASSWORD, mails, make_user
from webapp.accounts.service import verify_password

NEW = "een heel nieuw wachtwoord"


def test_settings_page(auth_client):
    html = auth_client.get("/account/settings").get_data(as_text=True)
    assert "Account settings" in html and "/account/password" in html and "/account/email" in html


def test_language_is_remembered_on_the_account(app, auth_client, db, user):
    response = post_form(auth_client, "/account/settings", {"locale": "nl"}, token_from="/account/settings")
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.locale == "nl"
    # A new browser with an English preference still gets Dutch once signed in.
    other = app.test_client()
    signin(other, user.email)
    html = other.get("/account", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="nl">' in html
    # "Same as my browser" clears the preference.
    post_form(auth_client, "/account/settings", {"locale": ""}, token_from="/account/settings")
    db.session.refresh(user)
    assert user.locale is None


def test_language_form_refuses_unknown_values_and_undeclared_fields(auth_client, db, user):
    response = post_form(
        auth_client, "/account/settings", {"locale": "xx", "role": "admin"}, token_from="/account/settings"
    )
    assert response.status_code == 400
    post_form(
        auth_client,
        "/account/settings",
        {
            "locale": "fr",
            "role": "admin",
            "user_id": "99",
            "email": "evil@example.org",
            "account_type": "client",
        },
        token_from="/account/settings",
    )
    db.session.refresh(user)
    assert (user.locale, user.role, user.email, user.account_type) == (
        "fr",
        "user",
        "ann@example.org",
        "member",
    )


def test_change_password_signs_out_other_devices_but_not_this_one(app, auth_client, db, user):
    elsewhere = app.test_client()
    signin(elsewhere, user.email, remember="y")
    response = post_form(
        auth_client,
        "/account/password",
        {"current_password": PASSWORD, "new_password": NEW},
        token_from="/account/settings",
    )
    assert response.status_code == 302
    db.session.refresh(user)
    assert verify_password(user, NEW)
    assert is_signed_in(auth_client)
    assert not is_signed_in(elsewhere)


def test_change_password_needs_the_current_one(auth_client, db, user):
    response = post_form(
        auth_client,
        "/account/password",
        {"current_password": "wrong one!", "new_password": NEW},
        token_from="/account/settings",
    )
    assert response.status_code == 400
    assert "This password is not correct." in response.get_data(as_text=True)
    db.session.refresh(user)
    assert verify_password(user, PASSWORD)


def test_change_password_refuses_common_passwords(auth_client, db, user):
    response = post_form(
        auth_client,
        "/account/password",
        {"current_password": PASSWORD, "new_password": "motdepasse1"},
        token_from="/account/settings",
    )
    assert response.status_code == 400
    assert "too common" in response.get_data(as_text=True)


def test_change_email_is_confirmed_by_mail(app, auth_client, db, user):
    page = auth_client.get("/account/email")
    assert page.status_code == 200  # fresh: just signed in
    response = post_form(
        auth_client, "/account/email", {"email": "ann.new@example.org"}, token_from="/account/email"
    )
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.email == "ann@example.org"  # nothing changes before confirmation
    [link_mail] = mails("ann.new@example.org")
    [notice] = mails("ann@example.org")
    assert "about to change" in notice.subject
    [path] = mailed_links(link_mail.body_text)
    assert "ann.new@example.org" in auth_client.get(path).get_data(as_text=True)
    response = post_form(auth_client, path, token_from=path)
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.email == "ann.new@example.org" and user.email_canonical == "ann.new@example.org"
    assert user.is_verified
    assert signin(app.test_client(), "ann.new@example.org").status_code == 302
    # A link works once.
    assert auth_client.get(path).status_code == 200  # token still well-formed…
    assert post_form(auth_client, path, token_from="/account").status_code == 400  # …but stale


def test_change_email_to_a_taken_address_reveals_nothing_and_changes_nothing(auth_client, db, user):
    make_user("bob@example.org")
    response = post_form(
        auth_client, "/account/email", {"email": "BOB+alias@example.org"}, token_from="/account/email"
    )
    assert response.status_code == 302  # same answer as for a free address
    [notice] = mails("bob@example.org")
    assert mailed_links(notice.body_text) == []  # the other owner gets a notice, no link
    assert mails("BOB+alias@example.org") == []
    db.session.refresh(user)
    assert user.email == "ann@example.org"


def test_email_taken_between_request_and_confirmation(auth_client, db, user):
    post_form(auth_client, "/account/email", {"email": "late@example.org"}, token_from="/account/email")
    [path] = mailed_links(mails("late@example.org")[0].body_text)
    make_user("Late@example.org")
    assert post_form(auth_client, path, token_from=path).status_code == 400
    db.session.refresh(user)
    assert user.email == "ann@example.org"


def test_change_email_needs_a_fresh_signin(auth_client, db, user):
    with auth_client.session_transaction() as sess:
        sess["fresh_at"] = 0
    response = auth_client.get("/account/email")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/reauth?next=/account/email")
    response = post_form(auth_client, "/account/email", {"email": "x@example.org"}, token_from="/account")
    assert response.status_code == 302 and response.headers["Location"].startswith("/reauth")
    assert mails("x@example.org") == []


def test_same_address_is_refused(auth_client):
    response = post_form(
        auth_client, "/account/email", {"email": "Ann+me@example.org"}, token_from="/account/email"
    )
    assert "This is already your address." in response.get_data(as_text=True)


def test_reauth_marks_the_session_fresh_and_follows_only_local_next(auth_client, user):
    with auth_client.session_transaction() as sess:
        sess["fresh_at"] = 0
    assert auth_client.get("/reauth?next=/account/export").status_code == 200
    wrong = post_form(
        auth_client, "/reauth", {"password": "nope nope", "next": "/account/export"}, token_from="/reauth"
    )
    assert "This password is not correct." in wrong.get_data(as_text=True)
    response = post_form(
        auth_client, "/reauth", {"password": PASSWORD, "next": "/account/export"}, token_from="/reauth"
    )
    assert response.headers["Location"] == "/account/export"
    assert auth_client.get("/account/export").status_code == 200
    with auth_client.session_transaction() as sess:
        sess["fresh_at"] = 0
    response = post_form(
        auth_client, "/reauth", {"password": PASSWORD, "next": "https://evil.example"}, token_from="/reauth"
    )
    assert response.headers["Location"] == "/account"


def test_reauth_is_throttled(app, auth_client, user):
    app.config["RATELIMIT_SIGNIN_ACCOUNT"] = "3/3600"
    statuses = [
        post_form(auth_client, "/reauth", {"password": "wrong wrong"}, token_from="/reauth").status_code
        for _ in range(3)
    ]
    # The sign-in itself counted once for this account.
    assert statuses == [200, 200, 429]
