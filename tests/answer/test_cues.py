"""Cues: what a question asks with, and whether a sentence answers in kind."""

from __future__ import annotations

import pytest

from qa.answer.cues import asked, held


@pytest.mark.parametrize(
    "question, cue",
    [
        ("What is the default delay between frames of an animated GIF?", "default"),
        ("Why do transparent fill styles not work with png?", "reason"),
        ("Is there a fixed maximum depth for the stack?", "yes_no"),
        ("Can gnuplot convert my time data to a local time zone?", "yes_no"),
        ("默认的网关地址是什么？", "default"),
        ("为什么安装程序找不到网卡？", "reason"),
        ("安装时可以使用无线网络吗？", "yes_no"),
        ("How far do the whiskers of a boxplot reach?", None),
        ("Which priority should my package have?", None),
    ],
)
def test_a_question_asks_with_at_most_one_cue(question, cue):
    assert asked(question) == cue


@pytest.mark.parametrize(
    "cue, sentence, expected",
    [
        ("default", "The value defaults to 0.5.", True),
        ("default", "By default the whiskers extend to 1.5 times the range.", True),
        ("reason", "Transparent fill styles require the truecolor option because png is palette based.", True),
        ("reason", "Transparent fill styles require the truecolor option.", False),
        ("yes_no", "There is no provision for changing the time zone.", True),
        ("yes_no", "The start condition stack grows dynamically.", False),
        ("yes_no", "安装程序不支持这种网卡。", True),
    ],
)
def test_a_sentence_holds_the_words_that_answer_the_cue(cue, sentence, expected):
    assert held(cue, sentence) is expected
