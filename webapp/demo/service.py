"""Loading the demo data set through the real importer.

Why through the importer: the demo then exercises exactly what a cooperative's own bulk
import does (validation, place resolution, accounts, the search outbox), and idempotence comes
for free: records are keyed on ``external_id`` ("demo-m-000123"), so a second run changes
nothing and a bigger N only adds the difference.

Loading never indexes by itself: each card gets a search-outbox row in its transaction and the
web process's background worker indexes them after start-up (the CLI drains with progress).
"""

from __future__ import annotations

from typing import Any, Callable

from sqlalchemy import func, select

from webapp.demo.generator import iter_records
from webapp.extensions import db

DEFAULT_SEED = 1


def load_demo(
    members: int,
    clients: int,
    progress: Callable[[int], None] | Any = None,
    *,
    seed: int = DEFAULT_SEED,
) -> str:
    """Create (or bring up to date) ``members`` demo members and ``clients`` demo clients.

    ``progress`` is passed to import_records (a webapp.core.progress.Progress, or a callable
    given the number of records done). Returns a one-line summary. Cards are queued for
    indexing, not indexed: call webapp.directory.importer.index_pending to wait for that.
    """
    from webapp.core.search import wake_indexer
    from webapp.directory.importer import import_records

    if members < 0 or clients < 0:
        raise ValueError("members and clients must not be negative")
    report = import_records(iter_records(members, clients, seed), progress=progress)
    wake_indexer()  # the web process's search worker, if one runs (not in the CLI or tests)
    summary = f"demo data: {members:,} members and {clients:,} clients ({report.summary()})"
    if report.errors:
        line, message = report.errors[0]
        summary += f"; first problem: record {line}: {message}"
    from webapp.events.demo import load_demo_events  # sector groups and a year of events

    return summary + "; " + load_demo_events(seed)


def is_empty() -> bool:
    """True on a brand-new site: no member cards and no accounts at all."""
    from webapp.accounts.models import User
    from webapp.directory.models import MemberProfile

    has_cards = db.session.scalar(select(func.count()).select_from(MemberProfile)) or 0
    has_users = db.session.scalar(select(func.count()).select_from(User)) or 0
    return not has_cards and not has_users


def load_demo_if_empty(members: int, clients: int) -> str | None:
    """Load the demo on a site's very first start (returns the summary), else None.

    Anything in the database (a card, or even a single account such as a freshly created
    admin) means someone is using this site for real: it is never filled with demo data then.
    """
    if not is_empty():
        return None
    return load_demo(members, clients)


__all__ = ["DEFAULT_SEED", "is_empty", "load_demo", "load_demo_if_empty"]
