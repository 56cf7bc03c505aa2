"""Plain text and Markdown files: their bytes decoded (qa/ingest/markup/encoding.py), headings found in the text."""

from __future__ import annotations

from dataclasses import dataclass

from qa.ingest.limits import TextLimit, check_text
from qa.ingest.markup.encoding import decode
from qa.ingest.readers.base import Extract, OnPage, check_not_binary
from qa.settings import Settings


@dataclass(frozen=True)
class TextReader:
    """.txt, .md and .markdown files."""

    suffixes: tuple[str, ...] = (".txt", ".md", ".markdown")

    def name(self, suffix: str) -> str:
        """What a user calls the file."""
        return "text file"

    def check(self, data: bytes, suffix: str) -> None:
        """Refuse binary content."""
        check_not_binary(data)

    def read(self, data: bytes, suffix: str, settings: Settings, limit: TextLimit, on_page: OnPage | None = None) -> Extract:
        """The decoded text, what to tell about its encoding, Markdown headings for .md files."""
        got = decode(data)
        check_text(len(got.text), limit)
        return Extract(got.text, got.warnings, markdown=suffix in (".md", ".markdown"))
