"""A table in a passage is shown as a table; a marked row keeps its mark; cell text stays escaped."""

from __future__ import annotations

from qa.ingest.tables import pipe_table
from ui.render import highlighted

TABLE = pipe_table((("Fuel", "Range"), ("Whale oil", "12 miles"), ("<b>Kerosene</b>", "18 miles")))
TEXT = f"Lamp fuels\n\n{TABLE}\n\nElectric lamps came later."


def test_a_pipe_table_is_drawn_as_a_table_with_its_header_row():
    assert highlighted(TEXT, []) == (
        'Lamp fuels<br><br><table class="qa-table"><tr><th>Fuel</th><th>Range</th></tr>'
        "<tr><td>Whale oil</td><td>12 miles</td></tr><tr><td>&lt;b&gt;Kerosene&lt;/b&gt;</td><td>18 miles</td></tr>"
        "</table><br><br>Electric lamps came later."
    )


def test_the_answer_row_is_marked_and_a_mark_around_the_whole_passage_goes_on_around_the_table():
    row = TEXT.index("| Whale")
    assert '<tr class="qa-answer"><td>Whale oil</td><td>12 miles</td></tr>' in highlighted(TEXT, [(row, row + 24)])
    shown = highlighted(TEXT, [(0, len(TEXT))], mark="qa-here")
    assert shown.startswith('<mark class="qa-here">Lamp fuels<br><br></mark><table class="qa-table"><tr class="qa-here">')
    assert shown.endswith('</table><mark class="qa-here"><br><br>Electric lamps came later.</mark>')
