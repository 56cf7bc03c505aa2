"""Word files read from word/document.xml: headings from styles, tables as rows, code styles as code."""

from __future__ import annotations

from pathlib import Path

from qa.ingest.markup.blocks import Block
from qa.ingest.markup.docx import read_docx
from qa.ingest.markup.html import read_html
from support.markup_files import make_docx

DOCS = Path("/work/shared/docs")


def test_the_docx_has_the_html_books_headings_tables_and_code():
    title, blocks = read_docx((DOCS / "debian-edu-manual.zh-cn.docx").read_bytes())
    _, html = read_html((DOCS / "debian-edu-manual.zh-cn.html").read_bytes())
    assert title == "Debian Edu / Skolelinux 12 Bookworm 手册"
    heads = [b.text for b in blocks if b.kind == "heading"]
    assert heads[0] == title  # the Title style
    assert heads[1:] == [b.text for b in html if b.kind == "heading"]
    assert [b.rows for b in blocks if b.kind == "table"] == [b.rows for b in html if b.kind == "table"]
    assert [b.text for b in blocks if b.kind == "code"] == [b.text for b in html if b.kind == "code"]


def test_styles_make_headings_tables_and_code(tmp_path):
    title, blocks = read_docx(make_docx(tmp_path / "d.docx").read_bytes())
    assert blocks == [
        Block("heading", "1. Lighthouse keeping", 1),
        Block("para", "The keeper lit the lamp at dusk and trimmed the wick every four hours."),
        Block("heading", "1.1 Lamp fuels", 2),
        Block(
            "table",
            rows=(("Fuel", "Years", "Range"), ("Whale oil", "1800-1860", "12 miles"), ("Kerosene", "1860-1920", "18 miles")),
        ),
        Block("code", "$ lamp --trim\ntrimmed: ok"),
    ]
