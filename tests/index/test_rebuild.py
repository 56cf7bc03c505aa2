"""qa.ops.rebuild: an index folder lost under a server is rebuilt in the background; questions meanwhile get one
sentence saying when to come back, /health reports it, and answering resumes when the rebuild is done."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from qa.errors import IndexRebuilding
from qa.index.build import build_lock
from qa.ops.health import check
from support.ui_server import small_assistant
from ui.app import ChatApp


def test_a_deleted_index_is_rebuilt_in_the_background_and_said(tmp_path):
    assistant = small_assistant(tmp_path)
    assistant.background_rebuild = True  # as `qa serve` sets it
    question = "How many bridges did the alpha project build?"
    assert assistant.search(question, k=1)[0].citation.source == "alpha.txt"
    index = Path(assistant.settings.index_path)
    shutil.rmtree(index)
    # Holding the build lock keeps the rebuild waiting while the test looks (a running build holds it the same way).
    with build_lock(index, wait=False):
        with pytest.raises(IndexRebuilding) as said:
            assistant.search(question, k=1)
        assert str(said.value) == "The index is being rebuilt; try again in 30 s."
        health = check(assistant).as_json()
        assert (health["answering"], health["problem"], health["rebuilding"], health["build_running"]) == (
            False,
            "The index is being rebuilt; try again in 30 s.",
            True,
            True,
        )
        with pytest.raises(IndexRebuilding):  # a second question starts no second rebuild
            assistant.ask(question, k=1)
        assert "The index is being rebuilt; try again in 30 s." in ChatApp(assistant).panels()[0]  # the page's status
        rebuild = assistant._rebuild
    assert rebuild is not None
    rebuild.wait(120)
    assert (rebuild.error, assistant.rebuilding()) == (None, None)
    assert assistant.search(question, k=1)[0].citation.source == "alpha.txt"
    assert check(assistant).answering is True


def test_without_a_server_a_missing_index_is_built_by_the_question(tmp_path):
    assistant = small_assistant(tmp_path)
    shutil.rmtree(assistant.settings.index_path)
    assert assistant.search("How many bridges did the alpha project build?", k=1)[0].citation.source == "alpha.txt"
