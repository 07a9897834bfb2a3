"""The board's listing photos (``listing_photos``) and the digest's why line in every site
language (``board_notices.why_texts``).

Revision ID: 0010
Revises: 0009 (p2p slots)
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "listing_photos",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("listing_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["listing_id"],
            ["listings.id"],
            name=op.f("fk_listing_photos_listing_id_listings"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_listing_photos")),
        sa.UniqueConstraint("filename", name=op.f("uq_listing_photos_filename")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("listing_photos", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_listing_photos_listing_id"), ["listing_id"], unique=False)
    # A plain ADD COLUMN on both databases: a batch rebuild on SQLite would drop AUTOINCREMENT.
    op.add_column(
        "board_notices",
        sa.Column("why_texts", sa.JSON(), nullable=False, server_default=sa.text("'{}'")),
    )


def downgrade() -> None:
    # SQLite drops a column by rebuilding the table: keep its AUTOINCREMENT (revision 0002).
    with op.batch_alter_table("board_notices", table_kwargs={"sqlite_autoincrement": True}) as batch:
        batch.drop_column("why_texts")
    with op.batch_alter_table("listing_photos", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_listing_photos_listing_id"))
    op.drop_table("listing_photos")
