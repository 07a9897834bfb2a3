"""Rate limits kept in the database, so they hold across worker processes.

A sliding-window counter per key: fixed windows counted with one atomic upsert per hit
(committed on its own connection, so a rolled-back request still counts), and the previous
window's count weighted by how much of it lies within the last period. At a window edge a
fixed window lets twice the limit through (ten at 0:59, ten more at 1:00); this never does.

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
from flask_babel import ngettext
from sqlalchemy import Table, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int
    count: int
    limit: int


def wait_text(seconds: int) -> str:
    """How long a refused visitor waits, as they read it ("35 minutes"), from the exact Retry-After:
    rounded up, so nobody is told a time at which they would still be refused."""
    seconds = max(1, int(seconds))
    if seconds < 120:
        return ngettext("%(num)d second", "%(num)d seconds", seconds)
    minutes = math.ceil(seconds / 60)
    if minutes < 120:
        return ngettext("%(num)d minute", "%(num)d minutes", minutes)
    hours = math.ceil(minutes / 60)
    return ngettext("%(num)d hour", "%(num)d hours", hours)


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

    def _counts(self, conn: Any, scope: str, key: str, window: int) -> tuple[int, int]:
        """(previous window's count, current window's count)."""
        table = self._binding().table
        rows = conn.execute(
            select(table.c.window, table.c.count).where(
                table.c.scope == scope, table.c.key == key[:200], table.c.window.in_((window - 1, window))
            )
        ).all()
        counts = dict(rows)
        return counts.get(window - 1, 0), counts.get(window, 0)

    def hit(self, scope: str, key: str, rule: str, *, now: float | None = None) -> Verdict:
        """Count one attempt against ``rule``; refuse once the sliding window is full.

        A refused attempt is not counted (it is taken back in the same transaction), so the
        Retry-After a refusal announces holds however often the client asks meanwhile, and
        hammering buys nothing either: the rate of allowed attempts is what the rule bounds.
        """
        found = self._window(rule, now)
        if found is None:
            return Verdict(True, 0, 0, parse_rule(rule)[0])
        limit, period, now, window = found
        table = self._binding().table
        engine = self._binding().engine()
        insert = pg_insert if engine.dialect.name == "postgresql" else sqlite_insert
        stmt = (
            insert(table)
            # A window's counter is read during the next window too (it is the "previous" one).
            .values(scope=scope, key=key[:200], window=window, count=1, expires_at=(window + 2) * period)
            .on_conflict_do_update(
                index_elements=[table.c.scope, table.c.key, table.c.window],
                set_={"count": table.c.count + 1},
            )
            .returning(table.c.count)
        )
        weight = sliding_weight(now, window, period)
        with engine.begin() as conn:
            current = conn.execute(stmt).scalar_one()
            previous, _ = self._counts(conn, scope, key, window)
            allowed = previous * weight + current <= limit
            if not allowed:  # take the refused attempt back (atomic: concurrent hits each counted first)
                current -= 1
                conn.execute(
                    table.update()
                    .where(table.c.scope == scope, table.c.key == key[:200], table.c.window == window)
                    .values(count=table.c.count - 1)
                )
            if window % 50 == 0:  # now and then, forget expired windows
                conn.execute(table.delete().where(table.c.expires_at < now))
        retry = 0 if allowed else retry_after(previous, current, limit, now, window, period)
        return Verdict(allowed, retry, current, limit)

    def peek(self, scope: str, key: str, rule: str, *, now: float | None = None) -> Verdict:
        """Like ``hit`` but without counting: would one more attempt be refused?"""
        found = self._window(rule, now)
        if found is None:
            return Verdict(True, 0, 0, parse_rule(rule)[0])
        limit, period, now, window = found
        with self._binding().engine().connect() as conn:
            previous, current = self._counts(conn, scope, key, window)
        allowed = previous * sliding_weight(now, window, period) + current + 1 <= limit
        retry = 0 if allowed else retry_after(previous, current, limit, now, window, period)
        return Verdict(allowed, retry, current, limit)


def sliding_weight(now: float, window: int, period: int) -> float:
    """How much of the previous window still counts: all of it at this window's start, none at its end.

    The sliding-window counter (an estimate of the hits in the last ``period`` seconds from two
    fixed windows) never lets twice the rate through at a window edge, as a fixed window does.
    """
    return max(0.0, 1.0 - (now - window * period) / period)


def retry_after(previous: int, current: int, limit: int, now: float, window: int, period: int) -> int:
    """Seconds until one more attempt would be allowed if nothing else arrives (at least 1)."""
    elapsed = (now - window * period) / period
    room = limit - current  # hits this window leaves; the previous one must fade below it
    if room >= 1 and previous > 0:
        fade_to = 1.0 - (room - 1) / previous  # elapsed share at which previous × weight ≤ room − 1…
        wait = (fade_to - elapsed) * period
        if fade_to < 1.0:
            return max(1, math.ceil(wait - 1e-6))  # (a float's last bit must not add a second)
    # …otherwise into the next window, where this window's hits are the fading "previous".
    fade_next = 0.0 if current <= limit - 1 else 1.0 - (limit - 1) / current
    return max(1, math.ceil((1.0 - elapsed + fade_next) * period - 1e-6))


def client_ip() -> str:
    """The caller's address. Behind a reverse proxy the server has already put the client's
    address here (``serve`` configures waitress from TRUSTED_PROXIES/TRUSTED_PROXY); reading
    X-Forwarded-For here as well would let any client pick its own address."""
    return request.remote_addr or "unknown"
