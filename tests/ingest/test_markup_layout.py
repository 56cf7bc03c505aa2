"""Marked-up documents as Documents: blocks laid out as text, sections from the markup's headings, contents dropped."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from qa.errors import DocumentError
from qa.ingest.documents import load_document
from qa.ingest.headings import Section
from qa.ingest.markup.blocks import Block
from qa.ingest.readers.markup import drop_contents, lay_out
from qa.settings import Settings

DOCS = Path("/work/shared/docs")


def test_blocks_are_laid_out_one_a_paragraph_with_sections_to_the_next_heading_of_their_level():
    got = lay_out(
        "Lamps",
        [
            Block("heading", "1. Fuels", 1),
            Block("para", "Oil first."),
            Block("heading", "1.1 Oil", 2),
            Block("table", rows=(("a", "b"), ("1", "2"))),
            Block("code", "$ trim"),
            Block("heading", "2. Lenses", 1),
            Block("para", "Glass."),
        ],
    )
    assert got.text == (
        "1. Fuels\n\nOil first.\n\n1.1 Oil\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n```\n$ trim\n```\n\n2. Lenses\n\nGlass.\n"
    )
    assert got.title == "Lamps"
    second = got.text.index("2. Lenses")
    assert got.sections == (
        Section("1. Fuels", 0, second, 1),
        Section("1.1 Oil", got.text.index("1.1 Oil"), second, 2),
        Section("2. Lenses", second, len(got.text), 1),
    )


def test_a_document_without_text_is_refused():
    with pytest.raises(DocumentError, match="no text found"):
        lay_out("", [Block("para", "")])


def test_a_contents_list_is_dropped_but_a_lone_line_that_repeats_a_heading_is_text():
    heads = [Block("heading", f"{n}. Part {n}", 1) for n in (1, 2, 3)]
    contents = [Block("para", f"{n}. Part {n}") for n in (1, 2, 3)]
    body = [heads[0], Block("para", "Part 2"), heads[1], heads[2]]
    assert drop_contents([Block("para", "Contents"), *contents, *body]) == body
    assert drop_contents([Block("para", "A paragraph that is longer than a title."), *contents, *body]) == [
        Block("para", "A paragraph that is longer than a title."),
        *body,
    ]


@pytest.mark.parametrize("name", ["debian-edu-manual.zh-cn.html", "debian-edu-manual.zh-cn.epub", "debian-edu-manual.zh-cn.docx"])
def test_the_book_in_each_format_has_the_same_section_titles(name):
    doc = load_document(DOCS / name, DOCS, Settings())
    html = load_document(DOCS / "debian-edu-manual.zh-cn.html", DOCS, Settings())
    assert doc.title == "Debian Edu / Skolelinux 12 Bookworm 手册"
    assert doc.pages == ()

    def titles(d):
        return [re.sub(r"^\d+(?:\.\d+)*\.\s+", "", s.title) for s in d.sections if s.title != d.title]

    assert titles(doc) == titles(html)
    assert doc.section_at(doc.text.index("| 中央日志 | rsyslog | syslog |")).title.endswith("运行在主服务器上的服务")


def test_each_page_of_a_folder_of_html_is_a_document_with_its_title():
    folder = DOCS / "debian-install-guide.zh-cn"
    doc = load_document(folder / "ch02s01.html", DOCS, Settings())
    assert (doc.source, doc.title) == ("debian-install-guide.zh-cn/ch02s01.html", "2.1. 支持的硬件")
    assert [s.title for s in doc.sections][:3] == ["2.1. 支持的硬件", "2.1.1. 支持的体系", "2.1.2. CPU 支持"]
