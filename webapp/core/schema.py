"""The schema follows the Alembic migrations in webapp/migrations; SQLite connection pragmas.

Every start of the app (``serve``, each CLI command, the tests) upgrades the database to the
newest revision, so a fresh DATA_DIR works and an old one catches up. Two processes starting
at once must not both migrate: the one that gets the lock migrates, the other waits for it and
then finds nothing to do (PostgreSQL: an advisory lock held by the migrating transaction;
SQLite: an exclusive lock on a file next to the database). A database that today's older code
made with ``create_all`` (tables, no ``alembic_version``) is stamped with the baseline first.
"""

from __future__ import annotations

import fcntl
import functools
import logging
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask
from sqlalchemy import Connection, create_engine, event, inspect, text
from sqlalchemy.engine import Engine
from sqlalchemy.pool import NullPool

from webapp.extensions import db

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"
#: The revision equal to what ``db.create_all()`` made before migrations existed.
BASELINE = "0001"
#: pg_advisory_xact_lock key: any constant the app's other locks do not use ("kring" + 1).
PG_LOCK_KEY = 0x6B72696E67_01


class LegacySchemaError(RuntimeError):
    """Tables exist without alembic_version, but not all the baseline's: no safe starting point."""


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # noqa: ANN001 - DB-API connection
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA foreign_keys=ON")
    # Deleted content is overwritten, not just unlinked: erasure leaves nothing in free pages.
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _configure_engine(engine: Engine) -> None:
    if engine.dialect.name == "sqlite" and not event.contains(engine, "connect", _sqlite_pragmas):
        event.listen(engine, "connect", _sqlite_pragmas)


def alembic_config(connection: Connection | None = None) -> Config:
    """Alembic's settings for our migrations; with ``connection``, env.py runs on it."""
    cfg = Config(str(MIGRATIONS_DIR / "alembic.ini"))
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


@functools.cache
def script_heads() -> tuple[str, ...]:
    """The newest revision(s); read once per process (parsing the scripts costs milliseconds)."""
    return tuple(sorted(ScriptDirectory.from_config(alembic_config()).get_heads()))


def current_revisions(connection: Connection) -> tuple[str, ...]:
    return tuple(sorted(MigrationContext.configure(connection).get_current_heads()))


def _sqlite_file(engine: Engine) -> Path | None:
    database = engine.url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database).resolve()


@contextmanager
def migration_connection(engine: Engine) -> Iterator[Connection]:
    """A connection that alone may change the schema until the block ends (and commits).

    PostgreSQL runs the whole upgrade in one transaction (its DDL is transactional) that holds
    an advisory lock. SQLite takes an exclusive lock on a file next to the database (waiting as
    long as the other process migrates, unlike busy_timeout) and gets its own connection, one
    transaction, with foreign keys off: rebuilding a table in batch mode drops it, and a DROP
    with enforcement on would cascade into the rows that point at it. The keys are checked
    before the block commits.
    """
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn, conn.begin():
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": PG_LOCK_KEY})
            yield conn
        return
    if engine.dialect.name != "sqlite":
        with engine.begin() as conn:
            yield conn
        return
    path = _sqlite_file(engine)
    lock_path = path.with_name(path.name + ".migrate-lock") if path else None
    with open(lock_path, "a+b") if lock_path else _nothing() as lock_file:
        if lock_file is not None:
            fcntl.flock(lock_file.fileno(), fcntl.LOCK_EX)  # released when the file closes
        own = create_engine(engine.url, poolclass=NullPool) if path else engine
        try:
            with own.connect() as conn:
                conn.exec_driver_sql("PRAGMA busy_timeout=10000")
                conn.exec_driver_sql("PRAGMA journal_mode=WAL")
                conn.exec_driver_sql("PRAGMA foreign_keys=OFF")  # outside any transaction, or it is ignored
                # One transaction, or each DDL statement would commit on its own (Python's sqlite3
                # opens transactions only before DML): a failed upgrade leaves the schema as it was.
                conn.exec_driver_sql("BEGIN IMMEDIATE")
                yield conn
                broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    conn.rollback()
                    raise RuntimeError(f"migration left rows whose foreign keys point nowhere: {broken[:5]}")
                conn.commit()
                conn.exec_driver_sql("PRAGMA foreign_keys=ON")
        finally:
            if own is not engine:
                own.dispose()


@contextmanager
def _nothing() -> Iterator[None]:
    yield None


def _baseline_tables() -> set[str]:
    """Tables the baseline revision creates, as its script lists them (not today's models)."""
    script = ScriptDirectory.from_config(alembic_config()).get_revision(BASELINE)
    return set(script.module.TABLES)


def _stamp_if_legacy(cfg: Config, connection: Connection) -> bool:
    """Tables but no alembic_version: made by create_all before migrations; start at the baseline."""
    names = set(inspect(connection).get_table_names())
    if "alembic_version" in names or not names & _baseline_tables():
        return False
    missing = _baseline_tables() - names
    if missing:
        raise LegacySchemaError(
            f"database has tables but no alembic_version, and lacks {sorted(missing)}: "
            "not a schema this code knows; upgrade it by hand (flask db stamp/upgrade)"
        )
    log.warning("schema: database made before migrations; stamping baseline %s", BASELINE)
    command.stamp(cfg, BASELINE)
    return True


def upgrade_database(engine: Engine | None = None, revision: str = "head") -> bool:
    """Bring the database to ``revision`` (default: newest). Returns False when it already was
    at head, which costs one query and no lock, as on nearly every start."""
    engine = engine or db.engine
    if revision == "head":
        with engine.connect() as conn:
            if current_revisions(conn) == script_heads():
                return False
    with migration_connection(engine) as conn:
        cfg = alembic_config(conn)
        _stamp_if_legacy(cfg, conn)
        command.upgrade(cfg, revision)
    return True


def ensure_schema() -> None:
    """Upgrade to the newest revision (idempotent; what every start runs). create_app calls it after
    every module's init_app, so the metadata knows all models (the migrations are checked against it)."""
    upgrade_database(db.engine)


def init_app(app: Flask) -> None:
    from flask_migrate import Migrate

    Migrate(app, db, directory=str(MIGRATIONS_DIR))  # `flask db …`; env.py sets the options
    with app.app_context():
        _configure_engine(db.engine)
        ensure_schema()
