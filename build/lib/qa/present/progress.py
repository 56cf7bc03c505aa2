"""Build progress: how far a build is, as a fraction with a label, and one console bar for it."""

from __future__ import annotations

import sys
import time
from typing import TextIO

# The stages a build reports through its progress callback, and the share of the whole each takes.
STAGES = {"load": (0.0, 0.15, "Reading documents"), "embed": (0.15, 0.9, "Embedding passages and words"),
          "write": (0.9, 1.0, "Writing the index")}


def fraction(stage: str, done: int, total: int) -> tuple[float, str]:
    """(0-1 of the whole build, "Embedding passages and words 120/400") for one progress report."""
    lo, hi, label = STAGES.get(stage, (0.0, 1.0, stage))
    part = done / total if total else 1.0
    return lo + (hi - lo) * part, f"{label} {done}/{total}"


class ConsoleBar:
    """A one-line progress bar for a terminal, redrawn at most every `every` seconds; `qa index` and `qa serve`."""

    def __init__(self, stream: TextIO | None = None, every: float = 0.2, width: int = 30) -> None:
        self.stream = stream or sys.stderr
        self.every = every
        self.width = width
        self.last = 0.0

    def __call__(self, stage: str, done: int, total: int) -> None:
        finished = done >= total  # each stage ends its own line, so a failure after it starts on a fresh one
        now = time.monotonic()
        if not finished and now - self.last < self.every:
            return
        self.last = now
        frac, desc = fraction(stage, done, total)
        filled = int(self.width * frac)
        self.stream.write(f"\r[{'#' * filled}{'.' * (self.width - filled)}] {desc:<40}")
        if finished:
            self.stream.write("\n")
        self.stream.flush()
