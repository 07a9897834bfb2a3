"""Which version of each entity's document builder the search index was filled with.

When a module changes what goes into its documents (the members' years of experience as a
range, a listing's availability), the index still holds documents built the old way until
each row changes. ``EntitySpec.document_version`` says which build is current; at start the
platform compares it with this table and queues every row of an outdated entity for
re-indexing (webapp/core/search/outbox.py: ``requeue_outdated``), so an upgraded site catches
up by itself, in the background, without a manual reindex.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "search_entity_versions",
        sa.Column("entity", sa.String(length=40), nullable=False),
        sa.Column("document_version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("entity", name=op.f("pk_search_entity_versions")),
    )


def downgrade() -> None:
    op.drop_table("search_entity_versions")
