"""Claiming due outbox rows so that two workers never take the same row.

The claim is one ``UPDATE … WHERE id IN (due rows) RETURNING id`` that pushes the rows'
``next_attempt_at`` past a lease, committed at once: a second worker's claim no longer sees them
as due. On PostgreSQL the due rows are picked ``FOR UPDATE SKIP LOCKED``, so a concurrent claim
skips rows another transaction is taking instead of waiting for them (and then re-checks the
condition on the row it got). On SQLite the statement takes the write lock before it reads, so
claims are serialised. Rows ignored by back-off (``force``) can still be claimed twice by two
forced drains at once: that is for the CLI and tests, never for the workers.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, select, true, update

from webapp.extensions import db


def claim_due(
    model: Any,
    *,
    pending: ColumnElement[bool],
    now: datetime,
    lease_until: datetime,
    limit: int,
    force: bool = False,
) -> list[int]:
    """Take up to ``limit`` pending rows due at ``now`` (any pending row with ``force``), oldest
    first; they stay leased until ``lease_until`` unless the caller records an outcome."""
    due = true() if force else model.next_attempt_at <= now
    candidates = select(model.id).where(pending, due).order_by(model.id).limit(limit)
    if db.session.get_bind().dialect.name == "postgresql":
        candidates = candidates.with_for_update(skip_locked=True)
    claimed = db.session.scalars(
        update(model)
        .where(model.id.in_(candidates.scalar_subquery()), pending, due)
        .values(next_attempt_at=lease_until)
        .returning(model.id)
        .execution_options(synchronize_session=False)
    ).all()
    db.session.commit()
    return sorted(claimed)
