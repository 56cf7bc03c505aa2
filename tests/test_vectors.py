"""Vector index: exact below a size threshold, HNSW above it, with recall checked against exact search."""

from __future__ import annotations

import faiss
import numpy as np
import pytest

from qa.vectors import (EXACT_MAX_ROWS, HNSW_EF_SEARCH, build_vector_index, describe, index_kind,
                        load_vector_index, memory_bytes_per_row, save_vector_index, search_vectors)


def clustered(n: int, dim: int = 384, centers: int = 40, seed: int = 0) -> np.ndarray:
    """Unit vectors shaped like text embeddings: mixtures of a few directions plus noise."""
    rng = np.random.default_rng(seed)
    base = rng.normal(size=(centers, dim)).astype(np.float32)
    base /= np.linalg.norm(base, axis=1, keepdims=True)
    idx = rng.integers(0, centers, size=(n, 3))
    w = rng.dirichlet(np.ones(3), size=n).astype(np.float32)
    v = np.einsum("nm,nmd->nd", w, base[idx]) + rng.normal(0, 0.01, size=(n, dim)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def recall_at(k: int, approx: np.ndarray, exact: np.ndarray) -> float:
    return float(np.mean([len(set(a) & set(b)) / k for a, b in zip(approx, exact)]))


def test_kind_is_chosen_by_size():
    assert index_kind(0) == "flat"
    assert index_kind(EXACT_MAX_ROWS) == "flat"
    assert index_kind(EXACT_MAX_ROWS + 1) == "hnsw"
    assert index_kind(101, exact_max=100) == "hnsw"


def test_small_index_is_exact():
    x = clustered(500)
    index = build_vector_index(x, exact_max=1000)
    assert isinstance(index, faiss.IndexFlatIP)
    assert describe(index) == {"kind": "flat", "rows": 500}
    scores, rows = search_vectors(index, x[7], 5)
    assert rows[0] == 7 and scores[0] == pytest.approx(1.0, abs=1e-5)
    expected = np.argsort(-(x @ x[7]), kind="stable")[:5]
    assert set(rows.tolist()) == set(expected.tolist())


def test_large_index_is_hnsw_with_recall_against_exact():
    x = clustered(4000, seed=1)
    queries = clustered(200, seed=2)
    approx = build_vector_index(x, exact_max=1000)
    exact = build_vector_index(x, kind="flat")
    info = describe(approx)
    assert info["kind"] == "hnsw" and info["efSearch"] == HNSW_EF_SEARCH and info["rows"] == 4000
    _, truth = exact.search(queries, 10)
    got = np.vstack([search_vectors(approx, q, 10)[1] for q in queries])
    assert recall_at(10, got, truth) >= 0.95


def test_saved_index_keeps_kind_and_search_parameters(tmp_path):
    x = clustered(1500, seed=3)
    index = build_vector_index(x, exact_max=1000)
    save_vector_index(index, tmp_path / "v.faiss")
    loaded = load_vector_index(tmp_path / "v.faiss")
    assert describe(loaded) == describe(index)
    for q in x[:20]:
        assert search_vectors(loaded, q, 10)[1].tolist() == search_vectors(index, q, 10)[1].tolist()


def test_deep_search_returns_as_many_rows_as_asked():
    """Filtered searches ask for every row: HNSW must not stop at efSearch candidates."""
    x = clustered(1200, seed=4)
    index = build_vector_index(x, exact_max=100)
    scores, rows = search_vectors(index, x[0], 1200)
    valid = rows[rows >= 0]
    assert len(valid) >= 0.95 * 1200
    assert len(set(valid.tolist())) == len(valid)
    assert np.all(np.diff(scores[rows >= 0]) <= 1e-6)  # best first


def test_k_is_clipped_and_empty_index_is_searchable():
    x = clustered(3)
    _, rows = search_vectors(build_vector_index(x), x[0], 10)
    assert sorted(rows.tolist()) == [0, 1, 2]
    empty = build_vector_index(np.zeros((0, 384), np.float32))
    assert empty.ntotal == 0
    assert search_vectors(empty, x[0], 5)[1].tolist() == [-1]


def test_memory_per_row_is_bounded():
    x = clustered(2000, seed=5)
    flat = build_vector_index(x, kind="flat")
    hnsw = build_vector_index(x, kind="hnsw")
    assert 4 * 384 <= memory_bytes_per_row(flat) < 4 * 384 + 16
    assert memory_bytes_per_row(hnsw) < 4 * 384 + 400  # vector + 2*M int32 links + upper layers


def test_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="valid choices"):
        build_vector_index(clustered(10), kind="ivf-pq")
