"""Baseline: the schema db.create_all() made before migrations existed.

Constraint names follow the metadata's naming convention (webapp/extensions.py). A database
made by that code (tables, no alembic_version) is stamped with this revision at start
(webapp/core/schema.py) and upgraded from here.

Revision ID: 0001
Revises:
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

#: Every table this revision creates, parents last (the order downgrade drops them in).
TABLES = (
    "abuse_reports",
    "contact_blocks",
    "contact_messages",
    "member_languages",
    "member_sectors",
    "client_sectors",
    "member_profiles",
    "client_profiles",
    "users",
    "audit_events",
    "rate_limit_counters",
    "search_outbox",
    "mail_messages",
)


def _card_columns() -> list[sa.Column]:
    """Columns member and client cards share (CardMixin, PlaceMixin, TimestampMixin at the time)."""
    return [
        sa.Column("visibility", sa.String(10), nullable=False),
        sa.Column("published_at", sa.DateTime(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("card_language", sa.String(2), nullable=True),
        sa.Column("website", sa.String(300), nullable=True),
        sa.Column("accepts_contact", sa.Boolean(), nullable=False),
        sa.Column("contact_email", sa.String(320), nullable=True),
        sa.Column("external_id", sa.String(100), nullable=True),
        sa.Column("place_id", sa.Integer(), nullable=True),
        sa.Column("place_name", sa.String(120), nullable=True),
        sa.Column("country", sa.String(2), nullable=True),
        sa.Column("region", sa.String(20), nullable=True),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("lon", sa.Float(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    ]


def upgrade() -> None:
    # --- core: outboxes, rate limits, audit log
    op.create_table(
        "mail_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("to_addr", sa.String(320), nullable=False),
        sa.Column("subject", sa.String(300), nullable=False),
        sa.Column("body_text", sa.Text(), nullable=False),
        sa.Column("reply_to", sa.String(320), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_mail_messages"),
    )
    op.create_index("ix_mail_messages_pending", "mail_messages", ["sent_at", "next_attempt_at"])
    op.create_index("ix_mail_messages_user_id", "mail_messages", ["user_id"])

    op.create_table(
        "search_outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entity", sa.String(40), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("op", sa.String(10), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("done_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_search_outbox"),
    )
    op.create_index("ix_search_outbox_due", "search_outbox", ["done_at", "next_attempt_at"])

    op.create_table(
        "rate_limit_counters",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(40), nullable=False),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("window", sa.Integer(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("expires_at", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_rate_limit_counters"),
        sa.UniqueConstraint("scope", "key", "window", name="uq_rate_limit_counters_key"),
    )

    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("subject_user_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(60), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_audit_events"),
    )
    op.create_index("ix_audit_events_actor_id", "audit_events", ["actor_id"])
    op.create_index("ix_audit_events_subject_user_id", "audit_events", ["subject_user_id"])

    # --- accounts
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("email_canonical", sa.String(320), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("account_type", sa.String(10), nullable=False),
        sa.Column("role", sa.String(10), nullable=False),
        sa.Column("locale", sa.String(5), nullable=True),
        sa.Column("email_verified_at", sa.DateTime(), nullable=True),
        sa.Column("last_login_at", sa.DateTime(), nullable=True),
        sa.Column("session_token", sa.String(64), nullable=False),
        sa.Column("failed_logins", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_users"),
        sa.UniqueConstraint("email_canonical", name="uq_users_email_canonical"),
    )

    # --- directory: cards
    op.create_table(
        "client_profiles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(160), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("contact_person", sa.String(120), nullable=True),
        *_card_columns(),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_client_profiles_user_id_users", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_client_profiles"),
        sa.UniqueConstraint("external_id", name="uq_client_profiles_external_id"),
        sa.UniqueConstraint("user_id", name="uq_client_profiles_user_id"),
    )
    op.create_index("ix_client_profiles_country", "client_profiles", ["country"])
    op.create_index("ix_client_profiles_visibility", "client_profiles", ["visibility"])

    op.create_table(
        "member_profiles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("display_name", sa.String(120), nullable=False),
        sa.Column("function_code", sa.String(60), nullable=True),
        sa.Column("function_text", sa.String(120), nullable=True),
        sa.Column("headline", sa.String(160), nullable=True),
        sa.Column("bio", sa.Text(), nullable=True),
        sa.Column("skills", sa.JSON(), nullable=False),
        sa.Column("experience_years", sa.Integer(), nullable=True),
        sa.Column("experience_level", sa.String(20), nullable=True),
        sa.Column("email_public", sa.Boolean(), nullable=False),
        sa.Column("open_to_assignments", sa.Boolean(), nullable=False),
        sa.Column("open_to_collaborations", sa.Boolean(), nullable=False),
        sa.Column("open_to_mentoring", sa.Boolean(), nullable=False),
        sa.Column("photo_filename", sa.String(80), nullable=True),
        *_card_columns(),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_member_profiles_user_id_users", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_member_profiles"),
        sa.UniqueConstraint("external_id", name="uq_member_profiles_external_id"),
        sa.UniqueConstraint("user_id", name="uq_member_profiles_user_id"),
    )
    op.create_index("ix_member_profiles_country", "member_profiles", ["country"])
    op.create_index("ix_member_profiles_function_code", "member_profiles", ["function_code"])
    op.create_index("ix_member_profiles_photo_filename", "member_profiles", ["photo_filename"])
    op.create_index("ix_member_profiles_visibility", "member_profiles", ["visibility"])

    for table, parent in (
        ("client_sectors", "client_profiles"),
        ("member_sectors", "member_profiles"),
    ):
        op.create_table(
            table,
            sa.Column("profile_id", sa.Integer(), nullable=False),
            sa.Column("sector_code", sa.String(60), nullable=False),
            sa.Column("position", sa.Integer(), nullable=False),
            sa.ForeignKeyConstraint(
                ["profile_id"], [f"{parent}.id"], name=f"fk_{table}_profile_id_{parent}", ondelete="CASCADE"
            ),
            sa.PrimaryKeyConstraint("profile_id", "sector_code", name=f"pk_{table}"),
        )
        op.create_index(f"ix_{table}_sector_code", table, ["sector_code"])

    op.create_table(
        "member_languages",
        sa.Column("profile_id", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.ForeignKeyConstraint(
            ["profile_id"],
            ["member_profiles.id"],
            name="fk_member_languages_profile_id_member_profiles",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("profile_id", "language", name="pk_member_languages"),
    )
    op.create_index("ix_member_languages_language", "member_languages", ["language"])

    # --- directory: the contact relay
    op.create_table(
        "contact_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sender_id", sa.Integer(), nullable=True),
        sa.Column("recipient_kind", sa.String(10), nullable=False),
        sa.Column("recipient_profile_id", sa.Integer(), nullable=False),
        sa.Column("recipient_user_id", sa.Integer(), nullable=True),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("mail_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["recipient_user_id"],
            ["users.id"],
            name="fk_contact_messages_recipient_user_id_users",
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["sender_id"], ["users.id"], name="fk_contact_messages_sender_id_users", ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_contact_messages"),
    )
    op.create_index("ix_contact_messages_recipient_user_id", "contact_messages", ["recipient_user_id"])
    op.create_index("ix_contact_messages_sender_id", "contact_messages", ["sender_id"])

    op.create_table(
        "contact_blocks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("blocked_user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["blocked_user_id"],
            ["users.id"],
            name="fk_contact_blocks_blocked_user_id_users",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_contact_blocks_user_id_users", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_contact_blocks"),
        sa.UniqueConstraint("user_id", "blocked_user_id", name="uq_contact_blocks_pair"),
    )

    op.create_table(
        "abuse_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("reporter_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("handled_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["handled_by_id"], ["users.id"], name="fk_abuse_reports_handled_by_id_users", ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["contact_messages.id"],
            name="fk_abuse_reports_message_id_contact_messages",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["reporter_id"], ["users.id"], name="fk_abuse_reports_reporter_id_users", ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_abuse_reports"),
    )
    op.create_index("ix_abuse_reports_reporter_id", "abuse_reports", ["reporter_id"])


def downgrade() -> None:
    for table in TABLES:
        op.drop_table(table)  # its indexes go with it
