"""The `qa` command, run as a user runs it: answers with citations, JSON, summaries and one-line errors."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import PROJECT, SEED
from qa import Settings, cli
from qa.ingest.documents import load_document

SEED_TITLE = (
    "Strategic Research on Information Technology Promoting the Modernization of National Governance: "
    "Postprint of the Academic Review from the S70th Xiangshan Science Conference"
)
QUESTION = "How many 5G base stations had China built by September 2023?"


def qa_cli(*args: str, corpus: Path, index: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("QA_")}
    env.update(QA_CORPUS_DIR=str(corpus), QA_INDEX_DIR=str(index), HF_HUB_OFFLINE="1")
    return subprocess.run(
        [sys.executable, "-m", "qa.cli", *args], cwd=PROJECT, env=env, capture_output=True, text=True, timeout=300
    )


@pytest.fixture
def seed_index(real_index: Settings, tmp_path: Path) -> tuple[Path, Path]:
    """(corpus, index): a private copy of the session's real-model index of the seed."""
    index = tmp_path / "index"
    shutil.copytree(real_index.index_path, index)
    return Path(real_index.corpus_dir), index


def _one_error_line(proc: subprocess.CompletedProcess) -> str:
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr + proc.stdout
    errors = [line for line in proc.stderr.splitlines() if line.startswith("qa: error: ")]
    assert len(errors) == 1, proc.stderr
    return errors[0]


@pytest.mark.model
def test_ask_json_cites_the_answering_passage(seed_index):
    corpus, index = seed_index
    proc = qa_cli("ask", QUESTION, "--json", corpus=corpus, index=index)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert {"question", "supported", "verdict", "missing", "reason", "answer", "hits"} <= set(out)
    assert (out["question"], out["supported"], out["verdict"], out["missing"], len(out["hits"])) == (
        QUESTION,
        True,
        "answered",
        [],
        5,
    )
    assert [h["rank"] for h in out["hits"]] == [1, 2, 3, 4, 5]
    for h in out["hits"]:
        assert {"rank", "score", "text", "citation"} <= set(h)
        assert set(h["citation"]) == {
            "source",
            "title",
            "section",
            "page",
            "page_range",
            "page_label",
            "page_range_labels",
            "start",
            "end",
        }
    first = out["hits"][0]
    c = first["citation"]
    assert (c["source"], c["title"], c["section"], c["page"]) == (SEED.name, SEED_TITLE, "1.3 Data Governance", None)
    assert "3.189 million" in first["text"]
    text = load_document(SEED, SEED.parent, Settings()).text
    assert text[c["start"] : c["end"]] == first["text"]
    assert "3.189 million" in out["answer"][0]["text"]
    assert text[out["answer"][0]["start"] : out["answer"][0]["end"]] == out["answer"][0]["text"]


@pytest.mark.model
def test_ask_text_output_lists_the_answer_and_citations(seed_index):
    corpus, index = seed_index
    proc = qa_cli("ask", QUESTION, "-k", "3", corpus=corpus, index=index)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert re.fullmatch(r"Answer \(confidence \d{1,2}%\)", lines[0])  # the level, then the answer sentence
    assert "3.189 million" in lines[1] and lines[1].endswith("[1]")
    cited = [line for line in lines if re.match(r"\[\d\] ", line)]
    assert [line[:3] for line in cited] == ["[1]", "[2]", "[3]"]
    assert re.fullmatch(
        re.escape(f"[1] {SEED_TITLE}, 1.3 Data Governance, {SEED.name}") + r" \(chars \d+-\d+, score \d\.\d{4}\)", cited[0]
    )


@pytest.mark.model
def test_output_read_by_a_reader_that_stopped_is_no_error(seed_index):
    corpus, index = seed_index
    read, write = os.pipe()
    os.close(read)  # as `qa ask ... | head -1` once head has its line: every write finds the pipe closed
    env = {k: v for k, v in os.environ.items() if not k.startswith("QA_")}
    env.update(QA_CORPUS_DIR=str(corpus), QA_INDEX_DIR=str(index), HF_HUB_OFFLINE="1")
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "qa.cli", "ask", QUESTION],
            cwd=PROJECT,
            env=env,
            stdout=write,
            stderr=subprocess.PIPE,
            text=True,
        )
    finally:
        os.close(write)
    assert (proc.returncode, proc.stderr) == (1, "")


@pytest.mark.model
def test_lang_zh_prints_the_labels_in_chinese_and_the_documents_as_written(seed_index):
    corpus, index = seed_index
    proc = qa_cli("--lang", "zh", "ask", QUESTION, "-k", "1", corpus=corpus, index=index)
    assert proc.returncode == 0, proc.stderr
    cited = [line for line in proc.stdout.splitlines() if line.startswith("[1] ")]
    assert re.fullmatch(
        re.escape(f"[1] {SEED_TITLE}, 1.3 Data Governance, {SEED.name}") + r" \(字符 \d+-\d+, 得分 \d\.\d{4}\)", cited[0]
    )


@pytest.mark.parametrize("command", [["ask", "What is IDex?"], ["index"]])
def test_a_missing_corpus_is_one_clear_line(tmp_path, command):
    missing = tmp_path / "no-such-corpus"
    proc = qa_cli(*command, corpus=missing, index=tmp_path / "index")
    assert _one_error_line(proc) == f"qa: error: {missing} does not exist"
    assert proc.stdout == ""


@pytest.mark.parametrize("question", ["", "   ", "\t\n"])
def test_an_empty_question_is_one_clear_line(tmp_path, question):
    proc = qa_cli("ask", question, corpus=tmp_path / "corpus", index=tmp_path / "index")
    assert _one_error_line(proc) == "qa: error: the question is empty; type a question about the documents"
    assert not (tmp_path / "index").exists()  # refused before any build


def test_an_error_is_said_in_the_language_asked_for(tmp_path):
    proc = qa_cli("--lang", "zh", "ask", " ", corpus=tmp_path / "corpus", index=tmp_path / "index")
    assert _one_error_line(proc) == "qa: error: 问题是空的；请输入一个关于文档的问题"


def test_indexing_an_empty_corpus_is_a_clear_error(tmp_path):
    (tmp_path / "corpus").mkdir()
    proc = qa_cli("index", corpus=tmp_path / "corpus", index=tmp_path / "index")
    assert _one_error_line(proc) == "qa: error: nothing to index; the existing index is unchanged"
    assert proc.stdout == ""


def test_indexing_a_corpus_of_unusable_files_names_them(tmp_path):
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "notes.rtf").write_bytes(b"{\\rtf1 notes}")
    proc = qa_cli("index", "--quiet", corpus=tmp_path / "corpus", index=tmp_path / "index")
    assert _one_error_line(proc) == (
        "qa: error: nothing to index (notes.rtf: unsupported file type .rtf; "
        "supported: .txt, .md, .markdown, .pdf, .html, .htm, .xhtml, .epub, .docx, .odt, .odp, .png, .jpg, .jpeg); "
        "the existing index is unchanged"
    )


@pytest.mark.model
def test_index_prints_a_summary_and_then_reuses_what_it_embedded(real_index, tmp_path):
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    (corpus / "owls.txt").write_text("Owl Field Notes\n\nBarn owls hunt voles at night. They nest in old barns.\n")
    shutil.copytree(real_index.index_path / "models", index / "models")  # the ONNX export: nothing to export again
    summary = (
        r"indexed (\d+) chunks in \d+\.\d s \((\d+) embedded, (\d+) new words\): (\d+) added, 0 updated, "
        r"0 removed, (\d+) unchanged, 0 skipped"
    )
    first = qa_cli("index", "--quiet", corpus=corpus, index=index)
    assert first.returncode == 0, first.stderr
    chunks, embedded, words, added, unchanged = re.fullmatch(summary, first.stdout.strip()).groups()
    assert (chunks, embedded, added, unchanged) == ("1", "1", "1", "0") and int(words) > 0
    again = qa_cli("index", "--quiet", corpus=corpus, index=index)
    assert again.returncode == 0, again.stderr
    assert re.fullmatch(summary, again.stdout.strip()).groups() == ("1", "0", "0", "0", "1")
    ask = qa_cli("ask", "What do barn owls hunt?", "--json", corpus=corpus, index=index)
    assert json.loads(ask.stdout)["hits"][0]["citation"]["source"] == "owls.txt"


@pytest.mark.parametrize(
    "argv, paths, address",
    [
        (["index"], [], None),  # no Ray: embed in this process
        (["index", "--ray"], [], ""),  # a local Ray cluster
        (["index", "--ray", "10.0.0.5:6379"], [], "10.0.0.5:6379"),
        (["index", "docs/", "--ray=ray://head:10001"], ["docs/"], "ray://head:10001"),
    ],
)
def test_index_ray_takes_an_optional_cluster_address(argv, paths, address):
    args = cli.parser().parse_args(argv)
    assert (args.paths, args.ray) == (paths, address)
