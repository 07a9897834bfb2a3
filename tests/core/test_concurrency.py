"""Concurrency on SQLite and PostgreSQL: two outbox workers at once claim each due row exactly once
(no mail goes out twice, no outbox row is indexed twice); rate limits hold across real processes."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import Callable

import pytest

from tests.conftest import MODEL_CACHE, REPO, in_threads
from tests.factories import member_card, outbox_rows
from webapp.core.claims import claim_due
from webapp.core.mail import LEASE, drain_mail, queue_mail
from webapp.core.models import MailMessage, utcnow
from webapp.core.search import drain_search, get_service

pytestmark = pytest.mark.db


def _in_two_workers(app, step: Callable[[], int]) -> list[list[int]]:
    """Run ``step`` in two threads (own app context and session each), started together, until it
    returns 0 in both; every result is kept per worker. Errors fail the test."""
    results: list[list[int]] = [[], []]

    def work(n: int) -> None:
        while True:
            done = step()
            results[n].append(done)
            if not done:
                return

    in_threads(app, work, 2)
    return results


def test_concurrent_claims_never_overlap(app, db):
    for i in range(60):
        queue_mail(f"claim{i}@example.org", "Hello", "body")
    db.session.commit()
    claimed: list[int] = []
    lock = threading.Lock()

    def step() -> int:
        now = utcnow()
        ids = claim_due(
            MailMessage, pending=MailMessage.sent_at.is_(None), now=now, lease_until=now + LEASE, limit=7
        )
        with lock:
            claimed.extend(ids)
        return len(ids)

    _in_two_workers(app, step)
    assert len(claimed) == len(set(claimed)) == 60
    assert (
        claim_due(  # all leased now: nothing is due any more
            MailMessage, pending=MailMessage.sent_at.is_(None), now=utcnow(), lease_until=utcnow(), limit=100
        )
        == []
    )


def test_two_mail_workers_send_every_mail_exactly_once(app, db, smtp_server):
    app.config["MAIL_URL"] = smtp_server.url
    ids = [queue_mail(f"once{i}@example.org", f"Mail {i}", "body") for i in range(30)]
    db.session.commit()

    _in_two_workers(app, lambda: sum(drain_mail(limit=3)))

    message_ids = [m["msg"]["Message-ID"] for m in smtp_server.messages]
    assert len(message_ids) == 30
    assert sorted(message_ids) == sorted(f"<outbox-{m.id}@kring.localhost>" for m in ids)
    db.session.expire_all()
    assert all(db.session.get(MailMessage, m.id).sent_at is not None for m in ids)


def test_two_search_workers_index_every_outbox_row_once(app, db):
    cards = [member_card(visibility="public", headline=f"Sound engineer {i}") for i in range(12)]
    rows = [r for r in outbox_rows() if r.done_at is None]
    assert len(rows) >= 12
    get_service()  # load the encoders once, before the race

    per_worker = _in_two_workers(app, lambda: drain_search(limit=3).processed)

    assert sum(map(sum, per_worker)) == len(rows)  # a row claimed twice would count twice
    db.session.expire_all()
    assert all(r.done_at is not None for r in outbox_rows())
    assert get_service().backend.ids("member") == {str(c.id) for c in cards}


HITS = """
import os, sys, time
from webapp import create_app
from webapp.extensions import limiter
data_dir, url, go = sys.argv[1], sys.argv[2], sys.argv[3]
app = create_app({"DATA_DIR": data_dir, "DATABASE_URL": url, "TESTING": True, "BACKGROUND_WORKERS": False,
                  "DEMO_ON_FIRST_START": False, "SECRET_KEY": "x", "MODEL_CACHE_DIR": sys.argv[4]})
with app.app_context():
    print("ready", flush=True)
    while not os.path.exists(go):  # both processes hit at the same moment
        time.sleep(0.005)
    print(sum(limiter.hit("signin", "203.0.113.9", "7/60", now=3_000_000.0).allowed for _ in range(12)))
"""


def test_rate_limit_holds_across_two_processes_hitting_at_once(app):
    """Two real worker processes, 12 hits each at the same moment on a 7-per-window rule: 7 pass."""
    from webapp.extensions import limiter

    url = app.config["SQLALCHEMY_DATABASE_URI"]
    go = Path(app.config["DATA_DIR"]) / "go"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    args = [app.config["DATA_DIR"], url, str(go), str(MODEL_CACHE)]
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", HITS, *args],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    assert [p.stdout.readline().strip() for p in procs] == ["ready", "ready"]
    go.touch()
    outputs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [err[-2000:] for _, err in outputs]
    assert sum(int(out) for out, _ in outputs) == 7
    assert limiter.peek("signin", "203.0.113.9", "7/60", now=3_000_000.0).count == 7  # refusals taken back


def test_reindex_replays_a_write_that_commits_a_lower_id_after_it_began(app, db):
    """PostgreSQL hands out ids at insert, not at commit: a transaction open when the rebuild starts
    commits an outbox row whose id is below the rebuild's starting point; it must still be replayed."""
    from sqlalchemy.orm import Session

    from webapp.core.models import SearchOutboxEntry
    from webapp.core.search import reindex
    from webapp.directory.models import MemberProfile

    if db.engine.dialect.name == "sqlite":
        pytest.skip("SQLite serialises writers: its ids arrive in commit order")
    member_card(visibility="public", headline="Set designer")
    drain_search(force=True)

    slow = Session(db.engine)  # another worker's transaction, open across the rebuild's start
    card = MemberProfile(display_name="Slow Writer", headline="Puppeteer", visibility="public", skills=[])
    slow.add(card)
    slow.flush()
    slow.add(SearchOutboxEntry(entity="member", entity_id=card.id, op="upsert"))
    slow.flush()  # holds the lower outbox id, not committed
    card_id = card.id
    member_card(visibility="public", headline="Lighting designer")  # a higher id, committed first

    def commit_slow_writer_and_drain(count: int) -> None:
        if slow.is_active and slow.in_transaction():
            slow.commit()
            drain_search(force=True)  # the worker applies it to the index that is about to be replaced

    try:
        reindex("member", progress=commit_slow_writer_and_drain)
    finally:
        slow.close()
    assert str(card_id) in get_service().backend.ids("member")
