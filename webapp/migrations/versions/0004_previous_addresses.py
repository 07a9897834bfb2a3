"""Addresses an account had before, kept while mail to them may still be on file.

Erasure must reach every copy (issue 7.7): a relay mail sent to a member's previous address
survived her erasure, because nothing remembered that address. ``users.previous_emails`` holds
[{"email", "until"}] for MAIL_KEEP_DAYS after each change (then the mail is purged and the entry
with it); export shows it, erasure deletes by it.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN on both databases: a batch rebuild on SQLite would drop AUTOINCREMENT.
    op.add_column(
        "users", sa.Column("previous_emails", sa.JSON(), nullable=False, server_default=sa.text("'[]'"))
    )


def downgrade() -> None:
    # SQLite drops a column by rebuilding the table: keep its AUTOINCREMENT (revision 0002).
    with op.batch_alter_table("users", table_kwargs={"sqlite_autoincrement": True}) as batch:
        batch.drop_column("previous_emails")
