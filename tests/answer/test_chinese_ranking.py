"""Chinese answer sentences: the question's words, bigrams and anchors found in a sentence, and the ranking."""

from __future__ import annotations

import json

import numpy as np
import pytest

from qa.answer import chinese_ranking as cr
from qa.answer.chinese_ranking import (
    QuestionWords,
    anchor_share,
    bigram_share,
    coverage,
    is_answer_unit,
    sentence_weights,
    weighted_question_words,
)
from qa.ingest.chunking import Citation
from qa.retrieve.hits import Hit
from qa.settings import Settings


def flat_idf(words):
    return np.ones(len(words))


def test_a_question_becomes_its_content_words_its_bigrams_and_its_latin_anchors():
    q = weighted_question_words("如果 MANPAGER 和 PAGER 两个环境变量都设置了，man 用哪一个？", flat_idf)
    # jieba's precise cut (no overlapping parts), function words and single characters dropped.
    assert q.words == ("两个", "环境变量", "设置", "manpag", "pager", "man")
    assert q.anchors == ("manpag", "pager", "man")
    assert q.weights == (1.0,) * 6
    assert {"环境", "境变", "变量"} <= q.bigrams


def test_a_chinese_word_counts_when_the_sentence_holds_it_however_jieba_would_cut_the_sentence():
    q = QuestionWords(("环境变量", "覆盖", "pager"), (2.0, 1.0, 1.0), frozenset(), ("pager",))
    assert coverage(q, "此选项会覆盖 $PAGER 环境变量。") == 1.0
    assert coverage(q, "它的值会用作显示手册页的程序的名称。") == 0.0
    assert coverage(q, "进一步覆盖环境变量。") == 0.75


def test_anchors_are_the_question_s_numbers_and_names_held_by_the_sentence():
    q = weighted_question_words("man 命令结束时返回 16 是什么意思？", flat_idf)
    assert anchor_share(q, "16     至少有一个页面/文件/关键词不存在或不匹配。") == 0.5  # "16", not "man"
    assert anchor_share(q, "3      子进程返回了非零的退出状态码。") == 0.0
    assert anchor_share(weighted_question_words("怎样显示斜体？", flat_idf), "斜体") == 0.0  # no anchors at all


def test_bigram_share_is_the_share_of_the_question_s_character_pairs():
    q = weighted_question_words("显示斜体", flat_idf)
    assert bigram_share(q, "无法显示斜体字") == 1.0
    assert bigram_share(q, "斜体") == pytest.approx(1 / 3)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("16     至少有一个页面/文件/关键词不存在或不匹配。", True),  # a numbered list item that is a sentence
        ("例如，在终端中 man 程序通常无法渲染出斜体。", True),
        ("2.1 环境变量", False),  # a numbered heading
        ("描述", False),  # too short to answer anything
    ],
)
def test_answer_units_are_sentences_not_headings(text, expected):
    assert is_answer_unit(text) is expected


def test_the_fitted_weights_are_read_in_the_features_order_and_the_chunk_size_is_the_setting():
    fitted = json.loads(cr.MODEL_FILE.read_text(encoding="utf-8"))
    assert tuple(fitted["sentence"]["features"]) == cr.SENTENCE_FEATURES
    assert sentence_weights() == tuple(fitted["sentence"]["weights"])
    assert fitted["cjk_chunk_tokens"] == Settings().cjk_chunk_tokens  # the size the fit chose is the default


class WordCount:
    """A stand-in embedder: every text is the same direction, so only the word evidence ranks."""

    def embed(self, texts):
        return np.ones((len(texts), 2)) / np.sqrt(2)


class NoChecks:
    def check(self, *args):
        return None


def hit(rank: int, text: str) -> Hit:
    return Hit(
        rank,
        1.0 / rank,
        text,
        Citation("man-zh.txt", "man", "退出状态", None, 0, len(text)),
        f"c{rank}",
        0.4,
        1.0,
        model="multilingual",
    )


def test_the_sentence_holding_the_question_s_number_and_words_comes_first():
    hits = [
        hit(1, "3      子进程返回了非零的退出状态码。\n\n16     至少有一个页面/文件/关键词不存在或不匹配。"),
        hit(2, "它有许多选项供用户灵活使用。"),
    ]
    ranked = cr.rank_sentences(
        "man 命令结束时返回 16 是什么意思？",
        hits,
        WordCount(),
        np.ones(2) / np.sqrt(2),
        NoChecks(),
        flat_idf,
        weights=(0.0, 1.0, 0.0, 1.0, 0.0),
    )
    # "16" and its word (1 of 6 words, 1 of 2 anchors: 0.67), "返回" (1 of 6: 0.17), nothing asked (0).
    assert [c.text for c in ranked] == [
        "16     至少有一个页面/文件/关键词不存在或不匹配。",
        "3      子进程返回了非零的退出状态码。",
        "它有许多选项供用户灵活使用。",
    ]
    assert ranked[0].hit.rank == 1 and hits[0].text[ranked[0].start : ranked[0].end] == ranked[0].text
