"""A PDF's document text: pages read in the child, navigation pages and running heads left out, outline located."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

from qa.ingest.limits import TextLimit
from qa.ingest.pdf import navigation, outline
from qa.ingest.pdf.extract import PdfText, extract
from qa.ingest.pdf.running_heads import strip_running_lines
from qa.settings import Settings

# Lone surrogates (from broken PDF text encodings) cannot be stored or tokenized; NUL is never text.
_UNSAFE = re.compile("[\ud800-\udfff\x00]")
_C1 = re.compile("[\x80-\x9f]")  # C1 control codes are never text (gnuplot.pdf sets its bullets as U+0088)
# pdfium marks a word hyphenated at a line end with U+FFFE (or U+0002): the word is whole again without it.
_SOFT_HYPHEN = re.compile("[\ufffe\x02\xad][ \t]*\n[ \t]*|[\ufffe\x02]")


@dataclass(frozen=True)
class PdfDocumentText:
    """The raw text of a PDF's pages joined, where each page starts, its outline headings and its warnings."""

    raw: str
    page_starts: list[int]
    headings: list[tuple[int, int, str, int]]  # (raw start, raw end, label, level) in text order
    title: str | None
    warnings: tuple[str, ...]
    left_out: dict[int, str]  # 0-based page index -> "contents" | "index"


def page_texts(pdf: PdfText) -> list[str]:
    """The child's page texts with their ruled tables as pipe rows, line ends, soft hyphens and unsafe characters
    repaired."""
    out = []
    for i, p in enumerate(pdf.pages):
        if i < len(pdf.tables) and pdf.tables[i]:
            p = with_tables(p, pdf.tables[i])
        p = p.replace("\r\n", "\n").replace("\r", "\n")
        out.append(_C1.sub("", _UNSAFE.sub("\ufffd", _SOFT_HYPHEN.sub("", p))))
    return out


def compose(pdf: PdfText) -> PdfDocumentText:
    """The document text of what the child read (no I/O: tests call it on extracted pages)."""
    pages = page_texts(pdf)
    left_out = navigation.navigation_pages(pages)
    pages = strip_running_lines(pages)
    heads: list[outline.Heading] = []
    if pdf.outline:  # located before navigation pages go: a heading found on one ("Index") is dropped with it
        pages, heads = outline.locate(pages, pdf.outline)
    pages = ["" if i in left_out else p for i, p in enumerate(pages)]
    raw, starts = "", []
    for page in pages:
        starts.append(len(raw))
        raw += page.rstrip() + "\n\n"
    headings = [(starts[h.page] + h.start, starts[h.page] + h.end, h.label, h.level) for h in heads if h.page not in left_out]
    warnings = list(pdf.warnings)
    said = navigation.describe(left_out)
    if said:
        warnings.append(said)
    return PdfDocumentText(raw, starts, headings, pdf.title, tuple(warnings), left_out)


def read_pdf(
    data: bytes, settings: Settings, on_page: Callable[[int, int], None] | None = None, limit: TextLimit | None = None
) -> PdfDocumentText:
    """Read a PDF's bytes in the child process (under the settings' limits) into its document text.

    limit: the most text the PDF may become; the child is stopped as soon as its pages pass it."""
    return compose(
        extract(
            data,
            settings.parse_timeout_s,
            settings.parse_memory_bytes,
            on_page,
            max_text_chars=limit.chars if limit else None,
            refusal=limit.refusal if limit else "",
            ocr=settings.ocr,
            ocr_page_timeout_s=settings.ocr_page_timeout_s,
        )
    )


def read_image(data: bytes, settings: Settings) -> PdfDocumentText:
    """An image file (.png, .jpg) read by OCR in the PDF child, as a document of one page."""
    return compose(
        extract(
            data,
            settings.parse_timeout_s,
            settings.parse_memory_bytes,
            None,
            ocr=settings.ocr,
            ocr_page_timeout_s=settings.ocr_page_timeout_s,
            image=True,
        )
    )


def with_tables(page: str, tables) -> str:
    """The page's text with each table's characters replaced by its rows under its header row, as HTML and DOCX
    tables are laid out (qa/ingest/readers/markup.py): a passage of its own, answered a row with its header. A table
    whose first row is empty has no header (one set without rules, qa/ingest/pdf/aligned_tables.py): its rows stand
    under an empty header row and are answered alone."""
    from qa.ingest.markup.blocks import inline
    from qa.ingest.markup.html import table_blocks
    from qa.ingest.tables import pipe_table

    parts, at = [], 0
    for start, end, rows in tables:
        headed = bool(rows) and any(c.strip() for c in rows[0])
        cells = [tuple(inline(c).replace("|", "/") for c in r) for r in (rows if headed else rows[1:])]
        blocks = table_blocks(cells, headed)
        laid = "\n\n".join(pipe_table(b.rows) if b.kind == "table" else b.text for b in blocks)
        parts += [page[at:start].rstrip(" \t"), "\n\n", laid, "\n\n"]
        at = end
    parts.append(page[at:].lstrip(" \t\r\n"))
    return "".join(parts)
