"""Embeddings: the ONNX query path matches sentence-transformers; a missing or bad export falls back; the query
cache changes no vector and can be switched off."""

from __future__ import annotations

import json
import shutil
import warnings

import numpy as np
import pytest

from qa import Assistant
from qa.embed.embeddings import MAX_SEQ_TOKENS, SentenceTransformerEmbedder, load_tokenizer, model_hash
from qa.embed.onnx import MAX_BATCH_TOKENS, OnnxEmbedder, onnx_path_for, weights_name
from qa.embed.passages import Export
from qa.embed.query import CachedEmbedder, query_embedder

LONG = " ".join(f"Sentence {i} says that data governance in county {i} relies on shared platforms." for i in range(40))
TEXTS = [
    "What is IDex?",
    "How many 5G base stations had China built by September 2023?",
    "智慧法院 reduced judges' workload — by 33%, according to [12].",
    "e",
    LONG,
]


@pytest.fixture(scope="module")
def onnx_file(real_index):
    path = onnx_path_for(real_index.index_path, model_hash())
    assert path.is_file(), "building the real index exports the model to ONNX"
    return path


@pytest.fixture(scope="module")
def reference():
    return SentenceTransformerEmbedder()


def test_long_text_is_longer_than_the_model_limit():
    assert len(load_tokenizer(max_tokens=None).encode(LONG).ids) > MAX_SEQ_TOKENS


@pytest.mark.model
def test_onnx_matches_sentence_transformers(onnx_file, reference):
    onnx = OnnxEmbedder(onnx_file)
    got, want = onnx.embed(TEXTS), reference.embed(TEXTS)
    assert got.shape == want.shape == (len(TEXTS), 384)
    assert np.allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-5)
    cosines = (got * want).sum(axis=1)
    assert cosines.min() >= 0.9999, cosines


@pytest.mark.model
def test_length_batching_and_cache_do_not_change_vectors(onnx_file):
    onnx = OnnxEmbedder(onnx_file)
    one_by_one = np.vstack([onnx.embed([t]) for t in TEXTS])
    batched = onnx.embed(TEXTS)  # sorted into batches of similar length, results in input order
    assert np.allclose(batched, one_by_one, atol=1e-5)
    cached = CachedEmbedder(onnx, size=3)
    cached.embed(TEXTS)
    again = cached.embed(list(reversed(TEXTS)) + [TEXTS[0]])  # partly from the cache, duplicates included
    assert np.allclose(again, np.vstack([one_by_one[::-1], one_by_one[:1]]), atol=1e-5)
    assert len(cached) == 3  # bounded
    assert cached.embed([]).shape == onnx.embed([]).shape == (0, 384)


@pytest.mark.model
def test_a_batch_of_long_passages_holds_at_most_max_batch_tokens(onnx_file):
    """What bounds a build's memory: onnxruntime keeps the largest buffers a batch needed."""
    onnx = OnnxEmbedder(onnx_file)
    shapes: list[tuple[int, int]] = []
    session = onnx.session

    class Recording:
        def run(self, outputs, feeds):
            shapes.append(feeds["input_ids"].shape)
            return session.run(outputs, feeds)

    onnx.session = Recording()
    texts = [LONG] * 40 + TEXTS[:4] * 10
    got = onnx.embed(texts)
    assert sum(rows for rows, _ in shapes) == len(texts)
    assert all(rows * width <= MAX_BATCH_TOKENS for rows, width in shapes), shapes
    assert max(rows for rows, _ in shapes) > 1  # short texts still share a batch
    onnx.session = session
    assert np.allclose(got[:40], onnx.embed([LONG]), atol=1e-5)


class _Counting:
    """A deterministic embedder that counts the texts it is asked to embed."""

    dim = 2

    def __init__(self):
        self.seen: list[str] = []

    def embed(self, texts):
        self.seen += list(texts)
        return np.array([[len(t), 1.0] for t in texts], np.float32).reshape(len(texts), 2)


@pytest.mark.parametrize("size, embedded", [(0, ["a", "bb", "a", "a"]), (8, ["a", "bb"])])
def test_query_cache_embeds_each_text_once_unless_switched_off(size, embedded):
    inner = _Counting()
    cache = CachedEmbedder(inner, size)
    first, second = cache.embed(["a", "bb", "a"]), cache.embed(["a"])
    assert inner.seen == embedded
    assert np.array_equal(first, np.array([[1, 1], [2, 1], [1, 1]], np.float32))
    assert np.array_equal(second, np.array([[1, 1]], np.float32))
    cache.clear()
    assert len(cache) == 0


@pytest.mark.model
def test_missing_onnx_falls_back_with_a_warning(real_index, tmp_path):
    copy = tmp_path / "index"
    shutil.copytree(real_index.index_path, copy)
    for p in (copy / "models").iterdir():
        p.unlink()
    with pytest.warns(UserWarning, match="no ONNX export"):
        embedder = query_embedder(copy, model_hash())
    assert isinstance(embedder.inner, SentenceTransformerEmbedder)
    assistant = Assistant(real_index.with_(index_dir=copy))
    with pytest.warns(UserWarning, match="sentence-transformers"):
        ans = assistant.ask("How many 5G base stations had China built?")
    assert ans.hits and "5G" in ans.hits[0].text


@pytest.mark.model
@pytest.mark.parametrize(
    "damage", ["garbage", "truncated", "weights-truncated", "weights-missing", "wrong-vectors", "no-check-file"]
)
def test_damaged_onnx_falls_back_with_a_warning(real_index, onnx_file, tmp_path, damage):
    copy = tmp_path / "index"
    shutil.copytree(real_index.index_path, copy)
    target = onnx_path_for(copy, model_hash())
    probe = target.with_name(target.name + ".probe.json")
    weights = target.with_name(weights_name(target))
    if damage == "garbage":
        target.write_bytes(b"not an onnx model" * 100)
    elif damage == "truncated":
        target.write_bytes(onnx_file.read_bytes()[: onnx_file.stat().st_size // 2])
    elif damage == "weights-truncated":
        weights.write_bytes(weights.read_bytes()[: weights.stat().st_size // 2])
    elif damage == "weights-missing":
        weights.unlink()
    elif damage == "wrong-vectors":  # loads fine but computes something else: the check vectors catch it
        check = json.loads(probe.read_text())
        check["vectors"] = (-np.asarray(check["vectors"])).tolist()
        probe.write_text(json.dumps(check))
    else:
        probe.unlink()
    with pytest.warns(UserWarning, match="cannot be used"):
        embedder = query_embedder(copy, model_hash())
    assert isinstance(embedder.inner, SentenceTransformerEmbedder)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        hits = Assistant(real_index.with_(index_dir=copy)).search("What is IDex?", k=3)
    assert hits and any("IDex" in h.text for h in hits)


@pytest.mark.model
def test_the_export_keeps_its_weights_in_a_file_of_their_own(onnx_file):
    weights = onnx_file.with_name(weights_name(onnx_file))
    assert onnx_file.stat().st_size < 1_000_000 < 80_000_000 < weights.stat().st_size
    assert weights.stat().st_mode & 0o777 == onnx_file.stat().st_mode & 0o777


@pytest.mark.model
def test_an_export_of_the_earlier_one_file_format_is_used_until_the_next_build(real_index, onnx_file, tmp_path):
    import onnx

    copy = tmp_path / "index"
    shutil.copytree(real_index.index_path, copy)
    target = onnx_path_for(copy, model_hash())
    older = target.with_name(f"minilm-{model_hash()}-v3.onnx")
    onnx.save_model(onnx.load(str(target)), str(older))  # weights inline, as format 3 stored them
    shutil.copy(target.with_name(target.name + ".probe.json"), older.with_name(older.name + ".probe.json"))
    for p in (target, target.with_name(weights_name(target))):
        p.unlink()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        embedder = query_embedder(copy, model_hash())
    assert isinstance(embedder.inner, OnnxEmbedder)
    reference = query_embedder(real_index.index_path, model_hash())
    assert np.array_equal(embedder.embed(TEXTS), reference.embed(TEXTS))


@pytest.mark.model
def test_good_onnx_is_used_without_warning(real_index):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert isinstance(query_embedder(real_index.index_path, model_hash()).inner, OnnxEmbedder)


@pytest.mark.model
def test_the_export_is_made_in_a_child_while_the_caller_goes_on(onnx_file, tmp_path):
    export = Export(tmp_path / "index")
    assert not export.target.exists()  # started, not waited for: a build reads its files meanwhile
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert export.wait() == export.target
    np.testing.assert_allclose(OnnxEmbedder(export.target).embed(TEXTS), OnnxEmbedder(onnx_file).embed(TEXTS), atol=1e-6)
    assert Export(tmp_path / "index").wait() == export.target  # made once: the next build finds it


@pytest.mark.model
def test_span_vectors_come_from_the_passage_pass(onnx_file):
    """embed_spans gives embed's vectors, and each span's vector read in its text's context: the same sentence
    in two passages gets two vectors, each close to the sentence embedded alone; a span past the model's 256
    tokens gets a zero row."""
    onnx = OnnxEmbedder(onnx_file)
    owl = "Barn owls hunt at night."
    first = f"{owl} They nest in church towers."
    second = f"Court reform cut paperwork. {owl}"
    end = len(LONG)
    spans = [[(0, len(owl)), (len(owl) + 1, len(first))], [(len(second) - len(owl), len(second))], [(end - 10, end)]]
    vectors, pooled = onnx.embed_spans([first, second, LONG], spans)
    np.testing.assert_allclose(vectors, onnx.embed([first, second, LONG]), atol=1e-6)
    assert [p.shape for p in pooled] == [(2, 384), (1, 384), (1, 384)]
    alone = onnx.embed([owl])[0]
    in_first, in_second = pooled[0][0], pooled[1][0]
    assert np.allclose(np.linalg.norm(in_first), 1.0) and np.allclose(np.linalg.norm(in_second), 1.0)
    assert float(in_first @ in_second) < 0.999  # context counts
    assert float(in_first @ alone) > 0.8 and float(in_second @ alone) > 0.8
    assert float(in_first @ alone) > float(pooled[0][1] @ alone)  # the owl sentence, not its neighbour
    assert not pooled[2].any()  # cut off at the model's length
    empty_vectors, empty_pooled = onnx.embed_spans([], [])
    assert empty_vectors.shape == (0, 384) and empty_pooled == []
