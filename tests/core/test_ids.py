"""Row ids are never handed out twice: a deleted card's id must not become a new person's card in the
search index, and a mail's Message-ID (the outbox id) must not repeat."""

from __future__ import annotations

import email
from email import policy
from pathlib import Path

import pytest
from sqlalchemy import Column, Integer, Table, text
from sqlalchemy.dialects import sqlite
from sqlalchemy.schema import CreateTable

from indexer.types import SearchQuery
from tests.factories import member_card
from webapp.core.mail import drain_mail, queue_mail
from webapp.core.search import drain_search, run_search

pytestmark = pytest.mark.db


def _surrogate_key_tables(metadata) -> list[Table]:
    """Tables whose primary key is one integer column of their own (not a foreign key)."""
    out = []
    for table in metadata.sorted_tables:
        columns = list(table.primary_key.columns)
        if len(columns) == 1 and isinstance(columns[0].type, Integer) and not columns[0].foreign_keys:
            out.append(table)
    return out


def test_every_surrogate_key_table_says_autoincrement_on_sqlite():
    from webapp import import_models

    import_models()
    from webapp.extensions import db

    tables = _surrogate_key_tables(db.metadata)
    assert {"users", "member_profiles", "client_profiles", "mail_messages", "search_outbox"} <= {
        t.name for t in tables
    }
    lacking = [t.name for t in tables if not t.dialect_options["sqlite"]["autoincrement"]]
    assert lacking == []
    for table in tables:
        assert "PRIMARY KEY AUTOINCREMENT" in str(CreateTable(table).compile(dialect=sqlite.dialect()))


def test_a_table_added_later_gets_it_without_asking():
    from webapp.extensions import db

    probe = Table("zz_probe_rows", db.metadata, Column("id", Integer, primary_key=True))
    try:
        assert probe.dialect_options["sqlite"]["autoincrement"] is True
    finally:
        db.metadata.remove(probe)


def test_the_migrated_database_never_reuses_ids(db):
    """The real schema, built by the migrations: AUTOINCREMENT on SQLite, sequences on PostgreSQL."""
    from webapp import import_models

    import_models()

    tables = [t.name for t in _surrogate_key_tables(db.metadata)]
    with db.engine.connect() as conn:
        for name in tables:
            if conn.dialect.name == "sqlite":
                sql = conn.execute(
                    text("SELECT sql FROM sqlite_master WHERE name = :n"), {"n": name}
                ).scalar()
                assert "AUTOINCREMENT" in sql, name
            else:
                assert conn.execute(text("SELECT pg_get_serial_sequence(:t, 'id')"), {"t": name}).scalar(), (
                    name
                )


def _found(words: str) -> set[str]:
    # Lexical: which cards hold these words (semantic would also rank the other card, weakly, as the
    # nearest in meaning once the best card clears the similarity gate).
    query = SearchQuery(
        entity="member", text=words, visibility=("public", "community"), limit=50, mode="lexical"
    )
    return {hit.id for hit in run_search(query).hits}


def test_a_deleted_cards_id_and_text_never_come_back_under_a_new_card(app, db):
    from webapp.core.search import queue_index
    from webapp.directory import service

    member_card(visibility="public", display_name="Kept Carpenter", headline="Carpenter in Leuven")
    doomed = member_card(
        visibility="public", display_name="Zygmunt Quillfeather", headline="Glassblower and lampworker"
    )
    for _ in range(3):  # edited a few times: its version is higher than a new card's
        doomed.touch()
        queue_index("member", doomed.id)
        db.session.commit()
    drain_search(force=True)
    assert _found("Quillfeather glassblower") == {str(doomed.id)}

    doomed_id = doomed.id
    service.delete_card(doomed, actor_id=doomed.user_id)
    db.session.commit()
    newcomer = member_card(visibility="public", display_name="Nora Newcomer", headline="Bookkeeper")
    assert newcomer.id > doomed_id  # created before the indexer ran, on a fresh id

    drain_search(force=True)
    assert _found("Quillfeather glassblower") == set()
    assert _found("Zygmunt lampworker") == set()
    assert _found("Newcomer bookkeeper") == {str(newcomer.id)}


def test_mail_outbox_ids_and_message_ids_are_not_reused(app, db):
    from webapp.core.models import MailMessage

    first = queue_mail("a@example.org", "First", "one")
    second = queue_mail("b@example.org", "Second", "two")
    db.session.commit()
    assert drain_mail(force=True) == (2, 0)
    second_id = second.id
    db.session.delete(second)  # e.g. erased with its account
    db.session.commit()
    third = queue_mail("c@example.org", "Third", "three")
    db.session.commit()
    assert third.id > second_id > first.id
    assert drain_mail(force=True) == (1, 0)

    folder = Path(app.config["DATA_DIR"]) / "mail"
    mails = [
        email.message_from_bytes(p.read_bytes(), policy=policy.default) for p in sorted(folder.glob("*.eml"))
    ]
    assert [m["Subject"] for m in mails] == ["First", "Second", "Third"]  # nothing overwritten
    assert len({m["Message-ID"] for m in mails}) == 3
    assert db.session.get(MailMessage, second_id) is None
