"""qa.ops.health: whether answering works, what the index lacks, whether a build runs; and `qa status`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import PROJECT
from qa.index.build import build_lock
from qa.ops.health import Health, build_running, check, report_lines, unindexed
from support.faults import read_only
from support.ui_server import running_app, small_assistant


def qa_cli(*args: str, corpus: Path, index: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("QA_")}
    env.update(QA_CORPUS_DIR=str(corpus), QA_INDEX_DIR=str(index), HF_HUB_OFFLINE="1")
    return subprocess.run(
        [sys.executable, "-m", "qa.cli", *args], cwd=PROJECT, env=env, capture_output=True, text=True, timeout=300
    )


def test_build_running_follows_the_build_lock(tmp_path):
    assert build_running(tmp_path / "index") is False
    with build_lock(tmp_path / "index", wait=False):
        assert build_running(tmp_path / "index") is True
    assert build_running(tmp_path / "index") is False


def test_unindexed_lists_corpus_files_the_index_lacks(tmp_path):
    assistant = small_assistant(tmp_path, build=False)
    corpus = Path(assistant.settings.corpus_dir)
    (corpus / ".hidden.txt").write_text("dot files are never indexed")
    assert unindexed(corpus, {"alpha.txt"}) == ("beta.md",)
    assert unindexed(tmp_path / "missing", set()) == ()


def test_check_reports_a_working_index(tmp_path):
    assistant = small_assistant(tmp_path)
    (Path(assistant.settings.corpus_dir) / "gamma.txt").write_text("Gamma\n\nNew text not indexed yet.\n")
    got = check(assistant)
    assert got == Health(True, None, assistant.status().generation, 2, assistant.status().chunks, ("gamma.txt",), False)


def test_check_says_why_answering_does_not_work(tmp_path):
    assistant = small_assistant(tmp_path, build=False)
    got = check(assistant)
    assert (got.answering, got.generation, got.unindexed) == (False, None, ("alpha.txt", "beta.md"))
    assert got.problem == f"no index at {assistant.settings.index_path}; build one with: qa index"


def test_qa_status_asks_a_running_server(tmp_path):
    assistant = small_assistant(tmp_path)
    with running_app(assistant) as url:
        done = qa_cli("status", "--url", url, corpus=tmp_path / "elsewhere", index=tmp_path / "elsewhere-index")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "answering: yes"
    assert lines[1] == f"index: generation {assistant.status().generation}, 2 documents, {assistant.status().chunks} passages"
    assert lines[2:] == ["rebuild running: no", "queue: 0 waiting of at most 64"]


def test_qa_status_without_a_server_or_index_says_so(tmp_path):
    done = qa_cli("status", "--url", "http://127.0.0.1:9", corpus=tmp_path, index=tmp_path / "index")
    assert done.returncode == 1
    assert done.stdout.splitlines()[:2] == [
        "answering: NO",
        "problem: No server answers at http://127.0.0.1:9 "
        "([Errno 111] Connection refused); start it with `qa serve` or check "
        "the address.",
    ]
    done = qa_cli("status", corpus=tmp_path, index=tmp_path / "index")
    assert done.returncode == 1
    assert done.stdout.splitlines()[1] == f"problem: no index at {tmp_path / 'index'}; build one with: qa index"


def test_qa_index_on_a_read_only_folder_is_one_sentence(tmp_path):
    assistant = small_assistant(tmp_path, build=False)
    index = Path(assistant.settings.index_path)
    with read_only(index):
        done = qa_cli("index", "--quiet", corpus=Path(assistant.settings.corpus_dir), index=index)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stderr.splitlines() == [
        f"qa: error: The index folder {index.resolve()} is read-only, so nothing can be written there; make it "
        "writable (or point QA_INDEX_DIR at a writable folder) and try again."
    ]


@pytest.mark.model
def test_qa_status_answers_from_the_real_index(real_index):
    done = qa_cli("status", "--json", corpus=Path(real_index.corpus_dir), index=real_index.index_path)
    assert done.returncode == 0, done.stderr
    assert '"answering": true' in done.stdout and '"problem": null' in done.stdout


def test_files_the_last_build_refused_are_listed_with_why_not_as_pending(tmp_path):
    assistant = small_assistant(tmp_path, build=False)
    corpus = Path(assistant.settings.corpus_dir)
    (corpus / "broken.epub").write_bytes(b"PK\x03\x04 not really a zip")
    assistant.build_index()
    reason = "not a readable EPUB (a damaged zip archive: File is not a zip file)"
    got = check(assistant)
    assert (got.unindexed, got.refused) == ((), (("broken.epub", reason),))
    assert report_lines(got.as_json())[-1] == f"refused: broken.epub: {reason} (fix or replace the file, then rebuild)"
    (corpus / "broken.epub").write_bytes(b"PK\x03\x04 replaced, and still not a zip")  # changed: a rebuild may read it
    got = check(assistant)
    assert (got.unindexed, got.refused) == (("broken.epub",), ())
