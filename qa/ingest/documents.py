"""Documents: corpus files read into text with title, sections, pages and references, each format by its reader
(qa/ingest/readers/)."""

from __future__ import annotations

import bisect
import hashlib
import os
import re
import stat
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from qa.errors import DocumentError
from qa.ingest.headings import Section, chinese_headings, find_headings, find_title
from qa.ingest.language import is_chinese
from qa.ingest.limits import text_limit
from qa.ingest.references import is_reference_heading, reference_entries
from qa.ingest.text_repair import Cleaned, clean
from qa.settings import Settings

if TYPE_CHECKING:
    from qa.ingest.readers.base import Extract, Reader


@dataclass(frozen=True)
class Page:
    """A PDF page's character span in the document text (1-based number)."""

    number: int
    start: int
    end: int


@dataclass(frozen=True)
class Reference:
    """One numbered entry of a document's reference list."""

    number: int
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Document:
    """A corpus file's repaired text, with where its sections, pages and references are."""

    doc_id: str  # content hash of the file's bytes
    source: str  # path relative to the corpus folder
    title: str
    text: str
    sections: tuple[Section, ...] = ()
    pages: tuple[Page, ...] = ()
    references: tuple[Reference, ...] = ()
    warnings: tuple[str, ...] = ()

    def section_at(self, offset: int) -> Section | None:
        """The innermost section containing offset."""
        found = None
        for s in self.sections:
            if s.start <= offset < s.end and (found is None or s.start >= found.start):
                found = s
        return found

    def page_at(self, offset: int) -> int | None:
        """The 1-based page containing offset, for paged documents."""
        starts = self._page_starts
        if starts is None:
            return next((p.number for p in self.pages if self._on(p, offset)), None)
        # Pages in text order (as readers make them): only the last one starting at or before offset can hold it.
        i = bisect.bisect_right(starts, offset) - 1
        return self.pages[i].number if i >= 0 and self._on(self.pages[i], offset) else None

    def _on(self, p: Page, offset: int) -> bool:
        return p.start <= offset < p.end or (p is self.pages[-1] and offset == p.end)

    @cached_property
    def _page_starts(self) -> list[int] | None:
        """The pages' starts when the pages follow one another without overlap (bisectable), else None."""
        ordered = all(a.start <= a.end <= b.start for a, b in zip(self.pages, self.pages[1:], strict=False))
        return [p.start for p in self.pages] if ordered else None


def content_hash(data: bytes) -> str:
    """Short content hash used as a document id."""
    return hashlib.sha256(data).hexdigest()[:16]


def check_bytes(data: bytes, suffix: str) -> None:
    """Refuse a file whose type is unsupported or whose content is not what its suffix claims (DocumentError)."""
    reader = _reader(suffix)
    if not data:
        raise DocumentError("empty file (0 bytes)")
    reader.check(data, suffix)


def _reader(suffix: str) -> Reader:
    # The readers' import tree (every format's parser) is loaded by the first file read, not by a question.
    from qa.ingest.readers import SUPPORTED_SUFFIXES, reader_for

    reader = reader_for(suffix)
    if reader is None:
        raise DocumentError(f"unsupported file type {suffix or '(none)'}; supported: {', '.join(SUPPORTED_SUFFIXES)}")
    return reader


def _sections(
    text: str,
    markdown: bool,
    cleaned: Cleaned | None = None,
    raw: str = "",
    outline: list[tuple[int, int, str, int]] | None = None,
) -> tuple[Section, ...]:
    if outline and cleaned is not None:
        # A PDF's outline is its section tree; the layout heuristics are for documents without one.
        heads = [
            Section(label, cleaned.to_clean(a), max(cleaned.to_clean(a), cleaned.to_clean(b)), level)
            for a, b, label, level in outline
        ]
    else:
        heads = find_headings(text, markdown=markdown)
    if not outline and cleaned is not None and not markdown and is_chinese(text):
        found = {h.start for h in heads}
        for a, b, level in chinese_headings(raw):
            start, end = cleaned.to_clean(a), cleaned.to_clean(b)
            if start not in found and end > start:
                heads.append(Section(text[start:end], start, end, level))
        heads.sort(key=lambda h: h.start)
    sections = []
    for i, h in enumerate(heads):
        # A section runs to the next heading of the same or a higher level.
        end = next((n.start for n in heads[i + 1 :] if n.level <= h.level), len(text))
        sections.append(replace(h, end=end))
    return tuple(sections)


def _references(text: str, sections: tuple[Section, ...]) -> tuple[Reference, ...]:
    refs: list[Reference] = []
    for s in sections:
        if is_reference_heading(s.title):
            body_start = text.find("\n", s.start) + 1 or s.end
            for n, a, b in reference_entries(text, body_start, s.end):
                refs.append(Reference(n, text[a:b], a, b))
    return tuple(refs)


def parse_text(
    raw: str,
    source: str,
    doc_id: str,
    markdown: bool = False,
    page_starts: list[int] | None = None,
    title_hint: str | None = None,
    warnings: tuple[str, ...] = (),
    outline: list[tuple[int, int, str, int]] | None = None,
) -> Document:
    """A Document from raw extracted text; page_starts are raw offsets where pages begin.

    outline: (raw start, raw end, label, level) of each heading of a PDF's outline, in text order.
    """
    cleaned = clean(raw)
    text = cleaned.text
    if not text.strip():
        raise DocumentError("no text found" + (" (a scanned PDF without a text layer?)" if page_starts else ""))
    pages: tuple[Page, ...] = ()
    if page_starts:
        starts = [cleaned.to_clean(p) for p in page_starts] + [len(text)]
        pages = tuple(Page(i + 1, starts[i], max(starts[i], starts[i + 1])) for i in range(len(page_starts)))
    sections = _sections(text, markdown, cleaned, raw, outline)
    # PDF metadata titles are deliberate; text titles are found in the text itself.
    title = (title_hint if page_starts else None) or find_title(text) or title_hint or _title_from_name(source)
    return Document(doc_id, source, title, text, sections, pages, _references(text, sections), warnings)


def _title_from_name(source: str) -> str:
    stem = Path(source).stem
    return re.sub(r"[_\-]+", " ", stem).strip().capitalize() or source


def load_document(path: Path, corpus_root: Path, settings: Settings, source: str | None = None, on_page=None) -> Document:
    """Read one corpus file; raises DocumentError naming the reason when it cannot be used.

    source: the name the document is cited by (default: its path relative to corpus_root, else its name).
    on_page(done, total): called as each page of a PDF is read.
    """
    if source is None:
        try:
            source = path.resolve().relative_to(corpus_root.resolve()).as_posix()
        except ValueError:
            source = path.name
    suffix = path.suffix.lower()
    reader = _reader(suffix)  # before reading: the file may be huge or special
    data = _read(path, settings.max_file_bytes)
    check_bytes(data, suffix)
    doc_id = content_hash(data)
    got = reader.read(data, suffix, settings, text_limit(len(data), settings, reader.name(suffix)), on_page)
    return _document_of(got, source, doc_id)


def _document_of(got: Extract, source: str, doc_id: str) -> Document:
    """The Document of a reader's extract: text laid out by its reader used as it is, raw text parsed."""
    if got.sections is not None:
        return Document(
            doc_id,
            source,
            got.title or _title_from_name(source),
            got.text,
            got.sections,
            (),
            _references(got.text, got.sections),
            got.warnings,
        )
    return parse_text(
        got.text,
        source,
        doc_id,
        markdown=got.markdown,
        page_starts=got.page_starts,
        title_hint=got.title,
        warnings=got.warnings,
        outline=got.outline,
    )


READ_TRIES = 3  # a file that changes while it is read is read again, this many times in all


def _read(path: Path, max_bytes: int) -> bytes:
    """A regular file's bytes, refusing empty, oversized and special files before reading them.

    A file whose size or modification time changes while it is read (a copy or an editor still writing it) is read
    again; one still changing after READ_TRIES reads is refused as changing, never indexed half old, half new.
    """
    for _ in range(READ_TRIES):
        data, before, after = _read_once(path, max_bytes)
        if _same_version(before, after) and len(data) == after.st_size:
            return data
    raise DocumentError(
        f"the file kept changing while it was read ({READ_TRIES} tries); it is skipped until it is "
        "written completely (rebuild then)"
    )


def _same_version(a: os.stat_result, b: os.stat_result) -> bool:
    return (a.st_size, a.st_mtime_ns, a.st_ctime_ns, a.st_ino) == (b.st_size, b.st_mtime_ns, b.st_ctime_ns, b.st_ino)


def _read_once(path: Path, max_bytes: int) -> tuple[bytes, os.stat_result, os.stat_result]:
    """(bytes, stat before reading, stat after) of one read of a regular file within max_bytes."""
    try:
        st = path.stat()  # before opening: opening a pipe would wait for a writer
        if not stat.S_ISREG(st.st_mode):
            raise DocumentError("not a regular file (a folder, pipe, device or socket)")
        with open(path, "rb") as f:
            st = os.fstat(f.fileno())
            if st.st_size == 0:
                raise DocumentError("empty file (0 bytes)")
            if st.st_size > max_bytes:
                raise DocumentError(
                    f"file is {st.st_size / 2**20:.1f} MiB, over the {max_bytes / 2**20:g} MiB limit (QA_MAX_FILE_BYTES)"
                )
            data = f.read(max_bytes + 1)
            after = os.fstat(f.fileno())
    except OSError as exc:
        raise DocumentError(f"cannot read file ({exc.strerror or exc})") from None
    if len(data) > max_bytes:  # it grew after stat
        raise DocumentError(f"file is over the {max_bytes / 2**20:g} MiB limit (QA_MAX_FILE_BYTES)")
    if not data:
        raise DocumentError("empty file (0 bytes)")
    return data, st, after
