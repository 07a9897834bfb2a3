"""An index filled by an older document builder catches up by itself (EntitySpec.document_version)."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import delete, func, select

from tests.factories import member_card


def _queued(entity: str) -> int:
    from webapp.core.models import SearchOutboxEntry
    from webapp.extensions import db

    return db.session.scalar(
        select(func.count())
        .select_from(SearchOutboxEntry)
        .where(SearchOutboxEntry.entity == entity, SearchOutboxEntry.done_at.is_(None))
    )


def test_a_new_builder_version_queues_every_row_once_and_the_search_uses_it(app, db):
    from webapp.core.models import SearchEntityVersion
    from webapp.core.search import drain_all, entities
    from webapp.core.search.outbox import requeue_outdated

    member_card(visibility="public", display_name="Veteran", experience_years=25)
    member_card(visibility="draft", display_name="Drafty")
    drain_all()
    assert requeue_outdated() == {}  # a fresh site is up to date
    spec = entities()["member"]
    entities()["member"] = replace(spec, document_version=spec.document_version + 1)
    assert requeue_outdated() == {"member": 1}  # published rows only
    assert _queued("member") == 1
    assert requeue_outdated() == {}  # once
    assert db.session.get(SearchEntityVersion, "member").document_version == spec.document_version + 1
    drain_all()
    assert _queued("member") == 0


def test_an_index_from_before_versions_were_kept_is_refilled(app, db):
    """An upgraded instance: its members' documents lack the years range until re-indexed."""
    from webapp.core.models import SearchEntityVersion
    from webapp.core.search import drain_all
    from webapp.core.search.outbox import requeue_outdated

    member_card(visibility="public", display_name="Old Timer", experience_years=30)
    drain_all()
    db.session.execute(delete(SearchEntityVersion))  # what a site made before revision 0006 has
    db.session.commit()
    assert requeue_outdated()["member"] == 1
    drain_all()
    data = app.test_client().get("/api/v1/members/search?years_min=20").get_json()
    assert [r["name"] for r in data["results"]] == ["Old Timer"]
