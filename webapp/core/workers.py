"""Background threads that drain the mail and search outboxes inside the web process.

Used for the embedded default; production sets BACKGROUND_WORKERS=0 and runs
`flask mail run` and `flask indexer run` as their own processes. Threads start
with the first request, so CLI commands never start them.
"""

from __future__ import annotations

import logging
import threading
from typing import Callable

from flask import Flask

log = logging.getLogger(__name__)


class Worker(threading.Thread):
    def __init__(self, app: Flask, name: str, step: Callable[[], int], idle_seconds: float):
        super().__init__(name=name, daemon=True)
        self.app = app
        self.step = step
        self.idle_seconds = idle_seconds
        self.stopping = threading.Event()
        self.wakeup = threading.Event()

    def run(self) -> None:
        while not self.stopping.is_set():
            done = 0
            try:
                with self.app.app_context():
                    done = self.step()
            except Exception:  # noqa: BLE001 - a worker must survive any single failure
                log.exception("%s: step failed", self.name)
            if not done:
                self.wakeup.wait(self.idle_seconds)
                self.wakeup.clear()

    def stop(self) -> None:
        self.stopping.set()
        self.wakeup.set()


def _mail_step() -> int:
    from webapp.core.mail import drain_mail

    sent, failed = drain_mail()
    return sent


def _search_step() -> int:
    from webapp.core.search import drain_search

    return drain_search().processed


def start_workers(app: Flask) -> list[Worker]:
    workers = app.extensions.setdefault("kring_workers", [])
    if workers:
        return workers
    workers.extend(
        [
            Worker(app, "mail-worker", _mail_step, idle_seconds=2.0),
            Worker(app, "search-worker", _search_step, idle_seconds=0.5),
        ]
    )
    for worker in workers:
        worker.start()
    return workers


def wake(name: str) -> None:
    """Nudge a worker after a commit so index changes show within a second."""
    from flask import current_app

    for worker in current_app.extensions.get("kring_workers", []):
        if worker.name == name:
            worker.wakeup.set()


def init_app(app: Flask) -> None:
    if not app.config.get("BACKGROUND_WORKERS") or app.config.get("TESTING"):
        return
    lock = threading.Lock()

    @app.before_request
    def _start_once() -> None:
        if not app.extensions.get("kring_workers"):
            with lock:
                start_workers(app)
