"""Mail that can never be sent stops being retried: a dead-letter time on the outbox row.

A mail whose headers cannot be built, or that the SMTP server refuses for good, or that failed
MAIL_MAX_ATTEMPTS times, gets ``failed_at``; the worker skips it, `flask mail status` counts it,
and staff get a notice (webapp/core/mail.py).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN on both databases: a batch rebuild on SQLite would drop AUTOINCREMENT.
    op.add_column("mail_messages", sa.Column("failed_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    # SQLite drops a column by rebuilding the table: keep its AUTOINCREMENT (revision 0002).
    with op.batch_alter_table("mail_messages", table_kwargs={"sqlite_autoincrement": True}) as batch:
        batch.drop_column("failed_at")
