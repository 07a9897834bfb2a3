"""Erasure reaches every copy (issue 7.7, CHECKLIST 31), checked on the raw files.

Before: a relay mail sent to a member's previous address survived her erasure with her name in
it; her data stayed readable in app.db-wal and in the search index's files; the .eml folder kept
every mail forever. Here a member lives a short real life (a card in search, a relay message to
her, an address change, mails written as .eml files), is erased, and then every byte under her
data directory — the SQLite database and its WAL, the search index and its WAL and snapshots,
the mail folder, the photos — and the database itself (a dump on PostgreSQL) are searched for
her name and each address she ever had.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.conftest import post_form, sign_in
from tests.databases import dump_database
from tests.factories import make_user, member_card

pytestmark = pytest.mark.db

NAME = "Quentin Xylofoonpark"
OLD = "quentin.old@erase-test.example"
NEW = "quentin.new@erase-test.example"
NEEDLES = [b"xylofoonpark", b"quentin.old", b"quentin.new"]


def _traces(app) -> dict[str, list[str]]:
    """needle → the files (or "database") whose raw bytes contain it, case-insensitively."""
    found: dict[str, list[str]] = {}
    data_dir = Path(app.config["DATA_DIR"])
    blobs = {str(p.relative_to(data_dir)): p.read_bytes().lower() for p in data_dir.rglob("*") if p.is_file()}
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    if not url.startswith("sqlite"):
        blobs["database"] = dump_database(url).encode().lower()
    for needle in NEEDLES:
        hits = [name for name, blob in blobs.items() if needle in blob]
        if hits:
            found[needle.decode()] = hits
    return found


def _drain() -> None:
    from webapp.core.mail import drain_mail
    from webapp.core.search import drain_all

    drain_all()
    drain_mail(force=True)


def test_no_copy_survives_erasure(app, db):
    from webapp.accounts import service as accounts
    from webapp.core.models import MailMessage
    from webapp.core.privacy import erase_user

    quentin = make_user(OLD)
    member_card(quentin, visibility="public", display_name=NAME, headline="Xylofoonpark plays percussion")
    sam = make_user("sam.sender@example.net")
    member_card(sam, visibility="public", display_name="Sam Sender")
    client = app.test_client()
    sign_in(client, sam)
    card_id = quentin.member_profile.id
    url = f"/directory/contact/member/{card_id}"
    sent = post_form(
        client, url, {"subject": "Gig in May", "body": f"Dear {NAME}, are you free?"}, token_from=url
    )
    assert sent.status_code == 302
    _drain()  # the card is in the index, the relay mail in the mail folder

    accounts.request_email_change(quentin, NEW)
    db.session.commit()
    confirm = db.session.scalars(select(MailMessage).where(MailMessage.to_addr == NEW)).all()[-1]
    token = re.search(r"/account/email/confirm/(\S+)", confirm.body_text).group(1)
    assert accounts.confirm_email_change(token) is not None
    db.session.commit()
    _drain()
    before = _traces(app)
    assert set(before) == {"xylofoonpark", "quentin.old", "quentin.new"}, before
    assert any(name.startswith("mail/") for name in before["quentin.old"])  # the relay mail's .eml
    assert any(name.startswith("search/") for name in before["xylofoonpark"])  # the indexed card

    erase_user(db.session.get(type(quentin), quentin.id))
    _drain()  # the index drops the card
    assert _traces(app) == {}
    # Only she is gone: Sam's card is still found.
    data = app.test_client().get("/api/v1/members/search?q=Sam+Sender").get_json()
    assert [r["name"] for r in data["results"]][:1] == ["Sam Sender"]


def test_old_mail_is_forgotten_after_mail_keep_days(app, db):
    from datetime import timedelta

    from webapp.core.mail import drain_mail, mail_dir, purge_mail, queue_mail
    from webapp.core.models import MailMessage, utcnow

    old = queue_mail("someone@example.org", "Old news", "body")
    fresh = queue_mail("someone@example.org", "New news", "body")
    unsent = queue_mail("someone@example.org", "Still waiting", "body")
    db.session.commit()
    drain_mail(force=True, limit=2)
    assert len(list(mail_dir().glob("*.eml"))) == 2
    old.created_at = utcnow() - timedelta(days=31)
    unsent.created_at = utcnow() - timedelta(days=31)
    db.session.commit()
    old_file = mail_dir() / f"{old.id:08d}.eml"
    aged = (utcnow() - timedelta(days=31)).timestamp()
    os.utime(old_file, (aged, aged))
    assert purge_mail() == (1, 1)
    remaining = set(db.session.scalars(select(MailMessage.id)))
    assert remaining == {fresh.id, unsent.id}  # unsent mail is never purged
    assert not old_file.exists() and (mail_dir() / f"{fresh.id:08d}.eml").exists()
