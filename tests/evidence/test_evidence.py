"""qa.evidence.page_view via Assistant.page_view: the cited page with the passage marked, cached per generation."""

from __future__ import annotations

import pytest

from qa.errors import PageNotRendered
from support.pdfs import minimal_pdf

SURVEY = [
    [
        "Lighthouse Survey",
        "The Zorblax lighthouse on Quenby Island was painted teal in 1987.",
        "Its keeper logged 312 storms in her first decade there.",
    ],
    ["Second Page", "The lamp was replaced by an electric one in 1952 after a long winter."],
]


@pytest.fixture
def survey(fake_assistant, corpus):
    (corpus / "survey.pdf").write_bytes(minimal_pdf(SURVEY))
    (corpus / "notes.txt").write_text("Notes\n\nThe lamp of the lighthouse burns oil.\n")
    fake_assistant.build_index()
    return fake_assistant


def _hit(assistant, question):
    return next(h for h in assistant.search(question, k=5) if h.citation.source == "survey.pdf")


def test_the_cited_page_is_shown_with_the_passage_text_marked(survey):
    c = _hit(survey, "When was the lamp replaced by an electric one?").citation
    assert c.page == 1  # the passage starts on page 1 and runs onto page 2
    view = survey.page_view(c.source, 2, c.start, c.end)
    assert (view.source, view.page, view.width, view.height) == ("survey.pdf", 2, 612.0, 792.0)
    assert view.png.startswith(b"\x89PNG")
    chars, boxes = view.image.chars, view.image.boxes
    line = chars.index("The lamp")
    first, last = boxes[line], boxes[chars.index("winter.") + 5]
    # the passage on page 2 is the heading line and the sentence below it: one mark per line
    assert len(view.marks) == 2
    mark = view.marks[1]
    assert mark[0] <= first[0] and mark[2] >= last[2] and mark[1] <= first[1] and mark[3] >= first[3]


def test_pages_are_rendered_once_per_generation(survey, corpus):
    c = _hit(survey, "What colour was the Zorblax lighthouse painted?").citation
    first = survey.page_view(c.source, c.page, c.start, c.end)
    assert survey.page_view(c.source, c.page, c.start, c.end).image is first.image
    (corpus / "more.txt").write_text("More\n\nAnother note entirely.\n")
    survey.build_index()
    again = survey.page_view(c.source, c.page, c.start, c.end)
    assert again.image is not first.image and again.image == first.image


@pytest.mark.parametrize(
    "change, source, page, reason",
    [
        (None, "notes.txt", 1, "notes.txt is not a PDF, so it has no pages to show"),
        (None, "survey.pdf", 7, "survey.pdf has no page 7 in the index"),
        (None, "gone.pdf", 1, "gone.pdf is not in the index, so its pages cannot be shown"),
        ("edit", "survey.pdf", 1, "survey.pdf has changed since it was indexed; rebuild the index to see its pages"),
        ("delete", "survey.pdf", 1, "survey.pdf is not in the corpus folder any more, so its page cannot be shown"),
    ],
)
def test_a_page_that_cannot_be_shown_says_why_in_one_sentence(survey, corpus, change, source, page, reason):
    if change == "edit":
        (corpus / "survey.pdf").write_bytes(minimal_pdf([["Something else entirely."]]))
    elif change == "delete":
        (corpus / "survey.pdf").unlink()
    with pytest.raises(PageNotRendered) as err:
        survey.page_view(source, page, 0, 50)
    assert str(err.value) == reason
