"""The mail outbox: queued in the caller's transaction, sent by the worker, never lost."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from sqlalchemy import select

from webapp.core.mail import HeaderInjection, drain_mail, queue_mail, safe_address, safe_header
from webapp.core.models import MailMessage

pytestmark = pytest.mark.db  # database-sensitive: `make test` runs it on PostgreSQL too


def _dead_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_default_backend_writes_eml_files(app, db):
    queue_mail("ann@example.org", "Welcome", "Hello Ann")
    db.session.commit()
    assert drain_mail(force=True) == (1, 0)
    files = list((Path(app.config["DATA_DIR"]) / "mail").glob("*.eml"))
    assert len(files) == 1
    text = files[0].read_text()
    assert "To: ann@example.org" in text and "Subject: Welcome" in text and "Hello Ann" in text
    assert db.session.scalars(select(MailMessage)).one().sent_at is not None


def test_a_rolled_back_action_sends_nothing(app, db):
    queue_mail("ann@example.org", "Welcome", "Hello")
    db.session.rollback()
    assert drain_mail(force=True) == (0, 0)


def test_smtp_delivery_with_reply_to(app, db, smtp_server):
    app.config["MAIL_URL"] = smtp_server.url
    queue_mail("bob@example.org", "A question", "Body text", reply_to="ann@example.org")
    db.session.commit()
    assert drain_mail(force=True) == (1, 0)
    [received] = smtp_server.messages
    assert received["envelope_to"] == ["bob@example.org"]
    msg = received["msg"]
    assert msg["Reply-To"] == "ann@example.org"
    assert "ann@example.org" not in msg["From"]
    assert msg.get_content().strip() == "Body text"


def test_smtp_down_keeps_the_mail_and_retries_exactly_once(app, db, smtp_server):
    app.config["MAIL_URL"] = f"smtp://127.0.0.1:{_dead_port()}"
    queue_mail("bob@example.org", "Hello", "Body")
    db.session.commit()
    assert drain_mail(force=True) == (0, 1)
    row = db.session.scalars(select(MailMessage)).one()
    assert row.sent_at is None and row.attempts == 1 and "Error" in row.last_error
    assert row.next_attempt_at > row.created_at  # backed off
    assert drain_mail() == (0, 0)  # not due yet: back-off respected

    app.config["MAIL_URL"] = smtp_server.url
    assert drain_mail(force=True) == (1, 0)
    assert drain_mail(force=True) == (0, 0)
    assert len(smtp_server.messages) == 1
    assert smtp_server.messages[0]["msg"]["Message-ID"] == f"<outbox-{row.id}@kring.localhost>"


@pytest.mark.parametrize(
    "value",
    [
        "Hi\r\nBcc: victim@example.org",
        "Hi\nBcc: x@example.org",
        "Hi\x00",
        "=?utf-8?q?Hi=0D=0ABcc:_x@example.org?=",
        "=?utf-8?b?SGkNCkJjYzogeEBleGFtcGxlLm9yZw==?=",
    ],
)
def test_header_injection_is_refused(app, value):
    with pytest.raises(HeaderInjection):
        safe_header(value)
    with pytest.raises(HeaderInjection):
        queue_mail("bob@example.org", value, "body")


@pytest.mark.parametrize(
    "address",
    [
        "bob@example.org, eve@example.org",
        "Bob <bob@example.org>",
        "bob@example.org\r\nBcc: e@x.org",
        "nobody",
    ],
)
def test_only_single_plain_addresses(address):
    with pytest.raises(HeaderInjection):
        safe_address(address)


def test_mail_cli_status_and_send(app, db):
    queue_mail("ann@example.org", "Hi", "Body")
    db.session.commit()
    runner = app.test_cli_runner()
    assert "queued 1" in runner.invoke(args=["mail", "status"]).output
    assert "sent 1" in runner.invoke(args=["mail", "send"]).output
    assert "queued 0" in runner.invoke(args=["mail", "status"]).output
