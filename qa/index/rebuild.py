"""A lost index rebuilt in the background of a server, with the sentence that tells questions when to come back."""

from __future__ import annotations

import math
import threading
import time
from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:
    from qa.settings import Settings

# A build of the whole index, reporting (stage, done, total): the assistant's, passed in so that this stage
# never refers up to the assistant that starts it.
Build = Callable[[Callable[[str, int, int], None]], object]


class Rebuild:
    """A rebuild of a lost index in a thread of its own, with how long it is likely to take still."""

    GUESS_S = 30.0  # before any measure: about what indexing the default corpus takes on 2 cores

    def __init__(self, build: Build, settings: "Settings", last_seconds: float | None) -> None:
        self.started = time.monotonic()
        self.seconds = last_seconds  # how long the last rebuild took, once one finished
        self.done_share = 0.0
        self.error: str | None = None
        self._thread = threading.Thread(target=self._run, args=(build, settings), name="qa-rebuild", daemon=True)
        self._thread.start()

    def _run(self, build: Build, settings: "Settings") -> None:
        from qa.errors import explain

        def progress(stage: str, done: int, total: int) -> None:
            if stage == "load" and total:
                self.done_share = 0.5 * done / total  # reading is about half a build; embedding the other half
            elif stage == "embed" and total:
                self.done_share = 0.5 + 0.45 * done / total

        try:
            build(progress)
            self.seconds = time.monotonic() - self.started
        except Exception as exc:  # the next question starts another; the health report says why this one failed
            self.error = explain(exc, settings.index_path, settings.corpus_dir)

    @classmethod
    def running_or_new(cls, last: "Rebuild | None", build: Build, settings: "Settings") -> "Rebuild":
        """last while it runs, else a new rebuild started now (timed by last, when that one finished)."""
        if last is not None and last.running():
            return last
        return cls(build, settings, last.seconds if last is not None else None)

    def running(self) -> bool:
        return self._thread.is_alive()

    def wait(self, timeout: float | None = None) -> None:
        """Until the rebuild has finished (or timeout seconds have passed)."""
        self._thread.join(timeout)

    def left_s(self) -> int:
        """Seconds the rebuild likely still takes: from the last one's time, else from its progress so far."""
        elapsed = time.monotonic() - self.started
        if self.seconds:
            total = self.seconds
        elif self.done_share > 0.05:
            total = elapsed / self.done_share
        else:
            total = self.GUESS_S
        return max(5, math.ceil(total - elapsed))

    def sentence(self) -> str:
        return f"The index is being rebuilt; try again in {self.left_s()} s."
