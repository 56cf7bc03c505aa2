"""Vector index: exact below a size threshold, IVF above it, with recall checked against exact search."""

from __future__ import annotations

import faiss
import numpy as np
import pytest

from qa.index.vectors import (
    EXACT_MAX_ROWS,
    build_vector_index,
    describe,
    index_kind,
    ivf_lists,
    ivf_probes,
    load_vector_index,
    memory_bytes_per_row,
    save_vector_index,
    search_vectors,
)


def clustered(n: int, dim: int = 384, centers: int = 40, seed: int = 0) -> np.ndarray:
    """Unit vectors shaped like text embeddings: mixtures of a few directions plus noise."""
    rng = np.random.default_rng(seed)
    base = rng.normal(size=(centers, dim)).astype(np.float32)
    base /= np.linalg.norm(base, axis=1, keepdims=True)
    idx = rng.integers(0, centers, size=(n, 3))
    w = rng.dirichlet(np.ones(3), size=n).astype(np.float32)
    v = np.einsum("nm,nmd->nd", w, base[idx]) + rng.normal(0, 0.005, size=(n, dim)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def recall_at(k: int, approx: np.ndarray, exact: np.ndarray) -> float:
    return float(np.mean([len(set(a) & set(b)) / k for a, b in zip(approx, exact, strict=False)]))


def test_kind_is_chosen_by_size():
    assert index_kind(0) == "flat"
    assert index_kind(EXACT_MAX_ROWS) == "flat"
    assert index_kind(EXACT_MAX_ROWS + 1) == "ivf"
    assert index_kind(101, exact_max=100) == "ivf"
    assert ivf_lists(1_000_000) == 4000 and ivf_probes(4000) == 32
    assert ivf_lists(20_001) * 64 <= 20_001  # enough rows per list to train on


def test_small_index_is_exact():
    x = clustered(500)
    index = build_vector_index(x, exact_max=1000)
    assert isinstance(index, faiss.IndexFlatIP)
    assert describe(index) == {"kind": "flat", "rows": 500}
    scores, rows = search_vectors(index, x[7], 5)
    assert rows[0] == 7 and scores[0] == pytest.approx(1.0, abs=1e-5)
    expected = np.argsort(-(x @ x[7]), kind="stable")[:5]
    assert set(rows.tolist()) == set(expected.tolist())


@pytest.mark.parametrize("kind", ["auto", "hnsw"])
def test_large_index_is_approximate_with_recall_against_exact(kind):
    x = clustered(6000, seed=1)
    queries = clustered(200, seed=2)
    approx = build_vector_index(x, kind=kind, exact_max=1000)
    info = describe(approx)
    assert info["kind"] == ("ivf" if kind == "auto" else "hnsw") and info["rows"] == 6000
    _, truth = build_vector_index(x, kind="flat").search(queries, 10)
    got = np.vstack([search_vectors(approx, q, 10)[1] for q in queries])
    assert recall_at(10, got, truth) >= 0.95


def test_ivf_build_is_deterministic():
    x = clustered(3000, seed=6)
    a, b = build_vector_index(x, exact_max=100), build_vector_index(x, exact_max=100)
    assert faiss.serialize_index(a).tobytes() == faiss.serialize_index(b).tobytes()


@pytest.mark.parametrize("kind", ["ivf", "hnsw"])
def test_saved_index_keeps_kind_and_search_parameters(tmp_path, kind):
    x = clustered(1500, seed=3)
    index = build_vector_index(x, kind=kind)
    save_vector_index(index, tmp_path / "v.faiss")
    loaded = load_vector_index(tmp_path / "v.faiss")
    assert describe(loaded) == describe(index)
    for q in x[:20]:
        assert search_vectors(loaded, q, 10)[1].tolist() == search_vectors(index, q, 10)[1].tolist()


@pytest.mark.parametrize("kind", ["ivf", "hnsw"])
def test_deep_search_returns_as_many_rows_as_asked(kind):
    """Filtered searches may ask for every row: an approximate index must not stop at its usual reach."""
    x = clustered(1200, seed=4)
    index = build_vector_index(x, kind=kind)
    scores, rows = search_vectors(index, x[0], 1200)
    valid = rows[rows >= 0]
    assert len(valid) >= 0.95 * 1200
    assert len(set(valid.tolist())) == len(valid)
    assert np.all(np.diff(scores[rows >= 0]) <= 1e-6)  # best first


@pytest.mark.parametrize("kind", ["flat", "ivf", "hnsw"])
def test_search_restricted_to_allowed_rows(kind):
    x = clustered(3000, seed=7)
    index = build_vector_index(x, kind=kind)
    allowed = np.arange(5, 3000, 50)
    _, rows = search_vectors(index, x[5], 10, allowed=allowed)
    assert rows[0] == 5
    assert set(rows.tolist()) <= set(allowed.tolist())
    exact = allowed[np.argsort(-(x[allowed] @ x[5]))[:10]]
    assert len(set(rows.tolist()) & set(exact.tolist())) >= 9


def test_k_is_clipped_and_empty_index_is_searchable():
    x = clustered(3)
    _, rows = search_vectors(build_vector_index(x), x[0], 10)
    assert sorted(rows.tolist()) == [0, 1, 2]
    for kind in ("flat", "ivf", "hnsw"):
        empty = build_vector_index(np.zeros((0, 384), np.float32), kind=kind)
        assert empty.ntotal == 0
        assert search_vectors(empty, x[0], 5)[1].tolist() == [-1]


def test_memory_per_row_is_bounded():
    x = clustered(20_000, seed=5)
    assert 4 * 384 <= memory_bytes_per_row(build_vector_index(x, kind="flat")) < 4 * 384 + 16
    ivf = build_vector_index(x, kind="ivf")
    # vector + 8-byte id + the centroids' share (nlist * dim * 4 / rows)
    assert memory_bytes_per_row(ivf) < 4 * 384 + 8 + 4 * 384 * ivf.nlist / 20_000 + 16
    assert memory_bytes_per_row(build_vector_index(x, kind="hnsw")) < 4 * 384 + 400  # + 2*M int32 links


def test_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="valid choices"):
        build_vector_index(clustered(10), kind="ivf-pq")
