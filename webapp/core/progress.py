"""Progress on a terminal for long work (import, reindex): count, rate, time left, then one summary line."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    def __init__(
        self, label: str, total: int | None = None, stream: TextIO | None = None, every: float = 0.5
    ):
        self.label = label
        self.total = total
        self.stream = stream or sys.stderr
        self.every = every
        self.count = 0
        self.started = time.monotonic()
        self._last = 0.0
        self._tty = hasattr(self.stream, "isatty") and self.stream.isatty()

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self.started

    @property
    def rate(self) -> float:
        return self.count / self.elapsed if self.elapsed > 0 else 0.0

    def line(self) -> str:
        text = f"{self.label}: {self.count:,}"
        if self.total:
            text += f"/{self.total:,} ({100 * self.count / self.total:.0f}%)"
        text += f" · {self.rate:,.0f}/s"
        if self.total and self.rate > 0 and self.count < self.total:
            left = (self.total - self.count) / self.rate
            text += f" · {int(left // 60)}:{int(left % 60):02d} left"
        return text

    def advance(self, n: int = 1) -> None:
        self.count += n
        now = time.monotonic()
        if now - self._last >= self.every:
            self._last = now
            if self._tty:
                self.stream.write("\r\033[K" + self.line())
                self.stream.flush()
            else:
                self.stream.write(self.line() + "\n")

    def set(self, count: int) -> None:
        self.advance(count - self.count)

    def summary(self, extra: str = "") -> str:
        text = f"{self.label}: {self.count:,} in {self.elapsed:.1f}s ({self.rate:,.0f}/s)"
        return text + (f", {extra}" if extra else "")

    def finish(self, extra: str = "") -> str:
        if self._tty:
            self.stream.write("\r\033[K")
            self.stream.flush()
        return self.summary(extra)
