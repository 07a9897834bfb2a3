"""SQLite: never hand a deleted row's id to a new row (AUTOINCREMENT on every surrogate key).

Without it SQLite reuses the highest id after a delete: the search index kept a deleted card's
text under the next new card, and a mail's Message-ID (<outbox-ID@…>) repeated. Each table is
rebuilt (batch mode: copy, drop, rename) with foreign-key enforcement off, which the app's
upgrade guarantees (webapp/core/schema.py). The sequences then start above the highest id
still known anywhere: the table itself, the search outbox (cards) and relay log (mails).
PostgreSQL: nothing to do, its sequences never go back.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

#: The tables with an integer surrogate key at this revision.
TABLES = (
    "mail_messages",
    "search_outbox",
    "rate_limit_counters",
    "audit_events",
    "users",
    "client_profiles",
    "member_profiles",
    "contact_messages",
    "contact_blocks",
    "abuse_reports",
)

#: Ids that other tables still remember after the row itself was deleted.
REMEMBERED_IDS = {
    "member_profiles": "SELECT max(entity_id) FROM search_outbox WHERE entity = 'member'",
    "client_profiles": "SELECT max(entity_id) FROM search_outbox WHERE entity = 'client'",
    "mail_messages": "SELECT max(mail_id) FROM contact_messages",
}


def _has_autoincrement(bind: sa.Connection, table: str) -> bool:
    sql = bind.scalar(
        sa.text("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = :t"), {"t": table}
    )
    return "AUTOINCREMENT" in (sql or "").upper()


def _rebuild(table: str, autoincrement: bool) -> None:
    # No operation inside: recreate="always" rebuilds the table from its reflection with the new option.
    with op.batch_alter_table(table, recreate="always", table_kwargs={"sqlite_autoincrement": autoincrement}):
        pass


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    for table in TABLES:
        if not _has_autoincrement(bind, table):
            _rebuild(table, True)
    for table, query in REMEMBERED_IDS.items():
        floor = bind.scalar(sa.text(query)) or 0
        values = {"t": table, "s": floor}
        current = bind.scalar(sa.text("SELECT seq FROM sqlite_sequence WHERE name = :t"), values)
        if current is None:
            bind.execute(sa.text("INSERT INTO sqlite_sequence (name, seq) VALUES (:t, :s)"), values)
        elif current < floor:
            bind.execute(sa.text("UPDATE sqlite_sequence SET seq = :s WHERE name = :t"), values)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    for table in TABLES:
        if _has_autoincrement(bind, table):
            _rebuild(table, False)
