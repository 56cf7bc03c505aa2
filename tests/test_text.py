"""Text: which texts are Chinese, and the terms BM25 indexes (English as bm25s makes them, Chinese as words)."""

from __future__ import annotations

import bm25s
import pytest

from qa.bm25 import Bm25Index
from qa.text import cjk_terms, is_cjk, terms, terms_of


@pytest.mark.parametrize("text, expected", [
    ("系统调用的手册页放在手册的第几章节？", True),
    ("MAN_DISABLE_SECCOMP 这个环境变量是干什么的？", True),
    ("--no-subpages 选项有什么用？", True),
    ("How many 5G base stations had China built?", False),
    ("What does 法院 mean in this review?", False),
    ("", False),
])
def test_a_text_is_chinese_when_its_characters_outnumber_its_latin_words(text, expected):
    assert is_cjk(text) is expected


@pytest.mark.parametrize("text", [
    "How many 5G base stations had China built?",
    "Smart justice systems reduced judges' workload by a third, according to the court reports.",
    "the of and",
    "",
])
def test_english_terms_are_exactly_bm25s_own(text):
    expected = bm25s.tokenize([text], stopwords="en", stemmer=__import__("Stemmer").Stemmer("english").stemWords,
                              return_ids=False, show_progress=False)[0]
    assert terms(text) == expected


def test_a_chinese_run_becomes_words_not_one_unmatchable_token():
    # jieba's search mode: the words and, for long words, their parts too ("环境变量" and "环境", "变量").
    assert cjk_terms("终端里显示不出斜体字") == ["终端", "显示", "出", "斜体", "斜体字"]
    assert cjk_terms("显示斜体", style="bigrams") == ["显示", "示斜", "斜体"]


def test_mixed_text_keeps_its_english_terms_and_adds_chinese_words():
    assert terms("设置 MANWIDTH 环境变量") == ["manwidth", "设置", "环境", "变量", "环境变", "环境变量"]


def test_bm25_finds_a_chinese_passage_by_a_word_inside_a_longer_run():
    texts = ["如果设置了 $MANWIDTH，它的值将用作手册页格式化时的每行长度。", "man 命令结束时返回状态码。",
             "Smart courts reduced the workload."]
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
