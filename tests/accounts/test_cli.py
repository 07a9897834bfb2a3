"""`flask users …` through Flask's CLI runner, on the test app's database."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from tests.accounts.conftest import signin
from tests.factories import make_user
from webapp.accounts.models import User
from webapp.accounts.service import verify_password
from webapp.core.models import utcnow


def test_create_admin_with_generated_password(app, db, client):
    result = app.test_cli_runner().invoke(args=["users", "create", "--role", "admin", "Boss@Example.org"])
    assert result.exit_code == 0, result.output
    assert "created admin Boss@example.org" in result.output
    password = result.output.split("password (shown once, store it safely): ")[1].strip()
    user = db.session.scalar(select(User).where(User.email_canonical == "boss@example.org"))
    assert user.is_admin and user.is_verified
    assert verify_password(user, password)
    assert signin(client, "boss@example.org", password).status_code == 302


def test_create_with_given_password_and_type(app, db):
    result = app.test_cli_runner().invoke(
        args=[
            "users",
            "create",
            "--role",
            "staff",
            "--type",
            "client",
            "--password",
            "lang genoeg wachtwoord",
            "staff@example.org",
        ]
    )
    assert result.exit_code == 0, result.output
    assert "shown once" not in result.output
    user = db.session.scalar(select(User).where(User.email_canonical == "staff@example.org"))
    assert user.role == "staff" and user.account_type == "client"
    assert verify_password(user, "lang genoeg wachtwoord")


def test_create_refuses_weak_passwords_duplicates_and_bad_addresses(app, db):
    runner = app.test_cli_runner()
    weak = runner.invoke(args=["users", "create", "--password", "password1", "a@example.org"])
    assert weak.exit_code != 0 and "too common" in weak.output
    make_user("taken@example.org")
    dup = runner.invoke(
        args=["users", "create", "--password", "lang genoeg wachtwoord", "Taken+x@example.org"]
    )
    assert dup.exit_code != 0 and "already exists" in dup.output
    bad = runner.invoke(args=["users", "create", "--password", "lang genoeg wachtwoord", "not-an-address"])
    assert bad.exit_code != 0
    assert len(list(db.session.scalars(select(User)))) == 1


def test_set_role_and_list(app, db):
    user = make_user("carla@example.org")
    token = user.session_token
    runner = app.test_cli_runner()
    result = runner.invoke(args=["users", "set-role", "carla@example.org", "staff"])
    assert result.exit_code == 0, result.output
    db.session.refresh(user)
    assert user.role == "staff" and user.session_token != token
    assert runner.invoke(args=["users", "set-role", "nobody@example.org", "staff"]).exit_code != 0
    assert runner.invoke(args=["users", "set-role", "carla@example.org", "god"]).exit_code != 0
    make_user("dirk@example.org", verified=False)
    listing = runner.invoke(args=["users", "list"]).output
    assert "carla@example.org" in listing and "dirk@example.org" in listing and "2 account(s)" in listing
    staff_only = runner.invoke(args=["users", "list", "--role", "staff"]).output
    assert "carla@example.org" in staff_only and "dirk@example.org" not in staff_only
    unverified = runner.invoke(args=["users", "list", "--unverified"]).output
    assert "dirk@example.org" in unverified and "carla@example.org" not in unverified


def test_purge_unverified(app, db):
    old = make_user("old-unverified@example.org", verified=False)
    old.created_at = utcnow() - timedelta(days=app.config["UNVERIFIED_ACCOUNT_DAYS"] + 1)
    recent = make_user("new-unverified@example.org", verified=False)
    verified_old = make_user("old-verified@example.org")
    verified_old.created_at = utcnow() - timedelta(days=400)
    db.session.commit()
    runner = app.test_cli_runner()
    dry = runner.invoke(args=["users", "purge-unverified", "--dry-run"])
    assert "1 unverified account(s)" in dry.output
    result = runner.invoke(args=["users", "purge-unverified"])
    assert result.exit_code == 0, result.output
    assert "erased 1" in result.output
    emails = set(db.session.scalars(select(User.email)))
    assert emails == {recent.email, verified_old.email}
