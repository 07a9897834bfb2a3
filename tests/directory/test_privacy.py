"""The directory's personal data: export and erasure reach cards, photos, the index outbox,
messages, blocks and reports."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.conftest import post_form, sign_in
from tests.databases import dump_database
from tests.factories import image_bytes, make_user, member_card, outbox_rows

pytestmark = pytest.mark.db  # database-sensitive: `make test` runs it on PostgreSQL too


def _send(app, sender, card_id: int, subject: str, body: str) -> None:
    client = app.test_client()
    sign_in(client, sender)
    url = f"/directory/contact/member/{card_id}"
    assert post_form(client, url, {"subject": subject, "body": body}, token_from=url).status_code == 302


def _db_text(app) -> str:
    """Every value in the database, as text: what a grep of the DB would see."""
    from webapp.extensions import db

    db.session.commit()
    return dump_database(app.config["SQLALCHEMY_DATABASE_URI"])


def _setup(app):
    from webapp.directory import photos, service
    from webapp.extensions import db

    ann = make_user("ann.leaving@example.org")
    card = member_card(
        ann,
        visibility="public",
        display_name="Annemie Vertrekker",
        headline="Scenographer",
        bio="Annemie builds sets.",
    )
    service.set_photo(card, photos.store_photo(io.BytesIO(image_bytes())))
    db.session.commit()
    bob = make_user("bob.stays@example.org")
    bob_card = member_card(bob, visibility="public", display_name="Bob Blijver")
    return ann, card, bob, bob_card


def test_export_holds_cards_messages_blocks_and_reports(app):
    from webapp.core.privacy import export_user_data
    from webapp.directory import relay
    from webapp.directory.models import ContactMessage
    from webapp.extensions import db

    ann, card, bob, bob_card = _setup(app)
    _send(app, ann, bob_card.id, "Hello Bob", "A question about your sets, Bob.")
    _send(app, bob, card.id, "Hello Ann", "A question back, from Bob to Ann.")
    to_ann = db.session.scalar(select(ContactMessage).where(ContactMessage.recipient_user_id == ann.id))
    relay.block_sender(ann, to_ann)
    relay.report_message(to_ann, reporter_id=ann.id, reason="Too pushy")
    db.session.commit()

    data = export_user_data(ann)["directory"]
    assert data["member_card"]["display_name"] == "Annemie Vertrekker"
    assert data["member_card"]["visibility"] == "public"
    assert data["client_card"] is None
    assert [m["subject"] for m in data["messages_sent"]] == ["Hello Bob"]
    assert [m["subject"] for m in data["messages_received"]] == ["Hello Ann"]
    assert data["blocks"][0]["blocked_user_id"] == bob.id
    assert data["reports_filed"][0]["reason"] == "Too pushy"
    # The other party's address is not part of Ann's export.
    import json

    assert "bob.stays@example.org" not in json.dumps(data)


def test_erasure_leaves_no_trace_of_the_member(app):
    from webapp.core.privacy import erase_user
    from webapp.directory import relay
    from webapp.directory.models import AbuseReport, ContactBlock, ContactMessage, MemberProfile
    from webapp.directory.privacy import FORMER_BODY, FORMER_SUBJECT
    from webapp.extensions import db

    ann, card, bob, bob_card = _setup(app)
    card_id, photo = card.id, card.photo_filename
    photo_file = Path(app.config["DATA_DIR"]) / "photos" / photo
    assert photo_file.exists()
    _send(
        app, ann, bob_card.id, "Greetings from Annemie", "Annemie Vertrekker here, ann.leaving@example.org."
    )
    _send(app, bob, card.id, "Hi Annemie", "Bob writes to Annemie.")
    _send(app, bob, card.id, "Hi again Annemie", "Bob writes to Annemie again, rudely.")
    received = list(
        db.session.scalars(
            select(ContactMessage)
            .where(ContactMessage.recipient_user_id == ann.id)
            .order_by(ContactMessage.id)
        )
    )
    relay.block_sender(ann, received[0])
    relay.report_message(received[1], reporter_id=ann.id, reason="Rude")
    # Bob reports Ann's message and blocks her too.
    sent_by_ann = db.session.scalar(select(ContactMessage).where(ContactMessage.sender_id == ann.id))
    relay.block_sender(bob, sent_by_ann)
    relay.report_message(sent_by_ann, reporter_id=bob.id, reason="Unwanted")
    db.session.commit()

    erase_user(ann)

    db.session.expire_all()
    assert db.session.get(MemberProfile, card_id) is None
    assert not photo_file.exists()
    assert any(r.entity == "member" and r.entity_id == card_id and r.op == "delete" for r in outbox_rows())
    kept = db.session.get(ContactMessage, sent_by_ann.id)
    assert kept.sender_id is None and kept.subject == FORMER_SUBJECT and kept.body == FORMER_BODY
    assert db.session.scalars(select(ContactBlock)).all() == []
    reports = {r.reason: r for r in db.session.scalars(select(AbuseReport))}
    assert reports["Rude"].reporter_id is None  # the report stays for staff, without the reporter
    assert reports["Unwanted"].reporter_id == bob.id
    # Messages to Ann: the reported one stays as evidence (without her), the other is gone.
    remaining = {m.subject for m in db.session.scalars(select(ContactMessage))}
    assert "Hi Annemie" not in remaining and "Hi again Annemie" in remaining

    dump = _db_text(app)
    for needle in ("ann.leaving@example.org", "Annemie Vertrekker", "Vertrekker", photo):
        assert needle not in dump, needle

    # Bob's card and his view of things are intact; Ann's card is gone for everyone.
    client = app.test_client()
    sign_in(client, bob)
    assert client.get(f"/directory/members/{card_id}").status_code == 404
    assert client.get(f"/directory/photos/{photo}").status_code == 404
    inbox = client.get("/directory/messages").get_data(as_text=True)
    assert "Annemie" not in inbox and "former member" in inbox


def test_directory_models_are_covered_by_the_privacy_registry(app):
    from webapp.core.privacy import covered_models, uncovered_models
    from webapp.directory.models import (
        AbuseReport,
        ClientProfile,
        ContactBlock,
        ContactMessage,
        MemberProfile,
    )

    assert {MemberProfile, ClientProfile, ContactMessage, ContactBlock, AbuseReport} <= covered_models(app)
    assert not [m for m in uncovered_models(app) if m.__module__ == "webapp.directory.models"]
