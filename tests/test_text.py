"""Text: the one idea of a word (words, stems, stop words, content terms), which texts are Chinese, and BM25's terms."""

from __future__ import annotations

import bm25s
import pytest

from qa.index.bm25 import Bm25Index
from qa.text import (
    BM25_STOP_WORDS,
    STOP_WORDS,
    cjk_terms,
    content_terms,
    is_cjk,
    stem,
    terms,
    terms_of,
    tokens,
    word_set,
)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("China's 5G base stations", {"china", "5g", "base", "stations"}),
        ("3.189 million, 58.4%.", {"3.189", "million", "58.4"}),
        ("IDex—the Beijing exchange", {"idex", "the", "beijing", "exchange"}),
        ("run update-mime-database", {"run", "update-mime-database"}),
        ("设置环境变量", {"设置", "环境变量"}),  # Chinese is written without spaces: jieba finds its words
        ("", set()),
    ],
)
def test_words_are_lower_cased_with_numbers_and_compounds_kept_whole(text, expected):
    assert word_set(text) == expected


def test_tokens_keep_case_and_percent_signs_for_the_answer_checks():
    assert tokens("Accuracy rose to 58.4% in 2023.") == ["Accuracy", "rose", "to", "58.4%", "in", "2023"]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("How many base stations?", {"base", "station"}),
        ("Judges' workloads dropped by 30%", {"judg", "workload", "drop", "30"}),
        ("数据治理", {"数据", "治理"}),  # Chinese: jieba's words, not single characters
        ("What is the?", set()),
    ],
)
def test_content_terms_are_stems_of_the_words_that_are_not_stop_words(text, expected):
    assert content_terms(text) == expected


def test_one_stemmer_and_one_stop_list_for_matching_and_for_bm25():
    from bm25s.stopwords import STOPWORDS_EN

    assert BM25_STOP_WORDS == set(STOPWORDS_EN) and BM25_STOP_WORDS < STOP_WORDS
    assert [stem(w) for w in ("owls", "nesting", "workloads")] == terms("owls nesting workloads")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("系统调用的手册页放在手册的第几章节？", True),
        ("MAN_DISABLE_SECCOMP 这个环境变量是干什么的？", True),
        ("--no-subpages 选项有什么用？", True),
        ("How many 5G base stations had China built?", False),
        ("What does 法院 mean in this review?", False),
        ("", False),
    ],
)
def test_a_text_is_chinese_when_its_characters_outnumber_its_latin_words(text, expected):
    assert is_cjk(text) is expected


@pytest.mark.parametrize(
    "text",
    [
        "How many 5G base stations had China built?",
        "Smart justice systems reduced judges' workload by a third, according to the court reports.",
        "the of and",
        "",
    ],
)
def test_english_terms_are_exactly_bm25s_own(text):
    expected = bm25s.tokenize(
        [text], stopwords="en", stemmer=__import__("Stemmer").Stemmer("english").stemWords, return_ids=False, show_progress=False
    )[0]
    assert terms(text) == expected


def test_a_chinese_run_becomes_words_not_one_unmatchable_token():
    # jieba's search mode: the words and, for long words, their parts too ("环境变量" and "环境", "变量").
    assert cjk_terms("终端里显示不出斜体字") == ["终端", "显示", "出", "斜体", "斜体字"]
    assert cjk_terms("显示斜体", style="bigrams") == ["显示", "示斜", "斜体"]


def test_mixed_text_keeps_its_english_terms_and_adds_chinese_words():
    assert terms("设置 MANWIDTH 环境变量") == ["manwidth", "设置", "环境", "变量", "环境变", "环境变量"]


def test_bm25_finds_a_chinese_passage_by_a_word_inside_a_longer_run():
    texts = [
        "如果设置了 $MANWIDTH，它的值将用作手册页格式化时的每行长度。",
        "man 命令结束时返回状态码。",
        "Smart courts reduced the workload.",
    ]
    index = Bm25Index.build(texts)
    _, rows = index.search("格式化的行长度是多少", 3)
    assert rows.tolist()[0] == 0
    assert terms_of(texts)[2] == terms(texts[2])


def test_a_missing_stemmer_is_an_error_naming_it_not_unstemmed_terms(monkeypatch):
    import sys

    from qa import text
    from qa.errors import MissingDependency

    with monkeypatch.context() as patched:
        patched.setitem(sys.modules, "Stemmer", None)  # what an environment without PyStemmer looks like
        text._stemmer.cache_clear()
        try:
            with pytest.raises(MissingDependency, match="PyStemmer is not installed"):
                terms("barn owls nesting")
        finally:
            text._stemmer.cache_clear()
    assert terms("barn owls nesting") == ["barn", "owl", "nest"]
