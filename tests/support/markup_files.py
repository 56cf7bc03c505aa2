"""Small EPUB, DOCX and HTML files made in tests: well-formed ones and hostile ones (bombs, escapes, entities)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

STYLES = (
    f'<?xml version="1.0"?><w:styles xmlns:w="{W}">'
    '<w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/></w:style>'
    '<w:style w:type="paragraph" w:styleId="Heading2"><w:name w:val="heading 2"/></w:style>'
    '<w:style w:type="paragraph" w:styleId="SourceCode"><w:name w:val="Source Code"/></w:style></w:styles>'
)


def _p(text: str, style: str = "") -> str:
    ppr = f'<w:pPr><w:pStyle w:val="{style}"/></w:pPr>' if style else ""
    runs = "<w:br/>".join(f'<w:t xml:space="preserve">{line}</w:t>' for line in text.split("\n"))
    return f"<w:p>{ppr}<w:r>{runs}</w:r></w:p>"


def _tbl(rows: list[list[str]]) -> str:
    return "<w:tbl>" + "".join("<w:tr>" + "".join(f"<w:tc>{_p(c)}</w:tc>" for c in r) + "</w:tr>" for r in rows) + "</w:tbl>"


def docx_body(parts: list[str]) -> str:
    return f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{W}"><w:body>{"".join(parts)}</w:body></w:document>'


def zip_bytes(members: dict[str, bytes | str], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()


def make_docx(path: Path, document: str | None = None, extra: dict[str, bytes | str] | None = None) -> Path:
    """A Word file: by default a heading, a paragraph, a table and a code block about lighthouses."""
    if document is None:
        document = docx_body(
            [
                _p("1. Lighthouse keeping", "Heading1"),
                _p("The keeper lit the lamp at dusk and trimmed the wick every four hours."),
                _p("1.1 Lamp fuels", "Heading2"),
                _tbl([["Fuel", "Years", "Range"], ["Whale oil", "1800-1860", "12 miles"], ["Kerosene", "1860-1920", "18 miles"]]),
                _p("$ lamp --trim\ntrimmed: ok", "SourceCode"),
            ]
        )
    members = {"[Content_Types].xml": "<Types/>", "word/document.xml": document, "word/styles.xml": STYLES}
    members.update(extra or {})
    path.write_bytes(zip_bytes(members))
    return path


CONTAINER = (
    '<?xml version="1.0"?><container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">'
    '<rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/>'
    "</rootfiles></container>"
)


def opf(hrefs: list[str], title: str = "Harbour book") -> str:
    items = "".join(f'<item id="p{i}" href="{h}" media-type="application/xhtml+xml"/>' for i, h in enumerate(hrefs))
    refs = "".join(f'<itemref idref="p{i}"/>' for i in range(len(hrefs)))
    return (
        f'<?xml version="1.0"?><package xmlns="http://www.idpf.org/2007/opf" version="3.0">'
        f'<metadata xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>{title}</dc:title></metadata>'
        f"<manifest>{items}</manifest><spine>{refs}</spine></package>"
    )


def xhtml(body: str, title: str = "Page") -> str:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><html xmlns="http://www.w3.org/1999/xhtml"><head><title>{title}'
        f"</title></head><body>{body}</body></html>"
    )


def make_epub(
    path: Path, pages: dict[str, str] | None = None, package: str | None = None, extra: dict[str, bytes | str] | None = None
) -> Path:
    """An EPUB book: by default two chapters in its spine."""
    pages = pages or {
        "ch1.xhtml": xhtml('<h1 id="c1">1. The harbour</h1><p>The harbour master counted 41 ships in the spring.</p>'),
        "ch2.xhtml": xhtml('<h1 id="c2">2. The quay</h1><p>The quay was rebuilt in stone after the storm of 1881.</p>'),
    }
    members: dict[str, bytes | str] = {
        "mimetype": "application/epub+zip",
        "META-INF/container.xml": CONTAINER,
        "OEBPS/content.opf": package or opf(list(pages)),
    }
    members.update({f"OEBPS/{k}": v for k, v in pages.items()})
    members.update(extra or {})
    path.write_bytes(zip_bytes(members))
    return path


def bomb_member(size: int = 64 * 2**20) -> bytes:
    """size bytes of one repeated letter: deflates about a thousand times."""
    return b"a" * size


LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i > 1 else "&lol;" * 10}">' for i in range(1, 10))
    + "]>"
)
EXTERNAL = '<?xml version="1.0"?><!DOCTYPE doc [<!ENTITY secret SYSTEM "file:///etc/passwd">]>'


SPINE_REF = '<itemref idref="p"/>'


def spine_repeats(path: Path, times: int, page_bytes: int = 1_000_000) -> Path:
    """A small EPUB whose spine lists one page of about page_bytes the given number of times (it deflates to a few KB)."""
    para = "<p>The lamp room holds the great lens, polished by the keeper every morning.</p>"
    page = xhtml("<h1>The lamp room</h1>" + para * (page_bytes // len(para)))
    package = (
        f'<?xml version="1.0"?><package xmlns="http://www.idpf.org/2007/opf" version="3.0">'
        f'<metadata xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>Lamp book</dc:title></metadata>'
        f'<manifest><item id="p" href="lamp.xhtml" media-type="application/xhtml+xml"/></manifest>'
        f"<spine>{SPINE_REF * times}</spine></package>"
    )
    return make_epub(path, pages={"lamp.xhtml": page}, package=package)
