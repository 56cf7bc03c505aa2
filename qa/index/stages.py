"""Stage clock: where a build's time goes (reading, chunking, each model, words, BM25, writing), stage by stage."""

from __future__ import annotations

import time
from contextlib import contextmanager
from typing import Iterator

# The stages a build times, in the order they first run.
STAGES = ("read", "chunk", "embed_minilm", "embed_multilingual", "embed_words", "rows", "bm25", "write")


class StageClock:
    """Seconds spent in each named stage, summed over its visits, and each visit's (stage, start, end).

    The visits are perf_counter times, so a profiler sampling memory in the same process can attribute
    each sample to the stage that was running (bench/build_profile.py).
    """

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.visits: list[tuple[str, float, float]] = []

    @contextmanager
    def __call__(self, stage: str) -> Iterator[None]:
        t0 = time.perf_counter()
        try:
            yield
        finally:
            t1 = time.perf_counter()
            self.seconds[stage] = self.seconds.get(stage, 0.0) + (t1 - t0)
            self.visits.append((stage, t0, t1))
