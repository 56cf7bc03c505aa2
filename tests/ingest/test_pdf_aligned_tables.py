"""Tables set without rules in PDFs (qa/ingest/pdf/aligned_tables.py): text in columns becomes rows like a ruled
table's, a wrapped description stays in its row, a bold first row is the header; prose, code, indented lists and
the two columns of a page stay text."""

from __future__ import annotations

from qa.ingest.documents import load_document
from qa.ingest.tables import table_spans, with_header
from qa.settings import Settings
from support.pdf_table_files import placed_pdf
from support.shared_docs import document, needs_docs

L = 13  # points between the lines of one paragraph


def _text(tmp_path, pieces: list[tuple[float, float, str, str]]) -> str:
    (tmp_path / "t.pdf").write_bytes(placed_pdf(pieces))
    return load_document(tmp_path / "t.pdf", tmp_path, Settings()).text


def _options() -> list[tuple[float, float, str, str]]:
    """A two-column option list as Texinfo sets it: a term at 72, its description at 150 beside it or, when the
    term is too wide, on the lines below; a description wraps at 150."""
    return [
        (72, 700, "The lamp keeper's options are these:", "F1"),
        (72, 680, "--trim", "F3"),
        (150, 680, "cut the wick level before lighting.", "F1"),
        (72, 660, "--fuel=OIL", "F3"),
        (150, 660, "burn OIL instead of kerosene; whale oil smokes less but", "F1"),
        (150, 660 - L, "costs more.", "F1"),
        (72, 627, "--log-every-hour-to=FILE", "F3"),
        (150, 627 - L, "write the flame height to FILE each hour.", "F1"),
        (72, 580, "The keeper may combine them.", "F1"),
    ]


def test_a_two_column_list_without_rules_becomes_rows_under_an_empty_header(tmp_path):
    assert _text(tmp_path, _options()) == (
        "The lamp keeper’s options are these:\n\n|  |  |\n|---|---|\n"
        "| --trim | cut the wick level before lighting. |\n"
        "| --fuel=OIL | burn OIL instead of kerosene; whale oil smokes less but costs more. |\n"
        "| --log-every-hour-to=FILE | write the flame height to FILE each hour. |\n\n"
        "The keeper may combine them."
    )


def test_a_row_without_a_header_is_answered_alone(tmp_path):
    text = _text(tmp_path, _options())
    row = "| --fuel=OIL | burn OIL instead of kerosene; whale oil smokes less but costs more. |"
    a = text.index(row)
    assert with_header(text, a, a + len(row)) == "--fuel=OIL; burn OIL instead of kerosene; whale oil smokes less but costs more."


def test_a_bold_first_row_is_the_header_and_a_third_column_its_own(tmp_path):
    pieces = [
        (72, 700, "Fuel", "F2"),
        (200, 700, "Years", "F2"),
        (300, 700, "Range", "F2"),
        (72, 684, "Whale oil", "F1"),
        (200, 684, "1800-1860", "F1"),
        (300, 684, "12 miles", "F1"),
        (72, 668, "Kerosene", "F1"),
        (200, 668, "1860-1920", "F1"),
        (300, 668, "18 miles", "F1"),
    ]
    assert _text(tmp_path, pieces) == (
        "| Fuel | Years | Range |\n|---|---|---|\n| Whale oil | 1800-1860 | 12 miles |\n| Kerosene | 1860-1920 | 18 miles |"
    )


def _terms_alone(top: float) -> list[tuple[float, float, str, str]]:
    """Two options too wide for the term column: each term on its own line, its description at 150 below it."""
    return [
        (72, top, "--log-every-hour-to=FILE", "F3"),
        (150, top - L, "write the flame height to FILE each hour.", "F1"),
        (72, top - 2 * L - 7, "--fuel-from-the-cellar=TANK", "F3"),
        (150, top - 3 * L - 7, "pump the oil up from TANK.", "F1"),
    ]


def test_terms_on_lines_of_their_own_are_rows_at_an_indent_the_document_has_shown(tmp_path):
    pieces = [
        (72, 700, "--trim", "F3"),
        (150, 700, "cut the wick level before lighting.", "F1"),
        (72, 680, "--fuel=OIL", "F3"),
        (150, 680, "burn OIL instead of kerosene.", "F1"),
        (72, 640, "Longer options", "F1"),
        *_terms_alone(610),
    ]
    assert _text(tmp_path, pieces) == (
        "|  |  |\n|---|---|\n| --trim | cut the wick level before lighting. |\n"
        "| --fuel=OIL | burn OIL instead of kerosene. |\n\nLonger options\n\n|  |  |\n|---|---|\n"
        "| --log-every-hour-to=FILE | write the flame height to FILE each hour. |\n"
        "| --fuel-from-the-cellar=TANK | pump the oil up from TANK. |"
    )


def test_terms_on_lines_of_their_own_at_an_indent_not_shown_stay_text(tmp_path):
    # The same lines are also a function's signature over its description: without a table beside them, text.
    assert "|" not in _text(tmp_path, [(72, 700, "Longer options", "F1"), *_terms_alone(670)])


def test_a_justified_prose_paragraph_stays_text(tmp_path):
    # Justified lines: wide spaces here and there, none at one x on consecutive lines.
    lines = [
        "The keeper trims the wick       at dusk and again at midnight,",
        "when the flame has burned down.     A lamp that smokes has",
        "a wick cut unevenly,      and the keeper trims it once more.",
        "Oil is carried up the stairs in the morning.",
    ]
    text = _text(tmp_path, [(72, 700 - L * n, line, "F1") for n, line in enumerate(lines)])
    assert "|" not in text


def test_code_with_aligned_comments_stays_text(tmp_path):
    code = [("int wick;", "/* trimmed length */"), ("char *fuel;", "/* oil or kerosene */"), ("long hours;", "/* burned */")]
    pieces = [(72, 700, "The lamp's state:", "F1")]
    for n, (stmt, comment) in enumerate(code):
        pieces += [(90, 684 - 12 * n, stmt, "F3"), (200, 684 - 12 * n, comment, "F3")]
    assert "|" not in _text(tmp_path, pieces)


def test_a_paragraph_line_over_an_indented_code_block_stays_text(tmp_path):
    pieces = [
        (72, 700, "To trim every lamp on the tower, a keeper", "F1"),
        (72, 700 - L, "runs the following command:", "F1"),
        (130, 700 - 2 * L, "lamp --trim --all", "F3"),
        (130, 700 - 3 * L, "lamp --light --all", "F3"),
        (72, 640, "and then climbs down.", "F1"),
    ]
    assert "|" not in _text(tmp_path, pieces)


def test_a_bulleted_list_stays_text(tmp_path):
    pieces = []
    for n, item in enumerate(["trim the wick,", "fill the oil,", "wipe the glass."]):
        pieces += [(80, 700 - 16 * n, "-", "F1"), (92, 700 - 16 * n, item, "F1")]
    assert "|" not in _text(tmp_path, pieces)


def test_paragraphs_under_run_in_headings_stay_text(tmp_path):
    # A bold heading with its paragraph beside it starts the text where the heading ends: no shared column.
    pieces = []
    for n, (head, width, line) in enumerate(
        [("Wicks", 32, "are trimmed daily."), ("Oil", 18, "is carried up."), ("Glass", 30, "is wiped.")]
    ):
        pieces += [(72, 700 - 30 * n, head, "F2"), (72 + width + 14, 700 - 30 * n, line, "F1")]
    assert "|" not in _text(tmp_path, pieces)


def test_the_two_columns_of_a_page_stay_text(tmp_path):
    left = [f"Left column line {n} tells of the lamp and its keeper" for n in range(8)]
    right = [f"Right column line {n} tells of the ships that passed" for n in range(8)]
    # Read column by column, as a page's two columns are.
    pieces = [(72, 700 - L * n, line, "F1") for n, line in enumerate(left)]
    pieces += [(320, 700 - L * n, line, "F1") for n, line in enumerate(right)]
    assert "|" not in _text(tmp_path, pieces)


@needs_docs
def test_flexs_option_list_becomes_rows_with_the_header_file_option_in_one_row():
    flex = document("flex.pdf")
    rows = [line for a, b in table_spans(flex.text, 0, len(flex.text)) for line in flex.text[a:b].split("\n")[2:]]
    header_file = [r for r in rows if "instructs flex to write a C header to FILE" in r]
    assert header_file == [
        '| ‘--header-file=FILE, %option header-file="FILE"’ | instructs flex to write a C header to FILE. This file '
        "contains function prototypes, extern variables, and types used by the scanner. Only the external API is "
        "exported by the header file. Many macros that are usable from within scanner |"
    ]
    assert flex.page_at(flex.text.index(header_file[0])) == 42
    assert "| ‘-L, --noline, %option noline’ | instructs flex not to generate #line directives." in flex.text
