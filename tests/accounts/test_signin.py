"""Sign-in, sign-out, sessions, throttling, enumeration, redirects."""

from __future__ import annotations

import re
from http.cookies import SimpleCookie

import pytest

from tests.accounts.conftest import is_signed_in, signin
from tests.conftest import csrf_token, post_form
from tests.factories import FOREIGN_NEXT, PASSWORD, make_user


def test_signin_page_renders_with_csrf(client):
    response = client.get("/signin")
    assert response.status_code == 200
    assert 'name="csrf_token"' in response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "no-store"


def test_signin_and_out(client, user, db):
    response = signin(client, user.email)
    assert response.status_code == 302
    assert response.headers["Location"] == "/account"
    assert is_signed_in(client)
    db.session.refresh(user)
    assert user.last_login_at is not None
    # Signed in, the sign-in page sends you on.
    assert client.get("/signin").status_code == 302
    response = post_form(client, "/signout", token_from="/account")
    assert response.status_code == 302
    assert not is_signed_in(client)


def test_signin_is_case_and_plus_insensitive_for_the_address(client, app):
    make_user("Ann.Peeters@Example.org")
    assert signin(client, "  ann.peeters+kring@EXAMPLE.org ").status_code == 302


def test_wrong_password_keeps_the_address_and_says_so(client, user):
    response = signin(client, user.email, "not the password")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "do not match an account" in html
    assert f'value="{user.email}"' in html
    assert "not the password" not in html  # passwords are never echoed
    assert not is_signed_in(client)


def test_unverified_user_signs_in_and_sees_the_banner(client, app):
    make_user("new@example.org", verified=False)
    assert signin(client, "new@example.org").status_code == 302
    html = client.get("/account").get_data(as_text=True)
    assert "Please confirm your e-mail address" in html
    assert "/account/verify/resend" in html


def _normalise(html: str, *emails: str) -> str:
    html = re.sub(r'name="csrf_token" value="[^"]+"', 'name="csrf_token" value="X"', html)
    for email in emails:
        html = html.replace(email, "EMAIL")
    return html


def _cookie_names(response) -> list[str]:
    names = []
    for header in response.headers.getlist("Set-Cookie"):
        names.extend(SimpleCookie(header).keys())
    return sorted(names)


def test_failed_signin_looks_the_same_for_known_and_unknown_addresses(app, user):
    known_client, unknown_client = app.test_client(), app.test_client()
    known = signin(known_client, user.email, "wrong password here")
    unknown = signin(unknown_client, "nobody@example.org", "wrong password here")
    assert known.status_code == unknown.status_code == 200
    assert _normalise(known.get_data(as_text=True), user.email) == _normalise(
        unknown.get_data(as_text=True), "nobody@example.org"
    )
    assert _cookie_names(known) == _cookie_names(unknown)


def test_session_cookie_flags(client, user):
    response = signin(client, user.email, remember="y")
    cookies = {}
    for header in response.headers.getlist("Set-Cookie"):
        cookies[header.split("=", 1)[0]] = header
    assert "session" in cookies and "remember_token" in cookies
    for header in cookies.values():
        assert "HttpOnly" in header
        assert "SameSite=Lax" in header
        assert "Secure" not in header  # plain HTTP in development


def test_cookies_are_secure_when_configured(app_config, tmp_path):
    from webapp import create_app
    from webapp.extensions import db

    secure_app = create_app(
        {
            **app_config,
            "DATA_DIR": str(tmp_path / "secure"),
            "SESSION_COOKIE_SECURE": True,
            "REMEMBER_COOKIE_SECURE": True,
        }
    )
    with secure_app.app_context():
        make_user("sec@example.org")
        client = secure_app.test_client()
        response = post_form(
            client,
            "/signin",
            {"email": "sec@example.org", "password": PASSWORD, "remember": "y"},
            token_from="/signin",
        )
        assert response.status_code == 302
        headers = response.headers.getlist("Set-Cookie")
        assert len(headers) >= 2
        assert all("Secure" in h and "HttpOnly" in h and "SameSite=Lax" in h for h in headers)
        db.session.remove()
        db.engine.dispose()


def test_session_is_renewed_at_signin(app, client, user):
    client.get("/signin")
    before = client.get_cookie("session").value
    signin(client, user.email)
    after = client.get_cookie("session").value
    assert before != after
    # Someone holding the pre-sign-in cookie is not signed in.
    stolen = app.test_client()
    stolen.set_cookie("session", before)
    assert stolen.get("/account").status_code == 302


def test_signout_ends_every_session_and_remember_cookie(app, user):
    first, second = app.test_client(), app.test_client()
    signin(first, user.email)
    signin(second, user.email, remember="y")
    assert is_signed_in(second)
    post_form(first, "/signout", token_from="/account")
    assert not is_signed_in(second)
    # The remember-me cookie alone does not bring the session back either.
    second.delete_cookie("session")
    assert not is_signed_in(second)


def test_remember_me_survives_a_lost_session_cookie(app, user):
    client = app.test_client()
    signin(client, user.email, remember="y")
    client.delete_cookie("session")
    assert is_signed_in(client)


def test_signout_is_post_only(client):
    assert client.get("/signout").status_code == 405


@pytest.mark.parametrize("target", FOREIGN_NEXT)
def test_next_only_accepts_local_paths(client, user, target):
    response = signin(client, user.email, next=target)
    assert response.status_code == 302
    assert response.headers["Location"] == "/account"


def test_next_local_path_is_followed(client, user):
    response = signin(client, user.email, next="/account/settings?tab=1")
    assert response.headers["Location"] == "/account/settings?tab=1"


def test_login_required_pages_send_anonymous_visitors_to_signin_with_next(client):
    response = client.get("/account/settings")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/signin?next=")
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'name="next" type="hidden" value="/account/settings"' in html


# ------------------------------------------------------------ throttling


WRONG = "wrong password here"


def _burst(client, email: str, count: int, password: str = WRONG):
    token = csrf_token(client, "/signin")
    return [
        client.post("/signin", data={"csrf_token": token, "email": email, "password": password})
        for _ in range(count)
    ]


def test_eleventh_signin_in_a_minute_gets_429_while_another_account_signs_in(app, clock, user, other_user):
    attacker = app.test_client()
    attacker.environ_base["REMOTE_ADDR"] = "203.0.113.7"
    responses = _burst(attacker, user.email, 11)
    assert [r.status_code for r in responses[:10]] == [200] * 10
    blocked = responses[10]
    assert blocked.status_code == 429
    wait = int(blocked.headers["Retry-After"])
    assert 60 < wait <= 120  # the minute's ten attempts fade out over the next minute
    html = blocked.get_data(as_text=True)
    assert "Too many sign-in attempts" in html
    assert f'value="{user.email}"' in html  # what was typed is kept
    # Even the right password is refused from that address now…
    assert _burst(attacker, user.email, 1, PASSWORD)[0].status_code == 429
    # …while another account, from elsewhere, still signs in.
    bystander = app.test_client()
    bystander.environ_base["REMOTE_ADDR"] = "198.51.100.20"
    assert signin(bystander, other_user.email).status_code == 302
    # A second before the promised time the address is still held off; then it may try again.
    clock.advance(wait - 1)
    assert _burst(attacker, user.email, 1, PASSWORD)[0].status_code == 429
    clock.advance(1)
    assert signin(attacker, user.email).status_code == 302


def test_account_limit_holds_across_addresses(app, clock, user, other_user):
    """25 tries per hour per account, whatever IP they come from; other accounts unaffected."""
    app.config["RATELIMIT_SIGNIN_ACCOUNT"] = "25/3600"
    statuses = []
    for i in range(26):
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = f"192.0.2.{i + 1}"
        statuses.append(_burst(client, user.email.upper(), 1)[0].status_code)
    assert statuses[:25] == [200] * 25
    assert statuses[25] == 429
    # The owner, from a fresh address, is also held off (the account is what is protected)…
    fresh = app.test_client()
    fresh.environ_base["REMOTE_ADDR"] = "192.0.2.200"
    assert signin(fresh, user.email).status_code == 429
    # …and another account is not.
    assert signin(fresh, other_user.email).status_code == 302
    # The tries fade out over the next hour: a minute is not enough, the promised time is.
    owner = app.test_client()
    owner.environ_base["REMOTE_ADDR"] = "192.0.2.201"
    refused = signin(owner, user.email)
    wait = int(refused.headers["Retry-After"])
    assert refused.status_code == 429 and 3600 < wait <= 2 * 3600
    clock.advance(60)
    assert signin(owner, user.email).status_code == 429
    clock.advance(wait - 60)
    assert signin(owner, user.email).status_code == 302


def test_limit_holds_across_two_worker_processes(app_config, clock, user):
    """Two app instances on one DATA_DIR stand for two workers: 11 tries spread over both → 429;
    when the minute turns, it turns for both."""
    from webapp import create_app
    from webapp.extensions import db

    first_app = create_app(app_config)
    second_app = create_app(app_config)
    a, b = first_app.test_client(), second_app.test_client()
    a.environ_base["REMOTE_ADDR"] = b.environ_base["REMOTE_ADDR"] = "203.0.113.99"
    statuses = [r.status_code for r in _burst(a, user.email, 5)]
    statuses += [r.status_code for r in _burst(b, user.email, 5)]
    statuses += [r.status_code for r in _burst(a, user.email, 1)]
    assert statuses == [200] * 10 + [429]
    refused = _burst(b, user.email, 1)[0]
    assert refused.status_code == 429
    # Two windows later the old tries no longer count, for both workers alike.
    clock.advance(120)
    assert [r.status_code for r in _burst(b, user.email, 10)] == [200] * 10
    assert _burst(a, user.email, 1)[0].status_code == 429
    for extra in (first_app, second_app):
        with extra.app_context():
            db.session.remove()
            db.engine.dispose()


def test_throttled_response_is_the_same_for_unknown_addresses(app, user):
    known, unknown = app.test_client(), app.test_client()
    known.environ_base["REMOTE_ADDR"] = "203.0.113.1"
    unknown.environ_base["REMOTE_ADDR"] = "203.0.113.2"
    k = _burst(known, user.email, 11)[-1]
    u = _burst(unknown, "nobody@example.org", 11)[-1]
    assert k.status_code == u.status_code == 429
    assert _normalise(k.get_data(as_text=True), user.email) == _normalise(
        u.get_data(as_text=True), "nobody@example.org"
    )
