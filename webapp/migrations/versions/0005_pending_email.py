"""The address an account is moving to waits on the server, not inside the mailed link.

Verification and e-mail-change links carried the addresses readable in their base64 payload
(issue 7.9): anyone the link passed by (a forwarded mail, a proxy log) learnt them. The links
are now opaque (an account id and a keyed fingerprint), and the new address waits here until
the link is opened.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN on both databases: a batch rebuild on SQLite would drop AUTOINCREMENT.
    op.add_column("users", sa.Column("pending_email", sa.String(length=320), nullable=True))


def downgrade() -> None:
    # SQLite drops a column by rebuilding the table: keep its AUTOINCREMENT (revision 0002).
    with op.batch_alter_table("users", table_kwargs={"sqlite_autoincrement": True}) as batch:
        batch.drop_column("pending_email")
