"""Migrations: models and revisions agree, every revision goes down and up, an old database made by
create_all upgrades in place, and two processes starting at once on a fresh database both work."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect, text

from tests.conftest import DATABASES, MODEL_CACHE, REPO, app_settings
from webapp.core import schema

pytestmark = pytest.mark.db

SNAPSHOTS = Path(__file__).parent / "data"


@pytest.fixture
def empty_engine(tmp_path):
    """An engine on a database with no tables at all."""
    engine = create_engine(DATABASES.get().empty_url(tmp_path / "db"))
    yield engine
    engine.dispose()


def _drift(engine) -> list:
    from webapp import import_models
    from webapp.extensions import db

    import_models()

    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)


def _tables(engine) -> set[str]:
    return set(inspect(engine).get_table_names())


def _revisions() -> list[str]:
    """Oldest first."""
    script = ScriptDirectory.from_config(schema.alembic_config())
    return [s.revision for s in reversed(list(script.walk_revisions()))]


def _load_snapshot(engine) -> None:
    """Create the tables exactly as db.create_all() did before migrations existed (recorded DDL)."""
    lines = (SNAPSHOTS / f"schema_before_migrations.{engine.dialect.name}.sql").read_text().splitlines()
    ddl = "\n".join(line for line in lines if not line.startswith("--"))
    statements = [s.strip() for s in ddl.split(";\n") if s.strip()]
    with engine.begin() as conn:
        for statement in statements:
            conn.exec_driver_sql(statement)


def _shape(engine) -> dict:
    """What reflection sees of a schema: columns, keys, indexes, constraints by name."""
    insp = inspect(engine)
    out = {}
    for table in sorted(set(insp.get_table_names()) - {"alembic_version"}):
        out[table] = {
            "columns": [(c["name"], str(c["type"]), c["nullable"]) for c in insp.get_columns(table)],
            "pk": insp.get_pk_constraint(table)["constrained_columns"],
            "fks": sorted(
                (
                    fk["name"],
                    tuple(fk["constrained_columns"]),
                    fk["referred_table"],
                    fk["options"].get("ondelete"),
                )
                for fk in insp.get_foreign_keys(table)
            ),
            "unique": sorted(
                (u["name"], tuple(u["column_names"])) for u in insp.get_unique_constraints(table)
            ),
            "indexes": sorted(
                (i["name"], tuple(i["column_names"]), bool(i["unique"]))
                for i in insp.get_indexes(table)
                if not i.get("duplicates_constraint")
            ),
        }
    return out


def test_upgrade_from_empty_matches_the_models(empty_engine):
    assert schema.upgrade_database(empty_engine) is True
    with empty_engine.connect() as conn:
        assert schema.current_revisions(conn) == schema.script_heads()
    assert _drift(empty_engine) == []
    assert schema.upgrade_database(empty_engine) is False  # at head: nothing to do


def test_the_session_template_matches_the_models(app, db):
    """What every test runs on was migrated, not created from the models."""
    with db.engine.connect() as conn:
        assert schema.current_revisions(conn) == schema.script_heads()
    assert _drift(db.engine) == []


def test_drift_is_detected(empty_engine):
    """The check above can fail: a column the models lack shows up as a difference."""
    schema.upgrade_database(empty_engine)
    with empty_engine.begin() as conn:
        conn.execute(text("ALTER TABLE users ADD COLUMN nickname VARCHAR(40)"))
    assert any(d[0] == "remove_column" and d[3].name == "nickname" for d in _drift(empty_engine))


def test_every_revision_goes_down_to_base_and_up_again(empty_engine):
    revisions = _revisions()
    assert revisions[0] == schema.BASELINE and len(revisions) >= 2
    schema.upgrade_database(empty_engine)
    for expected in [*reversed(revisions[:-1]), None]:
        with schema.migration_connection(empty_engine) as conn:
            command.downgrade(schema.alembic_config(conn), "-1")
        with empty_engine.connect() as conn:
            assert schema.current_revisions(conn) == ((expected,) if expected else ())
    assert _tables(empty_engine) <= {"alembic_version"}
    for revision in revisions:
        assert schema.upgrade_database(empty_engine, revision) is True
    assert _drift(empty_engine) == []


def test_baseline_is_what_create_all_made(tmp_path):
    """The baseline revision builds the very schema the recorded create_all DDL built."""
    databases = DATABASES.get()
    legacy = create_engine(databases.empty_url(tmp_path / "legacy"))
    baseline = create_engine(databases.empty_url(tmp_path / "baseline"))
    try:
        _load_snapshot(legacy)
        schema.upgrade_database(baseline, schema.BASELINE)
        assert _shape(baseline) == _shape(legacy)
        assert len(_shape(legacy)) == len(schema._baseline_tables())
    finally:
        legacy.dispose()
        baseline.dispose()


def test_database_made_before_migrations_upgrades_in_place(tmp_path):
    """Tables from create_all and rows, no alembic_version: the app's start stamps the baseline,
    upgrades, keeps every row, and does not hand out an id a deleted card had."""
    from webapp import create_app
    from webapp.directory.models import MemberProfile
    from webapp.extensions import db

    url = DATABASES.get().empty_url(tmp_path / "old")
    engine = create_engine(url)
    _load_snapshot(engine)
    now = "2026-01-02 03:04:05"
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO users (id, email, email_canonical, password_hash, account_type, role, "
                "session_token, failed_logins, created_at, updated_at) "
                "VALUES (1, 'old@example.org', 'old@example.org', 'x', 'member', 'user', 't', 0, :now, :now)"
            ),
            {"now": now},
        )
        for card_id in (1, 2, 3):
            conn.execute(
                text(
                    "INSERT INTO member_profiles (id, user_id, display_name, skills, email_public, "
                    "open_to_assignments, open_to_collaborations, open_to_mentoring, visibility, version, "
                    "accepts_contact, created_at, updated_at) VALUES (:id, :user, :name, '[]', false, true, "
                    "false, false, 'public', 1, true, :now, :now)"
                ),
                {
                    "id": card_id,
                    "user": 1 if card_id == 1 else None,
                    "name": f"Old card {card_id}",
                    "now": now,
                },
            )
            conn.execute(
                text(
                    "INSERT INTO search_outbox (entity, entity_id, op, created_at, next_attempt_at, "
                    "attempts) VALUES ('member', :id, 'upsert', :now, :now, 0)"
                ),
                {"id": card_id, "now": now},
            )
        conn.execute(text("DELETE FROM member_profiles WHERE id = 3"))  # the newest card, deleted
    if engine.dialect.name == "postgresql":  # rows inserted with explicit ids: move the sequences on, as
        with engine.begin() as conn:  # the old code's own inserts would have
            conn.execute(text("SELECT setval('member_profiles_id_seq', 3)"))
            conn.execute(text("SELECT setval('users_id_seq', 1)"))
    engine.dispose()

    app = create_app(app_settings(tmp_path / "data", DATABASE_URL=url))
    with app.app_context():
        try:
            with db.engine.connect() as conn:
                assert schema.current_revisions(conn) == schema.script_heads()
            assert _drift(db.engine) == []
            cards = db.session.scalars(db.select(MemberProfile).order_by(MemberProfile.id)).all()
            assert [(c.id, c.display_name, c.user.email if c.user else None) for c in cards] == [
                (1, "Old card 1", "old@example.org"),
                (2, "Old card 2", None),
            ]
            new = MemberProfile(display_name="New card", skills=[])
            db.session.add(new)
            db.session.commit()
            assert new.id > 3
        finally:
            db.session.remove()
            db.engine.dispose()


def test_tables_without_alembic_version_and_without_the_baseline_refuse_to_guess(empty_engine):
    with empty_engine.begin() as conn:
        conn.execute(text("CREATE TABLE users (id INTEGER PRIMARY KEY)"))
    with pytest.raises(schema.LegacySchemaError, match="no alembic_version"):
        schema.upgrade_database(empty_engine)


def _start_app_script(data_dir: Path, database_url: str) -> list[str]:
    code = (
        "import sys; from webapp import create_app, import_models; import_models(); "
        "print('imported', flush=True); "
        "create_app({'DATA_DIR': sys.argv[1], 'DATABASE_URL': sys.argv[2], 'TESTING': True, "
        "'BACKGROUND_WORKERS': False, 'DEMO_ON_FIRST_START': False, 'SECRET_KEY': 'x', "
        f"'MODEL_CACHE_DIR': {str(MODEL_CACHE)!r}}}); print('started')"
    )
    return [sys.executable, "-c", code, str(data_dir), database_url]


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(REPO)}


def test_a_second_start_waits_for_the_one_migrating(tmp_path):
    """While one process holds the schema lock, another starting on the same database waits."""
    url = DATABASES.get().empty_url(tmp_path / "db")
    engine = create_engine(url)
    try:
        with schema.migration_connection(engine) as conn:
            waiting = subprocess.Popen(
                _start_app_script(tmp_path / "data", url),
                env=_env(),
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            assert waiting.stdout.readline().strip() == "imported", waiting.communicate()
            time.sleep(1.5)  # its start needs milliseconds from here, unless it waits for the lock
            assert waiting.poll() is None, waiting.communicate()
            command.upgrade(schema.alembic_config(conn), "head")  # this "process" migrates meanwhile
        out, err = waiting.communicate(timeout=60)
        assert waiting.returncode == 0, err
        assert out.strip() == "started"
        with engine.connect() as check:
            assert schema.current_revisions(check) == schema.script_heads()
        assert _drift(engine) == []
    finally:
        engine.dispose()


def test_two_processes_starting_at_once_on_a_fresh_database(tmp_path):
    url = DATABASES.get().empty_url(tmp_path / "db")
    data_dir = tmp_path / "data"
    starts = [
        subprocess.Popen(
            _start_app_script(data_dir, url),
            env=_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    results = [p.communicate(timeout=120) + (p.returncode,) for p in starts]
    assert [r[2] for r in results] == [0, 0], [r[1][-2000:] for r in results]
    assert [r[0].split() for r in results] == [["imported", "started"]] * 2
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            assert schema.current_revisions(conn) == schema.script_heads()
        assert _drift(engine) == []
    finally:
        engine.dispose()


def test_flask_db_upgrade_on_a_fresh_data_dir(tmp_path):
    """The documented command works (and the start it makes already upgraded)."""
    data_dir = tmp_path / "data"
    env = {
        **_env(),
        "DATA_DIR": str(data_dir),
        "DEMO_ON_FIRST_START": "0",
        "MODEL_CACHE_DIR": str(MODEL_CACHE),
    }
    if DATABASES.backend == "postgresql":
        env["DATABASE_URL"] = DATABASES.get().empty_url(tmp_path / "db")
    flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
    upgraded = subprocess.run([*flask, "db", "upgrade"], env=env, cwd=REPO, capture_output=True, text=True)
    assert upgraded.returncode == 0, upgraded.stderr
    current = subprocess.run([*flask, "db", "current"], env=env, cwd=REPO, capture_output=True, text=True)
    assert current.returncode == 0, current.stderr
    assert f"{schema.script_heads()[0]} (head)" in current.stdout
