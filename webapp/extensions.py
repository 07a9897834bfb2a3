"""Extensions, created unbound; ``create_app`` binds them."""

from __future__ import annotations

from flask_babel import Babel
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import Integer, MetaData, Table, event
from sqlalchemy.orm import DeclarativeBase

from webapp.core.ratelimit import RateLimiter

# Stable constraint names keep future Alembic migrations reviewable.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def has_surrogate_key(table: Table) -> bool:
    """One integer primary-key column of its own (not a foreign key): the ids SQLite would reuse."""
    columns = list(table.primary_key.columns)
    return (
        len(columns) == 1
        and isinstance(columns[0].type, Integer)
        and not columns[0].foreign_keys
        and columns[0].autoincrement in ("auto", True)
    )


@event.listens_for(Table, "after_parent_attach")
def _never_reuse_ids(table: Table, metadata: MetaData) -> None:
    """SQLite hands a deleted row's id to the next insert unless the table says AUTOINCREMENT;
    a reused id would let the search index and Message-IDs mix two rows up. Every table on our
    metadata gets it, so new modules need not remember (PostgreSQL sequences never reuse ids)."""
    if metadata is Base.metadata and has_surrogate_key(table):
        table.dialect_kwargs["sqlite_autoincrement"] = True


db = SQLAlchemy(model_class=Base)
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
limiter = RateLimiter()
