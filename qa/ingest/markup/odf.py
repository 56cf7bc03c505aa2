"""OpenDocument text (.odt) and presentations (.odp) read from content.xml: headings from outline levels, tables as
rows, lists as paragraphs, code styles as code; slides as sections under their titles.

The same zip and XML rules as DOCX and EPUB (safety.py). Tables of contents and indexes the office suite generated
are left out (they repeat the headings), and so are tracked deletions, annotations and forms.
"""

from __future__ import annotations

import re
import textwrap

from .blocks import Block, Refused, Sink, inline
from .html import table_blocks
from .safety import Archive, parse_xml

_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_STYLE = "{urn:oasis:names:tc:opendocument:xmlns:style:1.0}"
_DRAW = "{urn:oasis:names:tc:opendocument:xmlns:drawing:1.0}"
_PRES = "{urn:oasis:names:tc:opendocument:xmlns:presentation:1.0}"
_DC = "{http://purl.org/dc/elements/1.1/}"
_MANIFEST = "{urn:oasis:names:tc:opendocument:xmlns:manifest:1.0}"
_CODE = re.compile(r"code|verbatim|preformatted|macro|console|source", re.I)
# Generated lists that repeat the document's own headings or captions, and what is no text of the document.
_LEFT_OUT = {
    f"{_TEXT}{t}"
    for t in (
        "table-of-content",
        "illustration-index",
        "table-index",
        "object-index",
        "user-index",
        "alphabetical-index",
        "bibliography",
        "tracked-changes",
        "sequence-decls",
        "variable-decls",
        "user-field-decls",
        "dde-connection-decls",
        "soft-page-break",
        "note",
        "bookmark-start",
        "bookmark-end",
    )
}
_LEFT_OUT |= {f"{_OFFICE}{t}" for t in ("annotation", "annotation-end", "forms", "scripts", "event-listeners")}
MAX_REPEAT = 1000  # a repeated row or column past this is a spreadsheet's empty tail, not content
MAX_TABLE_CELLS = 200_000


def read_odt(data: bytes, sink: Sink | None = None) -> tuple[str, list[Block]]:
    """(title, blocks) of an OpenDocument text, in body order; blocks go into sink (bounded) when given."""
    return _read(data, "ODT", "text", sink)


def read_odp(data: bytes, sink: Sink | None = None) -> tuple[str, list[Block]]:
    """(title, blocks) of an OpenDocument presentation: each slide's title a heading, its text boxes below it."""
    return _read(data, "ODP", "presentation", sink)


def _read(data: bytes, what: str, body_kind: str, sink: Sink | None = None) -> tuple[str, list[Block]]:
    doc = Archive(data, what)
    names = doc.names()
    if "content.xml" not in names:
        raise Refused(f"not an OpenDocument file (the {what} archive has no content.xml)")
    if "META-INF/manifest.xml" in names and b"encryption-data" in doc.read("META-INF/manifest.xml"):
        raise Refused(f"the {what} is password-protected (its content is encrypted); save a copy without a password")
    root = parse_xml(doc.read("content.xml"), f"{what}'s content.xml")
    body = root.find(f"{_OFFICE}body/{_OFFICE}{body_kind}")
    if body is None:
        other = root.find(f"{_OFFICE}body/*")
        kind = other.tag.rsplit("}", 1)[-1] if other is not None else "nothing"
        raise Refused(f"the {what} file holds no {body_kind} (its body is {kind})")
    styles = _styles(root, doc, what)
    reader = _Reader(styles)
    if body_kind == "presentation":
        reader.slides(body)
    else:
        reader.walk(body)
    out = sink if sink is not None else Sink()
    out.extend(reader.blocks)  # the text limit (Sink) holds for every reader's blocks
    return _meta_title(doc, what) or reader.title, out


def _meta_title(doc: Archive, what: str) -> str:
    if "meta.xml" not in doc.names():
        return ""
    t = parse_xml(doc.read("meta.xml"), f"{what}'s meta.xml").find(f".//{_DC}title")
    return inline("".join(t.itertext())) if t is not None else ""


def _styles(root, doc: Archive, what: str) -> dict[str, tuple[str, str]]:
    """style name -> (parent style name, display name): automatic styles ("P1") point at the named ones."""
    trees = [root]
    if "styles.xml" in doc.names():
        trees.append(parse_xml(doc.read("styles.xml"), f"{what}'s styles.xml"))
    out = {}
    for tree in trees:
        for s in tree.iter(f"{_STYLE}style"):
            name = s.get(f"{_STYLE}name", "")
            out[name] = (s.get(f"{_STYLE}parent-style-name", ""), s.get(f"{_STYLE}display-name", "") or name)
    return out


class _Reader:
    def __init__(self, styles: dict[str, tuple[str, str]]):
        self.styles = styles
        self.blocks: list[Block] = []
        self.title = ""
        self.code: list[str] = []

    def style_names(self, name: str) -> list[str]:
        """A style's display name and those of its ancestors (a paragraph is code when any of them says so)."""
        names: list[str] = []
        seen: set[str] = set()
        while name and name not in seen and len(seen) < 20:
            seen.add(name)
            parent, display = self.styles.get(name, ("", name))
            names.append(display.replace("_20_", " "))
            name = parent
        return names

    def flush_code(self) -> None:
        if self.code:
            # The indent every line shares is the paragraphs' layout, not the code's.
            self.blocks.append(Block("code", textwrap.dedent("\n".join(self.code)).strip("\n")))
            self.code.clear()

    def walk(self, el) -> None:
        for child in el:
            tag = child.tag
            if not isinstance(tag, str) or tag in _LEFT_OUT:
                continue
            if tag == f"{_TEXT}h":
                self.flush_code()
                text = inline(_text(child))
                if text:
                    level = _int(child.get(f"{_TEXT}outline-level"), 1)
                    self.blocks.append(Block("heading", text, min(max(level, 1), 6), _bookmark(child)))
            elif tag == f"{_TEXT}p":
                self.paragraph(child)
            elif tag == f"{_TABLE}table":
                self.flush_code()
                self.blocks.extend(table_blocks(_rows(child)))
            elif tag in (
                f"{_TEXT}list",
                f"{_TEXT}list-item",
                f"{_TEXT}list-header",
                f"{_TEXT}section",
                f"{_DRAW}frame",
                f"{_DRAW}text-box",
                f"{_TEXT}index-body",
            ):
                self.walk(child)
        self.flush_code()

    def paragraph(self, p) -> None:
        names = self.style_names(p.get(f"{_TEXT}style-name", ""))
        raw = _text(p)
        if any(_CODE.search(n) for n in names):
            self.code.append(raw)
            return
        self.flush_code()
        # Frames anchored in a paragraph (text boxes, captioned images) hold paragraphs of their own.
        for frame in p.iter(f"{_DRAW}text-box"):
            self.walk(frame)
        text = inline(raw)
        if not text:
            return
        if any(n.lower() == "title" for n in names):
            last = self.blocks[-1] if self.blocks else None
            if last is not None and last.kind == "heading" and last.text == self.title:
                # A title set over several lines ("Application Programmer's Interface" / "for" / "ODFPY") is one.
                self.blocks[-1] = Block("heading", f"{last.text} {text}", 1)
                self.title = self.blocks[-1].text
            else:
                self.title = self.title or text
                self.blocks.append(Block("heading", text, 1))
        else:
            self.blocks.append(Block("para", text))

    def slides(self, body) -> None:
        for n, page in enumerate(body.iter(f"{_DRAW}page"), 1):
            frames = [
                f
                for f in page.iter(f"{_DRAW}frame")
                if f.get(f"{_PRES}class") not in ("notes", "page-number", "date-time", "footer")
            ]
            titles = [f for f in frames if f.get(f"{_PRES}class") == "title"]
            head = inline(" ".join(_text(p) for f in titles for p in f.iter(f"{_TEXT}p")))
            self.blocks.append(Block("heading", head or page.get(f"{_DRAW}name") or f"Slide {n}", 1))
            self.title = self.title or head
            for f in frames:
                if f not in titles:
                    for box in f.iterchildren(f"{_DRAW}text-box"):
                        self.walk(box)
                    for table in f.iter(f"{_TABLE}table"):
                        self.blocks.extend(table_blocks(_rows(table)))


def _text(el) -> str:
    """An element's text as typed: spans and links in order, text:s as its spaces, tabs and line breaks kept;
    notes, annotations and frames anchored inside it left out."""
    parts: list[str] = []

    def visit(e) -> None:
        tag = e.tag
        if tag == f"{_TEXT}s":
            parts.append(" " * min(_int(e.get(f"{_TEXT}c"), 1), 100))
        elif tag == f"{_TEXT}tab":
            parts.append("\t")
        elif tag == f"{_TEXT}line-break":
            parts.append("\n")
        elif isinstance(tag, str) and tag not in _LEFT_OUT and tag != f"{_DRAW}frame":
            if e.text:
                parts.append(e.text)
            for c in e:
                visit(c)
        if e.tail and e is not el:
            parts.append(e.tail)

    visit(el)
    return "".join(parts)


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def _bookmark(h) -> str:
    b = h.find(f".//{_TEXT}bookmark-start")
    return b.get(f"{_TEXT}name", "") if b is not None else ""


def _rows(table) -> list[tuple[str, ...]]:
    """A table's rows, header rows first; repeated cells and rows as many times as they show, a spanned cell once."""
    rows: list[tuple[str, ...]] = []
    cells = 0
    for tr in table.iter(f"{_TABLE}table-row"):
        if _nearest_table(tr) is not table:
            continue  # a row of a table nested in a cell belongs to that cell's text
        row: list[str] = []
        for tc in tr:
            if tc.tag not in (f"{_TABLE}table-cell", f"{_TABLE}covered-table-cell"):
                continue
            text = (
                ""
                if tc.tag == f"{_TABLE}covered-table-cell"
                else inline(" ".join(_text(p) for p in tc.iter(f"{_TEXT}p", f"{_TEXT}h"))).replace("|", "/")
            )
            row.extend([text] * min(max(_int(tc.get(f"{_TABLE}number-columns-repeated"), 1), 1), MAX_REPEAT))
        while row and not row[-1]:
            row.pop()  # a spreadsheet-style row ends in empty repeated cells
        if not any(row):
            continue
        for _ in range(min(max(_int(tr.get(f"{_TABLE}number-rows-repeated"), 1), 1), MAX_REPEAT)):
            rows.append(tuple(row))
            cells += len(row)
        if cells > MAX_TABLE_CELLS:
            raise Refused(f"a table of the document spans more than {MAX_TABLE_CELLS:,} cells")
    return rows


def _nearest_table(el):
    p = el.getparent()
    while p is not None and p.tag != f"{_TABLE}table":
        p = p.getparent()
    return p
