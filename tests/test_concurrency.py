"""Concurrency: searches keep answering while rebuilds run, each answer wholly from one generation."""

from __future__ import annotations

import random
import re
import shutil
import threading
import time

import pytest

from qa import Assistant, Settings

TOPICS = ["glacier", "river delta", "salt marsh", "coral reef", "pine forest", "tundra", "mangrove", "savanna"]
QUESTIONS = [f"What did edition notes say about the {t}?" for t in TOPICS] + ["Which team studied it?"]


def _write_edition(corpus, edition: int) -> None:
    """Every sentence of every document names the edition, so an answer shows which generation it came from."""
    for d in range(4):
        sentences = [
            f"In edition {edition}, the {t} in region {d} was studied by team {d * 10 + i}." for i, t in enumerate(TOPICS)
        ]
        (corpus / f"doc{d}.txt").write_text(f"Survey {d}\n\n" + " ".join(sentences) + "\n")


class _SlowBuildEmbedder:
    """The fake embedder, a little slow, so that builds take a while."""

    def __init__(self, inner):
        self.inner = inner

    def embed(self, texts):
        time.sleep(0.05)
        return self.inner.embed(texts)


class _Trial:
    """One rebuilding thread and searching threads over one assistant, recording what each saw."""

    def __init__(self, assistant, corpus):
        self.assistant, self.corpus = assistant, corpus
        self.errors: list[BaseException] = []
        self.answers: list[tuple[str, set[str]]] = []
        self.builds: list[str] = []
        self.searching = threading.Event()
        self.done = threading.Event()
        self.lock = threading.Lock()

    def rebuild(self) -> None:
        edition = 1
        self.searching.wait(10)
        try:
            while not self.done.is_set() or len(self.builds) < 2:
                edition += 1
                _write_edition(self.corpus, edition)
                self.builds.append(self.assistant.build_index(wait=True).generation)
        except BaseException as exc:  # noqa: BLE001 - every failure counts
            self.errors.append(exc)

    def texts(self, q: str, rnd: random.Random, j: int) -> list[str]:
        k = rnd.choice([1, 3, 5, 50])
        if j % 3 == 0:
            ans = self.assistant.ask(q, k=k)
            return [h.text for h in ans.hits] + [s.text for s in ans.sentences]
        return [h.text for h in self.assistant.search(q, k=k)]

    def wait_for_a_build(self) -> None:
        deadline = time.monotonic() + 60
        while not self.builds and not self.errors and time.monotonic() < deadline:
            time.sleep(0.01)

    def searcher(self, seed: int) -> None:
        rnd = random.Random(seed)
        self.searching.set()
        for j in range(25):
            if j == 20:  # the last searches come after a rebuild has finished, however slow the machine
                self.wait_for_a_build()
            try:
                q = rnd.choice(QUESTIONS)
                texts = self.texts(q, rnd, j)
                assert texts, q
                editions = {e for t in texts for e in re.findall(r"edition (\d+)", t)}
                with self.lock:
                    self.answers.append((q, editions))
            except BaseException as exc:  # noqa: BLE001
                self.errors.append(exc)
            time.sleep(rnd.uniform(0.005, 0.03))

    def run(self, searchers: int) -> None:
        builder = threading.Thread(target=self.rebuild)
        threads = [threading.Thread(target=self.searcher, args=(i,)) for i in range(searchers)]
        builder.start()
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        self.done.set()
        builder.join(120)


def test_200_searches_from_8_threads_while_rebuilding(tmp_path, corpus, fake_embedder):
    settings = Settings(corpus_dir=corpus, index_dir=tmp_path / "index", keep_generations=2)
    slow = _SlowBuildEmbedder(fake_embedder)
    assistant = Assistant(settings, embedder=fake_embedder, build_embedder=lambda: slow)  # one, as in the server
    _write_edition(corpus, 1)
    assistant.build_index()

    trial = _Trial(assistant, corpus)
    trial.run(searchers=8)

    assert trial.errors == []
    assert len(trial.answers) == 200
    mixed = [a for a in trial.answers if len(a[1]) != 1]
    assert mixed == []  # every answer came wholly from one generation
    seen = {next(iter(e)) for _, e in trial.answers}
    assert len(seen) >= 2, f"searches did not overlap a rebuild (editions seen: {seen}, builds: {len(trial.builds)})"
    assert len(trial.builds) >= 2


@pytest.mark.model
def test_real_model_queries_from_8_threads_during_a_rebuild(real_index, tmp_path):
    """The real query embedder (ONNX, or the locked sentence-transformers model) shared by 8 threads."""
    copy = tmp_path / "index"
    shutil.copytree(real_index.index_path, copy)
    assistant = Assistant(real_index.with_(index_dir=copy))
    questions = [
        "How many 5G base stations had China built?",
        "What is smart justice?",
        "How much did judges' workload drop?",
        "What is data governance?",
    ]
    before = assistant.status().generation
    errors: list[BaseException] = []
    results: list[str] = []

    def searcher(i: int) -> None:
        for j in range(5):
            try:
                hits = assistant.search(questions[(i + j) % len(questions)], k=3)
                assert len(hits) == 3
                results.append(hits[0].citation.source)
            except BaseException as exc:  # noqa: BLE001
                errors.append(exc)

    threads = [threading.Thread(target=searcher, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    report = assistant.build_index(wait=True)  # nothing changed: a new generation, nothing embedded
    for t in threads:
        t.join(300)
    assert errors == [] and len(results) == 40
    assert report.n_embedded == 0 and assistant.status().generation == report.generation != before
