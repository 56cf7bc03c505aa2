"""qa.present.reflow: text as shown joins the lines of a paragraph and rejoins hyphenated words; offsets still map."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from qa.ingest.documents import load_document
from qa.present.reflow import reflow, reflowed
from qa.settings import Settings

SPEC_PDF = Path(__file__).resolve().parents[1] / "data" / "heldout" / "shared-mime-info-spec.pdf"


@pytest.mark.parametrize(
    "text, shown",
    [
        ("There is also an optional weight\nattribute which is used", "There is also an optional weight attribute which is used"),
        ("a hyphen-\nated word", "a hyphenated word"),
        ("ends a line   \n   and the next", "ends a line and the next"),
        ("2.2. The source XML files\nEach application provides", "2.2. The source XML files\nEach application provides"),
        (
            "the elements:\n• glob elements\n• magic elements that\nwrap here",
            "the elements:\n• glob elements\n• magic elements that wrap here",
        ),
        ("one paragraph\nwraps.\n\nThe next one\nwraps too.", "one paragraph wraps.\n\nThe next one wraps too."),
        ("| a | b |\n| 1 | 2 |", "| a | b |\n| 1 | 2 |"),
        ("```\ncode line\nmore code\n```", "```\ncode line\nmore code\n```"),
        ("no line break at all", "no line break at all"),
        ("", ""),
    ],
    ids=[
        "wrapped line",
        "hyphenation",
        "spaces around the break",
        "heading line",
        "list items",
        "paragraphs",
        "table",
        "code",
        "single line",
        "empty",
    ],
)
def test_reflowed_text(text, shown):
    assert reflowed(text) == shown


def test_offsets_of_the_original_text_map_onto_the_same_words():
    text = "Intro line\nThe optional weight\nattribute is hyphen-\nated here.\n\n• item one\n• item"
    flow = reflow(text)
    for word in ("Intro line", "optional weight", "weight\nattribute", "attribute", "hyphen-\nated", "here.", "item one", "item"):
        start = text.rindex(word)
        assert flow.text[flow.at(start) : flow.at(start + len(word))] == reflowed(word), word


def test_no_line_break_is_left_inside_a_sentence_of_a_pdf():
    doc = load_document(SPEC_PDF, SPEC_PDF.parent, Settings())
    assert re.search(r"[a-z,;]\n[a-z]", doc.text)  # the raw text has them
    assert re.findall(r".{30}[a-z,;]\n[a-z].{30}", reflowed(doc.text)) == []
