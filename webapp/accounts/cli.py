"""`flask users …`: create staff/admin accounts, change roles, list, purge unverified accounts."""

from __future__ import annotations

import secrets

import click
from flask.cli import AppGroup
from sqlalchemy import select

from webapp.accounts.models import ACCOUNT_TYPES, ROLES, User
from webapp.config import LANGUAGES

users_cli = AppGroup("users", help="Accounts and roles.")


def _find(email: str) -> User:
    from webapp.accounts.service import find_user_by_email

    user = find_user_by_email(email)
    if user is None:
        raise click.ClickException(f"no account for {email}")
    return user


@users_cli.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice(ROLES), default="user", show_default=True)
@click.option("--type", "account_type", type=click.Choice(ACCOUNT_TYPES), default="member", show_default=True)
@click.option(
    "--password", help="Omit to be prompted; with --generate-password a random one is printed once."
)
@click.option("--generate-password", is_flag=True, help="Generate a strong password and print it once.")
@click.option("--locale", type=click.Choice(LANGUAGES), default=None)
def create(
    email: str,
    role: str,
    account_type: str,
    password: str | None,
    generate_password: bool,
    locale: str | None,
) -> None:
    """Create a verified account (e.g. `users create --role admin EMAIL`)."""
    from email_validator import EmailNotValidError, validate_email
    from flask_babel import force_locale

    from webapp.accounts.service import EmailTaken, create_user, password_problems
    from webapp.extensions import db

    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError as exc:
        raise click.ClickException(f"not a valid e-mail address: {exc}") from exc
    generated = False
    if password is None and (generate_password or not _interactive()):
        password = secrets.token_urlsafe(15)
        generated = True
    elif password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    with force_locale("en"):  # no request, no browser language: CLI messages are English
        problems = password_problems(password, email=email)
    if problems:
        raise click.ClickException(problems[0])
    try:
        user = create_user(email, password, role=role, account_type=account_type, locale=locale)
        db.session.commit()
    except EmailTaken as exc:
        db.session.rollback()
        raise click.ClickException(f"an account already exists for {email}") from exc
    click.echo(f"created {user.role} {user.email} (id {user.id}, verified)")
    if generated:
        click.echo(f"password (shown once, store it safely): {password}")


def _interactive() -> bool:
    import sys

    return sys.stdin.isatty()


@users_cli.command("set-role")
@click.argument("email")
@click.argument("role", type=click.Choice(ROLES))
def set_role_command(email: str, role: str) -> None:
    """Give an account the role user, staff or admin (its sessions end)."""
    from webapp.accounts.service import set_role
    from webapp.extensions import db

    user = _find(email)
    set_role(user, role)
    db.session.commit()
    click.echo(f"{user.email} is now {role}")


@users_cli.command("list")
@click.option("--role", type=click.Choice(ROLES), default=None, help="Only this role.")
@click.option("--unverified", is_flag=True, help="Only accounts whose address is not confirmed.")
def list_command(role: str | None, unverified: bool) -> None:
    """One line per account: id, role, type, verified, created, e-mail."""
    from webapp.extensions import db

    query = select(User).order_by(User.id)
    if role:
        query = query.where(User.role == role)
    if unverified:
        query = query.where(User.email_verified_at.is_(None))
    count = 0
    for user in db.session.scalars(query):
        verified = "verified" if user.is_verified else "unverified"
        click.echo(
            f"{user.id:>6}  {user.role:<5}  {user.account_type:<6}  {verified:<10}  "
            f"{user.created_at:%Y-%m-%d}  {user.email}"
        )
        count += 1
    click.echo(f"{count} account(s)")


@users_cli.command("purge-unverified")
@click.option("--days", type=int, default=None, help="Age in days (default: UNVERIFIED_ACCOUNT_DAYS).")
@click.option("--dry-run", is_flag=True, help="Only count what would be erased.")
def purge_unverified_command(days: int | None, dry_run: bool) -> None:
    """Erase accounts whose address was never confirmed within the retention period."""
    from flask import current_app

    from webapp.accounts.service import purge_unverified, unverified_older_than

    days = current_app.config["UNVERIFIED_ACCOUNT_DAYS"] if days is None else days
    if dry_run:
        click.echo(f"{len(unverified_older_than(days))} unverified account(s) older than {days} days")
        return
    count = purge_unverified(days)
    click.echo(f"erased {count} unverified account(s) older than {days} days")
