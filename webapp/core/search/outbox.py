"""The search outbox: writes record what changed, a worker turns it into index updates.

Writes call ``queue_index`` inside their transaction; the worker (``drain_search``, run by
the web process's background thread or ``flask indexer run``) turns due outbox rows into bulk
upserts and deletes, built from the database by each entity's registered ``build``. A rebuild
(``reindex``) goes to a fresh index, swaps it in, then replays what changed meanwhile.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Callable, Iterator

from sqlalchemy import delete, func, or_, select
from sqlalchemy.exc import IntegrityError

from indexer.types import Document
from webapp.core.claims import claim_due
from webapp.core.models import SearchEntityVersion, SearchOutboxEntry, utcnow
from webapp.core.search.registry import EntitySpec, entities
from webapp.core.search.service import get_service
from webapp.core.workers import wake
from webapp.extensions import db

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=2)
KEEP_DONE = timedelta(days=1)
#: How long a write transaction may stay open and still be replayed after a rebuild.
REPLAY_MARGIN = timedelta(minutes=5)
#: The background thread that drains this outbox in the web process (webapp.core.workers).
SEARCH_WORKER = "search-worker"


@dataclass
class DrainReport:
    processed: int = 0
    upserted: int = 0
    deleted: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)

    def add(self, other: DrainReport) -> None:
        self.processed += other.processed
        self.upserted += other.upserted
        self.deleted += other.deleted
        self.failed += other.failed
        self.errors += other.errors


def queue_index(entity: str, entity_id: int, op: str = "upsert") -> None:
    """Record that a row changed, in the caller's transaction (the caller commits)."""
    if op not in ("upsert", "delete"):
        raise ValueError(op)
    db.session.add(SearchOutboxEntry(entity=entity, entity_id=entity_id, op=op))


#: At most this many lagging rows are excluded by id (a lag longer than that is an outage, and
#: hydration still drops whatever is no longer visible).
EXCLUDE_MAX = 1000


def hidden_while_lagging(entity: str, model: type, visibilities: tuple[str, ...]) -> tuple[str, ...]:
    """Ids of rows the index may still show but the viewer may no longer see: their change waits
    in the outbox (unpublished, deleted, made community-only). Searches exclude them, so totals
    and facet counts agree with the page while the indexer catches up."""
    pending = list(
        db.session.scalars(
            select(SearchOutboxEntry.entity_id)
            .where(SearchOutboxEntry.entity == entity, SearchOutboxEntry.done_at.is_(None))
            .distinct()
            .limit(EXCLUDE_MAX)
        )
    )
    if not pending:
        return ()
    visible = set(
        db.session.scalars(select(model.id).where(model.id.in_(pending), model.visibility.in_(visibilities)))
    )
    return tuple(str(i) for i in sorted(pending) if i not in visible)


def requeue_outdated(chunk: int = 1000) -> dict[str, int]:
    """Queue every row of each entity whose documents were built by an older ``document_version``
    (or never recorded: an index filled before versions were kept); returns {entity: rows queued}.
    Runs at start; the workers then re-index in the background. Commits."""
    queued: dict[str, int] = {}
    for spec in entities().values():
        row = db.session.get(SearchEntityVersion, spec.name)
        if row is not None and row.document_version >= spec.document_version:
            continue
        count = 0
        ids = list(spec.all_ids())
        for start in range(0, len(ids), chunk):
            db.session.add_all(
                SearchOutboxEntry(entity=spec.name, entity_id=i, op="upsert")
                for i in ids[start : start + chunk]
            )
            count += len(ids[start : start + chunk])
        if row is None:
            db.session.add(SearchEntityVersion(entity=spec.name, document_version=spec.document_version))
        else:
            row.document_version = spec.document_version
        try:
            db.session.commit()
        except IntegrityError:
            # Another process starting at the same moment recorded this entity (and queued its rows).
            db.session.rollback()
            continue
        if count:
            log.info("search: %s documents changed shape; %d rows queued for re-indexing", spec.name, count)
        queued[spec.name] = count
    return queued


def wake_indexer() -> None:
    """Nudge the web process's search worker after a commit, so changes show within a second."""
    wake(SEARCH_WORKER)


# --- draining the outbox -----------------------------------------------------------------


def _backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(2 ** min(attempts, 12), 900))


def _build(spec: EntitySpec, ids: list[int]) -> tuple[list[Document], list[str]]:
    built = spec.build(ids)
    upserts = [doc for doc in built.values() if doc is not None]
    deletes = [str(i) for i in ids if built.get(i) is None]
    return upserts, deletes


def drain_search(limit: int = 256, *, force: bool = False) -> DrainReport:
    """Apply due outbox rows to the index. Failures stay queued with back-off."""
    report = DrainReport()
    now = utcnow()
    # Claimed with a lease in one statement, so a second worker process leaves these rows alone.
    ids = claim_due(
        SearchOutboxEntry,
        pending=SearchOutboxEntry.done_at.is_(None),
        now=now,
        lease_until=now + LEASE,
        limit=limit,
        force=force,
    )
    if not ids:
        return report
    rows = list(db.session.scalars(select(SearchOutboxEntry).where(SearchOutboxEntry.id.in_(ids))))
    by_entity: dict[str, list[SearchOutboxEntry]] = {}
    for row in rows:
        by_entity.setdefault(row.entity, []).append(row)

    specs = entities()
    for entity, entity_rows in by_entity.items():
        spec = specs.get(entity)
        entity_ids = sorted({r.entity_id for r in entity_rows})
        try:
            if spec is None:
                raise LookupError(f"no search entity registered as {entity!r}")
            service = get_service()
            upserts, deletes = _build(spec, entity_ids)
            failed_ids: dict[str, str] = {}
            if upserts:
                bulk = service.index(entity, upserts)
                failed_ids.update(bulk.errors)
                report.upserted += bulk.indexed
            if deletes:
                service.delete(entity, deletes)
                report.deleted += len(deletes)
        except Exception as exc:  # noqa: BLE001 - the backend may fail in any way; keep rows queued
            message = f"{type(exc).__name__}: {exc}"[:2000]
            log.warning("search outbox: %s failed: %s", entity, message)
            report.errors.append(message)
            failed_ids = {str(i): message for i in entity_ids}
        done_at = utcnow()
        for row in entity_rows:
            error = failed_ids.get(str(row.entity_id))
            if error is None:
                row.done_at = done_at
                row.last_error = None
                report.processed += 1
            else:
                row.attempts += 1
                row.last_error = error
                row.next_attempt_at = done_at + _backoff(row.attempts)
                report.failed += 1
        db.session.commit()

    db.session.execute(delete(SearchOutboxEntry).where(SearchOutboxEntry.done_at < utcnow() - KEEP_DONE))
    db.session.commit()
    return report


def drain_all(limit: int = 256, progress: Callable[[int], None] | None = None) -> DrainReport:
    """Drain until nothing is due (tests, CLI import); ``progress`` gets each step's row count."""
    total = DrainReport()
    while True:
        step = drain_search(limit, force=True)
        total.add(step)
        if not step.processed:
            return total
        if progress is not None:
            progress(step.processed)


def outbox_status() -> dict[str, int]:
    pending = db.session.scalar(select(func.count()).where(SearchOutboxEntry.done_at.is_(None))) or 0
    failing = (
        db.session.scalar(
            select(func.count()).where(SearchOutboxEntry.done_at.is_(None), SearchOutboxEntry.attempts > 0)
        )
        or 0
    )
    return {"queued": pending, "failing": failing}


# --- rebuilding ----------------------------------------------------------------------------


def iter_documents(spec: EntitySpec, chunk: int = 500) -> Iterator[Document]:
    ids: list[int] = []
    for entity_id in spec.all_ids():
        ids.append(entity_id)
        if len(ids) >= chunk:
            yield from _build(spec, ids)[0]
            ids = []
    if ids:
        yield from _build(spec, ids)[0]


def reindex(entity: str, progress: Callable[[int], None] | None = None) -> int:
    """Rebuild one entity's index from the database into a fresh index, swap it in,
    then replay whatever changed while it ran. Returns the number of documents."""
    spec = entities()[entity]
    service = get_service()
    started = utcnow()
    start_id = db.session.scalar(select(func.max(SearchOutboxEntry.id))) or 0
    count = service.rebuild(entity, iter_documents(spec), progress=progress)
    db.session.rollback()  # see rows committed by others since the rebuild began
    changed = sorted(
        set(
            db.session.scalars(
                select(SearchOutboxEntry.entity_id).where(
                    SearchOutboxEntry.entity == entity,
                    # PostgreSQL hands out ids at insert, not at commit: a transaction begun before the
                    # rebuild may commit a lower id after it. Rows made shortly before are replayed too.
                    or_(
                        SearchOutboxEntry.id > start_id,
                        SearchOutboxEntry.created_at >= started - REPLAY_MARGIN,
                    ),
                )
            )
        )
    )
    if changed:
        upserts, deletes = _build(spec, changed)
        if upserts:
            service.index(entity, upserts)
        if deletes:
            service.delete(entity, deletes)
    return count


def drain_step() -> int:
    """One pass of the background worker: rows processed (0 lets the worker idle)."""
    return drain_search().processed
