"""qa.ops.pdf_truth and the eval's PDF columns: contents/index hits and section = outline entry, from the PDF itself."""

from __future__ import annotations

import pytest

from qa.ingest.chunking import Citation
from qa.ops.evaluation import Question, navigation_hits, section_scores
from qa.ops.pdf_truth import pdf_truth, same_section
from qa.retrieve.hits import Hit
from support.shared_docs import DOCS, needs_docs

pytestmark = needs_docs
CNC = "LinuxCNC_Getting_Started_zh_CN.pdf"
Q = Question("cnc-001", "LinuxCNC 最多能同时控制多少个轴？", ("It can simultaneously move up to 9 axes",), "numeric", CNC, 7)


@pytest.fixture(scope="module")
def truth():
    return {CNC: pdf_truth(DOCS / CNC)}


def _hit(rank, text, section, page):
    return Hit(rank, 1.0 / rank, text, Citation(CNC, "Getting Started", section, page, 0, len(text)), str(rank), 0.5, 0.0)


def test_the_entry_holding_an_answer_is_the_last_outline_heading_before_it_on_its_page(truth):
    assert truth[CNC].entry_at(7, Q.answers) == "The Software"
    assert truth[CNC].entry_at(8, ("LinuxCNC is available as ready-to-use packages",)) == "The Operating System"
    assert truth[CNC].entry_at(7, ("words on no page",)) == "About LinuxCNC"  # not found: the page's first entry


def test_a_label_names_the_entry_by_its_last_part_numbered_or_not():
    assert same_section("About LinuxCNC › The Software", "The Software")
    assert same_section("1.1 The Software", "The Software")
    assert not same_section("12 Programming 214", "Programming")
    assert not same_section(None, "The Software")


def test_section_scores_judge_the_passage_that_holds_the_answer(truth):
    good = [
        _hit(1, "nothing here", "About LinuxCNC", 7),
        _hit(2, "It can simultaneously move up to 9 axes and more", "About LinuxCNC › The Software", 7),
    ]
    wrong = [_hit(1, "It can simultaneously move up to 9 axes", "1 Contents 3", 7)]
    assert section_scores([(Q, good), (Q, wrong), (Q, [])], truth) == {"section_match": 0.5, "n_section": 2}


def test_hits_on_contents_and_index_pages_are_counted(truth):
    hits = [_hit(1, "a", None, 3), _hit(2, "b", None, 7), _hit(3, "c", None, 61)]
    assert navigation_hits([hits, hits[1:2]], truth) == 2
