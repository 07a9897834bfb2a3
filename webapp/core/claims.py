"""Claiming due outbox rows so that two workers never take the same row.

A claim pushes the rows' ``next_attempt_at`` past a lease and commits at once, so a second
worker no longer sees them as due. On SQLite it is one ``UPDATE … WHERE id IN (due rows)
RETURNING id``: the statement takes the write lock before it reads, so claims are serialised.
On PostgreSQL the due rows are first selected ``FOR UPDATE SKIP LOCKED`` (a concurrent claim
skips rows another transaction is taking instead of waiting), then leased in the same
transaction: inside an ``UPDATE … IN (subquery)`` PostgreSQL may evaluate a ``LIMIT … SKIP
LOCKED`` subquery more than once and lease more rows than asked. Rows ignored by back-off
(``force``) can still be claimed twice by two forced drains at once: that is for the CLI and
tests, never for the workers.
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
        # Lock the rows first, then lease them, in one transaction. Inside ``UPDATE … WHERE id IN``
        # PostgreSQL may run a LIMIT … SKIP LOCKED subquery more than once and take more rows.
        ids = list(db.session.scalars(candidates.with_for_update(skip_locked=True)))
        if ids:
            db.session.execute(
                update(model)
                .where(model.id.in_(ids))
                .values(next_attempt_at=lease_until)
                .execution_options(synchronize_session=False)
            )
        db.session.commit()
        return sorted(ids)
    claimed = db.session.scalars(
        update(model)
        .where(model.id.in_(candidates.scalar_subquery()), pending, due)
        .values(next_attempt_at=lease_until)
        .returning(model.id)
        .execution_options(synchronize_session=False)
    ).all()
    db.session.commit()
    return sorted(claimed)
