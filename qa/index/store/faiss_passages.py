"""The FAISS backend's passages: a local generation's vector indexes, bm25s and chunk rows behind PassageStore.

Everything FAISS-specific of a local generation lives here, so that search sees only the seam (protocol.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from qa.errors import InvalidSetting
from qa.index.store.protocol import EMPTY, VECTOR_SETS, RowFilter, ranked
from qa.index.vectors import search_vectors

if TYPE_CHECKING:
    from qa.index.bm25 import Bm25Index
    from qa.ingest.chunking import Chunk


@dataclass(frozen=True, eq=False)
class FaissPassages:
    """One local generation's passages: FAISS vector indexes, bm25s and the chunk rows of its SQLite store."""

    dense_vectors: np.ndarray  # MiniLM, (n, dim), memory-mapped
    dense_index: Any  # a faiss.Index over dense_vectors
    multi_vectors: np.ndarray  # the multilingual model's, (n, multilingual dim), memory-mapped
    multi_index: Any
    bm25: "Bm25Index"
    sources: list[str]
    row_source: np.ndarray  # each row's position in sources
    cjk_rows: np.ndarray
    rows: Any  # whatever holds the chunk rows: .chunks(rows) (the generation's ChunkStore)

    def row_mask(self, where: RowFilter | None) -> np.ndarray | None:
        """Boolean mask of the rows where allows, or None when it allows every row."""
        if where is None or (where.sources is None and where.cjk is None):
            return None
        mask = np.ones(len(self.row_source), bool)
        if where.sources is not None:
            wanted = [i for i, s in enumerate(self.sources) if s in set(where.sources)]
            mask &= np.isin(self.row_source, wanted)
        if where.cjk is not None:
            mask &= self.cjk_rows if where.cjk else ~self.cjk_rows
        return mask

    def _set(self, vector_set: str):
        if vector_set == "dense":
            return self.dense_vectors, self.dense_index
        if vector_set == "multi":
            return self.multi_vectors, self.multi_index
        raise InvalidSetting(f"vector set {vector_set!r}; valid choices: {', '.join(VECTOR_SETS)}")

    def dense(self, vector_set, qvec, k, where=None):
        index = self._set(vector_set)[1]
        mask = self.row_mask(where)
        allowed = None if mask is None else np.flatnonzero(mask)  # filtered inside FAISS
        if (allowed is not None and not len(allowed)) or index.ntotal == 0 or k <= 0:
            return EMPTY
        scores, rows = search_vectors(index, qvec, k, allowed=allowed)
        keep = rows >= 0
        return ranked(scores[keep], rows[keep])

    def lexical(self, query, k, where=None):
        mask = self.row_mask(where)
        return ranked(*self.bm25.search(query, k, None if mask is None else mask.astype(np.float32)))

    def vectors(self, vector_set, rows):
        vectors = self._set(vector_set)[0]
        rows = np.asarray(rows, dtype=np.int64)
        return np.asarray(vectors[rows], dtype=np.float32) if len(rows) else np.zeros((0, vectors.shape[1]), np.float32)

    def chunks(self, rows) -> "list[Chunk]":
        return self.rows.chunks(rows)
