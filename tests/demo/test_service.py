"""Loading the demo through the real importer: cards, accounts, outbox, idempotence, CLI."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from tests.factories import make_user
from webapp.accounts.models import User
from webapp.core.models import SearchOutboxEntry
from webapp.demo.generator import generate_clients, generate_members
from webapp.demo.service import load_demo, load_demo_if_empty
from webapp.directory.models import ClientProfile, MemberProfile


def _count(db, model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where)) or 0


def _queued(db) -> int:
    """Cards queued for indexing (the demo's events are counted in tests/events)."""
    return _count(
        db,
        SearchOutboxEntry,
        SearchOutboxEntry.done_at.is_(None),
        SearchOutboxEntry.entity.in_(("member", "client")),
    )


def test_load_demo_creates_cards_and_is_idempotent(app, db):
    summary = load_demo(60, 10)
    assert "70 created, 0 updated, 0 unchanged, 0 bad lines" in summary

    assert _count(db, MemberProfile, MemberProfile.external_id.like("demo-m-%")) == 60
    assert _count(db, ClientProfile, ClientProfile.external_id.like("demo-c-%")) == 10
    assert _count(db, User) == 70  # "account": true → one account per card
    # Queued for the background worker, not indexed in the caller's time.
    assert _queued(db) == 70

    expected = generate_members(60, seed=1)[17]
    card = db.session.scalar(
        select(MemberProfile).where(MemberProfile.external_id == expected["external_id"])
    )
    assert card.display_name == expected["name"]
    assert card.function_code == expected["function"]
    assert card.sectors == expected["sectors"]
    assert card.headline == expected["headline"] and card.bio == expected["bio"]
    assert card.card_language == expected["card_language"] and card.visibility == expected["visibility"]
    assert card.place_id and card.lat and card.country == expected["country"]
    assert card.user.email == expected["email"] and card.user.account_type == "member"
    assert card.contact_email is None  # the relay writes to the account's address

    client_rec = generate_clients(10, seed=1)[3]
    client = db.session.scalar(
        select(ClientProfile).where(ClientProfile.external_id == client_rec["external_id"])
    )
    assert client.name == client_rec["name"] and client.contact_person == client_rec["contact_person"]
    assert client.user.account_type == "client"

    versions = dict(db.session.execute(select(MemberProfile.external_id, MemberProfile.version)).all())

    # Second run: nothing changes, nothing is re-queued.
    again = load_demo(60, 10)
    assert "0 created, 0 updated, 70 unchanged, 0 bad lines" in again
    assert _count(db, MemberProfile) == 60 and _count(db, ClientProfile) == 10 and _count(db, User) == 70
    assert _queued(db) == 70
    assert (
        dict(db.session.execute(select(MemberProfile.external_id, MemberProfile.version)).all()) == versions
    )

    # A bigger N adds the difference only.
    more = load_demo(65, 12)
    assert "7 created, 0 updated, 70 unchanged" in more
    assert _count(db, MemberProfile) == 65 and _count(db, ClientProfile) == 12
    assert _queued(db) == 77


def test_load_demo_if_empty_only_on_a_fresh_site(app, db):
    assert load_demo_if_empty(6, 2) is not None
    assert _count(db, MemberProfile) == 6
    assert load_demo_if_empty(20, 5) is None
    assert _count(db, MemberProfile) == 6


def test_load_demo_if_empty_leaves_a_site_with_accounts_alone(app, db):
    make_user("admin@example.org", role="admin")
    assert load_demo_if_empty(6, 2) is None
    assert _count(db, MemberProfile) == 0 and _count(db, ClientProfile) == 0


def test_cli_load_and_export(app, db, tmp_path):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["demo", "load", "--members", "8", "--clients", "2", "--no-index"])
    assert result.exit_code == 0, result.output
    assert "demo data: 8 members and 2 clients (10 created" in result.output
    assert _count(db, MemberProfile) == 8

    out = tmp_path / "demo.jsonl"
    result = runner.invoke(args=["demo", "export", "--members", "25", "--clients", "3", "--out", str(out)])
    assert result.exit_code == 0, result.output
    lines = out.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line) for line in lines] == generate_members(25, seed=1) + generate_clients(3, seed=1)

    result = runner.invoke(
        args=["demo", "export", "--members", "3", "--seed", "9", "--fast", "--no-accounts", "--out", "-"]
    )
    assert result.exit_code == 0
    records = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert records == generate_members(3, seed=9, fast=True, accounts=False)


def test_a_bigger_seed_change_updates_rather_than_duplicates(app, db):
    """Another seed rewrites the same external ids: still no duplicate cards."""
    load_demo(5, 0, seed=1)
    summary = load_demo(5, 0, seed=2)
    assert "0 created, 5 updated" in summary
    assert _count(db, MemberProfile) == 5
