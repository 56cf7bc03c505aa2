"""Questions: the kind of answer a question asks for, its focus, the numbers and names it pins down."""

from __future__ import annotations

import pytest

from qa.retrieve.shape import QuestionShape, shape


@pytest.mark.parametrize(
    "question, kind, focus, anchors",
    [
        (
            "How many data trading institutions did China have in 2015?",
            "quantity",
            ("data", "trading", "institutions"),
            ("2015",),
        ),
        ("How many 5G base stations had China built?", "quantity", ("base", "stations"), ("5g",)),
        ("How many people work at the exchange?", "quantity", ("people",), ()),
        ("By how much did trial efficiency improve?", "quantity", (), ()),
        ("How quickly can the tool judge news?", "quantity", (), ()),
        ("What accuracy does the retrieval achieve?", "quantity", ("accuracy",), ()),
        ("What is the default weight of a glob pattern?", "quantity", ("weight",), ()),
        ("When did the law take effect?", "time", (), ()),
        ("In which year was the licence published?", "time", (), ()),
        ("Who chaired the conference?", "person", (), ()),
        ("In which city was the conference held?", "place", (), ()),
        ("Where can litigation be brought?", "place", (), ()),
        ("Which ministry organized the survey?", "entity", ("ministry",), ()),
        ("Which company manufactured the drones?", "entity", ("company",), ()),
        ("Why does the article mention GitHub?", "description", (), ()),
        ("How is a generic icon name made when no element is given?", "description", (), ()),
        ("What kind of specialists should be trained?", "description", ("specialists",), ()),
        ("What is IDex?", "description", (), ()),
        (
            "Between 2012 and 2022, how many local governments set up portals?",
            "quantity",
            ("local", "governments"),
            ("2012", "2022"),
        ),
    ],
)
def test_shape_reads_kind_focus_and_anchors(question, kind, focus, anchors):
    got = shape(question)
    assert (got.kind, got.focus, got.anchors) == (kind, focus, anchors)


def test_shape_keeps_content_terms_and_names_in_order():
    assert shape("Who is the license steward of the MPL?") == QuestionShape(
        "person", (), (), ("license", "steward", "mpl"), ("mpl",)
    )


@pytest.mark.parametrize("question, factoid", [("How many owls?", True), ("Why do owls hunt?", False)])
def test_factoid(question, factoid):
    assert shape(question).factoid is factoid
