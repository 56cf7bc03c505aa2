"""The real manuals of ../shared/docs, read once per test session (tests skip when the folder is absent)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from qa.ingest.documents import Document, load_document
from qa.ingest.pdf.extract import PdfText, extract
from qa.settings import Settings

DOCS = Path(__file__).resolve().parents[3] / "shared" / "docs"
PDFS = ("LinuxCNC_Getting_Started_zh_CN.pdf", "debian-edu-manual.zh-cn.pdf", "gnuplot.pdf", "octave.pdf")
needs_docs = pytest.mark.skipif(not DOCS.is_dir(), reason=f"the shared manuals are not here ({DOCS})")


@cache
def document(name: str) -> Document:
    """A shared PDF read as indexing reads it."""
    return load_document(DOCS / name, DOCS, Settings(parse_timeout_s=300))


@cache
def child_text(name: str) -> PdfText:
    """What the PDF child process read from a shared PDF (pdfium's text, before any repair)."""
    return extract(DOCS / name, 300, 2 * 1024**3)
