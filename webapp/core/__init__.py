"""The platform every module builds on: models and mixins, outboxes, search, security, i18n, site frame.

``init_app`` registers the platform's own pieces (the core blueprint, the `mail` and
`indexer` command groups, the outbox workers); ``finish_app`` runs after every module's
``init_app``, once all models and search entities are known (schema, background threads).
Nothing in core imports a feature module.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from webapp.core import accesslog, i18n, mail, security, site, workers
    from webapp.core.cli import mail_cli
    from webapp.core.search import SEARCH_WORKER, drain_step
    from webapp.core.search.cli import indexer_cli
    from webapp.core.views import bp

    accesslog.init_app(app)  # first: its timer starts before any other hook runs
    i18n.init_app(app)
    security.init_app(app)
    site.init_app(app)
    app.register_blueprint(bp)
    app.cli.add_command(mail_cli)
    app.cli.add_command(indexer_cli)
    workers.register_worker(app, mail.MAIL_WORKER, mail.drain_step, idle_seconds=2.0)
    workers.register_worker(app, SEARCH_WORKER, drain_step, idle_seconds=0.5)


def finish_app(app: Flask) -> None:
    from webapp.core import schema, workers
    from webapp.core.search.outbox import requeue_outdated

    schema.init_app(app)
    with app.app_context():
        requeue_outdated()  # documents built by an older builder: re-indexed in the background
    workers.init_app(app)
