"""Strict edges: HTTP calls with missing or extra inputs, numeric settings out of range, file names with control
characters, dot-files and raw HTML in documents each get one clear sentence or are shown as text."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from test_ui_limits import JSON, request

from conftest import PROJECT
from qa import Assistant, Settings
from qa.ingest.files import HIDDEN_FILE, HIDDEN_FOLDER
from qa.present.markdown import answer_markdown
from support.ui_server import running_app, small_assistant

pytestmark = [
    pytest.mark.filterwarnings("ignore:.*no_silent_downcasting"),
    pytest.mark.filterwarnings("ignore:The copy keyword is deprecated"),
]
SHAPE = '{"data": [question, k, sources, mode]}'


def qa_cli(*args: str, corpus: Path, index: Path, **env_vars: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("QA_")}
    env.update(QA_CORPUS_DIR=str(corpus), QA_INDEX_DIR=str(index), HF_HUB_OFFLINE="1", **env_vars)
    return subprocess.run(
        [sys.executable, "-m", "qa.cli", *args], cwd=PROJECT, env=env, capture_output=True, text=True, timeout=300
    )


def test_http_calls_with_missing_or_extra_inputs_get_one_sentence_naming_them(tmp_path):
    with running_app(small_assistant(tmp_path)) as url:
        calls = {
            api: [
                request(url, "POST", f"/gradio_api/call/{api}", json.dumps(body).encode(), JSON)[:2]
                for body in ({"data": ["How many bridges?"]}, {"data": ["q", 3, None, "hybrid", "x"]}, {})
            ]
            for api in ("ask", "search")
        }
        answered = request(
            url, "POST", "/gradio_api/call/ask", json.dumps({"data": ["How many bridges?", 3, None, "hybrid"]}).encode(), JSON
        )
    for api, got in calls.items():
        assert got == [
            (
                400,
                {"detail": f"The call to /{api} is missing its inputs k, sources, mode: send all 4 inputs in order, as {SHAPE}."},
            ),
            (
                400,
                {
                    "detail": f"The call to /{api} sent 5 inputs, 1 more than it takes: send only question, k, sources, "
                    f"mode, in order, as {SHAPE}."
                },
            ),
            (400, {"detail": f"The call to /{api} must send JSON of the form {SHAPE}; send its 4 inputs in that order."}),
        ]
    assert answered[0] == 200 and "event_id" in answered[1]


@pytest.mark.parametrize(
    "name, value, said",
    [
        ("QA_MAX_K", "0", "QA_MAX_K=0 is out of range; it must be a whole number from 1 to 1,000"),
        ("QA_PDF_TIMEOUT_S", "nan", "QA_PDF_TIMEOUT_S=nan is out of range; it must be a number from 0.001 to 86,400"),
        (
            "QA_PDF_MEMORY_BYTES",
            "-1",
            "QA_PDF_MEMORY_BYTES=-1 is out of range; it must be a whole number from 16,777,216 to 1,099,511,627,776",
        ),
    ],
)
def test_a_numeric_setting_out_of_range_stops_the_cli_with_one_sentence(tmp_path, name, value, said):
    done = qa_cli("status", corpus=tmp_path / "corpus", index=tmp_path / "index", **{name: value})
    assert (done.returncode, done.stdout, done.stderr) == (1, "", f"qa: error: {said}\n")


def test_file_names_with_control_characters_are_shown_escaped_and_kept_exact_in_json(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    name = "notes\nanswering: yes\x1b[2J.txt"  # would forge a status line and clear the terminal
    (corpus / name).write_text("Notes\n\nThe keeper lit the lamp.\n")
    text = qa_cli("status", corpus=corpus, index=tmp_path / "index")
    assert "not in the index yet: notes\\nanswering: yes\\x1b[2J.txt (run" in text.stdout
    assert "\x1b" not in text.stdout
    assert [line for line in text.stdout.splitlines() if line.startswith("answering:")] == ["answering: NO"]
    as_json = qa_cli("status", "--json", corpus=corpus, index=tmp_path / "index")
    assert json.loads(as_json.stdout)["unindexed"] == [name]


def test_dot_files_and_folders_are_listed_as_skipped_with_why(tmp_path, corpus, fake_embedder):
    (corpus / "good.txt").write_text("Harbour notes\n\nThe harbour master counted 41 ships in the spring.\n")
    (corpus / ".draft.txt").write_text("Draft\n\nA draft of the harbour notes.\n")
    (corpus / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")  # no document type: not worth a line
    (corpus / ".old").mkdir()
    (corpus / ".old" / "notes.txt").write_text("Old\n\nOld notes.\n")
    assistant = Assistant(
        Settings(corpus_dir=corpus, index_dir=tmp_path / "index"), embedder=fake_embedder, build_embedder=lambda: fake_embedder
    )
    report = assistant.build_index()
    assert [(s.source, s.reason) for s in report.skipped] == [(".old", HIDDEN_FOLDER), (".draft.txt", HIDDEN_FILE)]
    assert report.added == ("good.txt",)


def test_markdown_escapes_raw_html_from_documents(tmp_path, corpus, fake_embedder):
    (corpus / "page.txt").write_text(
        "Widget notes\n\nThe widget page shows <script>alert('x')</script> and "
        "<img src=x onerror=alert(1)> as its sample markup.\n"
    )
    assistant = Assistant(
        Settings(corpus_dir=corpus, index_dir=tmp_path / "index"),
        embedder=fake_embedder,
        build_embedder=lambda: fake_embedder,
        multilingual=fake_embedder,
    )
    assistant.build_index()
    md = answer_markdown(assistant.ask("What sample markup does the widget page show?", k=1))
    assert "<script>" not in md and "<img" not in md
    assert "&lt;script&gt;alert('x')&lt;/script&gt; and &lt;img src=x onerror=alert(1)&gt;" in md
