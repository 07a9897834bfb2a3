"""Export (Art. 20) and erasure (Art. 17) of an account, behind a fresh sign-in."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.accounts.conftest import is_signed_in, signin
from tests.conftest import post_form
from tests.databases import dump_database
from tests.factories import PASSWORD, mails, make_user
from webapp.accounts.models import User
from webapp.core.mail import queue_mail
from webapp.core.models import AuditEvent, MailMessage, audit, utcnow

pytestmark = pytest.mark.db  # database-sensitive: `make test` runs it on PostgreSQL too


def _stale(client):
    with client.session_transaction() as sess:
        sess["fresh_at"] = (utcnow() - timedelta(hours=2)).timestamp()


def test_export_page_and_download(auth_client, db, user):
    user.locale = "fr"
    db.session.commit()
    page = auth_client.get("/account/export")
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    response = post_form(auth_client, "/account/export", token_from="/account/export")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="kring-export-')
    assert response.headers["Cache-Control"] == "no-store"
    data = json.loads(response.get_data(as_text=True))
    account = data["account"]
    assert account["email"] == "ann@example.org"
    assert account["account_type"] == "member" and account["role"] == "user" and account["locale"] == "fr"
    assert account["created_at"] and account["email_verified_at"]
    assert data["user_id"] == user.id
    text = json.dumps(data)
    assert "argon2" not in text and user.session_token not in text
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "account.exported"))


def test_export_needs_a_fresh_signin(auth_client, user):
    _stale(auth_client)
    response = auth_client.get("/account/export")
    assert response.status_code == 302
    assert response.headers["Location"] == "/reauth?next=/account/export"
    response = post_form(auth_client, "/account/export", token_from="/account")
    assert response.status_code == 302 and response.headers["Location"].startswith("/reauth")


def test_export_needs_a_signin(client):
    assert client.get("/account/export").headers["Location"].startswith("/signin")


def test_export_includes_the_account_history(auth_client, db, user):
    audit("directory.published", actor_id=user.id, subject_user_id=user.id, visibility="public", policy="v1")
    db.session.commit()
    data = json.loads(
        post_form(auth_client, "/account/export", token_from="/account/export").get_data(as_text=True)
    )
    actions = [h["action"] for h in data["account"]["history"]]
    assert "directory.published" in actions


def _dump(app) -> str:
    """The database as text, the way `sqlite3 app.db .dump` or `pg_dump` shows it."""
    from webapp.extensions import db

    db.session.remove()
    db.engine.dispose()
    return dump_database(app.config["SQLALCHEMY_DATABASE_URI"]).lower()


def test_delete_account_leaves_no_trace_of_the_address(app, db):
    user = make_user("Zoe.Unique+kring@Example.org")
    user_id = user.id
    browser, elsewhere = app.test_client(), app.test_client()
    signin(browser, user.email)
    signin(elsewhere, user.email, remember="y")
    # Traces a real account leaves: mails (sent and queued), audit detail, a relayed message's Reply-To.
    queue_mail(user.email, "Welcome", "hello", user_id=user.id)
    sent = queue_mail("someone@example.org", "Contact", "hi", reply_to="zoe.unique+kring@example.org")
    sent.sent_at = utcnow()
    audit("staff.note", actor_id=None, subject_user_id=None, email="zoe.unique@example.org", note="kept")
    other_id = make_user("keep@example.org").id
    db.session.commit()
    assert "zoe.unique" in _dump(app)

    page = browser.get("/account/delete")
    assert page.status_code == 200
    wrong = post_form(
        browser,
        "/account/delete",
        {"password": "not it at all", "confirm": "y"},
        token_from="/account/delete",
    )
    assert "This password is not correct." in wrong.get_data(as_text=True)
    unticked = post_form(browser, "/account/delete", {"password": PASSWORD}, token_from="/account/delete")
    assert "Please tick the box" in unticked.get_data(as_text=True)
    assert db.session.get(User, user_id) is not None

    response = post_form(
        browser, "/account/delete", {"password": PASSWORD, "confirm": "y"}, token_from="/account/delete"
    )
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert not is_signed_in(browser)
    assert not is_signed_in(elsewhere)
    elsewhere.delete_cookie("session")
    assert not is_signed_in(elsewhere)  # the remember-me cookie is dead too

    dump = _dump(app)
    assert "zoe.unique" not in dump
    assert "keep@example.org" in dump  # others are untouched
    assert db.session.get(User, user_id) is None
    assert db.session.get(User, other_id) is not None
    deleted = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "account.deleted"))
    assert deleted.subject_user_id == user_id and deleted.detail == {"reason": "self"}
    note = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "staff.note"))
    assert note.detail == {"note": "kept"}
    assert signin(app.test_client(), "zoe.unique@example.org").status_code == 200  # gone


def test_delete_needs_a_fresh_signin(auth_client, db, user):
    _stale(auth_client)
    assert auth_client.get("/account/delete").headers["Location"] == "/reauth?next=/account/delete"
    response = post_form(
        auth_client, "/account/delete", {"password": PASSWORD, "confirm": "y"}, token_from="/account"
    )
    assert response.headers["Location"].startswith("/reauth")
    assert db.session.get(User, user.id) is not None


def test_delete_keeps_other_users_mail(auth_client, db, user, other_user):
    queue_mail(other_user.email, "For Bob", "hello", user_id=other_user.id)
    queue_mail(user.email, "For Ann", "hello", user_id=user.id)
    db.session.commit()
    post_form(
        auth_client, "/account/delete", {"password": PASSWORD, "confirm": "y"}, token_from="/account/delete"
    )
    assert [m.subject for m in mails()] == ["For Bob"]
    assert db.session.scalar(select(MailMessage).where(MailMessage.to_addr == "ann@example.org")) is None
