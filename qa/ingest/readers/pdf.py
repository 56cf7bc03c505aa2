"""PDF files: pages read in the sandboxed child (qa/ingest/pdf/document_text.py), with their outline and metadata title."""

from __future__ import annotations

import re
from dataclasses import dataclass

from qa.errors import DocumentError
from qa.ingest.limits import TextLimit, check_text
from qa.ingest.pdf.document_text import read_pdf
from qa.ingest.readers.base import Extract, OnPage
from qa.settings import Settings


@dataclass(frozen=True)
class PdfReader:
    """.pdf files."""

    suffixes: tuple[str, ...] = (".pdf",)

    def name(self, suffix: str) -> str:
        """What a user calls the file."""
        return "PDF"

    def check(self, data: bytes, suffix: str) -> None:
        """Refuse a file that does not start as a PDF does."""
        if not data.lstrip()[:5].startswith(b"%PDF-"):
            raise DocumentError("not a PDF (the file does not start with %PDF-)")

    def read(self, data: bytes, suffix: str, settings: Settings, limit: TextLimit, on_page: OnPage | None = None) -> Extract:
        """The pages' text, where each starts, the outline's headings and a metadata title worth showing."""
        # The child parses the very bytes hashed by the caller, so the document id always matches its text.
        pdf = read_pdf(data, settings, on_page, limit)
        check_text(len(pdf.raw), limit)
        return Extract(pdf.raw, pdf.warnings, title=metadata_title(pdf.title), page_starts=pdf.page_starts, outline=pdf.headings)


def metadata_title(meta_title: str | None) -> str | None:
    """A PDF's metadata title when it is a real one: not a file name, a program's name or a placeholder."""
    if (
        not meta_title
        or len(meta_title.split()) < 2
        or re.search(r"\.(docx?|pdf|tex)$|^Microsoft|^(untitled|table of contents|contents)$", meta_title, re.I)
    ):
        return None
    return meta_title
