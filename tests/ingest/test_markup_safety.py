"""No silent loss and no false refusals in markup: deep nesting keeps its text, a missing EPUB chapter leaves out
that chapter only, small internal entities are expanded, CDATA is text, a DOCTYPE anywhere is checked, and an
encrypted archive is said to be password-protected. Each with the sentence the user gets, and the rest of the
corpus still answering."""

from __future__ import annotations

import pytest

from qa import Settings
from qa.errors import DocumentError
from qa.ingest.documents import load_document
from support.good_corpus import rebuilt, skipped_lines
from support.markup_files import LAUGHS, make_docx, make_epub, opf, xhtml, zip_bytes


def _skips_and_warnings(assistant) -> tuple[list[str], list[str]]:
    """(skipped lines, warning lines) `qa index` prints; the good file still answers."""
    report = rebuilt(assistant)
    return skipped_lines(report), list(report.warnings)


def _load(corpus, name: str):
    return load_document(corpus / name, corpus, Settings(corpus_dir=corpus))


@pytest.mark.parametrize("depth", [400, 3000])
def test_deeply_nested_divs_lose_no_text(built, corpus, depth):
    items = "".join(f"<div><p>Item {i} of the lamp inventory.</p>" for i in range(depth))
    (corpus / "deep.html").write_text(
        f"<html><body>{items}<p>The final paragraph names the keeper, Ada Lind.</p>" + "</div>" * depth + "</body></html>"
    )
    skipped, warnings = _skips_and_warnings(built)
    doc = _load(corpus, "deep.html")
    assert skipped == []
    assert [doc.text.count("of the lamp inventory"), "Ada Lind" in doc.text] == [depth, True]
    assert warnings == (
        []
        if depth < 2048
        else [
            "deep.html: nested deeper than the parser follows (Excessive depth in document: 2048): read without its "
            "<div> and <span> nesting, so some paragraphs may run together"
        ]
    )
    assert built.search("Who is the keeper named in the final paragraph?", k=1)[0].citation.source == "deep.html"


def test_an_epub_with_a_missing_chapter_indexes_the_rest_with_a_warning(built, corpus):
    pages = {
        "ch1.xhtml": xhtml("<h1>1. The harbour</h1><p>The quay was rebuilt in stone after the storm of 1881.</p>"),
        "ch3.xhtml": xhtml("<h1>3. The lamp</h1><p>The lamp burned whale oil until 1860.</p>"),
    }
    make_epub(corpus / "book.epub", pages=pages, package=opf(["ch1.xhtml", "ch2.xhtml", "ch3.xhtml"]))
    skipped, warnings = _skips_and_warnings(built)
    assert skipped == []
    assert warnings == ["book.epub: left out OEBPS/ch2.xhtml (the EPUB archive has no member 'OEBPS/ch2.xhtml')"]
    assert built.search("What did the lamp burn until 1860?", k=1)[0].citation.source == "book.epub"


def test_an_xhtml_page_declaring_nbsp_is_read_with_the_entity_expanded(built, corpus):
    page = (
        '<?xml version="1.0"?><!DOCTYPE html [<!ENTITY nbsp "&#160;"><!ENTITY keeper "Ada Lind">]>'
        '<html xmlns="http://www.w3.org/1999/xhtml"><body><p>The&nbsp;keeper is &keeper;.</p></body></html>'
    )
    (corpus / "page.xhtml").write_text(page)
    make_epub(corpus / "book.epub", pages={"a.xhtml": page})
    assert _skips_and_warnings(built) == ([], [])
    # The no-break space is a space in the text, as every other one is.
    assert _load(corpus, "page.xhtml").text == "The keeper is Ada Lind.\n"
    assert _load(corpus, "book.epub").text == "The keeper is Ada Lind.\n"


def test_a_docx_declaring_a_small_entity_is_read_with_it_expanded(built, corpus):
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    make_docx(
        corpus / "ent.docx",
        document=f'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY who "Ada Lind">]>'
        f'<w:document xmlns:w="{w}"><w:body><w:p><w:r><w:t>The keeper is &who;.'
        "</w:t></w:r></w:p></w:body></w:document>",
    )
    assert _skips_and_warnings(built) == ([], [])
    assert _load(corpus, "ent.docx").text == "The keeper is Ada Lind.\n"


def test_cdata_showing_an_entity_declaration_is_text_not_a_bomb(built, corpus):
    sample = '<!DOCTYPE x [<!ENTITY a "&b;">]>'
    (corpus / "code.xhtml").write_text(
        '<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><body><h1>Entities</h1>'
        f"<p>Nested entities look like this:</p><pre><![CDATA[{sample}]]></pre></body></html>"
    )
    assert _skips_and_warnings(built) == ([], [])
    assert _load(corpus, "code.xhtml").text == f"Entities\n\nNested entities look like this:\n\n```\n{sample}\n```\n"


def test_a_doctype_after_the_first_mib_is_checked(built, corpus):
    filler = "<p>The keeper trims the wick every four hours.</p>" * 25_000  # over 1 MiB
    (corpus / "late.html").write_text(f"<html><body>{filler}{LAUGHS}<p>&lol9;</p></body></html>")
    skipped, _ = _skips_and_warnings(built)
    assert skipped == [
        'skipped late.html: the HTML file declares XML entities that nest or are large (an "entity '
        'bomb": they can expand without bound)'
    ]


def test_a_password_protected_docx_says_so(built, corpus):
    # Word saves a document with a password as an encrypted OLE container; some tools encrypt the zip members.
    (corpus / "word.docx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 4000)
    data = bytearray(zip_bytes({"word/document.xml": "<x/>"}))
    for at in (6, data.rfind(b"PK\x01\x02") + 8):  # set the "encrypted" flag in the local and the central header
        data[at] |= 1
    (corpus / "zip.docx").write_bytes(bytes(data))
    skipped, _ = _skips_and_warnings(built)
    assert skipped == [
        "skipped word.docx: the DOCX file is password-protected (it is encrypted); save a copy without the password and add that",
        "skipped zip.docx: the DOCX is password-protected (its archive is encrypted); save a copy without the "
        "password and add that",
    ]


def test_a_nested_entity_is_still_refused(tmp_path, corpus):
    (corpus / "nest.xhtml").write_text(
        '<?xml version="1.0"?><!DOCTYPE h [<!ENTITY a "x"><!ENTITY b "&a;&a;">]><html><body><p>&b;</p></body></html>'
    )
    with pytest.raises(DocumentError) as refused:
        _load(corpus, "nest.xhtml")
    assert str(refused.value) == (
        'the HTML file declares XML entities that nest or are large (an "entity bomb": they can expand without bound)'
    )
