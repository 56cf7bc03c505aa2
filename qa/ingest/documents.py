"""Documents: corpus files (.txt, .md, .pdf, .html, .epub, .docx, .odt, .odp, images) read into text with title, sections,
pages and references."""

from __future__ import annotations

import hashlib
import re
import stat
from dataclasses import dataclass, replace
from pathlib import Path

from qa.errors import DocumentError
from qa.ingest import layout
from qa.ingest.layout import Section
from qa.ingest.pdf_text import read_image, read_pdf
from qa.ingest.structured import READERS, ZIPPED, read_markup
from qa.settings import Settings

IMAGES = (".png", ".jpg", ".jpeg")  # read by OCR (qa/ingest/ocr.py)
SUPPORTED_SUFFIXES = (".txt", ".md", ".markdown", ".pdf", *READERS, *IMAGES)
_IMAGE_MAGIC = {".png": (b"\x89PNG\r\n\x1a\n",), ".jpg": (b"\xff\xd8\xff",), ".jpeg": (b"\xff\xd8\xff",)}


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
        for p in self.pages:
            if p.start <= offset < p.end or (p is self.pages[-1] and offset == p.end):
                return p.number
        return None


def content_hash(data: bytes) -> str:
    """Short content hash used as a document id."""
    return hashlib.sha256(data).hexdigest()[:16]


def check_bytes(data: bytes, suffix: str) -> None:
    """Refuse a file whose type is unsupported or whose content is not what its suffix claims (DocumentError)."""
    if suffix not in SUPPORTED_SUFFIXES:
        raise DocumentError(f"unsupported file type {suffix or '(none)'}; supported: {', '.join(SUPPORTED_SUFFIXES)}")
    if not data:
        raise DocumentError("empty file (0 bytes)")
    if suffix == ".pdf" and not data.lstrip()[:5].startswith(b"%PDF-"):
        raise DocumentError("not a PDF (the file does not start with %PDF-)")
    if suffix in ZIPPED and not data.startswith(b"PK\x03\x04"):
        what = READERS[suffix][1]
        raise DocumentError(f"not {'an' if what[0] in 'AEFHILMNORSX' else 'a'} {what} file "
                            f"(it is not a zip archive, as {what} files are)")
    if suffix in IMAGES and not data.startswith(_IMAGE_MAGIC[suffix]):
        raise DocumentError(f"not a {suffix[1:].upper()} image (its first bytes are not a {suffix[1:].upper()} signature)")
    if suffix not in (".pdf", *ZIPPED, *IMAGES) and b"\x00" in data[:8192] and not data.startswith(_UTF16_BOMS):
        raise DocumentError("binary content, not text")


_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def _decode(data: bytes) -> tuple[str, tuple[str, ...]]:
    for enc in ("utf-8-sig", "utf-16") if data.startswith(_UTF16_BOMS) else ("utf-8-sig",):
        try:
            return data.decode(enc), ()
        except UnicodeDecodeError:
            pass
    # Legacy 8-bit files are common; cp1252 keeps their letters, replacement marks the rest.
    return data.decode("cp1252", errors="replace"), ("not UTF-8: decoded as Windows-1252",)


def _sections(text: str, markdown: bool, cleaned: layout.Cleaned | None = None, raw: str = "",
              outline: list[tuple[int, int, str, int]] | None = None) -> tuple[Section, ...]:
    if outline and cleaned is not None:
        # A PDF's outline is its section tree; the layout heuristics are for documents without one.
        heads = [Section(label, cleaned.to_clean(a), max(cleaned.to_clean(a), cleaned.to_clean(b)), level)
                 for a, b, label, level in outline]
    else:
        heads = layout.find_headings(text, markdown=markdown)
    if not outline and cleaned is not None and not markdown and layout.is_chinese(text):
        found = {h.start for h in heads}
        for a, b, level in layout.chinese_headings(raw):
            start, end = cleaned.to_clean(a), cleaned.to_clean(b)
            if start not in found and end > start:
                heads.append(Section(text[start:end], start, end, level))
        heads.sort(key=lambda h: h.start)
    sections = []
    for i, h in enumerate(heads):
        # A section runs to the next heading of the same or a higher level.
        end = next((n.start for n in heads[i + 1:] if n.level <= h.level), len(text))
        sections.append(replace(h, end=end))
    return tuple(sections)


def _references(text: str, sections: tuple[Section, ...]) -> tuple[Reference, ...]:
    refs: list[Reference] = []
    for s in sections:
        if layout.is_reference_heading(s.title):
            body_start = text.find("\n", s.start) + 1 or s.end
            for n, a, b in layout.reference_entries(text, body_start, s.end):
                refs.append(Reference(n, text[a:b], a, b))
    return tuple(refs)


def parse_text(raw: str, source: str, doc_id: str, markdown: bool = False,
               page_starts: list[int] | None = None, title_hint: str | None = None,
               warnings: tuple[str, ...] = (), outline: list[tuple[int, int, str, int]] | None = None) -> Document:
    """A Document from raw extracted text; page_starts are raw offsets where pages begin.

    outline: (raw start, raw end, label, level) of each heading of a PDF's outline, in text order.
    """
    cleaned = layout.clean(raw)
    text = cleaned.text
    if not text.strip():
        raise DocumentError("no text found" + (" (a scanned PDF without a text layer?)" if page_starts else ""))
    pages: tuple[Page, ...] = ()
    if page_starts:
        starts = [cleaned.to_clean(p) for p in page_starts] + [len(text)]
        pages = tuple(Page(i + 1, starts[i], max(starts[i], starts[i + 1])) for i in range(len(page_starts)))
    sections = _sections(text, markdown, cleaned, raw, outline)
    # PDF metadata titles are deliberate; text titles are found in the text itself.
    title = (title_hint if page_starts else None) or layout.find_title(text) or title_hint or _title_from_name(source)
    return Document(doc_id, source, title, text, sections, pages, _references(text, sections), warnings)


def _title_from_name(source: str) -> str:
    stem = Path(source).stem
    return re.sub(r"[_\-]+", " ", stem).strip().capitalize() or source


def _pdf_title(meta_title: str | None) -> str | None:
    if not meta_title or len(meta_title.split()) < 2 or re.search(
            r"\.(docx?|pdf|tex)$|^Microsoft|^(untitled|table of contents|contents)$", meta_title, re.I):
        return None
    return meta_title


def load_document(path: Path, corpus_root: Path, settings: Settings, source: str | None = None,
                  on_page=None) -> Document:
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
    if suffix not in SUPPORTED_SUFFIXES:  # before reading: the file may be huge or special
        check_bytes(b"", suffix)
    data = _read(path, settings.max_file_bytes)
    check_bytes(data, suffix)
    doc_id = content_hash(data)
    if suffix == ".pdf":
        # The child parses the very bytes hashed here, so the document id always matches its text.
        pdf = read_pdf(data, settings, on_page)
        return parse_text(pdf.raw, source, doc_id, page_starts=pdf.page_starts, title_hint=_pdf_title(pdf.title),
                          warnings=pdf.warnings, outline=pdf.headings)
    if suffix in IMAGES:
        img = read_image(data, settings)
        return parse_text(img.raw, source, doc_id, page_starts=img.page_starts, warnings=img.warnings)
    if suffix in READERS:
        # Parsed in the same sandbox as PDFs; the child parses the very bytes hashed here.
        got = read_markup(data, suffix, settings.pdf_timeout_s, settings.pdf_memory_bytes)
        return Document(doc_id, source, got.title or _title_from_name(source), got.text, got.sections, (),
                        _references(got.text, got.sections))
    text, warnings = _decode(data)
    return parse_text(text, source, doc_id, markdown=suffix in (".md", ".markdown"), warnings=warnings)


def _read(path: Path, max_bytes: int) -> bytes:
    """A regular file's bytes, refusing empty, oversized and special files before reading them."""
    try:
        st = path.stat()
        if not stat.S_ISREG(st.st_mode):
            raise DocumentError("not a regular file (a folder, pipe, device or socket)")
        if st.st_size == 0:
            raise DocumentError("empty file (0 bytes)")
        if st.st_size > max_bytes:
            raise DocumentError(f"file is {st.st_size / 2**20:.1f} MiB, over the {max_bytes / 2**20:g} MiB limit "
                                "(QA_MAX_FILE_BYTES)")
        with open(path, "rb") as f:
            data = f.read(max_bytes + 1)
    except OSError as exc:
        raise DocumentError(f"cannot read file ({exc.strerror or exc})") from None
    if len(data) > max_bytes:  # it grew after stat
        raise DocumentError(f"file is over the {max_bytes / 2**20:g} MiB limit (QA_MAX_FILE_BYTES)")
    if not data:
        raise DocumentError("empty file (0 bytes)")
    return data
