"""EPUB books read through their own spine: container.xml names the package, whose spine orders the XHTML pages."""

from __future__ import annotations

from .blocks import Block, Refused, Sink, Unreadable, inline
from .html import read_html
from .safety import Archive, join, parse_xml

_OPF = "{http://www.idpf.org/2007/opf}"
_DC = "{http://purl.org/dc/elements/1.1/}"
_CONTAINER = "{urn:oasis:names:tc:opendocument:xmlns:container}"
_PAGES = ("application/xhtml+xml", "text/html")


def read_epub(data: bytes, sink: Sink | None = None) -> tuple[str, list[Block]]:
    """(title, blocks) of an EPUB book, its spine's pages in reading order; blocks go into sink when given.

    A page that is missing or cannot be read is left out with a warning naming it; the rest of the book is read.
    """
    book = Archive(data, "EPUB")
    names = book.names()
    container = next((n for n in names if n.lower().endswith("meta-inf/container.xml")), None)
    if container is None:
        raise Refused("not an EPUB book (the archive has no META-INF/container.xml)")
    root = parse_xml(book.read(container), "EPUB's container.xml")
    rootfile = root.find(f".//{_CONTAINER}rootfile")
    if rootfile is None or not rootfile.get("full-path"):
        raise Refused("not an EPUB book (container.xml names no package file)")
    # The package path is relative to the archive's root, or to the folder holding META-INF when the book is nested.
    top = container[: -len("META-INF/container.xml")]
    opf_path = join(top + "x", rootfile.get("full-path"))
    package = parse_xml(book.read(opf_path), "EPUB's package file")
    manifest = {item.get("id"): item for item in package.iter(f"{_OPF}item")}
    title = inline("".join(package.find(f".//{_DC}title").itertext())) if package.find(f".//{_DC}title") is not None else ""
    blocks = sink if sink is not None else Sink()
    left_out: list[str] = []
    for ref in package.iter(f"{_OPF}itemref"):
        item = manifest.get(ref.get("idref"))
        if item is None or item.get("media-type") not in _PAGES or not item.get("href"):
            continue
        path = join(opf_path, item.get("href"))
        before = len(blocks)
        try:
            read_html(book.read(path), f"EPUB page {path}", blocks)
        except Unreadable as exc:  # a hostile page (a bomb, a link out) still refuses the whole book
            del blocks[before:]
            left_out.append(f"left out {path} ({exc})")
    if not blocks:
        raise Refused("the EPUB's spine lists no readable pages" + (f": {'; '.join(left_out[:3])}" if left_out else ""))
    blocks.warnings.extend(left_out)
    return title, blocks
