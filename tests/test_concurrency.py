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
        sentences = [f"In edition {edition}, the {t} in region {d} was studied by team {d * 10 + i}."
                     for i, t in enumerate(TOPICS)]
        (corpus / f"doc{d}.txt").write_text(f"Survey {d}\n\n" + " ".join(sentences) + "\n")


class _SlowBuildEmbedder:
    """The fake embedder, a little slow, so that builds take a while."""

    def __init__(self, inner):
        self.inner = inner

    def embed(self, texts):
        time.sleep(0.05)
        return self.inner.embed(texts)


def test_200_searches_from_8_threads_while_rebuilding(tmp_path, corpus, fake_embedder):
    settings = Settings(corpus_dir=corpus, index_dir=tmp_path / "index", keep_generations=2)
    slow = _SlowBuildEmbedder(fake_embedder)
    assistant = Assistant(settings, embedder=fake_embedder, build_embedder=lambda: slow)  # one, as in the server
    _write_edition(corpus, 1)
    assistant.build_index()

    errors: list[BaseException] = []
    answers: list[tuple[str, set[str]]] = []
    builds: list[str] = []
    searching = threading.Event()
    done = threading.Event()
    lock = threading.Lock()

    def rebuild() -> None:
        edition = 1
        searching.wait(10)
        try:
            while not done.is_set() or len(builds) < 2:
                edition += 1
                _write_edition(corpus, edition)
                builds.append(assistant.build_index(wait=True).generation)
        except BaseException as exc:  # noqa: BLE001 - every failure counts
            errors.append(exc)

    def searcher(seed: int) -> None:
        rnd = random.Random(seed)
        searching.set()
        for j in range(25):
            if j == 20:  # the last searches come after a rebuild has finished, however slow the machine
                deadline = time.monotonic() + 60
                while not builds and not errors and time.monotonic() < deadline:
                    time.sleep(0.01)
            try:
                q = rnd.choice(QUESTIONS)
                if j % 3 == 0:
                    ans = assistant.ask(q, k=rnd.choice([1, 3, 5, 50]))
                    texts = [h.text for h in ans.hits] + [s.text for s in ans.sentences]
                else:
                    texts = [h.text for h in assistant.search(q, k=rnd.choice([1, 3, 5, 50]))]
                assert texts, q
                editions = {e for t in texts for e in re.findall(r"edition (\d+)", t)}
                with lock:
                    answers.append((q, editions))
            except BaseException as exc:  # noqa: BLE001
                errors.append(exc)
            time.sleep(rnd.uniform(0.005, 0.03))

    builder = threading.Thread(target=rebuild)
    threads = [threading.Thread(target=searcher, args=(i,)) for i in range(8)]
    builder.start()
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    done.set()
    builder.join(120)

    assert errors == []
    assert len(answers) == 200
    mixed = [a for a in answers if len(a[1]) != 1]
    assert mixed == []  # every answer came wholly from one generation
    seen = {next(iter(e)) for _, e in answers}
    assert len(seen) >= 2, f"searches did not overlap a rebuild (editions seen: {seen}, builds: {len(builds)})"
    assert len(builds) >= 2
    print(f"{len(builds)} rebuilds; editions seen {sorted(seen)}")


@pytest.mark.model
def test_real_model_queries_from_8_threads_during_a_rebuild(real_index, tmp_path):
    """The real query embedder (ONNX, or the locked sentence-transformers model) shared by 8 threads."""
    copy = tmp_path / "index"
    shutil.copytree(real_index.index_path, copy)
    assistant = Assistant(real_index.with_(index_dir=copy))
    questions = ["How many 5G base stations had China built?", "What is smart justice?",
                 "How much did judges' workload drop?", "What is data governance?"]
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
