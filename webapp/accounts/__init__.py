"""Accounts: users and roles, sign-up/in/out, verification, reset, settings, GDPR export and erasure."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from flask_babel import lazy_gettext as _l

    from webapp.accounts import privacy
    from webapp.accounts.cli import users_cli
    from webapp.accounts.views import bp
    from webapp.extensions import login_manager

    app.register_blueprint(bp)
    app.cli.add_command(users_cli)
    privacy.register(app)
    login_manager.login_view = "accounts.signin"
    login_manager.login_message = _l("Please sign in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.needs_refresh_message = _l("Please confirm your password to continue.")
