"""Ruled tables in PDFs: found from the drawn rules and character boxes, laid out as rows under their header row
like HTML and DOCX tables; frames of one column and unruled text stay text."""

from __future__ import annotations

import pytest

from qa.ingest.documents import load_document
from qa.ingest.markup.html import read_html
from qa.settings import Settings
from support.pdf_table_files import ruled_pdf
from support.shared_docs import DOCS, document, needs_docs

FUELS = [
    [["Fuel"], ["Years"], ["Range"]],
    [["Whale oil"], ["1800-1860"], ["12 miles"]],
    [["Kerosene"], ["1860-1920"], ["18 miles,", "in clear air"]],
]


def _text(tmp_path, pdf: bytes) -> str:
    (tmp_path / "t.pdf").write_bytes(pdf)
    return load_document(tmp_path / "t.pdf", tmp_path, Settings()).text


def test_a_ruled_table_becomes_rows_under_its_header_and_a_wrapped_cell_one_cell(tmp_path):
    pdf = ruled_pdf(["Lamp fuels", "The keeper chose the fuel by its range."], FUELS, ["Kerosene was cheaper than whale oil."])
    assert _text(tmp_path, pdf) == (
        "Lamp fuels\nThe keeper chose the fuel by its range.\n\n"
        "| Fuel | Years | Range |\n|---|---|---|\n| Whale oil | 1800-1860 | 12 miles |\n"
        "| Kerosene | 1860-1920 | 18 miles, in clear air |\n\nKerosene was cheaper than whale oil."
    )


def test_lines_set_without_rules_inside_a_ruled_table_are_rows_of_their_own(tmp_path):
    rows = [
        [["Key"], ["Action"]],
        [["^B", "^F", "^K"], ["move back a character.", "move forward a character.", "delete to the end of line."]],
    ]
    pdf = ruled_pdf(["Keys"], rows, ["End."], columns=[72.0, 150.0], ruled_rows=False)
    assert _text(tmp_path, pdf) == (
        "Keys\n\n| Key | Action |\n|---|---|\n| ^B | move back a character. |\n"
        "| ^F | move forward a character. |\n| ^K | delete to the end of line. |\n\nEnd."
    )


def test_a_frame_of_one_column_around_code_is_no_table(tmp_path):
    pdf = ruled_pdf(["Example"], [[["$ lamp --trim"]], [["trimmed: ok"]]], ["Done."], columns=[72.0])
    assert _text(tmp_path, pdf) == "Example\n$ lamp --trim\ntrimmed: ok\nDone."


@needs_docs
def test_the_debian_edu_pdfs_service_table_is_the_html_editions_table():
    pdf = document("debian-edu-manual.zh-cn.pdf")
    _, html = read_html((DOCS / "debian-edu-manual.zh-cn.html").read_bytes())
    from qa.ingest.tables import cells, table_spans

    tables = [pdf.text[a:b] for a, b in table_spans(pdf.text, 0, len(pdf.text))]
    rows = [tuple(cells(line)) for t in tables for n, line in enumerate(t.split("\n")) if n != 1]
    expected = [r for b in html if b.kind == "table" for r in b.rows]
    # One cell differs by a space only: the PDF sets "Web 上的 Status 与历史", the HTML "Web 上的Status与历史".
    assert [tuple(c.replace(" ", "") for c in r) for r in rows] == [tuple(c.replace(" ", "") for c in r) for r in expected]
    assert {pdf.page_at(pdf.text.index(t)) for t in tables} == {9}
    assert "| 中央备份 | sl-backup，slbackup-php | backup |" in tables[1]


@needs_docs
@pytest.mark.slow
def test_gnuplots_editing_keys_and_linuxcncs_apt_sources_are_rows():
    gnuplot = document("gnuplot.pdf")
    assert "| ^K | delete from current position to the end of line. |" in gnuplot.text
    assert gnuplot.text.count("| Character | Function |") == 3  # 20 rows in pieces, each under the header again
    cnc = document("LinuxCNC_Getting_Started_zh_CN.pdf")
    assert "| Debian Jessie - preempt | deb https://linuxcnc.org jessie base 2.8-rtpreempt |" in cnc.text
