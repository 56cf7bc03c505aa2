"""Bad questions: each gets a clear message or a sensible result, never a crash."""

from __future__ import annotations

import pytest

from qa.errors import InvalidQuestion, InvalidSetting

NOTES = (
    "Mill notes\n\nThe windmill ground {n} sacks of flour each week. The miller sold the flour at the "
    "Saturday market. In winter the sails were taken down for repairs.\n"
)


@pytest.fixture
def indexed(fake_assistant, corpus):
    for n in range(3):
        (corpus / f"mill{n}.txt").write_text(NOTES.format(n=10 + n).replace("windmill", f"windmill number {n}"))
    fake_assistant.build_index()
    return fake_assistant


@pytest.mark.parametrize(
    "question, message",
    [
        ("", "the question is empty"),
        ("   \n\t  ", "the question is empty"),
        ("\x00\x07\x1b\u200b\u2028", "the question is empty"),
        ("flour " * 20_000, "119,999 characters long; the limit is 2,000"),
        ("x" * 100_000, "100,000 characters long; the limit is 2,000"),
        (None, "must be text, not NoneType"),
        (b"bytes?", "must be text, not bytes"),
    ],
)
def test_unusable_questions_are_refused_with_a_message(indexed, question, message):
    for call in (indexed.search, indexed.ask):
        with pytest.raises(InvalidQuestion, match=message):
            call(question)


@pytest.mark.parametrize(
    "question",
    [
        "\x00How many\x07 sacks\x1b[31m of flour?\r\n",
        "How many sacks of flour?\ud800",  # a lone surrogate, as invalid UTF-8 arrives from argv
        "How\u200b many\u2028sacks of flour?",
    ],
)
def test_control_characters_are_dropped_and_the_question_answered(indexed, question):
    hits = indexed.search(question, k=3)
    assert hits and "flour" in hits[0].text
    assert indexed.ask(question).hits


def test_k_larger_than_the_index_returns_what_there_is(indexed):
    n = indexed.status().chunks
    assert n + 1 < indexed.settings.max_k
    for k in (n, n + 1, indexed.settings.max_k):
        hits = indexed.search("flour", k=k)
        assert 1 <= len(hits) <= n and [h.rank for h in hits] == list(range(1, len(hits) + 1))
        assert len(indexed.ask("flour", k=k).hits) == len(hits)


@pytest.mark.parametrize("k", [0, -1, 2.5, "5", None, True, 51, 10**12])
def test_invalid_k_is_a_clear_message(indexed, k):
    for call in (indexed.search, indexed.ask):
        with pytest.raises(InvalidSetting, match="k must be a whole number from 1 to 50$"):
            call("flour", k=k)


def test_a_question_of_only_unknown_words_is_a_sensible_empty_answer(indexed):
    ans = indexed.ask("zxqv plorf grindlewhack?")
    assert ans.supported is False
