"""Small OpenDocument files made in tests: a text with headings, a table, a list and code; a presentation; hostile ones."""

from __future__ import annotations

from pathlib import Path

from support.markup_files import zip_bytes

NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
    'xmlns:presentation="urn:oasis:names:tc:opendocument:xmlns:presentation:1.0" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0"'
)
STYLES = (
    f'<?xml version="1.0"?><office:document-styles {NS}><office:styles>'
    '<style:style style:name="Preformatted_20_Text" style:display-name="Preformatted Text" style:family="paragraph"/>'
    '<style:style style:name="Title" style:family="paragraph"/></office:styles></office:document-styles>'
)
# An automatic style, as LibreOffice writes them, whose parent is the code style.
AUTOMATIC = (
    '<office:automatic-styles><style:style style:name="P1" style:family="paragraph" '
    'style:parent-style-name="Preformatted_20_Text"/></office:automatic-styles>'
)
TEXT_BODY = (
    '<text:p text:style-name="Title">Lighthouse</text:p><text:p text:style-name="Title">handbook</text:p>'
    "<text:table-of-content><text:index-body><text:p>1. Lighthouse keeping 1</text:p><text:p>1.1 Lamp fuels 2</text:p>"
    "</text:index-body></text:table-of-content>"
    '<text:h text:outline-level="1"><text:bookmark-start text:name="keeping"/>1. Lighthouse keeping</text:h>'
    "<text:p>The keeper lit the lamp at dusk<text:note><text:note-citation>1</text:note-citation><text:note-body>"
    '<text:p>A footnote.</text:p></text:note-body></text:note> and trimmed the wick<text:s text:c="2"/>every four hours.</text:p>'
    "<text:list><text:list-item><text:p>Check the oil.</text:p></text:list-item>"
    "<text:list-item><text:p>Clean the <text:span>lens</text:span>.</text:p><text:list><text:list-item>"
    "<text:p>Use a soft cloth.</text:p></text:list-item></text:list></text:list-item></text:list>"
    '<text:h text:outline-level="2">1.1 Lamp fuels</text:h>'
    "<table:table><table:table-header-rows><table:table-row><table:table-cell><text:p>Fuel</text:p></table:table-cell>"
    "<table:table-cell><text:p>Years</text:p></table:table-cell><table:table-cell><text:p>Range</text:p></table:table-cell>"
    "</table:table-row></table:table-header-rows>"
    "<table:table-row><table:table-cell><text:p>Whale oil</text:p></table:table-cell><table:table-cell><text:p>1800-1860"
    "</text:p></table:table-cell><table:table-cell><text:p>12 miles</text:p></table:table-cell>"
    '<table:table-cell table:number-columns-repeated="1000"/></table:table-row>'
    "<table:table-row><table:table-cell><text:p>Kerosene</text:p></table:table-cell><table:table-cell><text:p>1860-1920"
    "</text:p></table:table-cell><table:table-cell><text:p>18 miles</text:p></table:table-cell></table:table-row>"
    '<table:table-row table:number-rows-repeated="1048000"><table:table-cell table:number-columns-repeated="3"/>'
    "</table:table-row></table:table>"
    '<text:p text:style-name="P1">$ lamp --trim</text:p><text:p text:style-name="P1">trimmed: ok</text:p>'
)


def content(body: str, kind: str = "text", prolog: str = '<?xml version="1.0" encoding="UTF-8"?>') -> str:
    return (
        f"{prolog}<office:document-content {NS}>{AUTOMATIC}<office:body><office:{kind}>{body}</office:{kind}>"
        "</office:body></office:document-content>"
    )


def make_odt(
    path: Path,
    document: str | None = None,
    extra: dict[str, bytes | str | None] | None = None,
    mimetype: str = "application/vnd.oasis.opendocument.text",
) -> Path:
    """An OpenDocument text: by default a title, a generated contents list, headings, a list, a table and code.

    extra: members to add or replace; None leaves a member out."""
    members: dict[str, bytes | str | None] = {
        "mimetype": mimetype,
        "content.xml": document if document is not None else content(TEXT_BODY),
        "styles.xml": STYLES,
        "meta.xml": f'<?xml version="1.0"?><office:document-meta {NS}><office:meta><dc:title>Lighthouse handbook'
        "</dc:title></office:meta></office:document-meta>",
        "META-INF/manifest.xml": '<?xml version="1.0"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"/>',
    }
    members.update(extra or {})
    path.write_bytes(zip_bytes({k: v for k, v in members.items() if v is not None}))
    return path


SLIDES = (
    '<draw:page draw:name="page1"><draw:frame presentation:class="title"><draw:text-box><text:p>Harbour lights'
    '</text:p></draw:text-box></draw:frame><draw:frame presentation:class="outline"><draw:text-box><text:list>'
    "<text:list-item><text:p>Forty-one ships came in the spring.</text:p></text:list-item></text:list>"
    '</draw:text-box></draw:frame><presentation:notes><draw:frame presentation:class="notes"><draw:text-box>'
    "<text:p>Speaker: mention the storm.</text:p></draw:text-box></draw:frame></presentation:notes></draw:page>"
    '<draw:page draw:name="page2"><draw:frame presentation:class="title"><draw:text-box><text:p>The quay</text:p>'
    '</draw:text-box></draw:frame><draw:frame presentation:class="outline"><draw:text-box><text:p>Rebuilt in stone '
    "after the storm of 1881.</text:p></draw:text-box></draw:frame></draw:page>"
)


def make_odp(path: Path) -> Path:
    """An OpenDocument presentation of two slides, the first with speaker notes."""
    return make_odt(path, content(SLIDES, "presentation"), mimetype="application/vnd.oasis.opendocument.presentation")
