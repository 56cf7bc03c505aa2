"""qa.present.markdown: an answer with [n] markers, then its numbered sources with the quoted, reflowed passages."""

from __future__ import annotations

import shutil

import pytest

import qa
from qa.present.markdown import answer_markdown


def _hit(
    rank: int,
    text: str,
    page: int | None,
    section: str | None = "2.2. The source XML files",
    pages: tuple[int, int] | None = None,
) -> qa.Hit:
    c = qa.Citation(
        "spec.pdf" if page else "notes.txt", "Shared MIME-info Database", section, page, 100 * rank, 100 * rank + len(text), pages
    )
    return qa.Hit(rank, 1.0 / rank, text, c, f"c{rank}", 0.6, 2.0)


HITS = (
    _hit(1, "Each element has a type.\nThere is also an optional weight\nattribute for globs.", 4),
    _hit(2, "Unrelated text about icons.", 5, None, (4, 5)),
    _hit(3, "• magic elements hold a\nlist of match rules.", None),
)


def test_a_supported_answer_lists_its_sentences_then_the_sources_they_cite():
    sentences = (
        qa.answer.answers.AnswerSentence("There is also an optional weight\nattribute for globs.", 1, 125, 180, 0.8),
        qa.answer.answers.AnswerSentence("• magic elements hold a\nlist of match rules.", 3, 300, 342, 0.5),
    )
    ans = qa.Answer("What is the weight\nattribute?", "answered", (), "", sentences, HITS, 0.9)
    assert answer_markdown(ans) == (
        "**What is the weight attribute?**\n"
        "\n"
        "**Answer** (confidence 90%)\n"
        "\n"
        "There is also an optional weight attribute for globs. [1]\n"
        "\n"
        "Also relevant:\n"
        "\n"
        "- magic elements hold a list of match rules. [3]\n"
        "\n"
        "Sources:\n"
        "\n"
        "[1] Shared MIME-info Database, section 2.2. The source XML files, page 4, spec.pdf\n"
        "\n"
        "> Each element has a type. There is also an optional weight attribute for globs.\n"
        "\n"
        "[3] Shared MIME-info Database, section 2.2. The source XML files, notes.txt\n"
        "\n"
        "> • magic elements hold a list of match rules.\n"
    )


def test_an_unanswered_question_gives_the_reason_and_lists_the_closest_passages():
    ans = qa.Answer(
        "Who wrote it?", "partial", ("author",), "The documents mention the spec, but not its author.", (), HITS[1:2], 0.1
    )
    assert answer_markdown(ans) == (
        "**Who wrote it?**\n\n**May answer**: No sentence is claimed as the answer: the passages below may answer it; "
        "read them to check.\n\nThe documents mention the spec, but not its author.\n\n"
        "Passages that may answer it (no sentence is claimed as the answer):\n\n"
        "[2] Shared MIME-info Database, page 5 (passage on pages 4–5), spec.pdf\n\n> Unrelated text about icons.\n"
    )


def test_an_answer_without_passages_says_nothing_matched():
    assert answer_markdown(qa.Answer("Why?", "not_found", (), "", (), (), 0.0)) == (
        "**Why?**\n\nThe documents do not answer this question: no passage matched it.\n"
    )


@pytest.mark.model
def test_qa_ask_markdown_prints_what_copy_with_sources_copies(real_index, tmp_path):
    from test_cli import qa_cli

    index = tmp_path / "index"
    shutil.copytree(real_index.index_path, index)
    question = "How many 5G base stations had China built by September 2023?"
    proc = qa_cli("ask", question, "--markdown", "-k", "3", corpus=real_index.corpus_dir, index=index)
    assert proc.returncode == 0, proc.stderr
    expected = answer_markdown(qa.Assistant(real_index.with_(index_dir=index)).ask(question, k=3))
    assert proc.stdout == expected
    assert proc.stdout.startswith(f"**{question}**\n\n") and "\n[1] " in proc.stdout


def test_a_refusal_says_what_is_missing_and_everything_is_in_the_readers_language():
    hit = qa.Hit(1, 1.0, "• Unrelated text.", qa.Citation("book.pdf", "Book", "2 Intro", 9, 0, 17, None, "vii"), "c1", 0.2, 0.0)
    ans = qa.Answer("火星上的面包店？", "not_found", ("面包店",), "", (), (hit,), 0.05)
    assert answer_markdown(ans, "zh") == (
        "**火星上的面包店？**\n\n**文档中没有**\n\n文档似乎没有回答这个问题。\n\n文档中没有找到：面包店\n\n"
        "最接近的段落（它们没有回答这个问题）：\n\n[1] Book，章节 2 Intro，第 vii 页（PDF 第 9 页），book.pdf\n\n"
        "> • Unrelated text.\n"
    )
    english = answer_markdown(ans)
    assert "**Not in the documents**" in english and "page vii (PDF page 9)" in english
