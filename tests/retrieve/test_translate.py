"""Questions across languages for BM25: the question's words with their CC-CEDICT translations."""

from __future__ import annotations

from conftest import FakeEmbedder
from qa import Assistant, Settings
from qa.retrieve import dictionary
from qa.retrieve.translate import translated


def test_the_dictionary_gives_short_senses_both_ways():
    assert dictionary.english("分钟") == ("minute",)
    assert "hexadecimal" in dictionary.english("十六进制")
    assert "默认" in dictionary.chinese("default")
    assert dictionary.english("没有这个词") == ()


def test_a_chinese_question_brings_english_words_and_an_english_one_chinese_words():
    q = "gnuplot 里怎么写十六进制的整数常量？"
    assert translated(q).startswith(q + " ") and {"hexadecimal", "constant"} <= set(translated(q).split())
    assert "默认" in translated("Which desktop is the default?", chinese_passages=True)
    assert translated("Which desktop is the default?", chinese_passages=False) == "Which desktop is the default?"


def test_bm25_finds_an_english_passage_for_a_chinese_question_through_the_translations(tmp_path, corpus):
    (corpus / "en.txt").write_text(
        "Constants beginning with 0x are interpreted as hexadecimal.\n\nThe plot command draws functions and data.\n"
    )
    (corpus / "zh.txt").write_text("灯塔在夜间为船只引航。\n")
    fake = FakeEmbedder()
    a = Assistant(
        Settings(corpus_dir=corpus, index_dir=tmp_path / "index"), embedder=fake, build_embedder=lambda: fake, multilingual=fake
    )
    a.build_index()
    hits = a.search("怎么写十六进制的整数常量？", k=1, mode="bm25")
    assert hits and "hexadecimal" in hits[0].text
