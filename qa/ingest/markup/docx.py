"""Word (DOCX) documents read from word/document.xml: headings from paragraph styles, tables as rows, code styles as code."""

from __future__ import annotations

import re

from .blocks import Block, Refused, Sink, inline
from .html import table_blocks
from .safety import Archive, parse_xml

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_DC = "{http://purl.org/dc/elements/1.1/}"
_HEADING = re.compile(r"^heading\s*(\d)$", re.I)
_CODE = re.compile(r"code|verbatim|preformatted|macro|plain text|console", re.I)


def read_docx(data: bytes, sink: Sink | None = None) -> tuple[str, list[Block]]:
    """(title, blocks) of a Word document, in body order; blocks go into sink (bounded) when given."""
    doc = Archive(data, "DOCX")
    if "word/document.xml" not in doc.names():
        raise Refused("not a Word document (the archive has no word/document.xml)")
    styles = _style_names(doc)
    body = parse_xml(doc.read("word/document.xml"), "DOCX's word/document.xml").find(f"{_W}body")
    if body is None:
        raise Refused("the Word document has no body")
    title = _core_title(doc)
    blocks = sink if sink is not None else Sink()
    return _read_body(body, styles, title, blocks), blocks


def _read_body(body, styles: dict[str, str], title: str, blocks: Sink) -> str:
    """The body's headings, paragraphs, tables and code into blocks, in order; the title, a Title paragraph's when the
    core properties name none."""
    code: list[str] = []

    def flush_code() -> None:
        if code:
            blocks.append(Block("code", "\n".join(code).strip("\n")))
            code.clear()

    for el in body:
        if el.tag == f"{_W}tbl":
            flush_code()
            blocks.extend(table_blocks(_rows(el)))
        elif el.tag == f"{_W}p":
            style = styles.get(_style_id(el), _style_id(el))
            raw = _para_text(el)
            if _CODE.search(style):
                code.append(raw)
                continue
            flush_code()
            title = _add_paragraph(el, style, inline(raw), title, blocks)
    flush_code()
    return title


def _add_paragraph(p, style: str, text: str, title: str, blocks: Sink) -> str:
    """A paragraph into blocks as a heading (by its style) or a paragraph; the title, the first Title's if none yet."""
    if not text:
        return title
    heading = _HEADING.match(style)
    if style.lower() == "title":
        blocks.append(Block("heading", text, 1))
        return title or text
    if heading:
        blocks.append(Block("heading", text, int(heading.group(1)), _bookmark(p)))
    else:
        blocks.append(Block("para", text))
    return title


def _style_id(p) -> str:
    s = p.find(f"{_W}pPr/{_W}pStyle")
    return s.get(f"{_W}val", "") if s is not None else ""


def _style_names(doc: Archive) -> dict[str, str]:
    """styleId -> style name ("Heading2" -> "heading 2"): names are what Word and converters agree on."""
    if "word/styles.xml" not in doc.names():
        return {}
    root = parse_xml(doc.read("word/styles.xml"), "DOCX's word/styles.xml")
    out = {}
    for s in root.iter(f"{_W}style"):
        name = s.find(f"{_W}name")
        if s.get(f"{_W}styleId") and name is not None:
            out[s.get(f"{_W}styleId")] = name.get(f"{_W}val", "")
    return out


def _core_title(doc: Archive) -> str:
    if "docProps/core.xml" not in doc.names():
        return ""
    t = parse_xml(doc.read("docProps/core.xml"), "DOCX's docProps/core.xml").find(f"{_DC}title")
    return inline("".join(t.itertext())) if t is not None else ""


def _para_text(p) -> str:
    """A paragraph's text as typed: runs in order, tabs and line breaks kept; deleted text left out."""
    parts = []
    for el in p.iter(f"{_W}t", f"{_W}tab", f"{_W}br", f"{_W}cr", f"{_W}delText"):
        if el.tag == f"{_W}t":
            parts.append(el.text or "")
        elif el.tag in (f"{_W}br", f"{_W}cr"):
            parts.append("\n")
        elif el.tag == f"{_W}tab":
            parts.append("\t")
    return "".join(parts)


def _bookmark(p) -> str:
    b = p.find(f"{_W}bookmarkStart")
    return b.get(f"{_W}name", "") if b is not None else ""


def _rows(tbl) -> list[tuple[str, ...]]:
    rows = []
    for tr in tbl.iterchildren(f"{_W}tr"):
        cells = []
        for tc in tr.iterchildren(f"{_W}tc"):
            cells.append(inline(" ".join(_para_text(p) for p in tc.iter(f"{_W}p"))).replace("|", "/"))
        if any(cells):
            rows.append(tuple(cells))
    return rows
