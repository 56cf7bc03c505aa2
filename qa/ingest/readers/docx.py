"""DOCX files: a zip archive parsed in the markup child (qa/ingest/markup/docx.py)."""

from __future__ import annotations

from dataclasses import dataclass

from qa.ingest.limits import TextLimit
from qa.ingest.readers.base import Extract, OnPage
from qa.ingest.readers.markup import check_zip, read_markup
from qa.settings import Settings


@dataclass(frozen=True)
class DocxReader:
    """.docx files."""

    suffixes: tuple[str, ...] = (".docx",)

    def name(self, suffix: str) -> str:
        """What a user calls the file."""
        return "DOCX"

    def check(self, data: bytes, suffix: str) -> None:
        """Refuse an encrypted file or one that is no zip archive."""
        check_zip(data, "DOCX")

    def read(self, data: bytes, suffix: str, settings: Settings, limit: TextLimit, on_page: OnPage | None = None) -> Extract:
        """The laid-out text and sections of the file's markup."""
        return read_markup(data, "docx", "DOCX", settings, limit)
