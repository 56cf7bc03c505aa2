"""ui.examples: example questions from the documents' own section titles, in the page's language."""

from __future__ import annotations

from ui.examples import questions

REVIEW = ["1 Introduction", "1.3 Data Governance", "2. Smart Justice", "Contents", "References"]
MANUAL = ["第 3 章 网络设置", "15.2 其他的用户设定", "目录"]


def test_an_english_page_asks_about_english_sections_first_and_chinese_ones_only_to_fill_its_places():
    assert questions([REVIEW, MANUAL]) == [
        "What does the documentation say about Data Governance?",
        "What does the documentation say about Smart Justice?",
        "What does the documentation say about 网络设置?",
        "What does the documentation say about 其他的用户设定?",
    ]
    assert questions([REVIEW, MANUAL], limit=2) == [
        "What does the documentation say about Data Governance?",
        "What does the documentation say about Smart Justice?",
    ]


def test_a_chinese_page_asks_in_chinese_about_chinese_sections_first():
    assert questions([REVIEW, MANUAL], lang="zh") == [
        "文档中关于“网络设置”是怎么说的？",
        "文档中关于“其他的用户设定”是怎么说的？",
        "文档中关于“Data Governance”是怎么说的？",
        "文档中关于“Smart Justice”是怎么说的？",
    ]


def test_headings_that_name_no_subject_give_no_example():
    assert questions([["Index", "Preface", "A", "x" * 3, "The glob files"]]) == [
        "What does the documentation say about glob files?"
    ]
    assert questions([]) == []
