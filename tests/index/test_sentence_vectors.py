"""Answer-sentence vectors: spilled as a build computes them, written in row order, read back by row."""

from __future__ import annotations

import numpy as np

from qa.index.sentence_vectors import SentenceVectors, StoredSentences, answer_spans
from qa.ingest.chunking import Chunk, embedding_text, sentence_spans


def _vecs(n: int, seed: int) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal((n, 4)).astype(np.float16)


def test_rows_are_written_in_row_order_with_shared_and_reused_ones(tmp_path):
    spill = SentenceVectors(5, dim=4)
    spill.put(1, _vecs(2, 1))  # computed out of row order, as a build's length-sorted blocks are
    spill.put(0, _vecs(1, 0))
    old = {"k4": _vecs(3, 4)}  # the generation before's vectors of an unchanged text
    keys = ["k0", "k1", "k2", "k1", "k4"]  # row 3 is a copy of row 1's text
    spill.finish(keys, {"k0": 0, "k1": 1, "k2": 2, "k4": 4}, {0, 1}, old.get)
    spill.write(tmp_path)
    stored = StoredSentences(tmp_path, 5)
    assert stored.rows.tolist() == [[0, 1], [1, 2], [3, 0], [3, 2], [5, 3]]
    np.testing.assert_array_equal(stored.of_row(0), _vecs(1, 0).astype(np.float32))
    np.testing.assert_array_equal(stored.of_row(1), _vecs(2, 1).astype(np.float32))
    np.testing.assert_array_equal(stored.of_row(3), _vecs(2, 1).astype(np.float32))
    np.testing.assert_array_equal(stored.of_row(4), old["k4"].astype(np.float32))
    assert stored.of_row(2) is None  # neither computed nor reusable: answers embed its sentences
    spill.close()


def test_a_copy_of_a_computed_text_shares_its_vectors(tmp_path):
    spill = SentenceVectors(3, dim=4)
    spill.put(0, _vecs(2, 7))
    spill.finish(["a", "b", "a"], {"a": 0, "b": 1}, {0}, lambda key: None)
    spill.write(tmp_path)
    stored = StoredSentences(tmp_path, 3)
    np.testing.assert_array_equal(stored.of_row(2), stored.of_row(0))
    assert stored.rows.tolist() == [[0, 2], [2, 0], [2, 2]]
    assert len(stored.vectors) == 4


def test_stored_rows_must_agree_with_the_generation(tmp_path):
    spill = SentenceVectors(2, dim=4)
    spill.put(0, _vecs(1, 1))
    spill.write(tmp_path)
    try:
        StoredSentences(tmp_path, 3)
    except ValueError as exc:
        assert "disagree with 3 rows" in str(exc)
    else:
        raise AssertionError("a generation with another number of rows was accepted")


def test_answer_spans_are_the_chunks_sentences_inside_the_embedded_text():
    chunk = Chunk.of(
        "c1",
        "d1",
        "owls.txt",
        "Owl Notes",
        "Hunting",
        None,
        0,
        60,
        "Barn owls hunt at night. They eat voles. Owls are quiet.",
        12,
    )
    text = embedding_text(chunk)
    assert text.startswith("Hunting\n")
    spans = answer_spans(chunk, text)
    assert [text[a:b] for a, b in spans] == [chunk.text[a:b] for a, b in sentence_spans(chunk.text, 0, len(chunk.text))]
    assert [text[a:b] for a, b in spans] == ["Barn owls hunt at night.", "They eat voles.", "Owls are quiet."]
