"""Sign-up, e-mail verification (through a real SMTP server), mass assignment, the per-IP cap."""

from __future__ import annotations

import re
from http.cookies import SimpleCookie

from sqlalchemy import select

from tests.accounts.conftest import is_signed_in, mailed_links, signin
from tests.conftest import post_form
from tests.factories import mails, make_user
from webapp.accounts.models import User
from webapp.core.mail import drain_mail
from webapp.core.models import AuditEvent

GOOD = "zonnebloem tram velo"


def _signup(client, email="zoe@example.org", password=GOOD, **extra):
    data = {
        "email": email,
        "password": password,
        "account_type": "member",
        "locale": "nl",
        "accept_terms": "y",
    }
    data.update(extra)
    return post_form(client, "/signup", data, token_from="/signup")


def _user(db, email):
    from webapp.accounts.service import canonical_email

    return db.session.scalar(select(User).where(User.email_canonical == canonical_email(email)))


def test_signup_page(client):
    html = client.get("/signup?type=client").get_data(as_text=True)
    assert 'value="client" checked' in html or 'checked id="account_type-1"' in html
    assert 'name="csrf_token"' in html


def test_signup_creates_an_unverified_account_and_mails_a_link_over_smtp(app, client, db, smtp_server):
    app.config["MAIL_URL"] = smtp_server.url
    response = _signup(client, "Zoe.Maes+kring@Example.org", account_type="client")
    assert response.status_code == 302
    assert response.headers["Location"] == "/signup/sent"
    assert "Check your mailbox" in client.get("/signup/sent").get_data(as_text=True)

    user = _user(db, "zoe.maes@example.org")
    assert user is not None and not user.is_verified
    assert user.account_type == "client" and user.role == "user" and user.locale == "nl"
    assert user.email == "Zoe.Maes+kring@example.org"
    assert user.email_canonical == "zoe.maes@example.org"
    assert user.password_hash.startswith("$argon2id$")
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "account.signup"))

    assert drain_mail(force=True) == (1, 0)
    [mail] = smtp_server.messages
    assert mail["envelope_to"] == ["Zoe.Maes+kring@example.org"]
    [path] = mailed_links(mail["msg"].get_content())
    assert path.startswith("/verify/")

    # Opening the link shows a button (link scanners change nothing)…
    page = client.get(path)
    assert page.status_code == 200
    db.session.refresh(user)
    assert not user.is_verified
    # …and the button verifies.
    response = post_form(client, path, token_from=path)
    assert response.status_code == 200
    assert "Your address is confirmed" in response.get_data(as_text=True)
    db.session.refresh(user)
    assert user.is_verified


def test_signup_does_not_sign_in_but_the_account_can(client, db):
    _signup(client)
    assert not is_signed_in(client)
    assert signin(client, "zoe@example.org", GOOD).status_code == 302


def test_verification_link_is_bound_to_the_address(app, client, db):
    _signup(client)
    user = _user(db, "zoe@example.org")
    [path] = mailed_links(mails("zoe@example.org")[0].body_text)
    user.email, user.email_canonical = "other@example.org", "other@example.org"
    db.session.commit()
    response = post_form(client, path, token_from="/signup")
    assert response.status_code == 400
    db.session.refresh(user)
    assert not user.is_verified


def test_forged_or_expired_verification_links_fail(app, client, db):
    assert client.get("/verify/not-a-token").status_code == 400
    _signup(client)
    [path] = mailed_links(mails("zoe@example.org")[0].body_text)
    app.config["SECRET_KEY"] = "rotated"  # any other key: the signature no longer holds
    assert client.get(path).status_code == 400


def test_signup_validation_keeps_what_was_typed(client, db):
    response = _signup(client, "zoe@example.org", "short")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Use at least 8 characters." in html
    assert 'value="zoe@example.org"' in html
    assert 'value="short"' not in html
    assert _user(db, "zoe@example.org") is None

    html = _signup(client, "zoe@example.org", "password123").get_data(as_text=True)
    assert "too common" in html
    html = _signup(client, "not an address", GOOD).get_data(as_text=True)
    assert "does not look like an e-mail address" in html
    assert 'value="not an address"' in html


def test_signup_ignores_undeclared_fields(client, db):
    _signup(
        client,
        role="admin",
        email_verified_at="2020-01-01",
        user_id="1",
        id="1",
        session_token="x",
        account_type="client",
    )
    user = _user(db, "zoe@example.org")
    assert user.role == "user"
    assert not user.is_verified
    assert user.account_type == "client"
    assert user.session_token != "x"


def test_signup_refuses_unknown_account_types(client, db):
    response = _signup(client, account_type="admin")
    assert response.status_code == 200
    assert _user(db, "zoe@example.org") is None


def test_signup_of_an_existing_address_looks_the_same(app, db):
    make_user("known@example.org")
    known_client, new_client = app.test_client(), app.test_client()
    known = _signup(known_client, "KNOWN+x@example.org")
    new = _signup(new_client, "fresh@example.org")
    assert known.status_code == new.status_code == 302
    assert known.headers["Location"] == new.headers["Location"]
    assert known.get_data() == new.get_data()
    names = [sorted(SimpleCookie(h).keys()) for h in known.headers.getlist("Set-Cookie")]
    assert names == [sorted(SimpleCookie(h).keys()) for h in new.headers.getlist("Set-Cookie")]
    # No second account; the owner is told someone tried.
    assert db.session.scalar(select(User).where(User.email_canonical == "known@example.org")) is not None
    assert len(list(db.session.scalars(select(User)))) == 2
    [notice] = mails("known@example.org")
    assert "already have an account" in notice.body_text


def test_signup_is_capped_per_ip_per_day(app, db, clock):
    app.config["RATELIMIT_SIGNUP_IP"] = "3/86400"
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = "203.0.113.50"
    statuses = [_signup(client, f"bulk{i}@example.org").status_code for i in range(4)]
    assert statuses == [302, 302, 302, 429]
    assert _user(db, "bulk3@example.org") is None
    last = _signup(client, "bulk9@example.org")
    wait = int(last.headers["Retry-After"])
    assert last.status_code == 429 and 86400 < wait <= 2 * 86400  # the day's sign-ups fade over the next
    assert "Too many accounts were created from your network" in last.get_data(as_text=True)
    other = app.test_client()
    other.environ_base["REMOTE_ADDR"] = "198.51.100.50"
    assert _signup(other, "elsewhere@example.org").status_code == 302
    clock.advance(wait - 1)
    assert _signup(client, "bulk9@example.org").status_code == 429
    clock.advance(1)  # the promised time: the network may sign up again
    assert _signup(client, "bulk9@example.org").status_code == 302
    assert _user(db, "bulk9@example.org") is not None


def test_resend_verification(app, client, db):
    make_user("late@example.org", verified=False)
    signin(client, "late@example.org")
    response = post_form(client, "/account/verify/resend", token_from="/account")
    assert response.status_code == 302
    [mail] = mails("late@example.org")
    assert mailed_links(mail.body_text)[0].startswith("/verify/")
    assert client.get("/account/verify/resend").status_code == 405


def test_resend_is_limited_and_pointless_when_verified(app, client, db):
    app.config["RATELIMIT_RESET"] = "2/3600"
    make_user("late@example.org", verified=False)
    signin(client, "late@example.org")
    for _ in range(4):
        post_form(client, "/account/verify/resend", token_from="/account")
    assert len(mails("late@example.org")) == 2
    html = client.get("/account").get_data(as_text=True)
    assert "We sent several mails already" in html


def test_already_verified_user_gets_no_new_mail(client, user):
    signin(client, user.email)
    post_form(client, "/account/verify/resend", token_from="/account")
    assert mails(user.email) == []
    assert "already confirmed" in client.get("/account").get_data(as_text=True)


def test_signed_in_user_is_sent_from_signup_to_the_dashboard(auth_client):
    assert auth_client.get("/signup").headers["Location"] == "/account"


def test_signup_language_defaults_to_the_browser(client):
    html = client.get("/signup", headers={"Accept-Language": "de-BE,de;q=0.9"}).get_data(as_text=True)
    assert re.search(r'<option selected value="de">', html)


def test_signup_notices_to_an_existing_owner_are_capped(app, db):
    app.config["RATELIMIT_RESET"] = "2/3600"
    make_user("known@example.org")
    for i in range(4):
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = f"192.0.2.{i + 1}"
        assert _signup(client, "known@example.org").status_code == 302
    assert len(mails("known@example.org")) == 2
