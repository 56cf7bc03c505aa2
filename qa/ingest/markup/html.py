"""HTML and XHTML pages read into blocks with lxml: headings from h1-h6, tables as rows, pre as code.

Scripts, styles and navigation (nav, DocBook's navheader/navfooter and contents lists) are not text of the page.
Nothing is ever run: only the text of elements is read, so hostile markup ends up as plain text at most.
"""

from __future__ import annotations

import re

from . import boilerplate
from .blocks import Block, Refused, inline
from .safety import check_entities

_SKIP = {"script", "style", "noscript", "template", "head", "nav", "iframe", "object", "embed", "svg", "math",
         "button", "select", "form"}
_NAV_CLASSES = {"navheader", "navfooter", "toc", "list-of-tables", "list-of-figures", "list-of-examples", "breadcrumb"}
_HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
_PARAS = {"p", "li", "dt", "dd", "blockquote", "figcaption", "caption", "address", "summary", "td", "th"}
_CONTAINERS = {"div", "section", "article", "main", "body", "html", "ul", "ol", "dl", "header", "footer", "aside",
               "figure", "details", "center", "span", "a", "font"}
# A long table is cut into pieces of about this many model tokens, each under its header row, so that a piece fits
# in one passage (the passage limit is 250 tokens; the header and the section heading take their share).
MAX_TABLE_TOKENS = 110
MAX_TABLE_CELLS = 200_000
_CJK = re.compile("[\u3000-\u9fff\uac00-\ud7af\uff00-\uffef]")


def parse_html(data: bytes, what: str = "HTML file"):
    """The root element of an HTML or XHTML page (lxml's forgiving HTML parser; entity declarations refused)."""
    import lxml.html
    from lxml import etree

    check_entities(data, what)
    # The HTML parser knows no internal DTD subset and would show it as text; the check above found it harmless.
    data = _SUBSET.sub(rb"<!DOCTYPE \1>", data, count=1)
    parser = lxml.html.HTMLParser(no_network=True, remove_comments=True, remove_pis=True, huge_tree=False,
                                  encoding=_encoding(data))
    try:
        root = lxml.html.document_fromstring(data, parser=parser)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as exc:
        raise Refused(f"the {what} cannot be parsed ({exc})") from None
    return root


_SUBSET = re.compile(rb"<!DOCTYPE\s+([^\[>]*?)\s*\[.*?\]\s*>", re.I | re.S)


def _encoding(data: bytes) -> str | None:
    """UTF-8 for a page that declares no encoding but is UTF-8 (libxml2 would read it as Latin-1); else lxml's sniffing."""
    if re.search(rb"charset|encoding\s*=", data[:4096], re.I) or data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return "utf-8"


def page_title(root) -> str:
    """The page's <title>, else its first heading, else ""."""
    for path in ("//title", "//h1", "//h2", "//h3"):
        for el in root.xpath(path):
            text = inline(el.text_content())
            if text:
                return text
    return ""


def read_html(data: bytes, what: str = "HTML file") -> tuple[str, list[Block]]:
    """(title, blocks) of an HTML or XHTML page."""
    root = parse_html(data, what)
    body = root.find("body")
    top = body if body is not None else root
    # Menus, sidebars, banners and footers are no text of the page (boilerplate.py); its title and headings stay.
    main = boilerplate.main_content(top)
    boilerplate.strip(top, main)
    out = [Block("heading", text, _HEADINGS[_tag(h)], _anchor(h)) for h in boilerplate.headings_before(top, main)
           if not any(_skipped(a) for a in h.iterancestors()) and (text := _text(h))]
    _walk(main, out)
    return page_title(root), out


def _tag(el) -> str:
    tag = el.tag if isinstance(el.tag, str) else ""
    return tag.rsplit("}", 1)[-1].lower()


def _skipped(el) -> bool:
    classes = set((el.get("class") or "").split())
    return _tag(el) in _SKIP or bool(classes & _NAV_CLASSES) or el.get("role") == "navigation" or el.get("hidden") is not None


def _anchor(el) -> str:
    """The id a link can point at: the element's own, or that of an empty <a id> inside it (DocBook's habit)."""
    if el.get("id"):
        return el.get("id")
    for a in el.iter("a"):
        if a.get("id") or a.get("name"):
            return a.get("id") or a.get("name")
    return ""


def _text(el) -> str:
    """An element's visible text, without the text of skipped elements inside it."""
    parts: list[str] = []

    def visit(e) -> None:
        if _skipped(e):
            if e.tail:
                parts.append(e.tail)
            return
        if _tag(e) == "br":
            parts.append("\n")
        if e.text and isinstance(e.tag, str):
            parts.append(e.text)
        for child in e:
            visit(child)
        if e.tail and e is not el:
            parts.append(e.tail)

    visit(el)
    return inline("".join(parts))


def _walk(el, out: list[Block]) -> None:
    loose: list[str] = []  # text directly inside a container, between its block children

    def flush() -> None:
        text = inline(" ".join(loose))
        if text:
            out.append(Block("para", text))
        loose.clear()

    if el.text:
        loose.append(el.text)
    for child in el:
        tag = _tag(child)
        if not isinstance(child.tag, str) or _skipped(child):
            pass
        elif tag in _HEADINGS:
            flush()
            text = _text(child)
            if text:
                out.append(Block("heading", text, _HEADINGS[tag], _anchor(child)))
        elif tag == "pre":
            flush()
            code = child.text_content().strip("\n")
            if code.strip():
                out.append(Block("code", code))
        elif tag == "table":
            flush()
            out.extend(_table(child))
        elif tag in _PARAS:
            flush()
            if tag in ("li", "dd", "blockquote") and _has_blocks(child):
                _walk(child, out)
            else:
                text = _text(child)
                if text:
                    out.append(Block("para", text))
        elif tag in _CONTAINERS and _has_blocks(child):
            flush()
            _walk(child, out)
        else:
            loose.append(_text(child))
        if child.tail:
            loose.append(child.tail)
    flush()


def _has_blocks(el) -> bool:
    for d in el.iterdescendants():
        if isinstance(d.tag, str) and (_tag(d) in _HEADINGS or _tag(d) in _PARAS or _tag(d) in ("pre", "table", "div", "p")):
            return True
    return False


def _table(table) -> list[Block]:
    """A table's rows, the header row first; a cell spanning rows is repeated in each, so every row reads alone."""
    rows: list[tuple[str, ...]] = []
    carried: dict[int, tuple[str, int]] = {}  # column -> (text, rows still to fill)
    cells = 0
    for tr in table.iter("tr"):
        if _nearest_table(tr) is not table:
            continue  # a row of a table nested in a cell belongs to that cell's text
        row: list[str] = []
        for c in (c for c in tr if _tag(c) in ("td", "th")):
            while len(row) in carried:
                row.append(_carry(carried, len(row)))
            text = _text(c).replace("|", "/")
            down, across = _span(c.get("rowspan")), _span(c.get("colspan"))
            for k in range(across):
                if down > 1:
                    carried[len(row)] = (text, down - 1)
                row.append(text if k == 0 else "")
        while len(row) in carried:
            row.append(_carry(carried, len(row)))
        if any(row):
            rows.append(tuple(row))
        cells += len(row)
        if cells > MAX_TABLE_CELLS:
            raise Refused(f"a table of the page spans more than {MAX_TABLE_CELLS:,} cells (its row and column spans "
                          "would multiply its text)")
    return table_blocks(rows)


def _carry(carried: dict[int, tuple[str, int]], col: int) -> str:
    text, left = carried.pop(col)
    if left > 1:
        carried[col] = (text, left - 1)
    return text


def _span(value: str | None) -> int:
    try:
        return min(max(int(value or 1), 1), 1000)  # HTML's own limit; MAX_TABLE_CELLS bounds the whole grid
    except ValueError:
        return 1


def table_blocks(rows: list[tuple[str, ...]]) -> list[Block]:
    """Table blocks from rows: the first row of two or more cells heads the table, one-cell rows above it are its caption."""
    top = next((i for i, r in enumerate(rows) if sum(bool(c) for c in r) >= 2), 0)
    width = max((len(r) for r in rows[top:]), default=0)
    out = [Block("para", " ".join(c for c in r if c)) for r in rows[:top]]
    if width < 2 or len(rows) - top < 2:  # a one-column or one-row "table" is layout, not a table
        return out + [Block("para", " ".join(c for c in r if c)) for r in rows[top:]]
    header = tuple(rows[top]) + ("",) * (width - len(rows[top]))
    body = [tuple(r) + ("",) * (width - len(r)) for r in rows[top + 1:]]
    piece: list[tuple[str, ...]] = []
    size = 0
    for r in body:
        n = _tokens(r)
        if piece and size + n > MAX_TABLE_TOKENS - _tokens(header):
            out.append(Block("table", rows=(header, *piece)))
            piece, size = [], 0
        piece.append(r)
        size += n
    out.append(Block("table", rows=(header, *piece)))
    return out


def _tokens(row: tuple[str, ...]) -> int:
    """About how many model tokens a row takes: a CJK character is one, other text about one per 3 characters."""
    text = "".join(row)
    cjk = len(_CJK.findall(text))
    return cjk + (len(text) - cjk) // 3 + 2 * len(row)


def _nearest_table(el):
    p = el.getparent()
    while p is not None and _tag(p) != "table":
        p = p.getparent()
    return p
