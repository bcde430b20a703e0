"""Progress of long build stages: a one-line bar on a terminal, plain log lines elsewhere.

On a terminal the bar redraws in place (stage, done/total, ETA); in CI or a pipe, where
redrawing would fill the log, it prints a line at start, every quarter and at the end.
Stages that finish within a second print nothing at all.
"""

from __future__ import annotations

import os
import sys
import time
from typing import TextIO

from generator.workers import raise_lost_interrupt


def _enabled(stream: TextIO) -> bool:
    setting = os.environ.get("GUIDES_PROGRESS")
    if setting is not None:
        return setting not in ("0", "", "false", "no")
    return True


class Progress:
    QUIET_S = 1.0

    def __init__(self, stage: str, total: int, stream: TextIO | None = None):
        self.stage = stage
        self.total = max(total, 0)
        self.done = 0
        self.stream = stream or sys.stderr
        self.started = time.monotonic()
        self.enabled = _enabled(self.stream) and self.total > 0
        self.interactive = self.enabled and self.stream.isatty() and not os.environ.get("CI")
        self._last_draw = 0.0
        self._next_quarter = 1

    def __enter__(self) -> "Progress":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def eta(self) -> float | None:
        elapsed = time.monotonic() - self.started
        if not self.done:
            return None
        return elapsed / self.done * (self.total - self.done)

    def advance(self, n: int = 1) -> None:
        raise_lost_interrupt()
        self.done = min(self.total, self.done + n)
        if not self.enabled:
            return
        elapsed = time.monotonic() - self.started
        if elapsed < self.QUIET_S:
            return
        if self.interactive:
            now = time.monotonic()
            if now - self._last_draw >= 0.1 or self.done == self.total:
                self._last_draw = now
                self._draw()
        elif self.done * 4 >= self._next_quarter * self.total:
            while self.done * 4 >= self._next_quarter * self.total and self._next_quarter <= 4:
                self._next_quarter += 1
            self._line()

    def _text(self) -> str:
        eta = self.eta()
        eta_text = f"ETA {eta:,.0f}s" if eta is not None else "ETA --"
        return f"{self.stage}: {self.done}/{self.total} ({self.done * 100 // self.total}%) {eta_text}"

    def _draw(self) -> None:
        width = 24
        filled = width * self.done // self.total
        bar = "#" * filled + "-" * (width - filled)
        self.stream.write(f"\r[{bar}] {self._text()}\x1b[K")
        self.stream.flush()

    def _line(self) -> None:
        self.stream.write(f"INFO    -  {self._text()}\n")
        self.stream.flush()

    def close(self) -> None:
        if not self.enabled or time.monotonic() - self.started < self.QUIET_S:
            return
        elapsed = time.monotonic() - self.started
        if self.interactive:
            self.stream.write(f"\r{self.stage}: {self.done}/{self.total} in {elapsed:.1f}s\x1b[K\n")
        elif self._next_quarter <= 4:
            self.stream.write(f"INFO    -  {self.stage}: {self.done}/{self.total} in {elapsed:.1f}s\n")
        self.stream.flush()
