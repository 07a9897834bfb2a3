"""The peer-to-peer board: listings, their sectors and availability windows, bookings with their
message threads, reviews and listing reports.

On PostgreSQL two holding bookings (accepted, handed over, returned) of one listing can never
overlap: an exclusion constraint over ``daterange(starts_on, ends_on, '[]')`` (btree_gist gives
``listing_id WITH =``). SQLite has no such constraint; there the acceptance is serialised with
BEGIN IMMEDIATE (webapp/p2p/service.py).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

#: Kept in step with webapp.p2p.models.Booking (ExcludeConstraint, PostgreSQL only).
EXCLUDE_OVERLAP = (
    "ALTER TABLE bookings ADD CONSTRAINT ex_bookings_no_overlap EXCLUDE USING gist "
    "(listing_id WITH =, daterange(starts_on, ends_on, '[]') WITH &&) "
    "WHERE (status IN ('accepted', 'handed_over', 'returned'))"
)


def upgrade() -> None:
    op.create_table(
        "listings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("profile_id", sa.Integer(), nullable=True),
        sa.Column("external_id", sa.String(length=100), nullable=True),
        sa.Column("type", sa.String(length=8), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("title", sa.String(length=160), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=True),
        sa.Column("conditions", sa.Text(), nullable=True),
        sa.Column("pickup_address", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("audience", sa.String(length=10), nullable=False),
        sa.Column("hidden_at", sa.DateTime(), nullable=True),
        sa.Column("hidden_by_id", sa.Integer(), nullable=True),
        sa.Column("place_id", sa.Integer(), nullable=True),
        sa.Column("place_name", sa.String(length=120), nullable=True),
        sa.Column("country", sa.String(length=2), nullable=True),
        sa.Column("region", sa.String(length=20), nullable=True),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("lon", sa.Float(), nullable=True),
        sa.Column("visibility", sa.String(length=10), nullable=False),
        sa.Column("published_at", sa.DateTime(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('equipment', 'workspace', 'mentoring', 'coaching', 'service')",
            name=op.f("ck_listings_kind"),
        ),
        sa.CheckConstraint(
            "status IN ('draft', 'active', 'paused', 'closed')", name=op.f("ck_listings_status")
        ),
        sa.CheckConstraint("type IN ('offer', 'request')", name=op.f("ck_listings_type")),
        sa.ForeignKeyConstraint(
            ["hidden_by_id"], ["users.id"], name=op.f("fk_listings_hidden_by_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_listings_user_id_users"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["profile_id"],
            ["member_profiles.id"],
            name=op.f("fk_listings_profile_id_member_profiles"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_listings")),
        sa.UniqueConstraint("external_id", name=op.f("uq_listings_external_id")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("listings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_listings_country"), ["country"], unique=False)
        batch_op.create_index(batch_op.f("ix_listings_kind"), ["kind"], unique=False)
        batch_op.create_index(batch_op.f("ix_listings_profile_id"), ["profile_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_listings_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_listings_user_id"), ["user_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_listings_visibility"), ["visibility"], unique=False)

    op.create_table(
        "bookings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("listing_id", sa.Integer(), nullable=True),
        sa.Column("listing_title", sa.String(length=160), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("borrower_id", sa.Integer(), nullable=True),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("pickup_reminded", sa.Boolean(), nullable=False),
        sa.Column("return_reminded", sa.Boolean(), nullable=False),
        sa.CheckConstraint(
            "status IN ('requested', 'accepted', 'handed_over', 'returned', 'declined', 'cancelled', "
            "'no_show')",
            name=op.f("ck_bookings_status"),
        ),
        sa.CheckConstraint("ends_on >= starts_on", name=op.f("ck_bookings_dates")),
        sa.ForeignKeyConstraint(
            ["borrower_id"], ["users.id"], name=op.f("fk_bookings_borrower_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["listing_id"], ["listings.id"], name=op.f("fk_bookings_listing_id_listings"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["users.id"], name=op.f("fk_bookings_owner_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bookings")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("bookings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_bookings_borrower_id"), ["borrower_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_bookings_listing_id"), ["listing_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_bookings_owner_id"), ["owner_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_bookings_status"), ["status"], unique=False)

    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
        op.execute(EXCLUDE_OVERLAP)

    op.create_table(
        "listing_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("listing_id", sa.Integer(), nullable=False),
        sa.Column("reporter_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["listing_id"],
            ["listings.id"],
            name=op.f("fk_listing_reports_listing_id_listings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["reporter_id"],
            ["users.id"],
            name=op.f("fk_listing_reports_reporter_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_listing_reports")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("listing_reports", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_listing_reports_listing_id"), ["listing_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_listing_reports_reporter_id"), ["reporter_id"], unique=False)

    op.create_table(
        "listing_sectors",
        sa.Column("listing_id", sa.Integer(), nullable=False),
        sa.Column("sector_code", sa.String(length=60), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["listing_id"],
            ["listings.id"],
            name=op.f("fk_listing_sectors_listing_id_listings"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("listing_id", "sector_code", name=op.f("pk_listing_sectors")),
    )
    with op.batch_alter_table("listing_sectors", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_listing_sectors_sector_code"), ["sector_code"], unique=False)

    op.create_table(
        "listing_windows",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("listing_id", sa.Integer(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=True),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["listing_id"],
            ["listings.id"],
            name=op.f("fk_listing_windows_listing_id_listings"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_listing_windows")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("listing_windows", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_listing_windows_listing_id"), ["listing_id"], unique=False)

    op.create_table(
        "booking_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("booking_id", sa.Integer(), nullable=False),
        sa.Column("sender_id", sa.Integer(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["booking_id"],
            ["bookings.id"],
            name=op.f("fk_booking_messages_booking_id_bookings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["sender_id"], ["users.id"], name=op.f("fk_booking_messages_sender_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_booking_messages")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("booking_messages", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_booking_messages_booking_id"), ["booking_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_booking_messages_sender_id"), ["sender_id"], unique=False)

    op.create_table(
        "reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("booking_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=8), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("subject_id", sa.Integer(), nullable=True),
        sa.Column("listing_id", sa.Integer(), nullable=True),
        sa.Column("rating", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("rating BETWEEN 1 AND 5", name=op.f("ck_reviews_rating")),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_reviews_author_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["booking_id"], ["bookings.id"], name=op.f("fk_reviews_booking_id_bookings"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["listing_id"], ["listings.id"], name=op.f("fk_reviews_listing_id_listings"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["subject_id"], ["users.id"], name=op.f("fk_reviews_subject_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reviews")),
        sa.UniqueConstraint("booking_id", "role", name="uq_reviews_booking_role"),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("reviews", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_reviews_author_id"), ["author_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_reviews_listing_id"), ["listing_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_reviews_subject_id"), ["subject_id"], unique=False)

    op.create_table(
        "board_notices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("listing_id", sa.Integer(), nullable=False),
        sa.Column("why", sa.String(length=300), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["listing_id"],
            ["listings.id"],
            name=op.f("fk_board_notices_listing_id_listings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_board_notices_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_board_notices")),
        sa.UniqueConstraint("user_id", "listing_id", name="uq_board_notices_user_listing"),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("board_notices", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_board_notices_user_id"), ["user_id"], unique=False)

    op.create_table(
        "board_preferences",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("digest", sa.Boolean(), nullable=False),
        sa.Column("last_digest_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_board_preferences_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_board_preferences")),
    )


def downgrade() -> None:
    op.drop_table("board_preferences")
    with op.batch_alter_table("board_notices", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_board_notices_user_id"))

    op.drop_table("board_notices")
    with op.batch_alter_table("reviews", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reviews_subject_id"))
        batch_op.drop_index(batch_op.f("ix_reviews_listing_id"))
        batch_op.drop_index(batch_op.f("ix_reviews_author_id"))

    op.drop_table("reviews")
    with op.batch_alter_table("booking_messages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_booking_messages_sender_id"))
        batch_op.drop_index(batch_op.f("ix_booking_messages_booking_id"))

    op.drop_table("booking_messages")
    with op.batch_alter_table("listing_windows", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_listing_windows_listing_id"))

    op.drop_table("listing_windows")
    with op.batch_alter_table("listing_sectors", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_listing_sectors_sector_code"))

    op.drop_table("listing_sectors")
    with op.batch_alter_table("listing_reports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_listing_reports_reporter_id"))
        batch_op.drop_index(batch_op.f("ix_listing_reports_listing_id"))

    op.drop_table("listing_reports")
    with op.batch_alter_table("bookings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_bookings_status"))
        batch_op.drop_index(batch_op.f("ix_bookings_owner_id"))
        batch_op.drop_index(batch_op.f("ix_bookings_listing_id"))
        batch_op.drop_index(batch_op.f("ix_bookings_borrower_id"))

    op.drop_table("bookings")
    with op.batch_alter_table("listings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_listings_visibility"))
        batch_op.drop_index(batch_op.f("ix_listings_user_id"))
        batch_op.drop_index(batch_op.f("ix_listings_status"))
        batch_op.drop_index(batch_op.f("ix_listings_profile_id"))
        batch_op.drop_index(batch_op.f("ix_listings_kind"))
        batch_op.drop_index(batch_op.f("ix_listings_country"))

    op.drop_table("listings")
