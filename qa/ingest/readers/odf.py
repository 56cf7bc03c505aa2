"""OpenDocument text and presentations (.odt, .odp): zip archives parsed in the markup child (qa/ingest/markup/odf.py)."""

from __future__ import annotations

from dataclasses import dataclass

from qa.ingest.limits import TextLimit
from qa.ingest.readers.base import Extract, OnPage
from qa.ingest.readers.markup import check_zip, read_markup
from qa.settings import Settings


@dataclass(frozen=True)
class OdfReader:
    """.odt and .odp files."""

    suffixes: tuple[str, ...] = (".odt", ".odp")

    def name(self, suffix: str) -> str:
        """What a user calls the file: ODT or ODP."""
        return suffix[1:].upper()

    def check(self, data: bytes, suffix: str) -> None:
        """Refuse an encrypted file or one that is no zip archive."""
        check_zip(data, self.name(suffix))

    def read(self, data: bytes, suffix: str, settings: Settings, limit: TextLimit, on_page: OnPage | None = None) -> Extract:
        """The laid-out text and sections of the document's markup."""
        return read_markup(data, suffix[1:], self.name(suffix), settings, limit)
