"""Rate limits kept in the database, so they hold across worker processes.

A fixed-window counter per (key, window): one atomic upsert per hit, committed
on its own connection so a rolled-back request still counts.

The limiter knows no model: ``create_app`` hands it the counter table and the
engine, which keeps ``webapp.extensions`` (where the limiter is created, unbound)
free of any import of the models that themselves import ``extensions``. The clock
is injectable (``RATELIMIT_CLOCK``, a callable returning epoch seconds) so tests
move time instead of sleeping until a window turns.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Any, Callable

from flask import Flask, current_app, request
from sqlalchemy import Table, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int
    count: int
    limit: int


def parse_rule(rule: str) -> tuple[int, int]:
    """ "10/60" → (10 hits, 60 seconds)."""
    count, seconds = rule.split("/")
    return int(count), int(seconds)


@dataclass
class _Binding:
    table: Table
    engine: Callable[[], Any]
    clock: Callable[[], float]


class RateLimiter:
    """Created unbound in ``webapp.extensions``; ``init_app`` gives it its table, engine and clock."""

    def init_app(self, app: Flask, *, table: Table, engine: Callable[[], Any]) -> None:
        clock = app.config.get("RATELIMIT_CLOCK") or time.time
        app.extensions["kring_limiter"] = _Binding(table=table, engine=engine, clock=clock)

    @staticmethod
    def _binding() -> _Binding:
        return current_app.extensions["kring_limiter"]

    def now(self) -> float:
        """The limiter's clock (the app's RATELIMIT_CLOCK, else the wall clock)."""
        return float(self._binding().clock())

    def _window(self, rule: str, now: float | None) -> tuple[int, int, float, int] | None:
        """(limit, period, now, window number) for ``rule``, or None when limits are off."""
        if not current_app.config.get("RATELIMIT_ENABLED", True):
            return None
        limit, period = parse_rule(rule)
        now = self._binding().clock() if now is None else now
        return limit, period, now, int(now // period)

    def hit(self, scope: str, key: str, rule: str, *, now: float | None = None) -> Verdict:
        """Count one attempt against ``rule``; refuse once the window is full."""
        found = self._window(rule, now)
        if found is None:
            return Verdict(True, 0, 0, parse_rule(rule)[0])
        limit, period, now, window = found
        table = self._binding().table
        engine = self._binding().engine()
        insert = pg_insert if engine.dialect.name == "postgresql" else sqlite_insert
        stmt = (
            insert(table)
            .values(scope=scope, key=key[:200], window=window, count=1, expires_at=(window + 1) * period)
            .on_conflict_do_update(
                index_elements=[table.c.scope, table.c.key, table.c.window],
                set_={"count": table.c.count + 1},
            )
            .returning(table.c.count)
        )
        with engine.begin() as conn:
            count = conn.execute(stmt).scalar_one()
            if window % 50 == 0:  # now and then, forget expired windows
                conn.execute(table.delete().where(table.c.expires_at < now))
        retry_after = max(1, math.ceil((window + 1) * period - now))
        return Verdict(count <= limit, retry_after if count > limit else 0, count, limit)

    def peek(self, scope: str, key: str, rule: str, *, now: float | None = None) -> Verdict:
        """Like ``hit`` but without counting: is the window already full?"""
        found = self._window(rule, now)
        if found is None:
            return Verdict(True, 0, 0, parse_rule(rule)[0])
        limit, period, now, window = found
        table = self._binding().table
        with self._binding().engine().connect() as conn:
            count = (
                conn.execute(
                    select(table.c.count).where(
                        table.c.scope == scope, table.c.key == key[:200], table.c.window == window
                    )
                ).scalar()
                or 0
            )
        retry_after = max(1, math.ceil((window + 1) * period - now))
        return Verdict(count < limit, retry_after if count >= limit else 0, count, limit)


def client_ip() -> str:
    """The caller's address; honours X-Forwarded-For only behind TRUSTED_PROXIES hops."""
    hops = current_app.config.get("TRUSTED_PROXIES", 0)
    if hops:
        forwarded = [p.strip() for p in request.headers.get("X-Forwarded-For", "").split(",") if p.strip()]
        if len(forwarded) >= hops:
            return forwarded[-hops]
    return request.remote_addr or "unknown"
