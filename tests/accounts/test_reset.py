"""Password reset by mail: real SMTP, no account enumeration, single use, sessions end."""

from __future__ import annotations

from http.cookies import SimpleCookie

from tests.accounts.conftest import is_signed_in, mailed_links, signin
from tests.conftest import post_form
from tests.factories import mails, make_user
from webapp.accounts.service import verify_password
from webapp.core.mail import drain_mail

NEW = "nieuwe lange zin voor mij"


def _request(client, email):
    return post_form(client, "/reset", {"email": email}, token_from="/reset")


def test_reset_by_mail_over_smtp(app, client, db, user, smtp_server):
    app.config["MAIL_URL"] = smtp_server.url
    response = _request(client, "ANN@example.org")
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "If an account exists for that address" in page

    assert drain_mail(force=True) == (1, 0)
    [mail] = smtp_server.messages
    assert mail["envelope_to"] == [user.email]
    assert mail["msg"]["To"] == user.email
    [path] = mailed_links(mail["msg"].get_content())
    assert client.get(path).status_code == 200

    response = post_form(client, path, {"password": NEW}, token_from=path)
    assert response.status_code == 302 and response.headers["Location"] == "/signin"
    db.session.refresh(user)
    assert verify_password(user, NEW)
    assert signin(client, user.email, NEW).status_code == 302
    # The link works once: the password it was issued for is gone.
    assert client.get(path).status_code == 400


def test_reset_refuses_weak_passwords_and_keeps_the_old_one(client, db, user):
    _request(client, user.email)
    [path] = mailed_links(mails(user.email)[0].body_text)
    response = post_form(client, path, {"password": "qwerty123"}, token_from=path)
    assert response.status_code == 200
    assert "too common" in response.get_data(as_text=True)
    db.session.refresh(user)
    assert not verify_password(user, "qwerty123")


def test_reset_ends_other_sessions(app, db, user):
    elsewhere = app.test_client()
    signin(elsewhere, user.email, remember="y")
    client = app.test_client()
    _request(client, user.email)
    [path] = mailed_links(mails(user.email)[0].body_text)
    post_form(client, path, {"password": NEW}, token_from=path)
    assert not is_signed_in(elsewhere)


def test_reset_verifies_an_unverified_address(client, db):
    user = make_user("late@example.org", verified=False)
    _request(client, user.email)
    [path] = mailed_links(mails(user.email)[0].body_text)
    post_form(client, path, {"password": NEW}, token_from=path)
    db.session.refresh(user)
    assert user.is_verified


def test_reset_request_looks_the_same_for_unknown_addresses(app, user):
    known_client, unknown_client = app.test_client(), app.test_client()
    known = _request(known_client, user.email)
    unknown = _request(unknown_client, "nobody@example.org")
    assert known.status_code == unknown.status_code == 302
    assert known.headers["Location"] == unknown.headers["Location"]
    assert known.get_data() == unknown.get_data()
    cookie_names = [sorted(SimpleCookie(h).keys()) for h in known.headers.getlist("Set-Cookie")]
    assert cookie_names == [sorted(SimpleCookie(h).keys()) for h in unknown.headers.getlist("Set-Cookie")]
    assert mails("nobody@example.org") == []
    assert len(mails(user.email)) == 1


def test_reset_mails_per_address_are_capped_quietly(app, client, user):
    app.config["RATELIMIT_RESET"] = "2/3600"
    responses = [_request(client, user.email) for _ in range(4)]
    assert {r.status_code for r in responses} == {302}
    assert len(mails(user.email)) == 2


def test_reset_requests_per_ip_are_limited(app, client, clock, user):
    app.config["RATELIMIT_RESET_IP"] = "3/3600"
    responses = [_request(client, f"x{i}@example.org") for i in range(4)]
    assert [r.status_code for r in responses] == [302, 302, 302, 429]
    wait = int(responses[-1].headers["Retry-After"])
    assert 3600 < wait <= 2 * 3600  # the three fade out over the next hour (a sliding window)
    clock.advance(wait - 1)
    assert _request(client, "x8@example.org").status_code == 429
    clock.advance(1)
    assert _request(client, "x9@example.org").status_code == 302


def test_bad_reset_tokens(client):
    response = client.get("/reset/garbage")
    assert response.status_code == 400
    assert "This link does not work" in response.get_data(as_text=True)
    assert post_form(client, "/reset/garbage", {"password": NEW}).status_code == 400
