"""Mail that can never be sent (issue 7.6): refused up front when it can be, given up and reported when not.

VT, FF, FS, GS and RS are line breaks to Python's e-mail package: a relay subject carrying one
was accepted ("on its way") and then retried forever. Now every control character is refused in
the form, and a mail that still cannot be sent (queued before this fix, refused for good by the
SMTP server, or failing MAIL_MAX_ATTEMPTS times) is given up: never retried, counted by
`flask mail status`, and staff are told.
"""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from tests.conftest import _free_port, post_form, sign_in
from tests.factories import make_user, member_card


def _mails(kind: str | None = None) -> list:
    from webapp.core.models import MailMessage
    from webapp.extensions import db

    query = select(MailMessage).order_by(MailMessage.id)
    if kind:
        query = query.where(MailMessage.kind == kind)
    return list(db.session.scalars(query))


@pytest.mark.parametrize("char", ["\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\x7f"])
def test_every_control_character_in_a_relay_subject_is_refused_with_a_message(app, client, char):
    recipient = make_user("rita@example.org")
    card = member_card(recipient, visibility="public", display_name="Rita")
    sign_in(client, make_user("sam@example.net"))
    url = f"/directory/contact/member/{card.id}"
    response = post_form(
        client, url, {"subject": f"Concert{char}Bcc: x@evil.example", "body": "Hello there!"}, token_from=url
    )
    assert response.status_code == 400
    assert "single line" in response.get_data(as_text=True)
    assert _mails("contact") == []


def test_queue_mail_refuses_them_too(app, db):
    from webapp.core.mail import HeaderInjection, queue_mail

    for char in ("\x0b", "\x1c", "\u2029"):
        with pytest.raises(HeaderInjection):
            queue_mail("a@example.org", f"Hi{char}there", "body")


def _queue_raw(db, subject: str, to: str = "someone@example.org", kind: str = "contact"):
    """A row as an older version of the code could have queued it (no header check)."""
    from webapp.core.models import MailMessage

    row = MailMessage(to_addr=to, subject=subject, body_text="Hello", kind=kind)
    db.session.add(row)
    db.session.commit()
    return row


def test_a_mail_that_cannot_be_built_is_given_up_at_once_and_staff_are_told(app, db, smtp_server):
    from webapp.core.mail import drain_mail, mail_status

    app.config["MAIL_URL"] = smtp_server.url
    broken = _queue_raw(db, "Concert\x1cin May")
    assert drain_mail(force=True) == (0, 1)
    db.session.refresh(broken)
    assert broken.failed_at is not None and broken.attempts == 1 and "control character" in broken.last_error
    [notice] = _mails("staff-notice")
    assert notice.to_addr == app.config["STAFF_EMAIL"] and f"#{broken.id}" in notice.subject
    # Never retried: the next drains send only the notice, and then nothing.
    assert drain_mail(force=True) == (1, 0)
    assert drain_mail(force=True) == (0, 0)
    assert [m["envelope_to"] for m in smtp_server.messages] == [[app.config["STAFF_EMAIL"]]]
    assert mail_status() == {"queued": 0, "failing": 0, "sent": 1, "given_up": 1}
    result = CliRunner().invoke(app.cli, ["mail", "status"])
    assert "given up 1" in result.output


class _Refusing:
    """An SMTP server that refuses every recipient for good (550)."""

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: ANN001, N802
        return "550 5.1.1 no such user here"


def test_a_final_refusal_by_the_server_is_given_up_without_retries(app, db):
    from aiosmtpd.controller import Controller

    from webapp.core.mail import drain_mail

    port = _free_port()
    controller = Controller(_Refusing(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        app.config["MAIL_URL"] = f"smtp://127.0.0.1:{port}"
        row = _queue_raw(db, "Hello")
        assert drain_mail(force=True) == (0, 1)
        db.session.refresh(row)
        assert row.failed_at is not None and row.attempts == 1
        # The staff notice about it is refused by this server as well: given up, and no notice of the notice.
        assert drain_mail(force=True) == (0, 1)
        assert [m.kind for m in _mails() if m.failed_at is not None] == ["contact", "staff-notice"]
        assert drain_mail(force=True) == (0, 0)
    finally:
        controller.stop()


def test_a_server_that_stays_down_gets_max_attempts_then_the_mail_is_given_up(app, db):
    from webapp.core.mail import drain_mail

    app.config["MAIL_URL"] = f"smtp://127.0.0.1:{_free_port()}"  # nobody listens
    app.config["MAIL_MAX_ATTEMPTS"] = 3
    row = _queue_raw(db, "Hello")
    assert [drain_mail(force=True) for _ in range(2)] == [(0, 1), (0, 1)]
    db.session.refresh(row)
    assert row.failed_at is None and row.attempts == 2  # still retried with back-off
    drain_mail(force=True)
    db.session.refresh(row)
    assert row.failed_at is not None and row.attempts == 3
    assert len(_mails("staff-notice")) == 1
