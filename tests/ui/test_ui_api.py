"""The web app's named API endpoints (/search, /ask) through gradio_client, and what the server refuses."""

from __future__ import annotations

import threading
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from gradio_client import Client
from gradio_client.exceptions import AppError

import qa
from conftest import FakeEmbedder
from support.ui_server import running_app

# Gradio's queue trips pandas deprecation warnings that are none of ours.
pytestmark = [
    pytest.mark.filterwarnings("ignore:.*no_silent_downcasting"),
    pytest.mark.filterwarnings("ignore:The copy keyword is deprecated"),
]

DOCS = {
    "alpha.txt": "Alpha Report\n\n1. Bridges\n\nThe alpha project built 42 bridges across the northern valley in 2020. "
    "Each bridge was inspected twice a year by the regional office.\n\n2. Budget\n\n"
    "The budget of the alpha project was 9 million euros, mostly spent on steel.\n",
    "beta.md": "# Beta Notes\n\n## Orchards\n\nThe beta cooperative planted 700 apple trees on the southern slopes. "
    "Harvest volunteers came from three villages.\n",
}


class BlockingEmbedder:
    """Embeds like the fake embedder, but only once released: a rebuild that takes as long as a test wants."""

    def __init__(self, inner: FakeEmbedder) -> None:
        self.inner, self.entered, self.release = inner, threading.Event(), threading.Event()

    def embed(self, texts):
        self.entered.set()
        assert self.release.wait(30)
        return self.inner.embed(texts)


@pytest.fixture(scope="module")
def fake_app(tmp_path_factory):
    """The app over a small corpus indexed with the fake embedder; yields (url, assistant, demo-side handlers)."""
    root = tmp_path_factory.mktemp("ui_api")
    corpus = root / "corpus"
    corpus.mkdir()
    for name, text in DOCS.items():
        (corpus / name).write_text(text)
    embedder = FakeEmbedder()
    builds: list[BlockingEmbedder] = []

    def build_embedder():
        if builds and not builds[-1].release.is_set():
            return builds[-1]
        return embedder

    assistant = qa.Assistant(
        qa.Settings(corpus_dir=corpus, index_dir=root / "index"), embedder=embedder, build_embedder=build_embedder
    )
    assistant.build_index()
    with running_app(assistant) as url:
        yield url, assistant, builds


@pytest.fixture(scope="module")
def client(fake_app) -> Client:
    return Client(fake_app[0], verbose=False)


def test_api_names_search_and_ask(client):
    endpoints = client.view_api(print_info=False, return_format="dict")["named_endpoints"]
    assert {"/search", "/ask"} <= set(endpoints)


def test_ask_returns_the_json_of_qa_ask(client, fake_app):
    _, assistant, _ = fake_app
    got = client.predict("How many bridges did the alpha project build?", 3, None, api_name="/ask")
    assert got == assistant.ask("How many bridges did the alpha project build?", k=3).to_dict()
    assert set(got) >= {"question", "supported", "answer", "hits"}
    top = got["hits"][0]
    assert top["rank"] == 1 and "42 bridges" in top["text"]
    assert top["citation"]["source"] == "alpha.txt" and top["citation"]["section"].endswith("Bridges")
    assert got["answer"] and all({"text", "hit", "start", "end"} <= set(s) for s in got["answer"])


def test_search_returns_ranked_cited_hits(client):
    got = client.predict(question="apple trees planted by the beta cooperative", k=2, api_name="/search")
    hits = got["hits"]
    assert [h["rank"] for h in hits] == [1, 2]
    assert hits[0]["citation"]["source"] == "beta.md" and "700 apple trees" in hits[0]["text"]
    c = hits[0]["citation"]
    assert set(c) == {"source", "title", "section", "page", "page_range", "page_label", "page_range_labels", "start", "end"}
    assert c["end"] > c["start"] and c["page_label"] is None


def test_search_restricted_to_chosen_documents(client):
    got = client.predict(question="apple trees planted by the beta cooperative", k=5, sources=["alpha.txt"], api_name="/search")
    assert got["hits"] and {h["citation"]["source"] for h in got["hits"]} == {"alpha.txt"}


@pytest.mark.parametrize(
    "question, k, message",
    [
        ("x" * 2001, 5, "limit is 2,000"),
        ("   ", 5, "empty"),
        ("bridges", 0, "k must be"),
        ("bridges", 500, "k must be"),
    ],
)
def test_bad_requests_are_refused_with_a_reason(client, question, k, message):
    with pytest.raises(AppError, match=message):
        client.predict(question, k, None, api_name="/ask")


def test_corpus_and_index_files_are_not_served(fake_app):
    url, assistant, _ = fake_app
    secret = Path(assistant.settings.corpus_dir, "alpha.txt").resolve()
    index_file = next(p for p in Path(assistant.settings.index_path).rglob("*") if p.is_file()).resolve()
    for path in (secret, index_file):
        for route in ("/gradio_api/file=", "/file="):
            try:
                with urllib.request.urlopen(f"{url}{route}{path}", timeout=10) as r:
                    body = r.read()
                    assert b"42 bridges" not in body and b"SQLite" not in body, f"{route}{path} was served"
            except urllib.error.HTTPError as exc:
                assert exc.code in (403, 404), exc.code


def test_answers_come_from_the_current_index_while_a_rebuild_runs(client, fake_app):
    url, assistant, builds = fake_app
    corpus = Path(assistant.settings.corpus_dir)
    question = "Which lighthouse keeper logged storms on Quenby Island?"
    before = client.predict(question, 3, None, api_name="/ask")
    assert all(h["citation"]["source"] != "gamma.txt" for h in before["hits"])
    (corpus / "gamma.txt").write_text("Gamma Log\n\nThe lighthouse keeper Mara Ostrander logged 312 storms on Quenby Island.\n")
    blocker = BlockingEmbedder(FakeEmbedder())
    builds.append(blocker)
    result: dict = {}
    worker = threading.Thread(target=lambda: result.update(report=assistant.build_index(None, wait=True)))
    worker.start()
    try:
        assert blocker.entered.wait(30), "the rebuild never reached the embedding step"
        during = client.predict(question, 3, None, api_name="/ask")
        assert during["hits"] and all(h["citation"]["source"] != "gamma.txt" for h in during["hits"])
    finally:
        blocker.release.set()
        worker.join(60)
    assert result["report"].added == ("gamma.txt",)
    after = client.predict(question, 3, None, api_name="/ask")
    assert after["hits"][0]["citation"]["source"] == "gamma.txt"


@pytest.mark.model
def test_ask_idex_over_the_real_index(real_index):
    assistant = qa.Assistant(real_index)
    with running_app(assistant) as url:
        got = Client(url, verbose=False).predict("What is IDex?", 5, None, api_name="/ask")
    assert got == assistant.ask("What is IDex?", k=5).to_dict()
    top = got["hits"][0]
    assert "Beijing International Big Data Exchange" in top["text"]
    assert top["citation"]["section"].startswith("1.3")
