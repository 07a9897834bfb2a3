"""Create or migrate the schema on any fresh DATA_DIR; SQLite connection pragmas."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

from webapp.extensions import db


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # noqa: ANN001 - DB-API connection
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _configure_engine(engine: Engine) -> None:
    if engine.dialect.name == "sqlite" and not event.contains(engine, "connect", _sqlite_pragmas):
        event.listen(engine, "connect", _sqlite_pragmas)


def ensure_schema() -> None:
    """Create missing tables. Idempotent; every module's models are on the metadata by now
    (create_app runs this after each module's init_app)."""
    db.create_all()


def init_app(app: Flask) -> None:
    with app.app_context():
        _configure_engine(db.engine)
        ensure_schema()
