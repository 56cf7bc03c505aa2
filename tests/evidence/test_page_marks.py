"""qa.evidence.page_marks: the page characters that spell a passage, and one box per line around them."""

from __future__ import annotations

import pytest

from qa.evidence.page_marks import line_boxes, matched_chars, passage_boxes


def _boxes(lines: list[str]) -> tuple[str, list[tuple[float, float, float, float]]]:
    """Page characters laid out like pdfium's: 6 pt per character, 14 pt per line, CRLF between lines."""
    chars, boxes = "", []
    for row, line in enumerate(lines):
        top = 720 - 14 * row
        for col, ch in enumerate(line):
            chars += ch
            boxes.append((72 + 6 * col, top - 10, 78 + 6 * col, top) if ch != " " else (0, 0, 0, 0))
        if row < len(lines) - 1:
            chars += "\r\n"
            boxes += [(0, 0, 0, 0)] * 2
    return chars, boxes


PAGE = [
    "Header of the page",
    "There is also an optional weight",
    "attribute which is used when",
    "resolving conflicts.",
    "Footer line",
]


@pytest.mark.parametrize(
    "passage",
    [
        "There is also an optional weight attribute which is used when resolving conflicts.",
        "There is also an optional weight\nattribute which is used when resolving conflicts.",
        "THERE IS ALSO an optional weight attri-\nbute which is used when resolving conflicts",
    ],
    ids=["reflowed", "raw lines", "case and hyphen"],
)
def test_the_passage_is_marked_line_by_line(passage):
    chars, boxes = _boxes(PAGE)
    assert passage_boxes(chars, boxes, passage) == (
        (72, 696, 72 + 6 * len(PAGE[1]), 706),
        (72, 682, 72 + 6 * len(PAGE[2]), 692),
        (72, 668, 72 + 6 * (len(PAGE[3]) - 1), 678),  # the full stop is not a letter: the mark ends before it
    )


def test_a_passage_that_runs_onto_the_next_page_marks_the_part_on_this_one():
    chars, boxes = _boxes(PAGE[:3])
    marks = passage_boxes(
        chars,
        boxes,
        "There is also an optional weight attribute which is used when resolving "
        "conflicts with other glob rules found on the following page of the spec.",
    )
    assert marks == ((72, 696, 72 + 6 * len(PAGE[1]), 706), (72, 682, 72 + 6 * len(PAGE[2]), 692))


def test_text_the_page_does_not_hold_marks_nothing():
    chars, boxes = _boxes(PAGE)
    assert matched_chars(chars, "Completely different words about lighthouses and storms.") == []
    assert passage_boxes(chars, boxes, "") == ()


def test_ligatures_match_their_letters():
    chars, boxes = _boxes(["the ﬁle is ﬂagged"])
    assert matched_chars(chars, "the file is flagged") == list(range(len("the ﬁle is ﬂagged")))


def test_line_boxes_skip_characters_without_a_box():
    assert line_boxes([0, 1, 2], [(0, 0, 0, 0), (10, 10, 15, 20), (15, 10, 20, 20)]) == ((10, 10, 20, 20),)
