"""Code and examples: literal blocks keep their lines, are one unit, and are recognised with questions asking for them."""

from __future__ import annotations

import pytest

from qa.ingest.chunking import sentence_spans
from qa.ingest.code_blocks import asks_for_code, code_spans, fence, is_code

CODE = fence("$ echo ${array[@]:7}\n7 8 9 0 a b c\n$ echo Done. Next.")
TEXT = f"Slices\n\nAn array slice starts at an offset. It runs to the end.\n\n{CODE}\n\nThat prints the tail.\n"


def test_a_literal_block_is_fenced_and_found_again():
    assert CODE == "```\n$ echo ${array[@]:7}\n7 8 9 0 a b c\n$ echo Done. Next.\n```"
    assert fence("x = '```'") == "````\nx = '```'\n````"
    start = TEXT.index("```")
    assert list(code_spans(TEXT, 0, len(TEXT))) == [(start, start + len(CODE))]


def test_a_code_block_is_one_unit_with_its_lines_never_cut_at_its_full_stops():
    assert [TEXT[a:b] for a, b in sentence_spans(TEXT, 0, len(TEXT))] == [
        "Slices",
        "An array slice starts at an offset.",
        "It runs to the end.",
        CODE,
        "That prints the tail.",
    ]


def test_a_shell_session_in_plain_text_is_one_unit():
    text = "Run it:\n\n$ make test. It passes.\nok 12 tests\n\nDone.\n"
    assert [text[a:b] for a, b in sentence_spans(text, 0, len(text))] == [
        "Run it:",
        "$ make test. It passes.\nok 12 tests",
        "Done.",
    ]


@pytest.mark.parametrize(
    "text, code",
    [
        (CODE, True),
        ("$ ls -l /etc", True),
        ("root@tjener:~# apt update", True),
        ("The cost was $ 5 million.", False),
        ("The cost rose.", False),
        ("# Installation", False),
        ("> a quoted line", False),
    ],
)
def test_code_is_a_fenced_block_or_a_prompt_line(text, code):
    assert is_code(text) is code


@pytest.mark.parametrize(
    "question, asks",
    [
        ("Which command lists block devices?", True),
        ("Give an example of a slice.", True),
        ("运行 ldapvi 的命令是什么？", True),
        ("主服务器上运行哪些服务？", False),
        ("用什么命令升级？", True),
        ("What does the keeper trim?", False),
        ("主服务器的默认 IP 地址是什么？", False),
    ],
)
def test_questions_that_ask_for_a_command_or_an_example(question, asks):
    assert asks_for_code(question) is asks
