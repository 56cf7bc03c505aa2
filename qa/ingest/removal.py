"""Removing a document: its file leaves the corpus folder (the caller then rebuilds the index incrementally)."""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from qa.errors import DocumentNotRemoved


def corpus_file(corpus_dir: Path, source: str) -> Path:
    """The file in the corpus folder that the document `source` was indexed from; refuses names leading out."""
    parts = PurePosixPath(source).parts
    if not source or PurePosixPath(source).is_absolute() or ".." in parts:
        raise DocumentNotRemoved(f"{source!r} is not a file name inside the corpus folder")
    corpus = Path(corpus_dir).resolve()
    path = Path(corpus_dir, *parts)
    if not path.parent.resolve().is_relative_to(corpus):
        raise DocumentNotRemoved(f"{source} is not inside the corpus folder {corpus_dir}")
    if not (path.is_file() or path.is_symlink()):
        raise DocumentNotRemoved(
            f"{source} is not in the corpus folder {corpus_dir} (it was indexed from elsewhere); index without it to take it out"
        )
    return path


def remove_file(corpus_dir: Path, source: str) -> Path:
    """Delete the document's file from the corpus folder (a symbolic link itself, never its target)."""
    path = corpus_file(corpus_dir, source)
    try:
        path.unlink()
    except OSError as exc:
        raise DocumentNotRemoved(f"{source} could not be deleted ({exc.strerror or exc})") from None
    return path
