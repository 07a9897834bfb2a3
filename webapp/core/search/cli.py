"""`flask indexer …`: run the outbox worker, rebuild indexes, show their state."""

from __future__ import annotations

import time

import click
from flask.cli import AppGroup

indexer_cli = AppGroup("indexer", help="The search index and its outbox.")


@indexer_cli.command("run")
@click.option("--interval", default=0.5, show_default=True, help="Seconds between polls when idle.")
@click.option("--once", is_flag=True, help="Drain what is due and exit.")
def run(interval: float, once: bool) -> None:
    """Drain the search outbox as rows arrive (production runs this as its own process)."""
    from webapp.core.search import drain_search

    if not once:
        click.echo("indexer running; Ctrl-C stops it")
    try:
        while True:
            report = drain_search()
            if report.processed or report.failed:
                click.echo(f"indexed {report.upserted}, deleted {report.deleted}, failed {report.failed}")
            if once and not report.processed:
                return
            if not report.processed:
                time.sleep(interval)
    except KeyboardInterrupt:
        pass


@indexer_cli.command("reindex")
@click.option("--entity", "names", multiple=True, help="Only these entities (default: all).")
def reindex(names: tuple[str, ...]) -> None:
    """Rebuild indexes from the database into new indexes and swap them in."""
    from indexer.backends.base import RebuildConflict
    from webapp.core.progress import Progress
    from webapp.core.search import entities
    from webapp.core.search import reindex as do_reindex

    known = entities()
    chosen = names or tuple(known)
    unknown = [n for n in chosen if n not in known]
    if unknown:
        raise click.BadParameter(f"unknown entity {unknown[0]!r}; known: {', '.join(sorted(known))}")
    for name in chosen:
        spec = known[name]
        total = sum(1 for _ in spec.all_ids())
        progress = Progress(f"reindex {name}", total=total)
        try:
            count = do_reindex(name, progress=progress.set)
        except RebuildConflict as exc:  # another rebuild holds the entity's lock, or took it over
            progress.finish()
            raise click.ClickException(f"{name}: {exc}") from exc
        progress.count = count
        click.echo(progress.finish())


@indexer_cli.command("status")
def status() -> None:
    """Queued and failing outbox rows, index sizes, backend health."""
    from indexer.backends.base import BackendUnavailable
    from webapp.core.search import entities, get_service, outbox_status

    queue = outbox_status()
    click.echo(f"outbox: {queue['queued']} queued, {queue['failing']} failing")
    try:
        service = get_service()
        health = service.backend.health()
        click.echo(f"backend: {service.backend.name} ({'ok' if health.get('ok') else 'DOWN'})")
        click.echo("embedders: " + ", ".join(f"{e.name} ({e.dims}d)" for e in service.embedders))
        for name in entities():
            click.echo(f"  {name}: {service.backend.count(name):,} documents")
    except BackendUnavailable as exc:
        click.echo(f"backend: DOWN ({exc})")
        raise SystemExit(1) from exc
    for key, value in sorted(health.items()):
        if key != "ok":
            click.echo(f"  {key}: {value}")
