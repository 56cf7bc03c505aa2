"""HTML and XHTML pages read into blocks with lxml: headings from h1-h6, tables as rows, pre as code.

Scripts, styles and navigation (nav, DocBook's navheader/navfooter and contents lists) are not text of the page.
Nothing is ever run: only the text of elements is read, so hostile markup ends up as plain text at most.
"""

from __future__ import annotations

import re

from . import boilerplate
from .blocks import Block, Refused, Sink, Unreadable, inline
from .encoding import decode
from .safety import expand_entities

_SKIP = {
    "script",
    "style",
    "noscript",
    "template",
    "head",
    "nav",
    "iframe",
    "object",
    "embed",
    "svg",
    "math",
    "button",
    "select",
    "form",
}
_NAV_CLASSES = {"navheader", "navfooter", "toc", "list-of-tables", "list-of-figures", "list-of-examples", "breadcrumb"}
_HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
_PARAS = {"p", "li", "dt", "dd", "blockquote", "figcaption", "caption", "address", "summary", "td", "th"}
_CONTAINERS = {
    "div",
    "section",
    "article",
    "main",
    "body",
    "html",
    "ul",
    "ol",
    "dl",
    "header",
    "footer",
    "aside",
    "figure",
    "details",
    "center",
    "span",
    "a",
    "font",
}
# A long table is cut into pieces of about this many model tokens, each under its header row, so that a piece fits
# in one passage (the passage limit is 250 tokens; the header and the section heading take their share).
MAX_TABLE_TOKENS = 110
MAX_TABLE_CELLS = 200_000
_CJK = re.compile("[\u3000-\u9fff\uac00-\ud7af\uff00-\uffef]")


def parse_html(data: bytes, what: str = "HTML file", warnings: list[str] | None = None):
    """The root element of an HTML or XHTML page (lxml's forgiving HTML parser).

    Entity declarations are checked and small internal ones expanded (safety.py); a page that declares no charset
    (or declares UTF-8) is decoded by encoding.py, which reads GB18030, Big5, UTF-16 without a mark and UTF-8 with
    a few bad bytes; what it had to guess is added to warnings.
    """
    data = expand_entities(data, what, html=True)
    data, encoding, said = _decoded(data)
    if warnings is not None:
        warnings.extend(said)
    root, deep = _parse(data, encoding, what)
    if deep:
        # Past libxml2's deepest nesting (2,048 levels with huge_tree) the rest of the page would be dropped without
        # a word: read it again without the elements that only group others, so that no text is lost.
        root, still = _parse(_GROUPING.sub(b" ", data), encoding, what)
        if still:
            raise Refused(
                f"the {what} nests its elements deeper than the parser can follow ({still}); its text "
                "past that point would be lost"
            )
        if warnings is not None:
            warnings.append(
                f"nested deeper than the parser follows ({deep}): read without its <div> and <span> "
                "nesting, so some paragraphs may run together"
            )
    return root


# Elements that only group others: without them a page keeps its text, headings, paragraphs and tables.
_GROUPING = re.compile(rb"</?(?:div|span|section|article|main|aside|header|footer|font|center|figure)\b[^>]*>", re.I)


def _parse(data: bytes, encoding: str | None, what: str):
    """(root, the parser's depth complaint or ""): lxml's HTML parser, told to follow deep nesting (huge_tree)."""
    import lxml.html
    from lxml import etree

    # huge_tree: libxml2 otherwise stops nesting at 256 levels and silently drops the rest of the page.
    parser = lxml.html.HTMLParser(no_network=True, remove_comments=True, remove_pis=True, huge_tree=True, encoding=encoding)
    try:
        root = lxml.html.document_fromstring(data, parser=parser)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as exc:
        raise Unreadable(f"the {what} cannot be parsed ({exc})") from None
    deep = next((e.message.strip() for e in parser.error_log if "excessive depth" in e.message.lower()), "")
    return root, deep.split(",")[0]


_DECLARED = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([\w.:-]+)|<\?xml[^>]*encoding\s*=\s*[\"']([\w.:-]+)", re.I)


def _decoded(data: bytes) -> tuple[bytes, str | None, tuple[str, ...]]:
    """(bytes for the parser, their encoding for it, what to tell): a page declaring a charset other than UTF-8 is
    read in it (GB2312 and GBK as GB18030, their superset); any other page is decoded here and given as UTF-8."""
    found = _DECLARED.search(data[:4096])
    declared = (found.group(1) or found.group(2)).decode("ascii", "replace").lower() if found else ""
    if declared and declared.replace("-", "").replace("_", "") not in ("utf8", "utf16", "unicode"):
        return data, _DECLARED_SUPERSET.get(declared, None), ()
    got = decode(data)
    if got.encoding == "utf_8" and not got.warnings:
        return data, "utf-8", ()
    return got.text.encode("utf-8", errors="replace"), "utf-8", got.warnings


_DECLARED_SUPERSET = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030"}


def page_title(root) -> str:
    """The page's <title>, else its first heading, else ""."""
    for path in ("//title", "//h1", "//h2", "//h3"):
        for el in root.xpath(path):
            text = inline(el.text_content())
            if text:
                return text
    return ""


def read_html(data: bytes, what: str = "HTML file", sink: Sink | None = None) -> tuple[str, list[Block]]:
    """(title, blocks) of an HTML or XHTML page; blocks go into sink (bounded, with warnings) when given."""
    out = sink if sink is not None else Sink()
    said: list[str] = []
    root = parse_html(data, what, said)
    # An EPUB page's warning names the page; a page of its own is named by the build.
    out.warnings.extend(w if what == "HTML file" else f"{what}: {w}" for w in said)
    body = root.find("body")
    top = body if body is not None else root
    # Menus, sidebars, banners and footers are no text of the page (boilerplate.py); its title and headings stay.
    main = boilerplate.main_content(top)
    boilerplate.strip(top, main)
    out.extend(
        Block("heading", text, _HEADINGS[_tag(h)], _anchor(h))
        for h in boilerplate.headings_before(top, main)
        if not any(_skipped(a) for a in h.iterancestors()) and (text := _text(h))
    )
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
    if el.text:
        loose.append(el.text)
    for child in el:
        tag = _tag(child)
        if not isinstance(child.tag, str) or _skipped(child):
            pass
        elif tag == "table":
            _flush(loose, out)
            out.extend(_table(child))
        elif tag in _HEADINGS or tag == "pre" or (tag in _PARAS and not (tag in _NESTING and _has_blocks(child))):
            _flush(loose, out)
            _add_leaf(child, tag, out)
        elif tag in _PARAS or (tag in _CONTAINERS and _has_blocks(child)):
            # Read by recursion here, one frame a level: the child's recursion limit bounds the depth of markup.
            _flush(loose, out)
            _walk(child, out)
        else:
            loose.append(_text(child))
        if child.tail:
            loose.append(child.tail)
    _flush(loose, out)


_NESTING = ("li", "dd", "blockquote")  # paragraphs that may hold blocks of their own


def _flush(loose: list[str], out: list[Block]) -> None:
    """The loose text gathered so far as a paragraph of its own, if it has any."""
    text = inline(" ".join(loose))
    if text:
        out.append(Block("para", text))
    loose.clear()


def _add_leaf(el, tag: str, out: list[Block]) -> None:
    """A heading, a code block or a paragraph without blocks inside."""
    if tag == "pre":
        code = el.text_content().strip("\n")
        if code.strip():
            out.append(Block("code", code))
        return
    text = _text(el)
    if text:
        out.append(Block("heading", text, _HEADINGS[tag], _anchor(el)) if tag in _HEADINGS else Block("para", text))


_BLOCK_TAGS = (*_HEADINGS, *_PARAS, "pre", "table", "div", "p")


def _has_blocks(el) -> bool:
    # Filtered by lxml in C: a page nested 2,000 levels deep asks this at every level.
    return next(el.iterdescendants(*_BLOCK_TAGS), None) is not None


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
            raise Refused(
                f"a table of the page spans more than {MAX_TABLE_CELLS:,} cells (its row and column spans "
                "would multiply its text)"
            )
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


def table_blocks(rows: list[tuple[str, ...]], headed: bool = True) -> list[Block]:
    """Table blocks from rows: the first row of two or more cells heads the table, one-cell rows above it are its caption.

    headed=False: the rows have no header row (a PDF table set without rules): each piece is under an empty one."""
    if not headed:
        rows = [("",) * max((len(r) for r in rows), default=0), *rows]
    top = next((i for i, r in enumerate(rows) if sum(bool(c) for c in r) >= 2), 0) if headed else 0
    width = max((len(r) for r in rows[top:]), default=0)
    out = [Block("para", " ".join(c for c in r if c)) for r in rows[:top]]
    if width < 2 or len(rows) - top < 2:  # a one-column or one-row "table" is layout, not a table
        return out + [Block("para", " ".join(c for c in r if c)) for r in rows[top:]]
    header = tuple(rows[top]) + ("",) * (width - len(rows[top]))
    body = [tuple(r) + ("",) * (width - len(r)) for r in rows[top + 1 :]]
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
