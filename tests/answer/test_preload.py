"""Start-up loading: what a Chinese question needs is loaded in the background when the assistant starts."""

from __future__ import annotations

from conftest import FakeEmbedder
from qa import Assistant, Settings
from qa.answer.preload import STEPS

CHINESE = "灯塔在夜间为船只引航。守塔人每天黄昏点亮灯，灯光可以照到二十海里以外。\n"


def test_a_chinese_question_asked_right_after_start_finds_the_libraries_already_loaded(tmp_path, corpus):
    (corpus / "zh.txt").write_text(CHINESE, encoding="utf-8")
    minilm = FakeEmbedder()
    settings = Settings(corpus_dir=corpus, index_dir=tmp_path / "index")
    Assistant(settings, embedder=minilm, build_embedder=lambda: minilm).build_index()

    started = Assistant(settings, embedder=minilm)  # a new process's assistant, as `qa serve` or `qa ask` makes
    loading = started.preload()
    answer = started.ask("灯光能照多远？")
    assert loading.loaded() == {step: True for step in STEPS}
    assert loading.failed == {}
    assert answer.hits and "灯" in answer.hits[0].text


def test_preload_starts_once_and_an_assistant_never_started_does_not_wait(tmp_path, corpus):
    a = Assistant(Settings(corpus_dir=corpus, index_dir=tmp_path / "index"), embedder=FakeEmbedder())
    assert not a._preload.started
    a._preload.wait()  # returns at once
    first = a.preload()
    assert a.preload() is first and first.started
    first.wait()
    assert first.loaded() == {step: True for step in STEPS}
