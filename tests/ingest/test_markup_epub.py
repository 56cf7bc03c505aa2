"""EPUB books read through their spine, in reading order, with the package's title."""

from __future__ import annotations

import re
from pathlib import Path

from qa.ingest.markup.blocks import Block
from qa.ingest.markup.epub import read_epub
from qa.ingest.markup.html import read_html
from support.markup_files import make_epub

DOCS = Path("/work/shared/docs")


def test_the_epub_has_the_html_books_headings_in_order():
    title, blocks = read_epub((DOCS / "debian-edu-manual.zh-cn.epub").read_bytes())
    _, html = read_html((DOCS / "debian-edu-manual.zh-cn.html").read_bytes())
    assert title == "Debian Edu / Skolelinux 12 Bookworm 手册"
    # The EPUB's stylesheet leaves the section numbers out of its headings; the titles are the same.
    unnumbered = [re.sub(r"^\d+(?:\.\d+)*\.\s+", "", b.text) for b in html if b.kind == "heading"]
    assert [b.text for b in blocks if b.kind == "heading"] == unnumbered


def test_the_spine_orders_the_pages(tmp_path):
    _, blocks = read_epub(make_epub(tmp_path / "b.epub").read_bytes())
    assert blocks == [
        Block("heading", "1. The harbour", 1, "c1"),
        Block("para", "The harbour master counted 41 ships in the spring."),
        Block("heading", "2. The quay", 1, "c2"),
        Block("para", "The quay was rebuilt in stone after the storm of 1881."),
    ]
