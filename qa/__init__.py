"""Cited-passage question answering over a document collection: search, ask, build_index."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Sequence

from .answers import Answer, AnswerSentence
from .assistant import Assistant
from .build import BuildReport, Skipped
from .documents import Reference
from .errors import (BackendUnavailable, BuildInProgress, CorpusNotFound, DocumentError, DocumentNotRemoved,
                     EmptyCorpus, IndexCorrupt, IndexNotFound, InvalidQuestion, InvalidSetting, PageNotRendered,
                     QAError)
from .evidence import PageView
from .markdown import answer_markdown
from .reflow import reflow, reflowed
from .store.chunks import DocumentRecord
from .search import Citation, Hit
from .settings import Settings

__all__ = [
    "Answer", "AnswerSentence", "Assistant", "BackendUnavailable", "BuildInProgress", "BuildReport", "Citation",
    "CorpusNotFound",
    "DocumentError", "DocumentRecord", "EmptyCorpus", "Hit", "IndexCorrupt", "IndexNotFound", "InvalidQuestion",
    "InvalidSetting", "QAError", "Reference", "Settings", "Skipped", "ask", "assistant", "build_index", "search",
    "DocumentNotRemoved", "PageNotRendered", "PageView", "answer_markdown", "reflow", "reflowed",
]

_assistants: dict[Settings, Assistant] = {}
_guard = threading.Lock()


def assistant(settings: Settings | None = None) -> Assistant:
    """The shared Assistant for these settings (default: from the environment)."""
    settings = settings or Settings.from_env()
    with _guard:
        if settings not in _assistants:
            _assistants[settings] = Assistant(settings)
        return _assistants[settings]


def search(query: str, k: int = 5, mode: str = "hybrid", sources: Sequence[str] | None = None) -> list[Hit]:
    """The k passages that best answer query, best first, each with a citation."""
    return assistant().search(query, k=k, mode=mode, sources=sources)


def ask(question: str, k: int = 5, mode: str = "hybrid", sources: Sequence[str] | None = None) -> Answer:
    """Answer sentences citing their hits, the hits, and whether the corpus answers the question."""
    return assistant().ask(question, k=k, mode=mode, sources=sources)


def build_index(paths: Sequence[str | Path] | None = None, full: bool = False, progress=None,
                wait: bool = False, ray: str | None = None) -> BuildReport:
    """Index the given files and folders (default: the corpus); unchanged text is not embedded again.

    ray: embed through Ray Data on the Ray cluster at this address ("": a local one); None: in this process.
    """
    return assistant().build_index(paths, full=full, progress=progress, wait=wait, ray=ray)
