"""OpenDocument text and presentations: headings from outline levels, tables as rows, lists, code; real Debian manuals."""

from __future__ import annotations

from pathlib import Path

from qa.ingest.documents import load_document
from qa.ingest.markup.blocks import Block
from qa.ingest.markup.odf import read_odp, read_odt
from qa.ingest.readers import SUPPORTED_SUFFIXES
from qa.settings import Settings
from support.odf_files import make_odp, make_odt

REAL = Path(__file__).resolve().parents[1] / "data" / "odt"


def test_outline_levels_make_headings_and_tables_lists_and_code_are_kept(tmp_path):
    title, blocks = read_odt(make_odt(tmp_path / "d.odt").read_bytes())
    assert title == "Lighthouse handbook"
    assert blocks == [
        Block("heading", "Lighthouse handbook", 1),  # two Title paragraphs, one title
        # the generated contents list and the footnote are left out; text:s is its spaces
        Block("heading", "1. Lighthouse keeping", 1, "keeping"),
        Block("para", "The keeper lit the lamp at dusk and trimmed the wick every four hours."),
        Block("para", "Check the oil."),
        Block("para", "Clean the lens."),
        Block("para", "Use a soft cloth."),
        Block("heading", "1.1 Lamp fuels", 2),
        # empty repeated cells and rows (a spreadsheet's tail) are no rows
        Block(
            "table",
            rows=(("Fuel", "Years", "Range"), ("Whale oil", "1800-1860", "12 miles"), ("Kerosene", "1860-1920", "18 miles")),
        ),
        Block("code", "$ lamp --trim\ntrimmed: ok"),
    ]


def test_slides_are_sections_under_their_titles_without_speaker_notes(tmp_path):
    title, blocks = read_odp(make_odp(tmp_path / "s.odp").read_bytes())
    assert title == "Lighthouse handbook"
    assert blocks == [
        Block("heading", "Harbour lights", 1),
        Block("para", "Forty-one ships came in the spring."),
        Block("heading", "The quay", 1),
        Block("para", "Rebuilt in stone after the storm of 1881."),
    ]


def test_an_odt_indexes_as_text_with_sections_and_a_pipe_table(tmp_path):
    doc = load_document(make_odt(tmp_path / "d.odt"), tmp_path, Settings())
    assert ".odt" in SUPPORTED_SUFFIXES and ".odp" in SUPPORTED_SUFFIXES
    assert doc.text == (
        "Lighthouse handbook\n\n1. Lighthouse keeping\n\n"
        "The keeper lit the lamp at dusk and trimmed the wick every four hours.\n\n"
        "Check the oil.\n\nClean the lens.\n\nUse a soft cloth.\n\n1.1 Lamp fuels\n\n"
        "| Fuel | Years | Range |\n|---|---|---|\n| Whale oil | 1800-1860 | 12 miles |\n"
        "| Kerosene | 1860-1920 | 18 miles |\n\n```\n$ lamp --trim\ntrimmed: ok\n```\n"
    )
    assert [(s.title, s.level, doc.text[s.start : s.end].count("\n\n")) for s in doc.sections] == [
        ("Lighthouse handbook", 1, 1),
        ("1. Lighthouse keeping", 1, 7),
        ("1.1 Lamp fuels", 2, 2),
    ]


def test_the_odfpy_manual_from_python_odf_doc_indexes_with_its_chapters_as_sections():
    doc = load_document(REAL / "api-for-odfpy.odt", REAL, Settings())
    assert doc.title == "Application Programmer's Interface for ODFPY"  # meta.xml's dc:title
    chapters = [s.title for s in doc.sections if s.level == 1]
    assert chapters == [
        "Application Programmer's Interface for ODFPY 0.9.1",
        "Introduction",
        "Creating a document",
        "The OpenDocument classes",
        "Special attributes",
        "The Element classes",
        "Convenience modules",
        "Examples",
    ]
    assert next(s for s in doc.sections if s.title == "Examples").end == len(doc.text)
    assert len([s for s in doc.sections if s.level == 3]) == 540  # one for each element class
    assert "Contents" not in doc.text[:2000]  # the generated table of contents is left out
    example = next(s for s in doc.sections if s.title == "Example")
    assert "textdoc = OpenDocumentText()" in doc.text[example.start : example.end]


def test_the_live_manual_from_live_manual_odf_indexes_its_chapters_and_commands():
    doc = load_document(REAL / "live-manual.en.odt", REAL, Settings())
    assert doc.title == "Live Systems Manual"
    section = next(s for s in doc.sections if s.title.startswith("1.4.1 Applying changes"))
    body = doc.text[section.start : section.end]
    assert "```\n# apt-get install make po4a ruby ruby-nokogiri sisu-complete\n```" in body  # its P_code style
    assert len([s for s in doc.sections if s.level == 4]) == 38  # the numbered chapters
