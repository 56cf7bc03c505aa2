"""The Chinese verdict: the asked kind found in a sentence of either language, and reasons in the question's language."""

from __future__ import annotations

import numpy as np
import pytest

from qa.answer.chinese_verdict import check, decide, features, holds, holds_kind
from qa.answer.verdict_model import VerdictModel
from qa.retrieve.chinese_shape import chinese_shape
from qa.retrieve.shape import shape

SUDO = "用 sudo 输入一次密码之后，默认多少分钟之内不用再输密码？"


def idf(words):
    return np.ones(len(words))


@pytest.mark.parametrize(
    "question, sentence, held",
    [
        (SUDO, "默认情况下，sudo 会在 15 分钟内记住密码。", True),
        (SUDO, "sudo 会记住密码一段时间。", False),
        (SUDO, "By default sudo remembers the password for 15 minutes.", True),  # the unit through the dictionary
        ("LTSP 服务器需要几个网卡？", "这台计算机需要两个网卡。", True),
        ("安全支持会持续到哪一年？", "安全支持将持续到 2028 年。", True),
        ("安全支持会持续到哪一年？", "安全支持由安全团队负责。", False),
        ("需要安装哪个版本的内核？", "请安装 4.19 内核。", True),
        ("中央备份服务用的是哪些软件？", "中央备份服务使用 sl-backup。", True),
    ],
)
def test_the_sentence_holds_the_kind_of_answer_asked_for(question, sentence, held):
    assert holds_kind(sentence, chinese_shape(question)) is held


def test_an_english_question_counts_a_number_next_to_its_focus_in_a_chinese_sentence():
    asked = shape("How many network cards does an LTSP server need?")
    assert holds_kind("LTSP 服务器在使用缺省网络架构时需要两个网卡", asked)
    assert not holds_kind("LTSP 服务器需要大量的内存", asked)


def test_words_match_across_languages_through_the_dictionary_and_latin_terms_exactly():
    assert holds("十六进制", "Constants beginning with 0x are interpreted as hexadecimal.")
    assert holds("hexadecimal", "以 0x 开头的常量是十六进制的")
    assert holds("sudo", "sudo 会记住密码") and not holds("sudo", "su 会记住密码")


MODEL = VerdictModel(coef=(0, 0, 0, 0, 0, -10, 0, 0), intercept=5.0)  # answered exactly when the kind is there


def _verdict(question, sentence, asked=None):
    asked = asked or chinese_shape(question)
    c = check(asked, sentence, [sentence], idf)
    from qa.text import is_cjk

    return decide(question, asked, c, features(c, 0.5, 0.5, is_cjk(sentence) == is_cjk(question)), is_cjk(sentence), MODEL)


def test_a_chinese_question_gets_its_reason_in_chinese_and_is_told_when_the_passage_is_english():
    v = _verdict(SUDO, "sudo 会记住密码一段时间。")
    assert (v.label, v.reason) == ("partial", "文档提到了“密码”、“sudo”，但没有说明多少分钟、“输入”、“一次”。")
    v = _verdict(SUDO, "sudo remembers the password for a while.")
    assert v.label == "partial" and v.reason.startswith("相关段落是英文的；文档提到了")
    v = _verdict(SUDO, "By default sudo remembers the password for 15 minutes.")
    assert (v.label, v.reason) == ("answered", "答案出自英文段落。")


def test_an_english_question_over_chinese_passages_gets_an_english_reason():
    q = "How many network cards does an LTSP server need?"
    v = _verdict(q, "LTSP 服务器需要大量的内存。", shape(q))
    assert v.label == "partial" and v.reason.startswith("The documents (in Chinese) mention")
    assert "the network cards" in v.reason
