"""ui.examples: example questions from the documents' own section titles."""

from __future__ import annotations

from ui.examples import questions


def test_examples_are_asked_about_section_titles_in_each_documents_language_taking_turns():
    review = ["1 Introduction", "1.3 Data Governance", "2. Smart Justice", "Contents", "References"]
    manual = ["第 3 章 网络设置", "15.2 其他的用户设定", "目录"]
    assert questions([review, manual]) == [
        "What does the documentation say about Data Governance?", "网络设置是什么？",
        "What does the documentation say about Smart Justice?", "其他的用户设定是什么？"]


def test_headings_that_name_no_subject_give_no_example():
    assert questions([["Index", "Preface", "A", "x" * 3, "The glob files"]]) == [
        "What does the documentation say about glob files?"]
    assert questions([]) == []
