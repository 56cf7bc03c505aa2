"""qa.present.messages: every failure becomes one sentence naming the cause, the folder and the fix."""

from __future__ import annotations

import errno
import sqlite3
from pathlib import Path

import pytest

from qa.errors import BuildInProgress, InvalidQuestion, explain

INDEX, CORPUS = Path("/data/qa/index"), Path("/data/qa/corpus")


@pytest.mark.parametrize(
    "exc, doing, expected",
    [
        (
            OSError(errno.EROFS, "Read-only file system", str(INDEX / ".build.lock")),
            "index",
            f"The index folder {INDEX} is read-only, so nothing can be written there; make it writable (or point "
            "QA_INDEX_DIR at a writable folder) and try again.",
        ),
        (
            PermissionError(errno.EACCES, "Permission denied", str(CORPUS / "a.txt")),
            "corpus",
            f"The corpus folder {CORPUS} is read-only, so nothing can be written there; make it writable (or point "
            "QA_CORPUS_DIR at a writable folder) and try again.",
        ),
        (
            OSError(errno.ENOSPC, "No space left on device", str(INDEX / "tmp-gen-1" / "vectors.npy")),
            "index",
            f"The disk holding the index folder {INDEX} is full; free some space there (or point QA_INDEX_DIR at a "
            "writable folder) and try again.",
        ),
        (
            OSError("754944 requested and 67520 written"),
            "index",
            f"The disk holding the index folder {INDEX} is full; free some space there (or point QA_INDEX_DIR at a "
            "writable folder) and try again.",
        ),
        (
            sqlite3.OperationalError("database or disk is full"),
            "index",
            f"The disk holding the index folder {INDEX} is full; free some space there (or point QA_INDEX_DIR at a "
            "writable folder) and try again.",
        ),
        (
            sqlite3.OperationalError("attempt to write a readonly database"),
            "corpus",
            f"The corpus folder {CORPUS} is read-only, so nothing can be written there; make it writable (or point "
            "QA_CORPUS_DIR at a writable folder) and try again.",
        ),
        (
            BuildInProgress("another build of the index in /x is running"),
            "index",
            "A rebuild of the index is already running; wait for it to finish (the status shows its progress), then try again.",
        ),
        (
            InvalidQuestion("the question is empty; type a question about the documents"),
            "index",
            "the question is empty; type a question about the documents",
        ),
        (
            OSError(errno.EIO, "Input/output error", str(INDEX / "CURRENT")),
            "index",
            f"Could not use the index folder {INDEX} (Input/output error); check that it exists and is writable, then try again.",
        ),
    ],
    ids=[
        "read-only-index",
        "denied-corpus",
        "full-index",
        "short-write",
        "sqlite-full",
        "sqlite-read-only",
        "build-running",
        "library-error",
        "other-os-error",
    ],
)
def test_failures_become_one_sentence(exc, doing, expected):
    assert explain(exc, INDEX, CORPUS, doing) == expected


def test_a_path_outside_both_folders_is_named_by_its_own_folder(tmp_path):
    exc = OSError(errno.EROFS, "Read-only file system", str(tmp_path / "x.txt"))
    assert explain(exc, INDEX, CORPUS) == (
        f"The folder {tmp_path.resolve()} is read-only, so nothing can be written there; make it writable and try again."
    )
