"""Vector index: FAISS inner-product search over normalized chunk embeddings."""

from __future__ import annotations

from pathlib import Path

import numpy as np


def build_vector_index(vectors: np.ndarray):
    """A FAISS index over the rows of vectors (exact inner product)."""
    import faiss

    index = faiss.IndexFlatIP(vectors.shape[1])
    if len(vectors):
        index.add(np.ascontiguousarray(vectors, dtype=np.float32))
    return index


def save_vector_index(index, path: Path) -> None:
    """Write a FAISS index in FAISS's own format (no pickle)."""
    import faiss

    faiss.write_index(index, str(path))


def load_vector_index(path: Path):
    """Read a FAISS index written by save_vector_index."""
    import faiss

    return faiss.read_index(str(path))


def search_vectors(index, query: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """(scores, rows) of the k nearest rows for one query vector; rows are -1 past the end."""
    k = max(1, min(k, index.ntotal))
    scores, rows = index.search(np.ascontiguousarray(query.reshape(1, -1), dtype=np.float32), k)
    return scores[0], rows[0]
