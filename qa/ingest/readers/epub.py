"""EPUB files: a zip archive parsed in the markup child (qa/ingest/markup/epub.py)."""

from __future__ import annotations

from dataclasses import dataclass

from qa.ingest.limits import TextLimit
from qa.ingest.readers.base import Extract, OnPage
from qa.ingest.readers.markup import check_zip, read_markup
from qa.settings import Settings


@dataclass(frozen=True)
class EpubReader:
    """.epub files."""

    suffixes: tuple[str, ...] = (".epub",)

    def name(self, suffix: str) -> str:
        """What a user calls the file."""
        return "EPUB"

    def check(self, data: bytes, suffix: str) -> None:
        """Refuse an encrypted file or one that is no zip archive."""
        check_zip(data, "EPUB")

    def read(self, data: bytes, suffix: str, settings: Settings, limit: TextLimit, on_page: OnPage | None = None) -> Extract:
        """The laid-out text and sections of the file's markup."""
        return read_markup(data, "epub", "EPUB", settings, limit)
