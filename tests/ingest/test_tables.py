"""Tables as text: pipe rows under their header, found in any text, kept whole by chunking, quoted a row at a time."""

from __future__ import annotations

from qa.ingest.chunking import chunk_document, sentence_spans
from qa.ingest.documents import parse_text
from qa.ingest.tables import pipe_table, table_spans, with_header
from qa.settings import Settings

TABLE = pipe_table((("Fuel", "Years", "Range"), ("Whale oil", "1800-1860", "12 miles"), ("Kerosene", "1860-1920", "18 miles")))
TEXT = f"Lamp fuels\n\nThe keeper used three fuels over the years.\n\n{TABLE}\n\nElectric lamps came in 1920.\n"


def test_a_table_is_its_header_row_a_rule_and_its_rows():
    assert TABLE == (
        "| Fuel | Years | Range |\n|---|---|---|\n| Whale oil | 1800-1860 | 12 miles |\n| Kerosene | 1860-1920 | 18 miles |"
    )
    assert pipe_table((("a|b", "c\n d"), ("1", "2"))) == "| a/b | c d |\n|---|---|\n| 1 | 2 |"


def test_tables_are_found_in_text_with_prose_around_them():
    start = TEXT.index("| Fuel")
    assert list(table_spans(TEXT, 0, len(TEXT))) == [(start, start + len(TABLE))]
    assert list(table_spans("a | b | c\nno table | here\n", 0, 25)) == []


def test_each_row_is_a_sentence_of_its_own_and_the_header_is_none():
    spans = [TEXT[a:b] for a, b in sentence_spans(TEXT, 0, len(TEXT))]
    assert spans == [
        "Lamp fuels",
        "The keeper used three fuels over the years.",
        "| Whale oil | 1800-1860 | 12 miles |",
        "| Kerosene | 1860-1920 | 18 miles |",
        "Electric lamps came in 1920.",
    ]
    whole = [TEXT[a:b] for a, b in sentence_spans(TEXT, 0, len(TEXT), tables_whole=True)]
    assert whole[2] == TABLE


def test_a_row_is_quoted_with_its_header():
    row = TEXT.index("| Kerosene")
    assert with_header(TEXT, row, TEXT.index("\n", row)) == "Fuel: Kerosene; Years: 1860-1920; Range: 18 miles"
    prose = TEXT.index("Electric")
    assert with_header(TEXT, prose, prose + 14) == "Electric lamps"


def test_a_markdown_table_stays_in_one_passage_with_its_header():
    doc = parse_text(f"# Lamps\n\n{'The keeper trimmed the wick at night. ' * 12}\n\n{TABLE}\n", "lamps.md", "d1", markdown=True)
    chunks = chunk_document(doc, lambda ts: [len(t.split()) for t in ts], Settings(chunk_tokens=40))
    assert [c.text for c in chunks if "|" in c.text] == [TABLE]


def test_a_table_drawn_inside_a_code_block_stays_code():
    code = "```\n| a | b |\n|---|---|\n| 1 | 2 |\n```"
    doc = parse_text(f"Output\n\nThe tool prints this:\n\n{code}\n", "out.md", "d2", markdown=True)
    assert [doc.text[a:b] for a, b in sentence_spans(doc.text, 0, len(doc.text))][-1] == code
    chunks = chunk_document(doc, lambda ts: [len(t.split()) for t in ts], Settings(chunk_tokens=40))
    assert [c.text for c in chunks] == [f"Output\n\nThe tool prints this:\n\n{code}"]
