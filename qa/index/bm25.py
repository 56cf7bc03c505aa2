"""BM25: a lexical index over chunk texts (bm25s) with qa.text's terms (English stems, Chinese words)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Sequence

import numpy as np

from qa import text


def _tokenize(texts: Sequence[str]):
    from bm25s.tokenization import Tokenized

    vocab: dict[str, int] = {}
    ids = [[vocab.setdefault(t, len(vocab)) for t in doc] for doc in text.terms_of(texts)]
    return Tokenized(ids=ids, vocab=vocab)


class Bm25Index:
    """BM25 scores for chunk rows; rows match the vector index's rows."""

    def __init__(self, retriever, n: int):
        self.retriever = retriever
        self.n = n

    @classmethod
    def build(cls, texts: Sequence[str]) -> "Bm25Index":
        """Index texts (row i is texts[i])."""
        import bm25s

        retriever = bm25s.BM25()
        retriever.index(_tokenize(texts), show_progress=False)
        return cls(retriever, len(texts))

    def save(self, folder: Path) -> None:
        """Write the index as numpy arrays and JSON (no pickle)."""
        self.retriever.save(str(folder), show_progress=False)

    @classmethod
    def load(cls, folder: Path, n: int) -> "Bm25Index":
        """Read an index written by save."""
        import bm25s

        logging.getLogger("bm25s").setLevel(logging.ERROR)
        return cls(bm25s.BM25.load(str(folder), show_progress=False), n)

    def document_frequencies(self) -> np.ndarray:
        """How many rows hold each term, by term id."""
        if not hasattr(self, "_df"):
            self._df = np.diff(self.retriever.scores["indptr"])
        return self._df

    def idf(self, words: Sequence[str]) -> np.ndarray:
        """Inverse document frequency of terms; terms the corpus lacks get the highest weight."""
        return idf(words, self.retriever.vocab_dict, self.document_frequencies(), self.n)

    def search(self, query: str, k: int, mask: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(scores, rows) of the k best-matching rows with a positive score, best first."""
        known = [t for t in terms(query) if t in self.retriever.vocab_dict]
        if not known or self.n == 0:
            return np.zeros(0, np.float32), np.zeros(0, np.int64)
        scores = self.retriever.get_scores(known, weight_mask=mask)
        # Not bm25s' retrieve(weight_mask=...): it orders tied scores differently (its top-k sorts unstably and
        # flips; jax's when installed), which reorders hits in 35 of 528 masked dev searches. Ties go by row here.
        k = min(k, self.n)
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        top = top[scores[top] > 0]
        return scores[top].astype(np.float32), top.astype(np.int64)


def idf(words: Sequence[str], vocab: dict[str, int], df: np.ndarray, n: int) -> np.ndarray:
    """Inverse document frequency of words among n rows, df by term id; unknown words get the highest weight."""
    got = np.array([df[vocab[w]] if w in vocab else 0.5 for w in words], dtype=np.float64)
    return np.log1p(max(n, 1) / got)


def terms(query: str) -> list[str]:
    """The terms BM25 sees in a text (see qa.text.terms)."""
    return text.terms(query)
