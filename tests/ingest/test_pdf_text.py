"""qa.ingest.pdf (extract, document_text): clean page text from every PDF (pdfium, spaces kept), read page by page in the child."""

from __future__ import annotations

import re

import pytest

from qa.ingest.documents import load_document
from qa.ingest.pdf.child import glued_share
from qa.ingest.pdf.document_text import compose
from qa.ingest.pdf.extract import PdfText
from qa.settings import Settings
from support.shared_docs import DOCS, PDFS, child_text, document, needs_docs

# Letters of alphabets that space their words (Chinese does not: its runs are sentences, not glued words).
_RUN = re.compile(r"[A-Za-z\u00c0-\u024f\u0370-\u03ff\u0400-\u04ff]{25,}")
_LETTERS = re.compile(r"[A-Za-z\u00c0-\u024f\u0370-\u03ff\u0400-\u04ff]+")


def own_words(pdf: PdfText) -> set[str]:
    """Every letter run of pdfium's own page text, lower-cased, and those a line-end hyphen splits, rejoined."""
    words: set[str] = set()
    for page in pdf.pages:
        words.update(w.lower() for w in _LETTERS.findall(page))
        joined = re.sub("[\ufffe\x02\xad-][ \t]*\r?\n[ \t]*", "", page)
        words.update(w.lower() for w in _LETTERS.findall(joined))
    return words


def foreign_runs(text: str, words: set[str]) -> list[str]:
    """Runs of 25+ letters of text that are not among the document's own words (glued words)."""
    return [r for r in _RUN.findall(text) if r.lower() not in words]


@needs_docs
@pytest.mark.parametrize("name", PDFS)
def test_no_passage_holds_a_run_of_letters_the_document_does_not(name):
    assert foreign_runs(document(name).text, own_words(child_text(name))) == []


@needs_docs
def test_the_check_fails_on_text_that_glues_words():
    from pypdf import PdfReader

    page = PdfReader(DOCS / "LinuxCNC_Getting_Started_zh_CN.pdf").pages[20].extract_text()
    assert len(foreign_runs(page, own_words(child_text("LinuxCNC_Getting_Started_zh_CN.pdf")))) >= 5


def test_glued_share_counts_over_long_letter_runs_per_word():
    assert glued_share("Replaceitwiththefollowingtotracktesting now") == 0.5
    assert glued_share("Replace it with the following") == 0.0


@needs_docs
def test_chinese_text_has_no_spaces_between_characters_and_wrapped_lines_are_joined():
    text = document("debian-edu-manual.zh-cn.pdf").text
    assert "路由/网关，在外部接口连接到互联网并在网络掩码" in text
    assert "需要连接到互联网。" in text  # "互联\n网" wrapped in the PDF
    assert len(re.findall(r"[\u4e00-\u9fff] [\u4e00-\u9fff]", text)) <= 10


@needs_docs
def test_a_long_pdf_reports_progress_page_by_page():
    seen = []
    doc = load_document(DOCS / "LinuxCNC_Getting_Started_zh_CN.pdf", DOCS, Settings(), on_page=lambda d, t: seen.append((d, t)))
    assert seen == [(i, 61) for i in range(1, 62)] and len(doc.pages) == 61


def test_an_unreadable_page_is_left_empty_with_a_warning_naming_it():
    pdf = PdfText(
        ("First page text.\n", "", "Third page text.\n"), None, (), ("page 2 could not be read and was skipped (PdfiumError)",)
    )
    text = compose(pdf)
    assert text.warnings == ("page 2 could not be read and was skipped (PdfiumError)",)
    assert text.raw == "First page text.\n\n\n\nThird page text.\n\n" and text.page_starts == [0, 18, 20]
