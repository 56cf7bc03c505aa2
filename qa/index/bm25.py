"""BM25: a lexical index over chunk texts with qa.text's terms (English stems, Chinese words).

bm25s builds the score matrix (one column of precomputed BM25 weights per term) and writes it as numpy
arrays and JSON. Reading and scoring are done here, on those arrays, because importing bm25s pulls in
scipy.sparse: 0.2 s of every cold `qa ask`, for a sum over a few columns.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Sequence

import numpy as np

from qa import text

# bm25s' file names inside the index's bm25/ folder
_ARRAYS = {"data": "data.csc.index.npy", "indices": "indices.csc.index.npy", "indptr": "indptr.csc.index.npy"}
_VOCAB, _PARAMS = "vocab.index.json", "params.index.json"
# the BM25 variants whose scores need no per-term constant added for rows without the term (bm25s' default is lucene)
_SPARSE_METHODS = ("lucene", "robertson", "atire")
K1, B = 1.5, 0.75  # bm25s' defaults, named: the weights are computed with them at build and stored


def _tokenize(texts: Sequence[str]):
    from bm25s.tokenization import Tokenized

    vocab: dict[str, int] = {}
    ids = [[vocab.setdefault(t, len(vocab)) for t in doc] for doc in text.terms_of(texts)]
    return Tokenized(ids=ids, vocab=vocab)


@dataclass(frozen=True, eq=False)
class Bm25Index:
    """BM25 scores for chunk rows; rows match the vector index's rows.

    data/indices/indptr are a compressed sparse column matrix: term t's weights are data[indptr[t]:indptr[t+1]]
    for the rows indices[indptr[t]:indptr[t+1]].
    """

    vocab: dict[str, int]
    data: np.ndarray
    indices: np.ndarray
    indptr: np.ndarray
    n: int

    @classmethod
    def build(cls, texts: Sequence[str]) -> "Bm25Index":
        """Index texts (row i is texts[i])."""
        import bm25s

        retriever = bm25s.BM25(k1=K1, b=B, method="lucene", idf_method="lucene")
        retriever.index(_tokenize(texts), show_progress=False)
        s = retriever.scores
        data, indices, indptr = (np.asarray(s[k]) for k in ("data", "indices", "indptr"))
        return cls(dict(retriever.vocab_dict), data, indices, indptr, len(texts))

    def save(self, folder: Path) -> None:
        """Write the index as bm25s writes it: numpy arrays and JSON (no pickle)."""
        folder.mkdir(parents=True, exist_ok=True)
        for name, file in _ARRAYS.items():
            np.save(folder / file, getattr(self, name))
        (folder / _VOCAB).write_text(json.dumps(self.vocab, ensure_ascii=False), encoding="utf-8")
        params = {"k1": K1, "b": B, "method": "lucene", "idf_method": "lucene"}
        params |= {"dtype": str(self.data.dtype), "int_dtype": str(self.indices.dtype), "num_docs": self.n}
        (folder / _PARAMS).write_text(json.dumps(params, indent=4), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path, n: int) -> "Bm25Index":
        """Read an index written by save (or by bm25s); ValueError when its files disagree with n rows."""
        params = json.loads((folder / _PARAMS).read_text(encoding="utf-8"))
        if params.get("method", "lucene") not in _SPARSE_METHODS or params.get("num_docs", n) != n:
            raise ValueError(f"its BM25 files are of another kind ({params.get('method')}, {params.get('num_docs')} rows)")
        vocab = json.loads((folder / _VOCAB).read_text(encoding="utf-8"))
        data, indices, indptr = (np.load(folder / file, allow_pickle=False) for file in _ARRAYS.values())
        return cls(vocab, data, indices, indptr, n)

    @cached_property
    def _df(self) -> np.ndarray:
        return np.diff(self.indptr)

    def document_frequencies(self) -> np.ndarray:
        """How many rows hold each term, by term id."""
        return self._df

    def idf(self, words: Sequence[str]) -> np.ndarray:
        """Inverse document frequency of terms; terms the corpus lacks get the highest weight."""
        return idf(words, self.vocab, self.document_frequencies(), self.n)

    def scores(self, ids: Sequence[int], mask: np.ndarray | None = None) -> np.ndarray:
        """Every row's BM25 score for term ids (a repeated id counts again), times mask when given."""
        out = np.zeros(self.n, dtype=self.data.dtype)
        starts, ends = self.indptr[ids], self.indptr[np.asarray(ids, np.int64) + 1]
        for a, b in zip(starts, ends, strict=True):
            # term by term, as bm25s adds them: the same float32 sums, so the same ranking of tied rows
            np.add.at(out, self.indices[a:b], self.data[a:b])
        if mask is not None:
            out *= mask
        return out

    def search(self, query: str, k: int, mask: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(scores, rows) of the k best-matching rows with a positive score, best first."""
        known = [self.vocab[t] for t in terms(query) if t in self.vocab]
        if not known or self.n == 0:
            return np.zeros(0, np.float32), np.zeros(0, np.int64)
        scores = self.scores(known, mask)
        # Ties go by row (bm25s' own top-k sorts unstably, which reordered hits in 35 of 528 masked dev searches).
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
