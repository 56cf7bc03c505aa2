"""Hostile and broken OpenDocument files: each is skipped with one sentence naming the file and why, and what was
indexed before still answers (the zip and XML rules of DOCX and EPUB, qa/ingest/markup/safety.py)."""

from __future__ import annotations

import zipfile

import pytest

from qa import Settings
from qa.errors import DocumentError
from qa.ingest.documents import load_document
from support.good_corpus import skipped_after_rebuild
from support.markup_files import EXTERNAL, LAUGHS, bomb_member
from support.odf_files import NS, content, make_odt


def test_a_zip_bomb_and_a_path_that_climbs_out_are_refused(built, corpus):
    odt = make_odt(corpus / "bomb.odt", extra={"Pictures/huge.bin": bomb_member()})
    make_odt(corpus / "climb.odt", extra={"../../outside.xml": "<x/>"})
    info = zipfile.ZipFile(odt).getinfo("Pictures/huge.bin")
    assert skipped_after_rebuild(built) == [
        f"skipped bomb.odt: the ODT archive member 'Pictures/huge.bin' expands {info.file_size // info.compress_size:,} "
        f"times ({info.compress_size:,} bytes to {info.file_size:,}): a decompression bomb",
        "skipped climb.odt: the ODT archive has a member path that climbs out of it ('../../outside.xml')",
    ]


def test_entity_bombs_and_external_entities_are_refused(built, corpus):
    make_odt(corpus / "laughs.odt", content("<text:p>&lol9;</text:p>", prolog=LAUGHS))
    make_odt(corpus / "xxe.odt", content("<text:p>&secret;</text:p>", prolog=EXTERNAL))
    assert skipped_after_rebuild(built) == [
        'skipped laughs.odt: the ODT\'s content.xml declares XML entities that nest or are large (an "entity bomb": '
        "they can expand without bound)",
        "skipped xxe.odt: the ODT's content.xml declares an external XML entity (it would read another file or a URL)",
    ]


def test_broken_encrypted_and_mislabelled_files_are_refused(built, corpus):
    (corpus / "fake.odt").write_text("The harbour master counted ships.")
    make_odt(corpus / "no-content.odt", extra={"content.xml": None})
    make_odt(corpus / "broken.odt", "<office:document-content><office:body>")
    make_odt(
        corpus / "locked.odt",
        extra={
            "META-INF/manifest.xml": '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:'
            'opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path='
            '"content.xml"><manifest:encryption-data/></manifest:file-entry></manifest:manifest>'
        },
    )
    make_odt(
        corpus / "sheet.odt",
        f'<?xml version="1.0"?><office:document-content {NS}><office:body><office:spreadsheet/>'
        "</office:body></office:document-content>",
    )
    make_odt(corpus / "empty.odt", content(""))
    reasons = skipped_after_rebuild(built)
    assert reasons[0] == "skipped broken.odt: the ODT's content.xml is not well-formed XML (" + reasons[0].split(" (", 1)[1]
    assert reasons[1:] == [
        "skipped empty.odt: no text found (the file holds no paragraphs, headings, tables or code)",
        "skipped fake.odt: not an ODT file (it is not a zip archive, as ODT files are)",
        "skipped locked.odt: the ODT is password-protected (its content is encrypted); save a copy without a password",
        "skipped no-content.odt: not an OpenDocument file (the ODT archive has no content.xml)",
        "skipped sheet.odt: the ODT file holds no text (its body is spreadsheet)",
    ]


def test_an_odt_is_parsed_under_the_memory_limit(corpus):
    make_odt(corpus / "d.odt")
    with pytest.raises(DocumentError) as refused:
        load_document(corpus / "d.odt", corpus, Settings(corpus_dir=corpus, pdf_memory_bytes=16 * 2**20))
    assert str(refused.value) == "ODT parsing needed more than 16 MiB of memory (QA_PARSE_MEMORY_BYTES)"
