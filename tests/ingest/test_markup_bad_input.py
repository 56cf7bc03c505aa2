"""Hostile EPUB, DOCX and HTML files: each is refused with one sentence naming the file and why, and nothing
already indexed is lost (an index built before the bad file still answers after)."""

from __future__ import annotations

import zipfile

import pytest

from qa import Assistant, Settings
from qa.errors import DocumentError
from qa.ingest.documents import load_document
from support.good_corpus import skipped_after_rebuild
from support.markup_files import EXTERNAL, LAUGHS, W, bomb_member, docx_body, make_docx, make_epub, opf


def _sizes(path, member: str) -> str:
    """How the archive's member expands, as the refusal states it (the packed size depends on the zlib build)."""
    info = zipfile.ZipFile(path).getinfo(member)
    return f"expands {info.file_size // info.compress_size:,} times ({info.compress_size:,} bytes to {info.file_size:,})"


def test_a_zip_bomb_inside_an_epub_is_refused(built, corpus):
    book = make_epub(corpus / "bomb.epub", extra={"OEBPS/huge.xhtml": bomb_member()})
    assert skipped_after_rebuild(built) == [
        f"skipped bomb.epub: the EPUB archive member 'OEBPS/huge.xhtml' {_sizes(book, 'OEBPS/huge.xhtml')}: a decompression bomb"
    ]


def test_a_zip_bomb_inside_a_docx_is_refused(built, corpus):
    doc = make_docx(corpus / "bomb.docx", extra={"word/media/huge.bin": bomb_member()})
    assert skipped_after_rebuild(built) == [
        f"skipped bomb.docx: the DOCX archive member 'word/media/huge.bin' {_sizes(doc, 'word/media/huge.bin')}"
        ": a decompression bomb"
    ]


def test_a_member_path_that_climbs_out_is_refused(built, corpus):
    make_epub(corpus / "climb.epub", extra={"../../etc/cron.d/evil": "* * * * * root rm -rf /"})
    make_docx(corpus / "climb.docx", extra={"word/../../outside.xml": "<x/>"})
    assert skipped_after_rebuild(built) == [
        "skipped climb.docx: the DOCX archive has a member path that climbs out of it ('word/../../outside.xml')",
        "skipped climb.epub: the EPUB archive has a member path that climbs out of it ('../../etc/cron.d/evil')",
    ]


def test_a_spine_link_that_climbs_out_is_refused(built, corpus):
    make_epub(corpus / "link.epub", package=opf(["../../../etc/passwd"]))
    assert skipped_after_rebuild(built) == [
        "skipped link.epub: a link inside the archive climbs out of it ('../../../etc/passwd')"
    ]


def test_an_entity_bomb_is_refused_in_docx_epub_and_html(built, corpus):
    make_docx(
        corpus / "laughs.docx",
        document=LAUGHS + f'<w:document xmlns:w="{W}"><w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>',
    )
    make_epub(
        corpus / "laughs.epub",
        pages={"a.xhtml": LAUGHS + '<html xmlns="http://www.w3.org/1999/xhtml"><body><p>&lol9;</p></body></html>'},
    )
    (corpus / "laughs.html").write_text(LAUGHS + "<html><body><p>&lol9;</p></body></html>")
    bomb = 'declares XML entities that nest or are large (an "entity bomb": they can expand without bound)'
    assert skipped_after_rebuild(built) == [
        f"skipped laughs.docx: the DOCX's word/document.xml {bomb}",
        f"skipped laughs.epub: the EPUB page OEBPS/a.xhtml {bomb}",
        f"skipped laughs.html: the HTML file {bomb}",
    ]


def test_an_external_entity_is_refused(built, corpus):
    make_docx(
        corpus / "xxe.docx",
        document=EXTERNAL
        + docx_body([])[len('<?xml version="1.0" encoding="UTF-8"?>') :].replace(
            "<w:body>", "<w:body><w:p><w:r><w:t>&secret;</w:t></w:r></w:p>"
        ),
    )
    (corpus / "xxe.html").write_text(EXTERNAL + "<html><body><p>&secret;</p></body></html>")
    assert skipped_after_rebuild(built) == [
        "skipped xxe.docx: the DOCX's word/document.xml declares an external XML entity (it would read another file or a URL)",
        "skipped xxe.html: the HTML file declares an external XML entity (it would read another file or a URL)",
    ]


def test_a_file_named_epub_that_is_no_zip_is_refused(built, corpus):
    (corpus / "fake.epub").write_text("<html>not a book</html>")
    assert skipped_after_rebuild(built) == ["skipped fake.epub: not an EPUB file (it is not a zip archive, as EPUB files are)"]


def test_scripts_in_html_are_never_text_and_markup_in_text_stays_text(tmp_path, corpus, fake_embedder):
    (corpus / "page.html").write_text(
        "<html><head><title>Quay</title><script>document.write('owned')</script></head><body>"
        "<h1>The quay</h1><p onclick=\"alert(1)\">The quay was rebuilt in 1881.<script>alert('x')</script></p>"
        "<p>Write &lt;script&gt;alert(2)&lt;/script&gt; to test a page.</p><img src=x onerror=alert(3)></body></html>"
    )
    settings = Settings(corpus_dir=corpus, index_dir=tmp_path / "index")
    assistant = Assistant(settings, embedder=fake_embedder, build_embedder=lambda: fake_embedder)
    assistant.build_index()
    hits = assistant.search("When was the quay rebuilt?", k=3)
    assert [h.text for h in hits] == [
        "The quay\n\nThe quay was rebuilt in 1881.\n\nWrite <script>alert(2)</script> to test a page."
    ]
    from ui.render import highlighted

    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in highlighted(hits[0].text, [])
    assert "<script" not in highlighted(hits[0].text, [])


def test_a_table_whose_spans_would_multiply_its_text_is_refused(built, corpus):
    (corpus / "spans.html").write_text(
        "<table><tr>" + "<td colspan=1000 rowspan=1000>x</td>" * 300 + "</tr><tr><td>a</td></tr></table>"
    )
    assert skipped_after_rebuild(built) == [
        "skipped spans.html: a table of the page spans more than 200,000 cells (its row and column spans would multiply its text)"
    ]


@pytest.mark.parametrize(
    "limit, reason",
    [
        ({"parse_memory_bytes": 16 * 2**20}, "EPUB parsing needed more than 16 MiB of memory (QA_PARSE_MEMORY_BYTES)"),
        (
            {"parse_timeout_s": 0.001},
            "EPUB parsing took longer than 0.001 s (QA_PARSE_TIMEOUT_S); the file may make the parser loop",
        ),
    ],
)
def test_parsing_runs_under_the_pdf_limits_of_memory_and_time(tmp_path, corpus, limit, reason):
    make_epub(corpus / "book.epub")
    with pytest.raises(DocumentError) as refused:
        load_document(corpus / "book.epub", corpus, Settings(corpus_dir=corpus, **limit))
    assert str(refused.value) == reason


def test_a_short_plain_entity_declaration_is_harmless_and_read(tmp_path, corpus):
    page = (
        '<?xml version="1.0"?><!DOCTYPE html [<!ENTITY product "Harbour Lamp">]>'
        "<html><body><h1>Lamps</h1><p>The keeper trims the wick every four hours.</p></body></html>"
    )
    (corpus / "plain.html").write_text(page)
    doc = load_document(corpus / "plain.html", corpus, Settings(corpus_dir=corpus))
    assert doc.text == "Lamps\n\nThe keeper trims the wick every four hours.\n"
