"""qa.ingest.pdf.navigation: contents and index pages are recognised and kept out of the passages."""

from __future__ import annotations

import pytest

from qa.ingest.pdf.document_text import page_texts
from qa.ingest.pdf.navigation import describe, navigation_kind, navigation_pages
from support.shared_docs import child_text, document, needs_docs

CONTENTS = "\n".join(f"{n}.{m} Topic number {n} {m} . . . . . . . . . {10 * n + m}" for n in (1, 2) for m in range(4))
INDEX = "\n".join(f"entry{c}, {n}, {n + 40}" for c, n in zip("abcdefgh", range(3, 90, 11), strict=True))
BODY = (
    "The first chapter shows how to start.\nIt has 12 steps and uses version 5\nof the tool, set to 300 dpi.\n"
    "Then the second part follows.\n" * 3
)


@pytest.mark.parametrize(
    "page, kind",
    [
        (CONTENTS, "contents"),
        (INDEX, "index"),
        (BODY, None),
        ("", None),
        ("1 2 3\n4 5 6\n7 8 9\n10 11 12\n13 14 15\n16 17 18", None),
    ],
)
def test_a_page_is_navigation_when_most_of_its_lines_point_at_pages(page, kind):
    assert navigation_kind(page) == kind


def test_the_build_report_sentence_says_how_many_pages_and_why():
    assert describe({1: "contents", 2: "contents", 3: "contents", 9: "index"}) == (
        "left out 4 navigation pages that only point at other pages: 3 contents pages (pp. 2–4), 1 index page (pp. 10)"
    )
    assert describe({}) is None


@needs_docs
@pytest.mark.parametrize(
    "name, contents, index",
    [
        ("gnuplot.pdf", range(2, 20), range(304, 312)),
        ("LinuxCNC_Getting_Started_zh_CN.pdf", range(2, 6), range(60, 62)),
        ("debian-edu-manual.zh-cn.pdf", range(2, 7), ()),
    ],
)
def test_the_contents_and_index_pages_of_real_manuals(name, contents, index):
    found = navigation_pages(page_texts(child_text(name)))
    assert {i + 1: k for i, k in found.items()} == {**{p: "contents" for p in contents}, **{p: "index" for p in index}}


@needs_docs
def test_navigation_pages_leave_no_text_and_the_document_says_so():
    doc = document("gnuplot.pdf")
    assert doc.warnings == (
        "left out 26 navigation pages that only point at other pages: 18 contents pages (pp. 2–19), 8 index pages (pp. 304–311)",
    )
    assert all(p.start == p.end for p in doc.pages if 2 <= p.number <= 19 or p.number >= 304)
    assert ". . . . . . . . ." not in doc.text


def test_a_passage_after_left_out_pages_cites_its_own_page(fake_assistant, corpus):
    from test_documents_bad_input import make_pdf

    from qa.index.store.reader import open_current

    contents = "\n".join(f"{n} Chapter about topic {n} . . . . . . . . {n + 2}" for n in range(1, 9))
    make_pdf(
        corpus / "manual.pdf",
        [
            "Widget Manual\nA guide to widgets.",
            contents,
            contents,
            "Widgets spin when the crank turns.\nThey stop when it rests.",
        ],
    )
    report = fake_assistant.build_index()
    assert report.warnings == (
        "manual.pdf: left out 2 navigation pages that only point at other pages: 2 contents pages (pp. 2–3)",
    )
    gen = open_current(fake_assistant.settings.index_path, model_hash=None)
    text = gen.document_text("manual.pdf")
    # The two empty pages start where page 4 does; the text there is page 4's.
    assert gen.page_at("manual.pdf", text.index("Widgets spin")) == 4
