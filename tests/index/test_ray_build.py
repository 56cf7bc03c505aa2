"""Builds through Ray Data on a local cluster: the vectors equal a plain build's, the cache works as before."""

from __future__ import annotations

import numpy as np
import pytest

from qa import Assistant, Settings
from qa.errors import BackendUnavailable
from qa.index import ray_build
from qa.index.store.reader import open_current

ray = pytest.importorskip("ray")

PARAGRAPHS = [
    f"Paragraph {i} is about the {t}. The {t} was studied in {1900 + i} by a team of {i + 3} people."
    for i, t in enumerate(["glacier", "river delta", "salt marsh", "coral reef", "pine forest", "tundra"])
]


@pytest.fixture(scope="module", autouse=True)
def _local_cluster():
    yield
    if ray.is_initialized():
        ray.shutdown()


def _tables(root):
    gen = open_current(root)
    try:
        return (
            [c for c, _ in gen.all_chunks()],
            np.asarray(gen.passages.dense_vectors),
            np.asarray(gen.passages.multi_vectors),
            gen.vocabulary(),
        )
    finally:
        gen.close()


@pytest.mark.model
def test_a_ray_build_gives_a_plain_builds_vectors_and_reuses_its_cache(tmp_path, monkeypatch):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Field notes\n\n" + "\n\n".join(PARAGRAPHS[:3]) + "\n")
    plain = Settings(corpus_dir=corpus, index_dir=tmp_path / "plain")
    rayed = plain.with_(index_dir=tmp_path / "ray")
    sent: list[str] = []
    embed = ray_build.RayEmbedder.embed
    monkeypatch.setattr(ray_build.RayEmbedder, "embed", lambda self, texts: sent.extend(texts) or embed(self, texts))

    Assistant(plain).build_index()
    first = Assistant(rayed).build_index(ray="")  # a local cluster, ray.init(num_cpus=2)
    assert ray.is_initialized() and len(sent) == first.n_embedded + first.n_words > 0
    (corpus / "b.txt").write_text("More notes\n\n" + "\n\n".join(PARAGRAPHS[3:]) + "\n")
    Assistant(plain).build_index()
    sent.clear()
    second = Assistant(rayed).build_index(ray="")

    assert second.added == ("b.txt",) and second.unchanged == ("a.txt",)
    assert len(sent) == second.n_embedded + second.n_words and second.n_embedded < second.n_chunks
    assert all(
        "Paragraph 3" in t or "Paragraph 4" in t or "Paragraph 5" in t or " " not in t for t in sent
    )  # only the new document's passages (and new words) went to the cluster
    chunks, vectors, multi, words = _tables(tmp_path / "ray")
    p_chunks, p_vectors, p_multi, p_words = _tables(tmp_path / "plain")
    assert chunks == p_chunks and sorted(words) == sorted(p_words)
    np.testing.assert_allclose(vectors, p_vectors, atol=1e-6)
    np.testing.assert_allclose(multi, p_multi, atol=1e-6)
    np.testing.assert_allclose(
        np.array([words[w] for w in sorted(words)]), np.array([p_words[w] for w in sorted(words)]), atol=1e-3
    )  # stored as float16
    assert (
        Assistant(rayed).search("Who studied the coral reef?", k=1)[0].text
        == Assistant(plain).search("Who studied the coral reef?", k=1)[0].text
    )


def test_an_unreachable_ray_cluster_is_one_clear_error(tmp_path, monkeypatch):
    monkeypatch.setattr(ray, "is_initialized", lambda: False)

    def refuse(**kwargs):
        raise ConnectionError("could not connect to 10.0.0.1:6379")

    monkeypatch.setattr(ray, "init", refuse)
    with pytest.raises(BackendUnavailable, match=r"the Ray cluster at 10\.0\.0\.1:6379 cannot be reached"):
        ray_build.ensure_ray("10.0.0.1:6379")
