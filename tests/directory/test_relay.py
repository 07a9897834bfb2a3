"""The contact relay: real mail to a real SMTP server, no address leaks, limits, blocks and reports."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from tests.conftest import _free_port, post_form, sign_in
from tests.factories import audit_events, client_card, fresh, mails, make_user, member_card


def _count(model) -> int:
    from webapp.extensions import db

    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def people(app):
    """A recipient with a public card and a verified sender with a card of their own."""
    recipient = make_user("hidden.recipient@secret-mail.example")
    card = member_card(recipient, visibility="public", display_name="Rita Recipient")
    sender = make_user("sam.sender@example.net")
    member_card(sender, visibility="public", display_name="Sam Sender")
    return {"recipient": recipient, "card": card, "sender": sender}


def _send(
    client,
    card_id: int,
    subject: str = "Concert in May",
    body: str = "Could you do the sound for us?",
    kind: str = "member",
):
    url = f"/directory/contact/{kind}/{card_id}"
    return post_form(client, url, {"subject": subject, "body": body}, token_from=url)


def test_relay_sends_real_mail_with_platform_from_and_sender_reply_to(app, client, people, smtp_server):
    from webapp.core.mail import drain_mail
    from webapp.directory.models import ContactMessage

    app.config["MAIL_URL"] = smtp_server.url
    sign_in(client, people["sender"])
    form_page = client.get(f"/directory/contact/member/{people['card'].id}").get_data(as_text=True)
    assert "Reply-To" in form_page and "sam.sender@example.net" in form_page
    assert "hidden.recipient" not in form_page

    response = _send(client, people["card"].id)
    assert response.status_code == 302
    assert _count(ContactMessage) == 1
    sent, failed = drain_mail(force=True)
    assert (sent, failed) == (1, 0)

    assert len(smtp_server.messages) == 1
    captured = smtp_server.messages[0]
    msg = captured["msg"]
    assert captured["envelope_to"] == ["hidden.recipient@secret-mail.example"]
    assert msg["From"] == app.config["MAIL_FROM"]
    assert msg["Reply-To"] == "sam.sender@example.net"
    assert msg["To"] == "hidden.recipient@secret-mail.example"
    assert msg["Cc"] is None and msg["Bcc"] is None
    assert "Concert in May" in msg["Subject"]
    body = msg.get_content()
    assert "Could you do the sound for us?" in body and "Sam Sender" in body
    assert "/directory/messages/" in body and "/report?t=" in body

    # Nothing the sender can open shows the recipient's address.
    for url in (
        response.headers["Location"],
        f"/directory/members/{people['card'].id}",
        f"/directory/contact/member/{people['card'].id}",
        "/directory/messages",
        "/account",
        "/",
    ):
        page = client.get(url, follow_redirects=True).get_data(as_text=True)
        assert "hidden.recipient" not in page, url
        assert "secret-mail.example" not in page, url


def test_imported_card_without_account_gets_mail_at_its_private_address(app, client, smtp_server):
    from webapp.core.mail import drain_mail

    app.config["MAIL_URL"] = smtp_server.url
    card = member_card(False, visibility="public", contact_email="imported@private.example")
    sign_in(client, make_user())
    page = client.get(f"/directory/members/{card.id}").get_data(as_text=True)
    assert "imported@private.example" not in page
    assert _send(client, card.id).status_code == 302
    drain_mail(force=True)
    assert [m["envelope_to"] for m in smtp_server.messages] == [["imported@private.example"]]


def test_client_cards_take_messages_too(app, client):
    card = client_card(visibility="community", name="Theater Noord")
    sign_in(client, make_user())
    response = _send(client, card.id, kind="client")
    assert response.status_code == 302
    assert [m.to_addr for m in mails() if m.kind == "contact"] == [card.user.email]


@pytest.mark.parametrize(
    "subject",
    [
        "Hello\r\nBcc: victim@example.com",
        "Hello\nBcc: victim@example.com",
        "Hello\x00there",
        "=?utf-8?q?Hello=0D=0ABcc=3A_victim=40example=2Ecom?=",
    ],
)
def test_line_breaks_in_subject_are_refused_with_a_message(app, client, people, subject):
    from webapp.directory.models import ContactMessage

    sign_in(client, people["sender"])
    response = _send(client, people["card"].id, subject=subject)
    assert response.status_code == 400
    assert "single line" in response.get_data(as_text=True)
    assert _count(ContactMessage) == 0
    assert [m for m in mails() if m.kind == "contact"] == []


def test_body_is_plain_text_and_header_lookalikes_stay_in_the_body(app, client, people, smtp_server):
    from webapp.core.mail import drain_mail

    app.config["MAIL_URL"] = smtp_server.url
    sign_in(client, people["sender"])
    body = "Hi\r\nBcc: victim@example.com\r\n\r\n<b>bold</b> stays text"
    assert _send(client, people["card"].id, body=body).status_code == 302
    drain_mail(force=True)
    (captured,) = smtp_server.messages
    assert captured["envelope_to"] == ["hidden.recipient@secret-mail.example"]
    assert captured["msg"]["Bcc"] is None
    assert captured["msg"].get_content_type() == "text/plain"
    assert "Bcc: victim@example.com" in captured["msg"].get_content()


def test_mail_waits_while_smtp_is_down_and_goes_out_once_after_recovery(app, client, people, smtp_server):
    from webapp.core.mail import drain_mail
    from webapp.core.models import MailMessage

    app.config["MAIL_URL"] = f"smtp://127.0.0.1:{_free_port()}"  # nothing listens there
    sign_in(client, people["sender"])
    assert _send(client, people["card"].id).status_code == 302  # the user's write succeeds
    assert drain_mail(force=True) == (0, 1)
    (row,) = [m for m in mails() if m.kind == "contact"]
    assert row.sent_at is None and row.attempts == 1 and row.last_error

    app.config["MAIL_URL"] = smtp_server.url
    assert drain_mail(force=True) == (1, 0)
    assert drain_mail(force=True) == (0, 0)
    assert len(smtp_server.messages) == 1
    from webapp.extensions import db

    db.session.expire_all()
    row = db.session.get(MailMessage, row.id)
    assert row.sent_at is not None and row.last_error is None


def test_hourly_cap_answers_429_with_a_message(app, client, clock, people):
    from webapp.directory.models import ContactMessage

    app.config.update(RATELIMIT_CONTACT_HOUR="2/3600", RATELIMIT_CONTACT_DAY="100/86400")
    sign_in(client, people["sender"])
    assert _send(client, people["card"].id).status_code == 302
    assert _send(client, people["card"].id).status_code == 302
    response = _send(client, people["card"].id, subject="Third")
    assert response.status_code == 429
    wait = int(response.headers["Retry-After"])
    assert 3600 < wait <= 2 * 3600  # the hour's two messages fade out over the next hour
    assert "sent many messages" in response.get_data(as_text=True)
    assert _count(ContactMessage) == 2
    # Another sender is not affected.
    other = make_user()
    client2 = app.test_client()
    sign_in(client2, other)
    assert _send(client2, people["card"].id).status_code == 302
    # At the promised time the sender may write again, not a second before.
    clock.advance(wait - 1)
    assert _send(client, people["card"].id, subject="Early").status_code == 429
    clock.advance(1)
    assert _send(client, people["card"].id, subject="Fourth").status_code == 302
    assert _count(ContactMessage) == 4


def test_daily_cap_answers_429(app, client, clock, people):
    app.config.update(RATELIMIT_CONTACT_HOUR="100/3600", RATELIMIT_CONTACT_DAY="1/86400")
    sign_in(client, people["sender"])
    assert _send(client, people["card"].id).status_code == 302
    refused = _send(client, people["card"].id)
    assert refused.status_code == 429
    wait = int(refused.headers["Retry-After"])
    assert wait > 86400  # the day's limit, not the hour's
    clock.advance(3600)  # a new hour is not a new day
    assert _send(client, people["card"].id).status_code == 429
    clock.advance(wait - 3600)
    assert _send(client, people["card"].id).status_code == 302


def test_account_mail_is_not_capped_by_the_contact_limit(app, client, people):
    from webapp.core.mail import queue_mail
    from webapp.extensions import db

    app.config.update(RATELIMIT_CONTACT_HOUR="1/3600")
    sign_in(client, people["sender"])
    assert _send(client, people["card"].id).status_code == 302
    assert _send(client, people["card"].id).status_code == 429
    for _ in range(3):
        queue_mail(people["sender"].email, "Confirm", "link", kind="account")
    db.session.commit()
    assert len([m for m in mails() if m.kind == "account"]) == 3


def test_unverified_accounts_cannot_send(app, client, people):
    from webapp.directory.models import ContactMessage

    sign_in(client, make_user(verified=False))
    page = client.get(f"/directory/contact/member/{people['card'].id}")
    assert page.status_code == 200 and "confirmed e-mail address" in page.get_data(as_text=True)
    response = _send(client, people["card"].id)
    assert response.status_code == 403
    assert _count(ContactMessage) == 0


def test_cards_that_cannot_be_written_to_answer_404(app, client):
    sign_in(client, make_user())
    draft = member_card(visibility="draft")
    closed = member_card(visibility="public", accepts_contact=False)
    nowhere = member_card(False, visibility="public")  # imported, no address at all
    for card in (draft, closed, nowhere):
        assert client.get(f"/directory/contact/member/{card.id}").status_code == 404
        assert _send(client, card.id).status_code == 404
    assert client.get("/directory/contact/nobody/1").status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in_or_see_nothing(app, client):
    public = member_card(visibility="public")
    community = member_card(visibility="community")
    response = client.get(f"/directory/contact/member/{public.id}")
    assert response.status_code == 302 and "/signin" in response.headers["Location"]
    assert client.get(f"/directory/contact/member/{community.id}").status_code == 404


def test_owner_does_not_write_to_their_own_card(app, client, people):
    sign_in(client, people["recipient"])
    assert client.get(f"/directory/contact/member/{people['card'].id}").status_code == 404


def _message_to(app, people) -> int:
    from webapp.directory.models import ContactMessage
    from webapp.extensions import db

    sender_client = app.test_client()
    sign_in(sender_client, people["sender"])
    assert _send(sender_client, people["card"].id).status_code == 302
    return db.session.scalar(select(func.max(ContactMessage.id)))


def test_recipient_blocks_a_sender(app, client, people):
    from webapp.directory.models import ContactBlock

    message_id = _message_to(app, people)
    sign_in(client, people["recipient"])
    inbox = client.get("/directory/messages").get_data(as_text=True)
    assert "Concert in May" in inbox and "sam.sender@example.net" not in inbox
    assert post_form(client, f"/directory/messages/{message_id}/block").status_code == 302
    assert _count(ContactBlock) == 1

    sender_client = app.test_client()
    sign_in(sender_client, people["sender"])
    before = len(mails())
    response = _send(sender_client, people["card"].id)
    assert response.status_code == 403
    assert "does not accept messages from you" in response.get_data(as_text=True)
    assert len(mails()) == before

    # Lifting the block lets messages through again.
    from webapp.extensions import db

    block_id = db.session.scalar(select(ContactBlock.id))
    assert post_form(client, f"/directory/blocks/{block_id}/delete").status_code == 302
    assert _send(sender_client, people["card"].id).status_code == 302


def test_recipient_reports_a_message_and_staff_handle_it(app, client, people, staff):
    from webapp.directory.models import AbuseReport, ContactBlock

    message_id = _message_to(app, people)
    sign_in(client, people["recipient"])
    url = f"/directory/messages/{message_id}/report"
    assert client.get(url).status_code == 200
    response = post_form(client, url, {"reason": "Spam, again", "block": "y"}, token_from=url)
    assert response.status_code == 302
    report = fresh_report()
    assert report.status == "open" and report.reporter_id == people["recipient"].id
    assert _count(ContactBlock) == 1
    staff_mail = [m for m in mails() if m.kind == "staff"]
    assert len(staff_mail) == 1 and "Concert" not in staff_mail[0].body_text

    # Not staff: the page does not exist.
    assert client.get("/directory/staff/reports").status_code == 404
    assert post_form(client, f"/directory/staff/reports/{report.id}/handle").status_code == 404

    staff_client = sign_in(app.test_client(), staff)
    assert "Abuse reports to handle: 1" in staff_client.get("/account").get_data(as_text=True)
    assert "Abuse reports to handle" not in client.get("/account").get_data(as_text=True)
    page = staff_client.get("/directory/staff/reports").get_data(as_text=True)
    assert "Spam, again" in page and "Concert in May" in page
    assert "hidden.recipient" not in page and "sam.sender@example.net" not in page
    viewed = audit_events("directory.staff_view_reports")
    assert viewed and viewed[-1].actor_id == staff.id and report.id in viewed[-1].detail["report_ids"]

    assert post_form(staff_client, f"/directory/staff/reports/{report.id}/handle").status_code == 302
    report = fresh(report)
    assert report.status == "handled" and report.handled_by_id == staff.id
    assert audit_events("directory.report_handled")[-1].actor_id == staff.id
    assert "Spam, again" not in staff_client.get("/directory/staff/reports").get_data(as_text=True)
    assert _count(AbuseReport) == 1


def fresh_report():
    from webapp.directory.models import AbuseReport
    from webapp.extensions import db

    db.session.expire_all()
    return db.session.scalar(select(AbuseReport).order_by(AbuseReport.id.desc()))


def test_report_link_in_the_mail_works_for_an_imported_card_without_account(app, client):
    from webapp.directory.models import AbuseReport

    card = member_card(False, visibility="public", contact_email="imported@private.example")
    sender_client = app.test_client()
    sign_in(sender_client, make_user())
    assert _send(sender_client, card.id).status_code == 302
    (mail,) = [m for m in mails() if m.kind == "contact"]
    path = re.search(r"https?://[^/\s]+(/directory/messages/\d+/report\?t=\S+)", mail.body_text).group(1)

    assert client.get(path).status_code == 200
    response = post_form(client, path, {"reason": "Unsolicited"}, token_from=path)
    assert response.status_code == 302
    report = fresh_report()
    assert report.reporter_id is None and report.reason == "Unsolicited"
    # A forged or missing token is nothing.
    message_path = path.split("?")[0]
    assert client.get(message_path).status_code == 404
    assert client.get(message_path + "?t=forged").status_code == 404
    assert _count(AbuseReport) == 1


def test_report_link_for_an_account_holder_asks_them_to_sign_in(app, client, people):
    _message_to(app, people)
    (mail,) = [m for m in mails() if m.kind == "contact"]
    path = re.search(r"https?://[^/\s]+(/directory/messages/\d+/report\?t=\S+)", mail.body_text).group(1)
    response = client.get(path)
    assert response.status_code == 302 and "/signin" in response.headers["Location"]
    # Someone else, signed in, with the link: nothing there.
    sign_in(client, make_user())
    assert client.get(path).status_code == 404


def test_old_relay_logs_are_purged_unless_an_open_report_needs_them(app, people):
    from datetime import timedelta

    from webapp.core.models import utcnow
    from webapp.directory import relay
    from webapp.directory.models import ContactMessage
    from webapp.extensions import db

    for _ in range(3):
        _message_to(app, people)
    old, reported, recent = db.session.scalars(select(ContactMessage).order_by(ContactMessage.id)).all()
    old.created_at = reported.created_at = utcnow() - timedelta(days=400)
    relay.report_message(reported, reporter_id=people["recipient"].id, reason="Keep me")
    db.session.commit()

    result = app.test_cli_runner().invoke(args=["directory", "purge-messages"])
    assert result.exit_code == 0 and "purged 1 relay message" in result.output
    db.session.expire_all()
    assert [m.id for m in db.session.scalars(select(ContactMessage).order_by(ContactMessage.id))] == [
        reported.id,
        recent.id,
    ]


# ------------------------------------------------------------------- issue 9.9: naming and waiting


def _relayed_body(app, smtp_server) -> str:
    from webapp.core.mail import drain_mail

    assert drain_mail(force=True) == (1, 0)
    [captured] = smtp_server.messages
    return captured["msg"].get_content()


def test_a_client_without_a_card_is_named_by_the_address_replies_go_to(app, client, people, smtp_server):
    app.config["MAIL_URL"] = smtp_server.url
    buyer = make_user("inge.inkoop@buyer.example", account_type="client")
    sign_in(client, buyer)
    assert _send(client, people["card"].id).status_code == 302
    body = _relayed_body(app, smtp_server)
    first_line = body.strip().splitlines()[0]
    assert first_line == (
        "inge.inkoop@buyer.example, a client of the cooperative without a card in the directory, "
        "sent you a message through Kring:"
    )
    assert smtp_server.messages[0]["msg"]["Reply-To"] == "inge.inkoop@buyer.example"


def test_a_client_card_names_its_contact_person_with_the_organisation(app, client, people, smtp_server):
    app.config["MAIL_URL"] = smtp_server.url
    buyer = make_user("office@theater.example", account_type="client")
    client_card(buyer, visibility="public", name="Theater Aan Zee", contact_person="An Peeters")
    sign_in(client, buyer)
    assert _send(client, people["card"].id).status_code == 302
    body = _relayed_body(app, smtp_server)
    assert body.strip().startswith("An Peeters (Theater Aan Zee) sent you a message through Kring:")
    assert "The sender's card: http" in body


def test_a_member_without_a_card_is_named_in_the_recipients_language(app, client, smtp_server):
    app.config["MAIL_URL"] = smtp_server.url
    recipient = make_user("lotte@ontvanger.example", locale="nl")
    card = member_card(recipient, visibility="public", display_name="Lotte")
    sign_in(client, make_user("kim.cardless@example.net"))
    assert _send(client, card.id).status_code == 302
    body = _relayed_body(app, smtp_server)
    assert body.strip().startswith(
        "kim.cardless@example.net, een lid van de coöperatie zonder kaart in de gids, stuurde je een bericht"
    )


def test_the_contact_limit_says_when_the_next_message_may_go_and_keeps_the_text(app, client, clock, people):
    app.config.update(RATELIMIT_CONTACT_HOUR="1/2100", RATELIMIT_CONTACT_DAY="100/86400")
    sign_in(client, people["sender"])
    assert _send(client, people["card"].id).status_code == 302
    refused = _send(client, people["card"].id, subject="Second try", body="Are you free on 12 May, please?")
    html = refused.get_data(as_text=True)
    wait = int(refused.headers["Retry-After"])
    minutes = -(-wait // 60)
    assert refused.status_code == 429 and 2100 < wait <= 4200 and minutes >= 35
    assert f"You can send the next one in {minutes} minutes" in html
    assert "a while" not in html
    assert 'value="Second try"' in html and "Are you free on 12 May, please?" in html
    # Later, the time left shrinks with the clock.
    clock.advance(wait - 90)
    html = _send(client, people["card"].id).get_data(as_text=True)
    assert "You can send the next one in 90 seconds" in html


def test_the_contact_limit_time_in_french(app, client, people):
    app.config.update(RATELIMIT_CONTACT_HOUR="1/3600", RATELIMIT_CONTACT_DAY="1/86400")
    sign_in(client, people["sender"])
    post_form(client, "/language", {"lang": "fr", "next": "/"})
    assert _send(client, people["card"].id).status_code == 302
    html = _send(client, people["card"].id).get_data(as_text=True)
    assert re.search(r"Vous pourrez envoyer le prochain dans \d+ heures", html), html
