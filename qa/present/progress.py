"""Build progress: how far a build is, what it is counting (pages read, passages embedded), how fast, how long yet.

A build reports (stage, done, total) through its progress callback (qa/index/build.py). Pages and passages are
different things at different rates: a PDF is read page by page, then its passages are embedded by both
models. So each stage is counted in its own unit, with its own rate and its own estimate of the time left.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from typing import Callable, TextIO

# The stages a build reports through its progress callback, and the share of the whole each takes.
STAGES = {
    "load": (0.0, 0.3, "Reading documents"),
    "pages": (0.0, 0.3, "Reading pages"),
    "passages": (0.3, 0.9, "Embedding passages"),
    "embed": (0.3, 0.9, "Embedding passages"),
    "words": (0.9, 0.95, "Embedding words"),
    "write": (0.95, 1.0, "Writing the index"),
}
UNITS = {"load": "documents", "pages": "pages", "passages": "passages", "embed": "passages", "words": "words"}


def fraction(stage: str, done: int, total: int) -> tuple[float, str]:
    """(0-1 of the whole build, "Embedding passages 120/400") for one progress report."""
    lo, hi, label = STAGES.get(stage, (0.0, 1.0, stage))
    part = done / total if total else 1.0
    return lo + (hi - lo) * part, f"{label} {done}/{total}"


@dataclass(frozen=True)
class Reading:
    """One stage's progress in its own unit: how many so far (count), how fast, and the time its total needs."""

    stage: str
    unit: str
    done: int  # in this stage's current item (a PDF's pages, the build's passages)
    total: int
    count: int  # in the whole build so far (pages: over every PDF read)
    per_second: float | None  # None until a rate can be measured
    seconds_left: float | None  # until this stage's total is done

    def describe(self) -> str:
        """ "Embedding passages 1,200/3,879, 45.1 passages/s, about 59 s left"."""
        label = STAGES.get(self.stage, (0.0, 1.0, self.stage))[2]
        text = f"{label} {self.done:,}/{self.total:,}"
        if self.stage == "pages" and self.count != self.done:
            text += f" ({self.count:,} pages read in all)"
        if self.per_second:
            text += f", {self.per_second:,.1f} {self.unit}/s"
        if self.seconds_left is not None and self.done < self.total:
            text += f", about {_duration(self.seconds_left)} left"
        return text


def _duration(seconds: float) -> str:
    seconds = max(0, round(seconds))
    return f"{seconds} s" if seconds < 90 else f"{seconds // 60} min {seconds % 60:02d} s"


class Rates:
    """Counts, rates and time left for each stage, from a build's (stage, done, total) reports.

    Pages arrive document by document (done restarts at each PDF), so they are also summed over the build.
    clock: seconds (time.monotonic); tests pass their own.
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._started: dict[str, tuple[float, int]] = {}  # when each stage first reported, and its count then
        self._count: dict[str, int] = {}  # finished items' counts (earlier PDFs' pages)
        self._last: dict[str, tuple[int, int]] = {}

    def update(self, stage: str, done: int, total: int) -> Reading:
        now = self.clock()
        last_done, last_total = self._last.get(stage, (0, 0))
        if done < last_done or total != last_total:  # a new document (pages restart at each PDF)
            self._count[stage] = self._count.get(stage, 0) + last_done
        self._last[stage] = (done, total)
        count = self._count.get(stage, 0) + done
        # A stage's first report (done = 0, or a first page already read) starts its clock.
        started, first_count = self._started.setdefault(stage, (now, count))
        elapsed = now - started
        rate = (count - first_count) / elapsed if elapsed > 0 and count > first_count else None
        left = (total - done) / rate if rate else None
        if stage not in UNITS:  # writing: a step or two, no rate worth showing
            rate = left = None
        return Reading(stage, UNITS.get(stage, "steps"), done, total, count, rate, left)


class ConsoleBar:
    """A one-line progress bar for a terminal, redrawn at most every `every` seconds; `qa index` and `qa serve`.

    Each stage (documents, pages, passages, words, writing) draws its own line, in its own unit, with its rate
    and the time it has left.
    """

    def __init__(
        self, stream: TextIO | None = None, every: float = 0.2, width: int = 24, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.stream = stream or sys.stderr
        self.every = every
        self.width = width
        self.clock = clock
        self.rates = Rates(clock)
        self.last = float("-inf")
        self.stage: str | None = None
        self._ended = True  # the last line drawn was ended

    def __call__(self, stage: str, done: int, total: int) -> None:
        reading = self.rates.update(stage, done, total)
        finished = done >= total  # each stage ends its own line, so a failure after it starts on a fresh one
        now = self.clock()
        if stage != self.stage and self.stage is not None and not self._ended:
            self.stream.write("\n")
        if not finished and stage == self.stage and now - self.last < self.every:
            return
        self.stage, self.last, self._ended = stage, now, finished
        part = done / total if total else 1.0
        filled = int(self.width * part)
        self.stream.write(f"\r[{'#' * filled}{'.' * (self.width - filled)}] {reading.describe():<70}")
        if finished:
            self.stream.write("\n")
        self.stream.flush()
