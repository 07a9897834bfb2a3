"""The events calendar (webapp/events): sector groups and their members, events with texts in
several languages, sectors, occurrence exceptions, RSVPs and private feed tokens.

The capacity is a database rule: CHECK (capacity IS NULL OR going_count <= capacity).

Revision ID: 0008
Revises: 0006
Create Date: 2026-12-06

Follows the board's 0007 (webapp/p2p), written in parallel with it and re-chained onto it
at merge; nothing here depends on the board's tables.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def _place_columns() -> list[sa.Column]:
    return [
        sa.Column("place_id", sa.Integer(), nullable=True),
        sa.Column("place_name", sa.String(120), nullable=True),
        sa.Column("country", sa.String(2), nullable=True),
        sa.Column("region", sa.String(20), nullable=True),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("lon", sa.Float(), nullable=True),
    ]


def _publishable_columns() -> list[sa.Column]:
    return [
        sa.Column("visibility", sa.String(10), nullable=False),
        sa.Column("published_at", sa.DateTime(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "event_groups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("external_id", sa.String(100), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(160), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        *_place_columns(),
        *_publishable_columns(),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_event_groups_user_id_users", ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_event_groups"),
        sa.UniqueConstraint("external_id", name="uq_event_groups_external_id"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_event_groups_user_id", "event_groups", ["user_id"])
    op.create_index("ix_event_groups_country", "event_groups", ["country"])
    op.create_index("ix_event_groups_visibility", "event_groups", ["visibility"])

    op.create_table(
        "event_group_sectors",
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("sector_code", sa.String(60), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["event_groups.id"],
            name="fk_event_group_sectors_group_id_event_groups",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("group_id", "sector_code", name="pk_event_group_sectors"),
    )
    op.create_index("ix_event_group_sectors_sector_code", "event_group_sectors", ["sector_code"])

    op.create_table(
        "event_group_members",
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(10), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["event_groups.id"],
            name="fk_event_group_members_group_id_event_groups",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_event_group_members_user_id_users", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("group_id", "user_id", name="pk_event_group_members"),
    )
    op.create_index("ix_event_group_members_user_id", "event_group_members", ["user_id"])

    op.create_table(
        "events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("external_id", sa.String(100), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("group_id", sa.Integer(), nullable=True),
        sa.Column("organiser_kind", sa.String(10), nullable=False),
        sa.Column("category", sa.String(30), nullable=False),
        sa.Column("languages", sa.JSON(), nullable=False),
        sa.Column("timezone", sa.String(60), nullable=False),
        sa.Column("starts_at", sa.DateTime(), nullable=False),
        sa.Column("ends_at", sa.DateTime(), nullable=False),
        sa.Column("rrule", sa.String(300), nullable=True),
        sa.Column("venue", sa.String(300), nullable=True),
        sa.Column("online_url", sa.String(300), nullable=True),
        sa.Column("capacity", sa.Integer(), nullable=True),
        sa.Column("registration_deadline", sa.DateTime(), nullable=True),
        sa.Column("cancelled", sa.Boolean(), nullable=False),
        sa.Column("going_count", sa.Integer(), nullable=False),
        sa.Column("arrivals", sa.Integer(), nullable=False),
        *_place_columns(),
        *_publishable_columns(),
        sa.CheckConstraint("capacity IS NULL OR going_count <= capacity", name="ck_events_capacity"),
        sa.CheckConstraint("going_count >= 0", name="ck_events_going_count"),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_events_user_id_users", ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["group_id"], ["event_groups.id"], name="fk_events_group_id_event_groups", ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_events"),
        sa.UniqueConstraint("external_id", name="uq_events_external_id"),
        sqlite_autoincrement=True,
    )
    for column in ("user_id", "group_id", "category", "starts_at", "country", "visibility"):
        op.create_index(f"ix_events_{column}", "events", [column])

    op.create_table(
        "event_texts",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("lang", sa.String(2), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name="fk_event_texts_event_id_events", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("event_id", "lang", name="pk_event_texts"),
    )
    op.create_table(
        "event_sectors",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("sector_code", sa.String(60), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name="fk_event_sectors_event_id_events", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("event_id", "sector_code", name="pk_event_sectors"),
    )
    op.create_index("ix_event_sectors_sector_code", "event_sectors", ["sector_code"])

    op.create_table(
        "event_exceptions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("original_start", sa.DateTime(), nullable=False),
        sa.Column("cancelled", sa.Boolean(), nullable=False),
        sa.Column("starts_at", sa.DateTime(), nullable=True),
        sa.Column("ends_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name="fk_event_exceptions_event_id_events", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_event_exceptions"),
        sa.UniqueConstraint("event_id", "original_start", name="uq_event_exceptions_occurrence"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_event_exceptions_event_id", "event_exceptions", ["event_id"])

    op.create_table(
        "event_rsvps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("arrival", sa.Integer(), nullable=False),
        sa.Column("public", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("reminded_for", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name="fk_event_rsvps_event_id_events", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_event_rsvps_user_id_users", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_event_rsvps"),
        sa.UniqueConstraint("event_id", "user_id", name="uq_event_rsvps_member"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_event_rsvps_event_id", "event_rsvps", ["event_id"])
    op.create_index("ix_event_rsvps_user_id", "event_rsvps", ["user_id"])

    op.create_table(
        "event_feed_tokens",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_event_feed_tokens_user_id_users", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", name="pk_event_feed_tokens"),
        sa.UniqueConstraint("token", name="uq_event_feed_tokens_token"),
    )

    op.create_table(
        "event_digest_preferences",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("weekly", sa.Boolean(), nullable=False),
        sa.Column("last_sent_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_event_digest_preferences_user_id_users", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", name="pk_event_digest_preferences"),
    )


def downgrade() -> None:
    for table in (
        "event_digest_preferences",
        "event_feed_tokens",
        "event_rsvps",
        "event_exceptions",
        "event_sectors",
        "event_texts",
        "events",
        "event_group_members",
        "event_group_sectors",
        "event_groups",
    ):
        op.drop_table(table)
