"""Cited-passage question answering over a document collection: search, ask, build_index.

The public API is the names below, plus the modules `qa.errors` (exceptions and `explain`), `qa.serialize`
(the JSON form of every result), `qa.present.reflow` (text as shown), `qa.present.markdown` (an answer as Markdown
in either language, a citation's page as printed), `qa.present.progress` (build progress), `qa.ops.health` (is
answering working?) and `qa.present.messages` (the interface's words in English and Chinese); SUPPORTED_SUFFIXES,
check_bytes and content_hash say which files a build reads.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence

from qa import errors, serialize  # noqa: F401  (public modules: qa.errors.QAError, qa.serialize.AnswerDict)
from qa.answer.answers import Answer
from qa.assistant import Assistant, IndexStatus
from qa.index.store.protocol import DocumentRecord
from qa.ingest.chunking import Citation
from qa.ingest.documents import check_bytes, content_hash
from qa.retrieve.hits import Hit
from qa.settings import Settings

if TYPE_CHECKING:
    from qa.evidence.page_view import PageView
    from qa.index.build import BuildReport
    from qa.ingest.readers import SUPPORTED_SUFFIXES

# Names whose modules a question does not need (building, every format's reader, page images): imported when first
# read, so that a cold `qa ask` does not pay for them (results/bench.md, cold start).
_LATER = {"BuildReport": "qa.index.build", "PageView": "qa.evidence.page_view", "SUPPORTED_SUFFIXES": "qa.ingest.readers"}

__all__ = [
    "SUPPORTED_SUFFIXES",
    "Answer",
    "Assistant",
    "BuildReport",
    "Citation",
    "DocumentRecord",
    "Hit",
    "IndexStatus",
    "PageView",
    "Settings",
    "ask",
    "build_index",
    "check_bytes",
    "content_hash",
    "search",
]


def __getattr__(name: str) -> Any:
    if name in _LATER:
        return getattr(importlib.import_module(_LATER[name]), name)
    raise AttributeError(f"module 'qa' has no attribute {name!r}")


def search(query: str, k: int = 5, mode: str = "hybrid", sources: Sequence[str] | None = None) -> list[Hit]:
    """The k passages that best answer query, best first, each with a citation."""
    return Assistant.shared().search(query, k=k, mode=mode, sources=sources)


def ask(question: str, k: int = 5, mode: str = "hybrid", sources: Sequence[str] | None = None) -> Answer:
    """Answer sentences citing their hits, the hits, and whether the corpus answers the question."""
    return Assistant.shared().ask(question, k=k, mode=mode, sources=sources)


def build_index(
    paths: Sequence[str | Path] | None = None, full: bool = False, progress=None, wait: bool = False, ray: str | None = None
) -> BuildReport:
    """Index the given files and folders (default: the corpus); unchanged text is not embedded again.

    ray: embed through Ray Data on the Ray cluster at this address ("": a local one); None: in this process.
    """
    return Assistant.shared().build_index(paths, full=full, progress=progress, wait=wait, ray=ray)
