"""The board's weekly slots and timed bookings.

``listing_slots``: a listing's weekly slots (day of week, local start and end time). Every
booking now holds an interval of instants, ``[starts_at, ends_at)`` in UTC: existing rows (all
whole days) get their first day's 00:00 and the day after their last, 00:00, in Europe/Brussels.
The PostgreSQL exclusion constraint ``ex_bookings_no_overlap`` moves from the daterange of the
days to the ``tsrange`` of those instants, so two sessions on one day may both be accepted when
they do not overlap, and a whole-day booking still excludes every session of its days.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

#: The zone whole days are counted in (webapp.core.search.params.LOCAL_ZONE, copied: a migration
#: must not change when the code does).
ZONE = ZoneInfo("Europe/Brussels")

HOLDING = "WHERE (status IN ('accepted', 'handed_over', 'returned'))"
#: Kept in step with webapp.p2p.models.Booking (ExcludeConstraint, PostgreSQL only).
EXCLUDE_TIMES = (
    "ALTER TABLE bookings ADD CONSTRAINT ex_bookings_no_overlap EXCLUDE USING gist "
    f"(listing_id WITH =, tsrange(starts_at, ends_at, '[)') WITH &&) {HOLDING}"
)
#: What 0007 made (restored on downgrade).
EXCLUDE_DAYS = (
    "ALTER TABLE bookings ADD CONSTRAINT ex_bookings_no_overlap EXCLUDE USING gist "
    f"(listing_id WITH =, daterange(starts_on, ends_on, '[]') WITH &&) {HOLDING}"
)


def _midnight_utc(day) -> datetime:  # noqa: ANN001 - a date, or SQLite's ISO string
    if isinstance(day, str):
        day = datetime.fromisoformat(day).date()
    return datetime.combine(day, time(), ZONE).astimezone(UTC).replace(tzinfo=None)


def upgrade() -> None:
    op.create_table(
        "listing_slots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("listing_id", sa.Integer(), nullable=False),
        sa.Column("weekday", sa.Integer(), nullable=False),
        sa.Column("starts_at", sa.Time(), nullable=False),
        sa.Column("ends_at", sa.Time(), nullable=False),
        sa.CheckConstraint("weekday BETWEEN 0 AND 6", name=op.f("ck_listing_slots_weekday")),
        sa.CheckConstraint("ends_at > starts_at", name=op.f("ck_listing_slots_times")),
        sa.ForeignKeyConstraint(
            ["listing_id"],
            ["listings.id"],
            name=op.f("fk_listing_slots_listing_id_listings"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_listing_slots")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("listing_slots", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_listing_slots_listing_id"), ["listing_id"], unique=False)

    bind = op.get_bind()
    postgres = bind.dialect.name == "postgresql"
    with op.batch_alter_table(
        "bookings", schema=None, table_kwargs={"sqlite_autoincrement": True}
    ) as batch_op:
        batch_op.add_column(sa.Column("starts_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("ends_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("timed", sa.Boolean(), nullable=False, server_default=sa.false()))

    bookings = sa.table(
        "bookings",
        sa.column("id", sa.Integer()),
        sa.column("starts_on", sa.Date()),
        sa.column("ends_on", sa.Date()),
        sa.column("starts_at", sa.DateTime()),
        sa.column("ends_at", sa.DateTime()),
    )
    rows = bind.execute(sa.select(bookings.c.id, bookings.c.starts_on, bookings.c.ends_on)).all()
    for booking_id, starts_on, ends_on in rows:
        if isinstance(ends_on, str):
            ends_on = datetime.fromisoformat(ends_on).date()
        bind.execute(
            bookings.update()
            .where(bookings.c.id == booking_id)
            .values(starts_at=_midnight_utc(starts_on), ends_at=_midnight_utc(ends_on + timedelta(days=1)))
        )

    if postgres:
        op.execute("ALTER TABLE bookings DROP CONSTRAINT ex_bookings_no_overlap")
    with op.batch_alter_table(
        "bookings", schema=None, table_kwargs={"sqlite_autoincrement": True}
    ) as batch_op:
        batch_op.alter_column("starts_at", existing_type=sa.DateTime(), nullable=False)
        batch_op.alter_column("ends_at", existing_type=sa.DateTime(), nullable=False)
        batch_op.alter_column("timed", existing_type=sa.Boolean(), server_default=None)
        batch_op.create_check_constraint(op.f("ck_bookings_times"), "ends_at > starts_at")
    if postgres:
        op.execute(EXCLUDE_TIMES)


def downgrade() -> None:
    """Back to whole days: a timed session keeps its day (two sessions of one day that were both
    accepted would break the old constraint, so the later ones go back to "requested")."""
    bind = op.get_bind()
    postgres = bind.dialect.name == "postgresql"
    if postgres:
        op.execute("ALTER TABLE bookings DROP CONSTRAINT ex_bookings_no_overlap")
        op.execute(
            "UPDATE bookings SET status = 'requested' WHERE timed AND status IN "
            "('accepted', 'handed_over', 'returned') AND EXISTS (SELECT 1 FROM bookings AS b "
            "WHERE b.listing_id = bookings.listing_id AND b.id < bookings.id AND b.status IN "
            "('accepted', 'handed_over', 'returned') AND b.starts_on <= bookings.ends_on AND "
            "b.ends_on >= bookings.starts_on)"
        )
    with op.batch_alter_table(
        "bookings", schema=None, table_kwargs={"sqlite_autoincrement": True}
    ) as batch_op:
        batch_op.drop_constraint(op.f("ck_bookings_times"), type_="check")
        batch_op.drop_column("timed")
        batch_op.drop_column("ends_at")
        batch_op.drop_column("starts_at")
    if postgres:
        op.execute(EXCLUDE_DAYS)
    with op.batch_alter_table("listing_slots", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_listing_slots_listing_id"))
    op.drop_table("listing_slots")
