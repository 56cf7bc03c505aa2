"""Chunks: section-aware, sentence-bounded passages sized in model tokens, each with its provenance."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Iterator

from qa.ingest.back_matter import is_back_matter
from qa.ingest.block_spans import block_spans, starts_block, tables_apart
from qa.ingest.code_blocks import is_code
from qa.ingest.documents import Document
from qa.ingest.language import is_chinese
from qa.ingest.pdf.outline import PATH_SEPARATOR
from qa.ingest.tables import row_spans
from qa.ingest.tokens import TokenCounter, tokenizer_counter  # noqa: F401  (chunking.tokenizer_counter, as before)
from qa.serialize import CitationDict
from qa.settings import Settings

# Bump when loading or chunking code changes what chunks a file yields: indexes built by an older
# pipeline are then rebuilt in full instead of reusing stale chunks of unchanged files.
# 9: PDF text from pdfium, outline sections, navigation pages and running heads left out; tables and code whole;
# HTML, EPUB and DOCX read. 10: ruled PDF tables as rows; web pages without menus and footers; OpenDocument read.
# 11: PDF tables set without rules as rows.
PIPELINE_VERSION = 11


@dataclass(frozen=True)
class Citation:
    """Where a passage comes from, precisely enough to check: document, section, page, character span."""

    source: str  # the file's path relative to the corpus folder
    title: str
    section: str | None
    page: int | None  # the page of the answering sentence (else of the passage's start), for PDFs
    start: int
    end: int
    page_range: tuple[int, int] | None = None  # (first, last) page when the passage runs over a page break
    # The labels the PDF prints on those pages (pdfium's page labels: "57", "xii") where the PDF has labels that
    # differ from its 1-based page indices; None otherwise. Filled in when a hit is cited (qa/ingest/pdf/page_labels.py).
    page_label: str | None = None
    page_range_labels: tuple[str, str] | None = None

    @property
    def shown_page(self) -> str | None:
        """The page as a reader finds it printed: its label, else its 1-based index; None without pages."""
        return self.page_label or (str(self.page) if self.page is not None else None)

    def to_dict(self) -> CitationDict:
        """The citation as JSON (its shape: qa/serialize.py's CitationDict)."""
        return {
            "source": self.source,
            "title": self.title,
            "section": self.section,
            "page": self.page,
            "start": self.start,
            "end": self.end,
            "page_range": list(self.page_range) if self.page_range else None,
            "page_label": self.page_label,
            "page_range_labels": list(self.page_range_labels) if self.page_range_labels else None,
        }


@dataclass(frozen=True)
class Chunk:
    """A passage of a document, with its provenance: document.text[where.start:where.end] == text."""

    chunk_id: str  # content hash of document id, span and text
    doc_id: str
    where: Citation
    text: str
    n_tokens: int

    @classmethod
    def of(
        cls,
        chunk_id: str,
        doc_id: str,
        source: str,
        title: str,
        section: str | None,
        page: int | None,
        start: int,
        end: int,
        text: str,
        n_tokens: int,
    ) -> "Chunk":
        """A chunk from its flat fields, in the order the chunk stores keep them."""
        return cls(chunk_id, doc_id, Citation(source, title, section, page, start, end), text, n_tokens)

    source = property(lambda self: self.where.source, doc="The document's path relative to the corpus folder.")
    title = property(lambda self: self.where.title, doc="The document's title.")
    section = property(lambda self: self.where.section, doc="The section the chunk lies in, if any.")
    page = property(lambda self: self.where.page, doc="The PDF page the chunk starts on, else None.")
    start = property(lambda self: self.where.start, doc="Where the chunk starts in the document text.")
    end = property(lambda self: self.where.end, doc="Where the chunk ends in the document text.")
    back_matter = property(
        lambda self: is_back_matter(self.section, self.text),
        doc="True for back matter: references, citation lines, licences, indexes, affiliations.",
    )


# A sentence ends at . ! ? (or their CJK forms), possibly followed by closing quotes, brackets or a
# citation like [12], then whitespace and something that can start a sentence.
_SENTENCE_END = re.compile(
    r"(?<=[.!?])[\"'”’)\]]*(?:\s*\[\d+(?:[,–-]\s*\d+)*\])?(?=\s+[\"“'(\[]?[A-Z0-9\u4e00-\u9fff])"
    r"|(?<=[。！？；])"
)
_HEADING_LINE = re.compile(r"(?:#{1,6}|\d{1,2}(?:\.\d{1,2}){0,3}\.?)[ \t]+[^\n]{1,100}(?<![.!?:;,])(?=\n)")
_BARE_NUMBER = re.compile(r"[\dIVX]{0,4}(?:\.\d{1,3})*\.?")  # "1.", "2.2." or "IV." opening a heading or list item
_ABBREVIATIONS = re.compile(r"(?:\b(?:e\.g|i\.e|et al|etc|vs|Fig|Figs|No|Dr|Mr|Mrs|Ms|Prof|St|Inc|Ltd|Co|cf)\.|\b[A-Z]\.)$")


def sentence_spans(text: str, start: int, end: int, tables_whole: bool = False) -> Iterator[tuple[int, int]]:
    """(start, end) of each sentence in text[start:end]; paragraphs and list lines always end one.

    A code block is one unit with its lines; a table gives one unit per body row, or one for the whole table
    when tables_whole (chunking keeps a table in one passage; answers quote one row).
    """
    at = start
    for a, b, kind in block_spans(text, start, end):
        yield from _prose_spans(text, at, a)
        if kind == "table" and not tables_whole:
            yield from row_spans(text, a, b)
        else:
            yield a, b
        at = b
    yield from _prose_spans(text, at, end)


def _prose_spans(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """(start, end) of each sentence of prose in text[start:end]; a shell session's lines stay one unit."""
    for para in re.finditer(r"[^\n]+(?:\n(?![ \t]*\n)(?![ \t]*(?:\[?\d{1,3}[\].]|[-*•])[ \t])[^\n]+)*", text[start:end]):
        p0 = start + para.start()
        body = para.group(0)
        if is_code(body):
            yield from _trimmed(text, p0, p0 + len(body))
            continue
        s = 0
        head = _HEADING_LINE.match(body) or _title_line(body)
        if head and "\n" in body:
            # A heading line on top of its paragraph (PDF text has no blank line between) is a unit of its own.
            yield from _trimmed(text, p0, p0 + head.end())
            s = head.end()
        for m in _SENTENCE_END.finditer(body):
            e = m.end()
            if _ABBREVIATIONS.search(body[s:e]) or _BARE_NUMBER.fullmatch(body[s:e].strip()):
                continue
            yield from _trimmed(text, p0 + s, p0 + e)
            s = e
        yield from _trimmed(text, p0 + s, p0 + len(body))


def _title_line(body: str):
    """A short Title Case first line (a PDF title or unnumbered heading) above the paragraph it tops."""
    line, _, rest = body.partition("\n")
    words = line.split()
    widest = max((len(x) for x in rest.split("\n")), default=0)
    # Much shorter than the lines below it: a wrapped sentence's first line fills the width instead.
    if (
        rest[:1].isupper()
        and 1 <= len(words) <= 8
        and len(line) <= 60
        and widest >= 40
        and len(line) <= 0.6 * widest
        and not line.rstrip().endswith(tuple(".,;:!?"))
        and all(w[:1].isupper() or w.lower() in _TITLE_SMALL for w in words)
    ):
        return re.match(re.escape(line), body)
    return None


_TITLE_SMALL = {"a", "an", "the", "of", "and", "or", "in", "on", "for", "to", "with", "by", "from", "at"}


def is_heading_line(text: str) -> bool:
    """True for a numbered or markdown heading standing alone (not an answer to anything)."""
    m = _HEADING_LINE.match(text + "\n")
    return m is not None and m.end() == len(text)


def _trimmed(text: str, a: int, b: int) -> Iterator[tuple[int, int]]:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    if b > a:
        yield a, b


def _split_long(text: str, a: int, b: int, n_tokens: int, limit_tokens: int, limit_chars: int) -> list[tuple[int, int]]:
    """Cut an over-long sentence at word boundaries into pieces under both limits."""
    pieces = max(-(-n_tokens // limit_tokens), -(-(b - a) // limit_chars))
    size = -(-(b - a) // pieces)
    out: list[tuple[int, int]] = []
    s = a
    while s < b:
        e = min(b, s + size)
        if e < b:
            space = text.rfind(" ", s + size // 2, e)
            e = space if space > s else e
        out.extend(_trimmed(text, s, e))
        s = e
    return out


def _split_lines(text: str, a: int, b: int, n_tokens: int, limit_tokens: int, limit_chars: int) -> list[tuple[int, int]]:
    """Cut an over-long table or code block at line breaks into pieces under both limits (a long line alone)."""
    pieces = max(-(-n_tokens // limit_tokens), -(-(b - a) // limit_chars))
    size = -(-(b - a) // pieces)
    out: list[tuple[int, int]] = []
    s = a
    while s < b:
        e = text.rfind("\n", s + 1, min(b, s + size) + 1) if s + size < b else b
        if e <= s:  # one line longer than a piece: cut it at words
            e = text.find("\n", s + 1, b)
            e = b if e < 0 else e
            long_line = e - s > limit_chars
            out.extend(_split_long(text, s, e, n_tokens, limit_tokens, limit_chars) if long_line else _trimmed(text, s, e))
        else:
            out.extend(_trimmed(text, s, e))
        s = e
    return out


def _bare(text: str) -> str:
    """Text without heading marks (#, underlines) or extra whitespace, to spot a heading standing alone."""
    return " ".join(re.sub(r"^[#=\-~\s]+|[#=\-~\s]+$|\n[=\-~]{3,}", " ", text).split())


def _heading_only(text: str, label: str) -> bool:
    """True when a region holds only its heading: the label, or (under an outline) its last title, numbered."""
    bare, title = _bare(text), _bare(label.split(PATH_SEPARATOR)[-1])
    return bare == _bare(label) or bare == title or (bare.endswith(" " + title) and len(bare) - len(title) <= 16)


def _chunk_id(doc_id: str, start: int, text: str) -> str:
    return hashlib.sha256(f"{doc_id}\x00{start}\x00{text}".encode()).hexdigest()[:16]


def _regions(doc: Document) -> list[tuple[int, int, str | None, bool]]:
    """(start, end, section label, one-unit-per-chunk) regions that chunks never cross."""
    bounds = sorted({0, len(doc.text), *(s.start for s in doc.sections)})
    regions = []
    for a, b in zip(bounds, bounds[1:], strict=False):
        sec = doc.section_at(a)
        regions.append((a, b, sec.title if sec else None, False))
    if doc.references:
        # Each reference entry is its own passage, so a question about a source finds exactly it.
        out = []
        for a, b, label, _ in regions:
            refs = [r for r in doc.references if a <= r.start < b]
            if not refs:
                out.append((a, b, label, False))
                continue
            if refs[0].start > a:
                out.append((a, refs[0].start, label, False))
            out.extend((r.start, r.end, f"{label} [{r.number}]", True) for r in refs)
        regions = out
    return tables_apart(doc.text, regions)


def chunk_document(doc: Document, count_tokens: TokenCounter, settings: Settings) -> list[Chunk]:
    """Cut a document into chunks that never cross a section and never exceed the model's limit."""
    if is_chinese(doc.text):
        settings = settings.with_(chunk_tokens=min(settings.cjk_chunk_tokens, settings.max_chunk_tokens))
    chunks: list[Chunk] = []
    for a, b, label, whole in _regions(doc):
        spans = [(a, b)] if whole else list(sentence_spans(doc.text, a, b, tables_whole=True))
        if not spans or (len(spans) <= 2 and label and _heading_only(doc.text[a:b], label)):
            continue  # a heading with no body of its own answers nothing
        counts = count_tokens([doc.text[s:e] for s, e in spans])
        units: list[tuple[int, int, int]] = []
        for (s, e), n in zip(spans, counts, strict=False):
            if n > settings.max_chunk_tokens or e - s > settings.max_chunk_chars:
                parts = (_split_lines if starts_block(doc.text, s) else _split_long)(
                    doc.text, s, e, n, settings.chunk_tokens, settings.max_chunk_chars
                )
                counts = count_tokens([doc.text[x:y] for x, y in parts])
                units.extend((ps, pe, n) for (ps, pe), n in zip(parts, counts, strict=False))
            else:
                units.append((s, e, n))
        groups = [(g[0][0], g[-1][1]) for g in _pack(units, settings)]
        texts = [doc.text[s:e] for s, e in groups]
        for (s, e), text, n in zip(groups, texts, count_tokens(texts), strict=False):
            chunks.append(
                Chunk.of(_chunk_id(doc.doc_id, s, text), doc.doc_id, doc.source, doc.title, label, doc.page_at(s), s, e, text, n)
            )
    return chunks


def _pack(units: list[tuple[int, int, int]], settings: Settings) -> Iterator[list[tuple[int, int, int]]]:
    """Greedy packing of sentences up to the target size, repeating the last sentence(s) as overlap."""
    i = 0
    while i < len(units):
        group = [units[i]]
        j = i + 1
        while j < len(units):
            tokens = sum(u[2] for u in group) + units[j][2] + len(group)
            chars = units[j][1] - group[0][0]
            if tokens > settings.chunk_tokens or chars > settings.max_chunk_chars:
                break
            group.append(units[j])
            j += 1
        yield group
        if j >= len(units):
            return
        overlap = min(settings.overlap_sentences, len(group) - 1)
        # Overlap only with short sentences, so the overlap never dominates the next chunk, and only
        # when the next sentence still fits beside it (else the chunk would repeat the overlap alone).
        while overlap and (
            sum(u[2] for u in group[-overlap:]) > settings.chunk_tokens // 3
            or sum(u[2] for u in group[-overlap:]) + units[j][2] + overlap > settings.chunk_tokens
        ):
            overlap -= 1
        i = j - overlap


def embedding_text(chunk: Chunk) -> str:
    """What is embedded and BM25-indexed for a chunk: its section heading, then its text.

    The heading gives a passage the context a reader has (measured on the dev set: hybrid MRR@10
    0.93 -> 0.95 at 128 tokens); the chunk's own text and span stay exactly the document's.
    """
    label = (chunk.section or "").split(" [")[0]
    if not label or chunk.text.startswith(label):
        return chunk.text
    return f"{label}\n{chunk.text}"
