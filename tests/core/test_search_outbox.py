"""The search outbox: writes never wait for the index, failures retry, rebuilds replay and drop orphans."""

from __future__ import annotations

import socket

import pytest

from indexer.types import Document, SearchQuery
from tests.factories import member_card, outbox_rows
from webapp.core.search import close_service, drain_search, get_service, run_search

pytestmark = pytest.mark.db  # database-sensitive: `make test` runs it on PostgreSQL too


def _dead_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}"


def _found(text: str, visibility: tuple[str, ...] = ("public", "community")) -> set[str]:
    result = run_search(SearchQuery(entity="member", text=text, visibility=visibility, limit=50))
    return {hit.id for hit in result.hits}


def test_backend_down_keeps_the_write_and_one_row_waits_until_recovery(app, db):
    app.config.update(SEARCH_BACKEND="elasticsearch", ELASTICSEARCH_URL=_dead_url())
    card = member_card(visibility="public", display_name="Ada Outbox", headline="Sound engineer")
    assert card.id  # the user's write succeeded with the backend down

    report = drain_search(force=True)
    assert report.processed == 0 and report.failed >= 1
    pending = [r for r in outbox_rows("member") if r.done_at is None]
    assert pending and all(r.attempts == 1 and r.last_error for r in pending)
    assert all(r.next_attempt_at > r.created_at for r in pending)  # backed off
    assert drain_search().processed == 0  # not due again yet

    close_service(app)  # the backend "recovers"
    app.config.update(SEARCH_BACKEND="embedded", ELASTICSEARCH_URL=None)
    assert drain_search(force=True).processed == len(pending)
    assert drain_search(force=True).processed == 0
    assert get_service().backend.ids("member") == {str(card.id)}
    assert all(r.done_at is not None for r in outbox_rows("member"))


def test_unpublishing_and_deleting_leave_search_after_one_drain(app, db):
    from webapp.directory import service

    kept = member_card(visibility="public", display_name="Ben Keeper", headline="Photographer in Ghent")
    hidden = member_card(visibility="public", display_name="Cleo Hidden", headline="Photographer in Ghent")
    gone = member_card(visibility="community", display_name="Dirk Gone", headline="Photographer in Ghent")
    drain_search(force=True)
    assert _found("photographer") >= {str(kept.id), str(hidden.id), str(gone.id)}
    assert str(gone.id) not in _found("photographer", ("public",))

    service.set_visibility(hidden, "draft", actor_id=hidden.user_id)
    service.delete_card(gone, actor_id=gone.user_id)
    db.session.commit()
    drain_search(force=True)
    assert _found("photographer") == {str(kept.id)}


def test_reindex_is_idempotent_removes_orphans_and_replays_changes_made_meanwhile(app, db):
    from webapp.core.search import reindex
    from webapp.directory import service

    cards = [member_card(visibility="public", headline=f"Translator {i}") for i in range(3)]
    member_card(visibility="draft", headline="Translator draft")
    drain_search(force=True)
    backend = get_service().backend
    orphan = Document(id="999999", version=1, visibility="public", fields={"title": "Orphan"})
    get_service().index("member", [orphan])
    assert "999999" in backend.ids("member")

    expected = {str(c.id) for c in cards}
    assert reindex("member") == 3
    assert backend.ids("member") == expected
    assert reindex("member") == 3  # twice: same count
    assert backend.ids("member") == expected

    late: list[int] = []

    def change_while_rebuilding(count: int) -> None:
        # Runs after a batch went into the new index: these writes must survive the swap.
        if not late:
            late.append(member_card(visibility="public", headline="Interpreter").id)
            service.delete_card(cards[0], actor_id=cards[0].user_id)
            db.session.commit()

    reindex("member", progress=change_while_rebuilding)
    assert backend.ids("member") == (expected - {str(cards[0].id)}) | {str(late[0])}


def test_indexer_cli_run_status_and_reindex(app, db):
    member_card(visibility="public", headline="Set builder")
    member_card(visibility="community", headline="Stage manager")
    runner = app.test_cli_runner()

    status = runner.invoke(args=["indexer", "status"]).output
    assert "outbox: " in status and "0 queued" not in status

    out = runner.invoke(args=["indexer", "run", "--once"]).output
    assert "indexed 2" in out

    status = runner.invoke(args=["indexer", "status"]).output
    assert "outbox: 0 queued, 0 failing" in status
    assert "member: 2 documents" in status
    assert "embedded (ok)" in status

    result = runner.invoke(args=["indexer", "reindex", "--entity", "member"])
    assert result.exit_code == 0, result.output
    assert "reindex member: 2 in" in result.output

    result = runner.invoke(args=["indexer", "reindex", "--entity", "nothing"])
    assert result.exit_code != 0 and "unknown entity 'nothing'" in result.output
