"""A plain progress bar on stderr for batch commands; stdout stays machine-readable."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class ProgressBar:
    def __init__(self, total: int, label: str = "", stream: TextIO | None = None, quiet: bool = False):
        self.total = max(total, 0)
        self.label = label
        self.stream = stream or sys.stderr
        self.enabled = not quiet
        self.start = time.monotonic()
        self.done = 0
        self._last = 0.0

    def update(self, done: int | None = None, message: str = "") -> None:
        self.done = self.done + 1 if done is None else done
        now = time.monotonic()
        if not self.enabled or (now - self._last < 0.1 and self.done < self.total):
            return
        self._last = now
        width = 30
        frac = self.done / self.total if self.total else 1.0
        bar = "#" * int(frac * width)
        elapsed = now - self.start
        eta = (elapsed / self.done * (self.total - self.done)) if self.done else 0.0
        self.stream.write(
            f"\r{self.label} [{bar:<{width}}] {self.done}/{self.total} "
            f"{elapsed:5.1f}s elapsed, {eta:5.1f}s left {message[:40]:<40}"
        )
        self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self.stream.write("\n")
            self.stream.flush()
