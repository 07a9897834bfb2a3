"""Background threads that drain the outboxes inside the web process.

Used for the embedded default; production sets BACKGROUND_WORKERS=0 and runs
`flask mail run` and `flask indexer run` as their own processes. Threads start
with the first request (or ``serve``), so CLI commands never start them.

The registry knows no outbox: the mail and search outboxes (and later a module's
reminders) register a step here; ``wake(name)`` nudges one after a commit.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import Callable

from flask import Flask, current_app

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class WorkerSpec:
    name: str
    #: One pass: how much work it did (0 lets the thread idle until woken or ``idle_seconds``).
    step: Callable[[], int]
    idle_seconds: float


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


def register_worker(app: Flask, name: str, step: Callable[[], int], idle_seconds: float) -> None:
    """Declare a background step; registering a name again replaces it."""
    specs: dict[str, WorkerSpec] = app.extensions.setdefault("kring_worker_specs", {})
    specs[name] = WorkerSpec(name, step, idle_seconds)


def start_workers(app: Flask) -> list[Worker]:
    workers = app.extensions.setdefault("kring_workers", [])
    if workers:
        return workers
    for spec in app.extensions.get("kring_worker_specs", {}).values():
        workers.append(Worker(app, spec.name, spec.step, spec.idle_seconds))
    for worker in workers:
        worker.start()
    return workers


def wake(name: str) -> None:
    """Nudge a worker after a commit so its outbox drains within a second."""
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
