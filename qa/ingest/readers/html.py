"""Web pages (.html, .htm, .xhtml): parsed in the markup child (qa/ingest/markup/html.py), menus and footers left out."""

from __future__ import annotations

from dataclasses import dataclass

from qa.ingest.limits import TextLimit
from qa.ingest.readers.base import Extract, OnPage, check_not_binary
from qa.ingest.readers.markup import read_markup
from qa.settings import Settings


@dataclass(frozen=True)
class HtmlReader:
    """.html, .htm and .xhtml files."""

    suffixes: tuple[str, ...] = (".html", ".htm", ".xhtml")

    def name(self, suffix: str) -> str:
        """What a user calls the file: HTML, or XHTML for .xhtml."""
        return "XHTML" if suffix == ".xhtml" else "HTML"

    def check(self, data: bytes, suffix: str) -> None:
        """Refuse binary content: a page is text."""
        check_not_binary(data)

    def read(self, data: bytes, suffix: str, settings: Settings, limit: TextLimit, on_page: OnPage | None = None) -> Extract:
        """The laid-out text and sections of the page."""
        return read_markup(data, "html", self.name(suffix), settings, limit)
