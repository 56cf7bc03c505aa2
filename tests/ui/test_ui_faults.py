"""Faults on a real server: a read-only or full disk is named in one sentence, and nothing partial is left."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from gradio_client import Client
from gradio_client.exceptions import AppError

from qa.ops.health import remove_leftovers
from support.faults import read_only, small_disk
from support.ui_server import running_app, small_assistant
from ui.app import ChatApp
from ui.uploads import UploadRefused, store

pytestmark = [
    pytest.mark.filterwarnings("ignore:.*no_silent_downcasting"),
    pytest.mark.filterwarnings("ignore:The copy keyword is deprecated"),
]


def read_only_sentence(folder: Path, what: str = "index", setting: str = "QA_INDEX_DIR") -> str:
    return (
        f"The {what} folder {folder.resolve()} is read-only, so nothing can be written there; make it writable "
        f"(or point {setting} at a writable folder) and try again."
    )


def leftovers(*folders: Path) -> list[str]:
    return sorted(p.name for f in folders for p in f.rglob("*") if p.name.endswith(".part") or p.name.startswith("tmp-gen-"))


def test_a_read_only_index_folder_is_named_in_the_api(tmp_path):
    assistant = small_assistant(tmp_path, build=False)  # the first question builds the index: it cannot
    index = Path(assistant.settings.index_path)
    with read_only(index), running_app(assistant) as url:
        with pytest.raises(AppError) as caught:
            Client(url, verbose=False).predict("How many bridges?", 3, None, "hybrid", api_name="/ask")
    assert str(caught.value) == read_only_sentence(index)
    assert leftovers(tmp_path) == []


def test_a_full_index_disk_is_named_and_leaves_no_partial_generation(tmp_path):
    assistant = small_assistant(tmp_path)
    index, corpus = Path(assistant.settings.index_path), Path(assistant.settings.corpus_dir)
    (corpus / "long.txt").write_text(
        "Long Report\n\n"
        + "\n\n".join(f"Paragraph {i} says the river {i} carried {i * 13} boats past the mill." for i in range(3000))
    )
    used = sum(p.stat().st_size for p in index.rglob("*") if p.is_file())
    with small_disk(index, size=f"{(used + 96 * 1024) // 1024}k"):
        app = ChatApp(assistant)
        *_, last = app.rebuild(None, progress=lambda *a, **k: None)
        report, status = last[0], last[1]
        assert (
            f"The rebuild failed: The disk holding the index folder {index.resolve()} is full; free some "
            "space there (or point QA_INDEX_DIR at a writable folder) and try again." in report
        )
        assert "Ready: " in status and "Rebuilding" not in status
        assert "Not in the index yet: long.txt. Press Rebuild index to add it." in status
        assert leftovers(index) == []
        assert assistant.ask("How many bridges did the alpha project build?").hits  # the old index still answers


def test_a_full_corpus_disk_refuses_the_upload_and_leaves_no_part_file(tmp_path):
    corpus = tmp_path / "corpus"
    upload = tmp_path / "big.txt"
    upload.write_text("word " * 40_000)
    with small_disk(corpus, size="64k"):
        with pytest.raises(UploadRefused) as caught:
            store(upload, "big.txt", corpus)
        assert str(caught.value) == (
            f"The disk holding the corpus folder {corpus.resolve()} is full; free some space "
            "there (or point QA_CORPUS_DIR at a writable folder) and try again."
        )
        assert list(corpus.iterdir()) == []


def test_leftovers_of_a_killed_server_are_removed_at_the_next_start(tmp_path):
    assistant = small_assistant(tmp_path)
    index, corpus = Path(assistant.settings.index_path), Path(assistant.settings.corpus_dir)
    (corpus / ".upload-0123456789abcdef-999999999.part").write_text("half an upload")  # pid 999999999: gone
    (corpus / f".upload-0123456789abcdef-{os.getpid()}.part").write_text("an upload in progress")
    (index / "tmp-gen-20260101-000000-1-abcdef").mkdir()
    (index / "tmp-gen-20260101-000000-1-abcdef" / "vectors.npy").write_bytes(b"x" * 100)
    (index / ".CURRENT.1.2").write_text("{}")
    with running_app(assistant) as url:
        assert sorted(p.name for p in corpus.iterdir()) == [
            f".upload-0123456789abcdef-{os.getpid()}.part",
            "alpha.txt",
            "beta.md",
        ]
        assert not any(p.name.startswith(("tmp-gen-", ".CURRENT.")) for p in index.iterdir())
        got = Client(url, verbose=False).predict("How many bridges?", 3, None, "hybrid", api_name="/ask")
        assert got["hits"][0]["citation"]["source"] == "alpha.txt"


def test_remove_leftovers_leaves_a_running_build_alone(tmp_path):
    from qa.index.build import build_lock

    index = tmp_path / "index"
    (index / "tmp-gen-running").mkdir(parents=True)
    with build_lock(index, wait=False):
        assert remove_leftovers(tmp_path / "corpus", index) == []
    assert (index / "tmp-gen-running").is_dir()
    assert remove_leftovers(tmp_path / "corpus", index) == [index / "tmp-gen-running"]


@pytest.mark.browser
def test_the_page_names_a_read_only_index_folder_and_lists_unindexed_files(tmp_path, browser):
    assistant = small_assistant(tmp_path)
    index, corpus = Path(assistant.settings.index_path), Path(assistant.settings.corpus_dir)
    with running_app(assistant) as url:
        page = browser.new_page()
        page.goto(url)
        page.locator("#status .qa-status-ok").wait_for(timeout=30_000)
        shutil.copy(corpus / "alpha.txt", corpus / "gamma.txt")
        (corpus / "gamma.txt").write_text("Gamma Log\n\nThe keeper logged 312 storms on Quenby Island.\n")
        page.reload()
        note = page.locator("#status .qa-status-note")
        note.wait_for(timeout=30_000)
        assert note.inner_text() == "Not in the index yet: gamma.txt. Press Rebuild index to add it."
        with read_only(index):
            page.locator("#rebuild").click()
            error = page.locator("#reports .qa-file-error")
            error.wait_for(timeout=60_000)
            assert error.inner_text() == f"The rebuild failed: {read_only_sentence(index)}"
            status = page.locator("#status").inner_text()
            assert "Rebuilding" not in status and "Not in the index yet: gamma.txt." in status
            page.screenshot(path=tmp_path / "read-only-index.png")
        page.locator("#rebuild").click()  # writable again: one click indexes what was missing
        page.locator("#reports .qa-build").wait_for(timeout=60_000)
        assert "1 added" in page.locator("#reports .qa-build").inner_text()
        assert page.locator("#status .qa-status-note").count() == 0
        page.close()


def test_a_rebuild_while_another_runs_says_so_and_keeps_the_upload(tmp_path):
    from qa.index.build import build_lock

    assistant = small_assistant(tmp_path)
    index, corpus = Path(assistant.settings.index_path), Path(assistant.settings.corpus_dir)
    upload = tmp_path / "gamma.txt"
    upload.write_text("Gamma Log\n\nThe keeper logged 312 storms on Quenby Island.\n")
    app = ChatApp(assistant)
    busy = "A rebuild of the index is already running; wait for it to finish (the status shows its progress), then try again."
    with build_lock(index, wait=False):  # as `qa index` in another terminal holds it
        *_, (report, status, *_) = app.rebuild(None, progress=lambda *a, **k: None)
        assert busy in report
        assert "A rebuild of the index is running; answers come from the current index until it ends." in status
        *_, (report, status, *_) = app.add_files([str(upload)], None, progress=lambda *a, **k: None)
        assert "gamma.txt</b>: saved as gamma.txt" in report and busy in report
        assert "Not in the index yet: gamma.txt. Press Rebuild index to add it." in status
    assert (corpus / "gamma.txt").exists()
    *_, (report, status, *_) = app.rebuild(None, progress=lambda *a, **k: None)
    assert "1 added" in report and "Not in the index yet" not in status and "running" not in status
