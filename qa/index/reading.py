"""Read-ahead: a build's documents read two at a time, biggest first, handed to the plan in corpus order.

Reading is parsing in child processes (PDF pages, markup) and the parent's page work: one long PDF read alone kept a
core idle for most of a build's reading. The plan still takes the documents in corpus order (so the index and its
messages do not depend on which read finished first) and chunks each while the next ones are read. Page progress
stays one document at a time: the pages of a PDF read beside another are shown once the first is done.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

from qa.ingest.documents import Document, load_document
from qa.ingest.files import CorpusFile
from qa.settings import Settings

Progress = Callable[[str, int, int], None]

WORKERS = 2  # documents read at once: each PDF or markup file is parsed by a child process of its own


@dataclass(frozen=True)
class Read:
    """A document as read, and the seconds its reading took (on its own thread)."""

    document: Document
    seconds: float


class PageProgress:
    """Page reports of documents read at once, passed on one document at a time, in the order they started.

    progress("pages", done, total) restarts at each PDF (qa/present/progress.py sums them); reports of a
    document read beside the one shown are held, and its latest one is shown when the one before is done.
    """

    def __init__(self, progress: Progress | None):
        self.progress = progress
        self._lock = threading.Lock()
        self._order: list[str] = []  # documents that reported pages, in the order they started
        self._latest: dict[str, tuple[int, int]] = {}
        self._done: set[str] = set()

    def reporter(self, source: str) -> Callable[[int, int], None] | None:
        """on_page for source's reading, or None when nobody listens."""
        if self.progress is None:
            return None
        return lambda done, total: self._page(source, done, total)

    def finished(self, source: str) -> None:
        """source's reading ended (all its pages read, or it failed): the next document's pages are shown."""
        with self._lock:
            self._done.add(source)
            self._advance()

    def _page(self, source: str, done: int, total: int) -> None:
        with self._lock:
            if source not in self._latest:
                self._order.append(source)
            self._latest[source] = (done, total)
            if self._order and self._order[0] == source:
                self._report(done, total)
            if done >= total:
                self._done.add(source)
                self._advance()

    def _advance(self) -> None:
        """Drop finished documents from the head, showing the newest state of the one that takes over."""
        while self._order and self._order[0] in self._done:
            self._order.pop(0)
            if self._order:
                self._report(*self._latest[self._order[0]])

    def _report(self, done: int, total: int) -> None:
        assert self.progress is not None
        self.progress("pages", done, total)


class ReadAhead:
    """Documents read on WORKERS threads, the largest files first; result(i) waits for files[i]."""

    def __init__(self, files: Sequence[CorpusFile], wanted: Sequence[bool], settings: Settings, progress: Progress | None = None):
        self.pages = PageProgress(progress)
        self._pool = ThreadPoolExecutor(WORKERS, thread_name_prefix="qa-read")
        self._futures: dict[int, Future[Read]] = {}
        # The longest reads start first, so that they overlap the many short ones rather than end the phase alone.
        for i in sorted((i for i, w in enumerate(wanted) if w), key=lambda i: -_size(files[i].path)):
            self._futures[i] = self._pool.submit(self._read, files[i], settings)

    def _read(self, f: CorpusFile, settings: Settings) -> Read:
        t0 = time.perf_counter()
        try:
            doc = load_document(
                f.path, Path(settings.corpus_dir), settings, source=f.source, on_page=self.pages.reporter(f.source)
            )
        finally:
            self.pages.finished(f.source)
        return Read(doc, time.perf_counter() - t0)

    def result(self, i: int) -> Read:
        """files[i] as read; its reading's exception (DocumentError for a bad file) is raised here."""
        return self._futures.pop(i).result()

    def close(self) -> None:
        """Stop reading: files not started are dropped, the ones being read are waited for."""
        for future in self._futures.values():
            future.cancel()
        self._pool.shutdown(wait=True)


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0
