"""Exceptions the library raises, and explain(): the one plain sentence the CLI and the web app show for any failure.

The CLI and the web app both show failures through explain(), so a full disk reads the same in the
terminal, on the page and in the API's error, instead of "Error" or "754944 requested and 67520 written".
"""

from __future__ import annotations

import errno
import re
import sqlite3
from pathlib import Path


class QAError(Exception):
    """Base class of every error the library raises on purpose."""


class CorpusNotFound(QAError):
    """A corpus folder or file given to index does not exist."""


class EmptyCorpus(QAError):
    """Nothing indexable was found; the existing index is left as it was."""


class InvalidQuestion(QAError):
    """The question is empty, whitespace or otherwise unusable."""


class IndexNotFound(QAError):
    """No index has been built at the configured location."""


class IndexRebuilding(IndexNotFound):
    """The index folder disappeared under a server, which is rebuilding it in the background; the message says
    when to try again."""


class IndexCorrupt(QAError):
    """The index on disk is damaged or does not match its manifest."""


class BuildInProgress(QAError):
    """Another process or thread is rebuilding the same index."""


class DocumentError(QAError):
    """One file could not be read; builds skip it and report the reason."""


class InvalidSetting(QAError):
    """A setting or argument has a value outside its valid choices."""


class PageNotRendered(QAError):
    """A PDF page cannot be shown as an image; the message says why in one sentence."""


class DocumentNotRemoved(QAError):
    """A document cannot be removed from the corpus; the message says why."""


class IndexOutdated(IndexCorrupt):
    """The index was written by an older version in a format this one does not read; a rebuild fixes it."""


class BackendUnavailable(QAError):
    """A search backend (a Qdrant server or cluster, the embedded engine, a Ray cluster) cannot be reached,
    refuses the key, or lacks the collection asked for; the message names it. The local index is untouched."""


class ModelUnavailable(QAError):
    """The embedding model is not installed or cannot be read, so an index cannot be checked against it."""


class MissingDependency(QAError):
    """A package the library needs is not installed (the message names it and how to install it)."""


READ_ONLY = {errno.EROFS, errno.EACCES, errno.EPERM}
FULL = {errno.ENOSPC, errno.EDQUOT}
# numpy's tofile/save and some writers report a short write without an errno.
_SHORT_WRITE = re.compile(r"\d+ requested and \d+ written")


def _folder(path: object, folders: dict[str, Path]) -> tuple[str, Path | None]:
    """(which folder, the folder) that holds path: the index or corpus folder, else the path's own folder."""
    if path:
        p = Path(str(path)).resolve()
        for what, folder in folders.items():
            folder = Path(folder).resolve()
            if p == folder or folder in p.parents:
                return what, folder
        return "folder", p if p.is_dir() else p.parent
    return next(iter(folders.items()), ("folder", None))


def _errno_of(exc: BaseException) -> int | None:
    """The errno an exception stands for, read from SQLite's and short writes' messages where it has none."""
    code = getattr(exc, "errno", None)
    text = str(exc)
    if isinstance(exc, sqlite3.OperationalError):
        return errno.ENOSPC if "full" in text else errno.EROFS if "readonly" in text else None
    if code is None and _SHORT_WRITE.search(text):
        return errno.ENOSPC
    return code


def explain(exc: BaseException, index_dir: Path | None = None, corpus_dir: Path | None = None, doing: str = "index") -> str:
    """A one-sentence message naming the cause and the fix; doing is what failed ("index" or "corpus" work)."""
    if isinstance(exc, BuildInProgress):
        return "A rebuild of the index is already running; wait for it to finish (the status shows its progress), then try again."
    if isinstance(exc, QAError):
        return str(exc)
    folders: dict[str, Path] = {}
    order = ("corpus", "index") if doing == "corpus" else ("index", "corpus")
    for what in order:
        folder = index_dir if what == "index" else corpus_dir
        if folder is not None:
            folders[f"{what} folder"] = Path(folder)
    code = _errno_of(exc)
    filename = getattr(exc, "filename", None)
    what, folder = _folder(filename, folders)
    place = f"{what} {folder}" if folder is not None else "folder it writes to"
    setting = {
        "index folder": " (or point QA_INDEX_DIR at a writable folder)",
        "corpus folder": " (or point QA_CORPUS_DIR at a writable folder)",
    }.get(what, "")
    if code in READ_ONLY:
        return f"The {place} is read-only, so nothing can be written there; make it writable{setting} and try again."
    if code in FULL:
        return f"The disk holding the {place} is full; free some space there{setting} and try again."
    if isinstance(exc, MemoryError):
        return "The server ran out of memory; try a smaller file or fewer at once."
    if isinstance(exc, OSError):
        reason = exc.strerror or str(exc) or exc.__class__.__name__
        return f"Could not use the {place} ({reason}); check that it exists and is writable, then try again."
    return f"Unexpected failure ({exc.__class__.__name__}: {exc}); try again, and report it if it persists."
