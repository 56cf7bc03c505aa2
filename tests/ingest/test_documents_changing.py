"""A file changing while it is read is read again, or skipped with a warning saying it was changing: never indexed
half old, half new. What was indexed before stays."""

from __future__ import annotations

import os
from contextlib import contextmanager

import pytest

from qa import Assistant, Settings
from qa.errors import DocumentError
from qa.ingest.documents import READ_TRIES, load_document

LOG = "Lamp log\n\nThe keeper of the north light recorded 212 ships passing in the autumn.\n"


@contextmanager
def always_changing(path):
    """A writer that changes path's modification time every time a reader looks at the open file's state (as a
    copy or an editor still writing it does), so every read overlaps a change. A writer thread did this on a quiet
    machine only: on a loaded one it got no turn during a whole read, and the file, unchanged, was rightly read."""
    real_fstat = os.fstat
    target = os.stat(path).st_ino

    def fstat_then_write(fd):
        state = real_fstat(fd)
        if state.st_ino == target:
            t = state.st_mtime_ns + 1_000
            os.utime(path, ns=(t, t))
        return state

    os.fstat = fstat_then_write
    try:
        yield
    finally:
        os.fstat = real_fstat


def _big_log(path) -> None:
    # Long enough that every read overlaps the writer: padding paragraphs after the log entry.
    path.write_text(LOG + "\n".join("The lamp was trimmed at dusk." for _ in range(400_000)))


def test_a_file_changing_while_read_is_refused_as_changing(tmp_path, corpus):
    _big_log(corpus / "log.txt")
    with always_changing(corpus / "log.txt"), pytest.raises(DocumentError) as refused:
        load_document(corpus / "log.txt", corpus, Settings(corpus_dir=corpus))
    assert str(refused.value) == (
        f"the file kept changing while it was read ({READ_TRIES} tries); it is skipped "
        "until it is written completely (rebuild then)"
    )


def test_a_build_keeps_the_indexed_version_of_a_changing_file(tmp_path, corpus, fake_embedder):
    (corpus / "good.txt").write_text("Harbour notes\n\nThe harbour master counted 41 ships in the spring.\n")
    (corpus / "log.txt").write_text(LOG)
    assistant = Assistant(
        Settings(corpus_dir=corpus, index_dir=tmp_path / "index"), embedder=fake_embedder, build_embedder=lambda: fake_embedder
    )
    assistant.build_index()
    _big_log(corpus / "log.txt")
    with always_changing(corpus / "log.txt"):
        report = assistant.build_index()
    assert [f"skipped {s.source}: {s.reason}" for s in report.skipped] == [
        f"skipped log.txt: the file kept changing while it was read ({READ_TRIES} tries); it is skipped until it is "
        "written completely (rebuild then)"
    ]
    assert report.warnings == ("log.txt: kept the previously indexed version",)
    assert "212 ships" in assistant.search("How many ships passed the north light?", k=1)[0].text
    assert assistant.search("How many ships did the harbour master count?", k=1)[0].citation.source == "good.txt"


def test_a_file_that_stopped_changing_is_read(tmp_path, corpus):
    _big_log(corpus / "log.txt")
    with always_changing(corpus / "log.txt"):
        pass
    assert load_document(corpus / "log.txt", corpus, Settings(corpus_dir=corpus)).text.startswith("Lamp log")
