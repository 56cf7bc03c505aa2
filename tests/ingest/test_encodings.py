"""Encodings as people have them: each decodes to the text its UTF-8 original has, and says what it guessed.

The Chinese files are generated from the real Debian Edu manual (../shared/docs): a GB18030 HTML page without a
charset, a GBK text file and a Big5 text file answer Chinese questions exactly as their UTF-8 originals do.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from conftest import FakeEmbedder
from qa import Assistant, Settings
from qa.ingest.documents import load_document
from qa.ingest.markup.encoding import decode
from support.shared_docs import DOCS, needs_docs

ZH = "第一章 安装\n\n本手册介绍如何安装 Debian Edu 系统。主服务器需要至少两块网卡，默认地址是 10.0.2.2。\n"
ZH_TRADITIONAL = "第一章 安裝\n\n本手冊介紹如何安裝 Debian Edu 系統。主伺服器需要至少兩塊網卡，預設位址是 10.0.2.2。\n"
JA = "第一章 インストール\n\nこのマニュアルではシステムのインストール方法を説明します。\n"


@pytest.mark.parametrize(
    "text, encoded, said",
    [
        (ZH, ZH.encode("gb18030"), "not UTF-8: decoded as GB18030"),
        (ZH, ZH.encode("gbk"), "not UTF-8: decoded as GB18030"),  # GBK text is GB18030 text
        (ZH_TRADITIONAL, ZH_TRADITIONAL.encode("big5"), "not UTF-8: decoded as Big5"),
        (JA, JA.encode("shift_jis"), "not UTF-8: decoded as Shift-JIS"),
        (ZH, ZH.encode("utf-16-le"), "decoded as UTF-16 (little-endian, no byte-order mark)"),
        (ZH, ZH.encode("utf-16-be"), "decoded as UTF-16 (big-endian, no byte-order mark)"),
        (
            "Lamp notes\n\nThe keeper lit the lamp.\n",
            "Lamp notes\n\nThe keeper lit the lamp.\n".encode("utf-16-le"),
            "decoded as UTF-16 (little-endian, no byte-order mark)",
        ),
    ],
)
def test_legacy_and_unmarked_encodings_decode_to_the_original_text(text, encoded, said):
    got = decode(encoded)
    assert (got.text, got.warnings) == (text, (said,))


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16"])  # with a byte-order mark: nothing to guess
def test_a_byte_order_mark_decides(encoding):
    got = decode(ZH.encode(encoding))
    assert (got.text, got.warnings) == (ZH, ())


def test_utf8_with_a_few_bad_bytes_keeps_its_good_text_and_counts_them():
    data = ZH.encode("utf-8").replace("两块".encode(), "两块".encode() + b"\xff") + b"\xe4\xb8"  # a stray and a cut byte pair
    got = decode(data)
    assert got.text == ZH.replace("两块", "两块\ufffd") + "\ufffd"
    assert got.warnings == ("UTF-8 with 3 invalid bytes, each shown as \ufffd; the rest of the text is kept",)


def test_a_utf16_text_file_without_a_mark_is_read_not_refused_as_binary(tmp_path, corpus):
    (corpus / "zh.txt").write_bytes(ZH.encode("utf-16-le"))
    doc = load_document(corpus / "zh.txt", corpus, Settings(corpus_dir=corpus))
    assert doc.text == load_document(_utf8_copy(corpus), corpus, Settings(corpus_dir=corpus)).text
    assert doc.warnings == ("decoded as UTF-16 (little-endian, no byte-order mark)",)


def _utf8_copy(corpus: Path) -> Path:
    (corpus / "zh-utf8.txt").write_text(ZH)
    return corpus / "zh-utf8.txt"


def test_an_html_page_in_gb18030_without_a_charset_reads_as_chinese(tmp_path, corpus):
    page = f"<html><head><title>安装</title></head><body><h1>安装</h1><p>{ZH.splitlines()[2]}</p></body></html>"
    (corpus / "gb.html").write_bytes(page.encode("gb18030"))
    doc = load_document(corpus / "gb.html", corpus, Settings(corpus_dir=corpus))
    assert doc.text == "安装\n\n" + ZH.splitlines()[2] + "\n"
    assert doc.warnings == ("not UTF-8: decoded as GB18030",)


def test_a_utf8_page_with_one_stray_byte_keeps_its_text(tmp_path, corpus):
    page = (
        '<html><head><meta charset="utf-8"><title>安装</title></head><body><p>主服务器需要至少两块网卡。</p>'
        "<p>默认地址是 10.0.2.2。</p></body></html>"
    )
    (corpus / "stray.html").write_bytes(page.encode().replace("网卡".encode(), "网卡".encode() + b"\xa0"))
    doc = load_document(corpus / "stray.html", corpus, Settings(corpus_dir=corpus))
    assert doc.text == "主服务器需要至少两块网卡\ufffd。\n\n默认地址是 10.0.2.2。\n"
    assert doc.warnings == ("UTF-8 with 1 invalid byte, each shown as \ufffd; the rest of the text is kept",)


# --- the real manual, in everyday Chinese encodings ---------------------------------------------------------------

MANUAL = DOCS / "debian-edu-manual.zh-cn.html"
QUESTIONS = DOCS.parent / "eval" / "debian-edu-zh.jsonl"
_DECLARATIONS = re.compile(r"<\?xml[^>]*\?>|<meta[^>]*charset[^>]*>", re.I)


def _manual_text() -> str:
    return load_document(MANUAL, DOCS, Settings(parse_timeout_s=300)).text


def _encodable(text: str, encoding: str) -> str:
    """The paragraphs of text that encoding can hold (Big5 holds no simplified-only characters)."""
    keep = []
    for para in text.split("\n\n"):
        try:
            para.encode(encoding)
        except UnicodeEncodeError:
            continue
        keep.append(para)
    return "\n\n".join(keep)


def _pairs(root: Path) -> dict[str, tuple[bytes, bytes, str]]:
    """name -> (UTF-8 original, the same in a legacy encoding, its file suffix)."""
    page = _DECLARATIONS.sub("", MANUAL.read_text(encoding="utf-8"))  # no charset declared anywhere
    text = _manual_text()
    gbk = _encodable(text, "gbk")
    big5 = _encodable(text, "big5")
    return {
        "gb18030-page": (page.encode("utf-8"), page.encode("gb18030"), ".html"),
        "gbk-text": (gbk.encode("utf-8"), gbk.encode("gbk"), ".txt"),
        "big5-text": (big5.encode("utf-8"), big5.encode("big5"), ".txt"),
    }


def _answers(root: Path, name: str, data: bytes, suffix: str, questions: list[str]) -> list:
    corpus = root / name / "corpus"
    corpus.mkdir(parents=True)
    (corpus / f"manual{suffix}").write_bytes(data)
    fake = FakeEmbedder()
    assistant = Assistant(
        Settings(corpus_dir=corpus, index_dir=root / name / "index"),
        embedder=fake,
        build_embedder=lambda: fake,
        multilingual=FakeEmbedder(),
    )
    report = assistant.build_index()
    assert report.skipped == ()
    # The whole reply of each question (level, sentences, reason, cited hits), as `qa ask --json` prints it.
    return [assistant.ask(q, k=3).to_dict() for q in questions]


@needs_docs
@pytest.mark.parametrize("name", ["gb18030-page", "gbk-text", "big5-text"])
def test_the_manual_in_a_chinese_encoding_answers_as_its_utf8_original(tmp_path, name):
    questions = [json.loads(line)["question"] for line in QUESTIONS.read_text().splitlines()[:12]]
    original, encoded, suffix = _pairs(tmp_path)[name]
    assert len(original.decode("utf-8")) > 20_000  # a real share of the manual, not a few lines
    expected = _answers(tmp_path, "utf8", original, suffix, questions)
    assert all(reply["hits"] for reply in expected) and any(reply["answer"] for reply in expected)
    assert _answers(tmp_path, name, encoded, suffix, questions) == expected
