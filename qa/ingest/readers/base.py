"""What a reader is: the suffixes it reads, the check that a file's bytes are what its suffix claims, and the read
that turns them into an Extract, the text a Document is made from (qa/ingest/documents.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Protocol

from qa.errors import DocumentError
from qa.ingest.headings import Section
from qa.ingest.limits import TextLimit
from qa.ingest.markup.encoding import utf16_without_bom
from qa.settings import Settings

OnPage = Callable[[int, int], None]  # on_page(done, total) as each page of a paged file is read


@dataclass(frozen=True)
class Extract:
    """A file's text as its reader got it, before it is a Document.

    Raw text (sections None) is repaired and searched for headings by documents.parse_text; text laid out by its
    reader (markup) comes with its sections and is used as it is.
    """

    text: str
    warnings: tuple[str, ...] = ()
    title: str | None = None  # the file's own title, when it names one (PDF metadata, markup)
    page_starts: list[int] | None = None  # raw offsets where pages begin, for paged files
    outline: list[tuple[int, int, str, int]] | None = None  # (raw start, raw end, label, level), a PDF's outline
    markdown: bool = False
    sections: tuple[Section, ...] | None = None


class Reader(Protocol):
    """One file format: the one place that knows its suffixes, how its bytes look and how they are read."""

    @property
    def suffixes(self) -> tuple[str, ...]:
        """The lower-case suffixes of the format's files (".pdf")."""
        ...

    def name(self, suffix: str) -> str:
        """What a user calls a file of suffix ("PDF", "XHTML", "text file"), in sentences that refuse it."""
        ...

    def check(self, data: bytes, suffix: str) -> None:
        """DocumentError when non-empty data is not what suffix claims, before anything parses it."""
        ...

    def read(self, data: bytes, suffix: str, settings: Settings, limit: TextLimit, on_page: OnPage | None = None) -> Extract:
        """The file's text; DocumentError naming the reason when it cannot be used. limit: the most text it may
        become (qa/ingest/limits.py)."""
        ...


_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def check_not_binary(data: bytes) -> None:
    """DocumentError when a file read as text holds NUL bytes early, unless it is UTF-16 (with or without a BOM)."""
    if b"\x00" in data[:8192] and not data.startswith(_UTF16_BOMS) and not utf16_without_bom(data):
        raise DocumentError("binary content, not text")
