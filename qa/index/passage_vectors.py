"""A build's vectors: each planned row's from both models and the vocabulary's, new texts embedded once, streamed.

Texts the generation before already embedded are taken from it; every other distinct text is embedded once, by
each model that lacks it. New texts go through the models in blocks, shortest first (so that a batch's texts
have alike lengths and little padding), and each block's vectors go straight into the one array of the
generation's rows: nothing holds the corpus's vectors twice, and progress moves block by block.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from qa.embed.embeddings import Embedder, SpanEmbedder
from qa.embed.vocabulary import corpus_words
from qa.index.plan import Plan, Reuse
from qa.index.sentence_vectors import SentenceVectors, answer_spans
from qa.index.stages import StageClock
from qa.ingest.chunking import embedding_text

BLOCK = 128  # texts per block: progress moves every few seconds, and a block's vectors are small

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True, eq=False)
class Embedded:
    """A plan's vectors: every row's from both models and the vocabulary's, with how many were computed."""

    vectors: np.ndarray
    multi_vectors: np.ndarray
    words: tuple[str, ...]
    word_vectors: np.ndarray
    n_embedded: int
    n_words: int
    n_multilingual: int
    seconds: tuple[float, float]  # spent in MiniLM (passages and words), in the multilingual model
    sentences: SentenceVectors | None = None  # each row's answer-sentence vectors (qa/index/sentence_vectors.py)


def _checked(vecs, n: int, what: str) -> np.ndarray:
    vecs = np.asarray(vecs, dtype=np.float32)
    if vecs.ndim != 2 or len(vecs) != n:
        raise ValueError(f"the {what} returned {vecs.shape} for {n} texts")
    return vecs


class _Rows:
    """One model's vectors of the generation's rows, filled from the generation before and block by block."""

    def __init__(self, n: int, reused: dict, what: str):
        self.n, self.reused, self.what = n, reused, what
        self.out: np.ndarray | None = None

    def _array(self, dim: int) -> np.ndarray:
        if self.out is None:
            self.out = np.empty((self.n, dim), np.float32)
        return self.out

    def put(self, rows: Sequence[int], vecs) -> None:
        vecs = _checked(vecs, len(rows), self.what)
        self._array(vecs.shape[1])[list(rows)] = vecs

    def finish(self, keys: Sequence[str], first_row: dict[str, int]) -> np.ndarray:
        """Every row: reused vectors, and copies for rows whose text an earlier row has."""
        if self.out is None:
            some = next(iter(self.reused.values()))
            self._array(len(some))
        out = self.out
        assert out is not None
        for row, key in enumerate(keys):
            if key in self.reused:
                out[row] = self.reused[key]
            elif first_row[key] != row:
                out[row] = out[first_row[key]]
        return out


def embed(
    planned: Plan,
    reuse: Reuse,
    embedder_factory: Callable[[], Embedder],
    multilingual_factory: Callable[[], Embedder],
    clock: StageClock | None = None,
    progress: Progress | None = None,
    scratch: Path | None = None,
) -> Embedded:
    """Vectors for every planned row and the corpus's words; only texts the generation before lacks are embedded.

    progress("passages", done, total) after each block (a passage counts once both models have it), then
    progress("words", done, total). scratch: where answer-sentence vectors are spilled while building (the index
    folder: the system's temporary folder may be memory).
    """
    clock = clock or StageClock()
    keys = planned.keys
    first_row: dict[str, int] = {}
    for row, key in enumerate(keys):
        first_row.setdefault(key, row)
    minilm = _Rows(len(keys), reuse.vectors, "embedder")
    multi = _Rows(len(keys), reuse.multi_vectors, "multilingual embedder")
    # One row per distinct new text, shortest first: each model batches texts of alike length.
    todo = [row for key, row in first_row.items() if key not in reuse.vectors or key not in reuse.multi_vectors]
    texts = {row: embedding_text(planned.chunks[row]) for row in todo}
    todo.sort(key=lambda row: len(texts[row]))
    embedder = embedder_factory() if any(keys[r] not in reuse.vectors for r in todo) else None
    multilingual = None
    # An embedder whose every call has a fixed cost (a Ray job) takes bigger blocks.
    block_size = int(getattr(embedder, "block_size", BLOCK))
    n_minilm = n_multi = 0
    sentences, done = SentenceVectors(len(keys), folder=scratch), set[int]()
    if progress and todo:
        progress("passages", 0, len(todo))  # starts the stage's clock: rates count from here
    for lo in range(0, len(todo), block_size):
        block = todo[lo : lo + block_size]
        need = [r for r in block if keys[r] not in reuse.vectors]
        if need:
            assert embedder is not None
            with clock("embed_minilm"):
                minilm.put(need, _minilm(embedder, need, texts, planned, sentences, done))
            n_minilm += len(need)
        need = [r for r in block if keys[r] not in reuse.multi_vectors]
        if need:
            multilingual = multilingual or multilingual_factory()
            with clock("embed_multilingual"):
                multi.put(need, multilingual.embed([texts[r] for r in need]))
            n_multi += len(need)
        if progress:
            progress("passages", min(lo + block_size, len(todo)), len(todo))
    vectors = minilm.finish(keys, first_row)
    sentences.finish(keys, first_row, done, reuse.sentences)
    multi_vectors = multi.finish(keys, first_row)
    words, word_vectors, n_words = _words(
        planned, reuse, lambda: embedder or embedder_factory(), clock, progress, vectors.shape[1]
    )
    seconds = (
        clock.seconds.get("embed_minilm", 0.0) + clock.seconds.get("embed_words", 0.0),
        clock.seconds.get("embed_multilingual", 0.0),
    )
    return Embedded(vectors, multi_vectors, words, word_vectors, n_minilm, n_words, n_multi, seconds, sentences)


def _minilm(
    embedder: Embedder, rows: list[int], texts: dict[int, str], planned: Plan, sentences: SentenceVectors, done: set[int]
) -> np.ndarray:
    """MiniLM's vectors of rows' texts; with a span embedder, their answer sentences' vectors too, from the same pass."""
    batch = [texts[r] for r in rows]
    if not isinstance(embedder, SpanEmbedder):
        return embedder.embed(batch)
    vectors, pooled = embedder.embed_spans(batch, [answer_spans(planned.chunks[r], texts[r]) for r in rows])
    for r, vecs in zip(rows, pooled, strict=True):
        sentences.put(r, vecs)
        done.add(r)
    return vectors


def _words(
    planned: Plan, reuse: Reuse, embedder: Callable[[], Embedder], clock: StageClock, progress: Progress | None, dim: int
) -> tuple[tuple[str, ...], np.ndarray, int]:
    """The corpus's words and their MiniLM vectors (answers match question words to passage words with them)."""
    vocab = corpus_words([c.text for c in planned.chunks])
    out = np.empty((len(vocab), dim), np.float32)
    new = [i for i, w in enumerate(vocab) if w not in reuse.words]
    for i, w in enumerate(vocab):
        if w in reuse.words:
            out[i] = reuse.words[w]
    if new:
        model = embedder()
        if progress:
            progress("words", 0, len(new))
        for lo in range(0, len(new), 8 * BLOCK):  # words are short: bigger blocks
            rows = new[lo : lo + 8 * BLOCK]
            with clock("embed_words"):
                out[rows] = _checked(model.embed([vocab[i] for i in rows]), len(rows), "embedder")
            if progress:
                progress("words", min(lo + 8 * BLOCK, len(new)), len(new))
    return tuple(vocab), out, len(new)
