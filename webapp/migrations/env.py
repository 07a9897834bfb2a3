"""Alembic environment for both ways in: the app's upgrade at start (``webapp.core.schema``
hands over a connection that already holds the schema lock) and ``flask db …`` (Flask-Migrate,
which takes the same lock here)."""

from __future__ import annotations

import logging
from contextlib import nullcontext
from logging.config import fileConfig

from alembic import context

from webapp import import_models
from webapp.core import schema
from webapp.extensions import db

import_models()  # every model on the metadata, for autogenerate and the drift test
config = context.config
log = logging.getLogger("alembic.env")


def _skip_empty_autogenerate(ctx, revision, directives) -> None:  # noqa: ANN001 - Alembic hook
    """`flask db migrate` with no model change writes no empty revision."""
    if getattr(config.cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
        directives[:] = []
        log.info("No changes in schema detected.")


def _options() -> dict:
    return {
        "target_metadata": db.metadata,
        # SQLite cannot ALTER most things: autogenerate writes batch (copy-and-move) operations.
        "render_as_batch": True,
        "compare_type": True,
        "process_revision_directives": _skip_empty_autogenerate,
    }


def run_offline() -> None:
    """`flask db upgrade --sql`: print the SQL instead of running it."""
    from flask import current_app

    url = current_app.extensions["migrate"].db.engine.url
    context.configure(url=url, literal_binds=True, **_options())
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    given = config.attributes.get("connection")
    if given is None:  # `flask db …`: log like Alembic's own CLI, lock like the app's start
        if config.config_file_name:
            fileConfig(config.config_file_name, disable_existing_loggers=False)
        from flask import current_app

        locked = schema.migration_connection(current_app.extensions["migrate"].db.engine)
    else:
        locked = nullcontext(given)
    with locked as connection:
        context.configure(connection=connection, **_options())
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
