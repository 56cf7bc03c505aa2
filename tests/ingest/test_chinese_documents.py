"""Chinese documents: wrapped lines joined, headings found from layout, sentences at 。！？；, chunks in tokens."""

from __future__ import annotations

from pathlib import Path

import pytest

from qa.embed.embeddings import load_tokenizer
from qa.embed.multilingual import chinese_aware_counter
from qa.ingest.chunking import chunk_document, sentence_spans, tokenizer_counter
from qa.ingest.documents import load_document, parse_text
from qa.ingest.headings import chinese_headings
from qa.ingest.language import is_chinese
from qa.ingest.text_repair import clean
from qa.settings import Settings

ZH = Path(__file__).resolve().parents[1] / "data" / "zh"
MAN_PAGE = """MAN(1)            手册分页显示工具            MAN(1)

名称
       man - 系统参考手册的接口

描述
       man  是系统的手册分页程序。指定给 man 的页选项通常是程序、工具或函数
       名。程序将显示每一个找到的相关手册页。

选项
   常规选项
       -C 文件, --config-file=文件
              使用此用户配置文件代替默认的 ~/.manpath。
"""
TUTOR = """欢迎阅读本教程。

\t\t\t第一讲第一节：移动光标


\t     ** 要移动光标，请依照说明分别按下 h、j、k、l 键。 **

\t\t\t第一讲小结

  1. 光标在屏幕文本中的移动既可以用箭头键，也可以使用 hjkl 字母键。
"""


def test_a_line_wrapped_inside_chinese_is_joined_without_a_space():
    assert clean("       工具或函数\n       名。程序").text == "工具或函数名。程序"


def test_a_heading_above_its_indented_body_is_not_joined_to_it():
    assert clean("选项\n   常规选项\n       -C 文件").text == "选项\n常规选项\n-C 文件"


@pytest.mark.parametrize(
    "raw, titles",
    [
        (MAN_PAGE, ["名称", "描述", "选项", "常规选项"]),
        (TUTOR, ["第一讲第一节：移动光标", "第一讲小结"]),
    ],
    ids=["manual page", "numbered lessons"],
)
def test_chinese_headings_come_from_layout(raw, titles):
    assert [raw[a:b] for a, b, _ in chinese_headings(raw)] == titles


def test_a_manual_page_gets_nested_sections_with_their_clean_spans():
    doc = parse_text(MAN_PAGE, "man.txt", "id")
    assert [(s.title, s.level) for s in doc.sections] == [("名称", 1), ("描述", 1), ("选项", 1), ("常规选项", 2)]
    assert all(doc.text[s.start : s.start + len(s.title)] == s.title for s in doc.sections)


def test_english_text_is_not_chinese_and_keeps_its_sections():
    text = "Results\n       The method works well on every test set we tried.\n"
    assert not is_chinese(text)
    assert parse_text(text, "a.txt", "id").sections == ()


@pytest.mark.parametrize(
    "text, sentences",
    [
        ("程序成功执行。操作出错！真的吗？是的；结束", ["程序成功执行。", "操作出错！", "真的吗？", "是的；", "结束"]),
        ("He left. 然后他回来了。", ["He left.", "然后他回来了。"]),
    ],
    ids=["chinese marks", "mixed"],
)
def test_sentences_end_at_chinese_and_english_marks(text, sentences):
    assert [text[a:b] for a, b in sentence_spans(text, 0, len(text))] == sentences


def test_chinese_chunks_are_exact_spans_sized_in_the_multilingual_models_tokens():
    settings = Settings()
    doc = load_document(ZH / "man-zh.txt", ZH, settings)
    count = chinese_aware_counter(tokenizer_counter(load_tokenizer(max_tokens=None)))
    chunks = chunk_document(doc, count, settings)
    assert all(doc.text[c.start : c.end] == c.text for c in chunks)
    assert max(c.n_tokens for c in chunks) <= settings.max_chunk_tokens
    assert max(len(c.text) for c in chunks) <= settings.max_chunk_chars
    assert {c.section for c in chunks} >= {"描述", "环境", "退出状态", "常规选项"}
    # Sized to the Chinese target, not the English one: the median chunk is well over 128 tokens.
    assert sorted(c.n_tokens for c in chunks)[len(chunks) // 2] > settings.chunk_tokens
