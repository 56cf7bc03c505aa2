"""A kill timer whose deadline can move: the PDF child is allowed more time for each page it reads by OCR."""

from __future__ import annotations

import threading
import time
from typing import Callable


class Deadline:
    """A kill timer whose deadline can move: each page read by OCR is allowed its own time."""

    def __init__(self, seconds: float, action: Callable[[], None]):
        self._deadline = time.monotonic() + seconds
        self._action = action
        self._stop = threading.Event()
        self.fired = False
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def extend(self, seconds: float) -> None:
        self._deadline += seconds

    def cancel(self) -> None:
        self._stop.set()

    def _run(self) -> None:
        while not self._stop.wait(min(0.2, max(0.0, self._deadline - time.monotonic()))):
            if time.monotonic() >= self._deadline:
                self.fired = True
                self._action()
                return
