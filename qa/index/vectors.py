"""Vector index: FAISS inner-product search over normalized chunk embeddings, exact or approximate by size.

Up to EXACT_MAX_ROWS rows the index is exact (IndexFlatIP): a query scans every vector, about
0.1 ms per 1,000 rows here, so 20,000 rows cost ~2-3 ms and recall is 1 by construction. Above that
it is an inverted file (IndexIVFFlat, inner product, nlist ~ 4*sqrt(rows) lists, nprobe >= 32 probed).
Measured at 1,000,000 vectors synthesized from real chunk embeddings (`python -m bench.run`): exact search
takes ~60-120 ms a query; IVF nlist=4000 nprobe=32 reaches recall@10 0.995 against it (0.967 for the real
dev-set questions) in ~0.6 ms; HNSW M=32 needs efSearch=256 for the same on real questions (0.950,
~0.45 ms), builds 1.4-2.7x slower (every generation rebuilds the index) and adds ~270 B of graph links per
vector where IVF adds 8 B. HNSW stays available as kind="hnsw".

Memory per chunk held by the index: the vector, 4 * dim bytes (1,536 B at dim 384), plus for IVF an
8-byte row id (and the nlist centroids: 4 * dim * nlist bytes in all, 6 MB at 1M rows), so ~1.55 KB per
chunk; HNSW would hold ~1.8 KB. The generation also stores the vectors in vectors.npy, memory-mapped
(paged in on demand: only the candidates' rows are read per query).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np

EXACT_MAX_ROWS = 20_000  # above this many rows the index is approximate (IVF)
IVF_MIN_PROBES = 32  # lists probed per query, at least: recall@10 0.995 (real questions 0.967) at 1M rows
IVF_TRAIN_PER_LIST = 64  # k-means sample: this many vectors per list (a seeded sample of the rows)
HNSW_M = 32  # graph links per node (layer 0 holds 2*M)
HNSW_EF_CONSTRUCTION = 80
HNSW_EF_SEARCH = 128
KINDS = ("auto", "flat", "ivf", "hnsw")


def index_kind(n_rows: int, exact_max: int = EXACT_MAX_ROWS) -> str:
    """The kind of index used for n_rows vectors: "flat" (exact) up to exact_max rows, else "ivf"."""
    return "flat" if n_rows <= exact_max else "ivf"


def ivf_lists(n_rows: int) -> int:
    """Number of inverted lists for n_rows vectors: ~4*sqrt(n), with at least 64 rows per list."""
    return max(1, min(int(4 * math.sqrt(n_rows)), n_rows // 64, 65536))


def ivf_probes(nlist: int) -> int:
    """Lists probed per query."""
    return min(nlist, max(IVF_MIN_PROBES, nlist // 256))


def build_vector_index(
    vectors: np.ndarray,
    kind: str = "auto",
    exact_max: int = EXACT_MAX_ROWS,
    nlist: int | None = None,
    nprobe: int | None = None,
    seed: int = 0,
):
    """A FAISS inner-product index over the rows of vectors; kind "auto" chooses by size (see index_kind)."""
    import faiss

    if kind not in KINDS:
        raise ValueError(f"vector index kind {kind!r}; valid choices: {', '.join(KINDS)}")
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    n, dim = vectors.shape
    if kind == "auto":
        kind = index_kind(n, exact_max)
    if kind == "ivf" and n < 64:
        kind = "flat"  # too few rows to train lists on
    index: Any  # faiss's SWIG classes share no typed base
    if kind == "flat":
        index = faiss.IndexFlatIP(dim)
    elif kind == "hnsw":
        index = faiss.IndexHNSWFlat(dim, HNSW_M, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
        index.hnsw.efSearch = HNSW_EF_SEARCH
    else:
        nlist = nlist or ivf_lists(n)
        index = faiss.IndexIVFFlat(faiss.IndexFlatIP(dim), dim, nlist, faiss.METRIC_INNER_PRODUCT)
        index.cp.seed = seed
        sample = min(n, nlist * IVF_TRAIN_PER_LIST)
        rows = np.sort(np.random.default_rng(seed).choice(n, sample, replace=False)) if sample < n else slice(None)
        index.train(vectors[rows])
        index.nprobe = nprobe or ivf_probes(nlist)
    if n:
        index.add(vectors)
    return index


def describe(index: Any) -> dict:
    """The kind and parameters of a vector index, for reports and benchmarks."""
    import faiss

    if isinstance(index, faiss.IndexHNSW):
        return {
            "kind": "hnsw",
            "rows": int(index.ntotal),
            "M": HNSW_M if index.ntotal == 0 else int(index.hnsw.nb_neighbors(1)),  # type: ignore[attr-defined]
            "efConstruction": int(index.hnsw.efConstruction),
            "efSearch": int(index.hnsw.efSearch),
        }
    if isinstance(index, faiss.IndexIVF):
        return {"kind": "ivf", "rows": int(index.ntotal), "nlist": int(index.nlist), "nprobe": int(index.nprobe)}
    return {"kind": "flat", "rows": int(index.ntotal)}


def memory_bytes_per_row(index) -> float:
    """Bytes the index holds per vector (vectors, ids, lists or links, centroids), from its serialized size."""
    import faiss

    if index.ntotal == 0:
        return 0.0
    return faiss.serialize_index(index).nbytes / index.ntotal


def save_vector_index(index, path: Path) -> None:
    """Write a FAISS index in FAISS's own format (no pickle); search parameters are stored with it."""
    import faiss

    faiss.write_index(index, str(path))


def load_vector_index(path: Path):
    """Read an index written by save_vector_index."""
    import faiss

    return faiss.read_index(str(path))


def search_vectors(index, query: np.ndarray, k: int, allowed: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(scores, rows) of the k nearest rows for one query vector, best first; rows are -1 past the end.

    allowed (row numbers) restricts the search to those rows inside FAISS, so a filtered search needs
    no deeper fetch. A search deeper than an approximate index's usual reach (k above its candidate list)
    probes more: every list for IVF, a k-wide beam for HNSW.
    """
    import faiss

    k = max(1, min(k, index.ntotal))
    q = np.ascontiguousarray(query.reshape(1, -1), dtype=np.float32)
    sel = None if allowed is None else faiss.IDSelectorBatch(np.ascontiguousarray(allowed, dtype=np.int64))
    if isinstance(index, faiss.IndexIVF):
        scanned = index.nprobe * index.ntotal / max(1, index.nlist)  # rows a usual query compares
        deep = allowed is not None or 4 * k > scanned
        params: Any = faiss.SearchParametersIVF(nprobe=index.nlist if deep else index.nprobe)  # type: ignore[call-arg]
    elif isinstance(index, faiss.IndexHNSW) and allowed is not None:
        # A graph walk through a sparse selection loses its way: score the allowed rows exactly instead.
        allowed = np.ascontiguousarray(allowed, dtype=np.int64)
        scores = index.storage.reconstruct_batch(allowed) @ q[0]
        top = np.argsort(-scores, kind="stable")[:k]
        pad = k - len(top)
        return (
            np.concatenate([scores[top], np.full(pad, -np.inf, np.float32)]).astype(np.float32),
            np.concatenate([allowed[top], np.full(pad, -1, np.int64)]),
        )
    elif isinstance(index, faiss.IndexHNSW):
        params = faiss.SearchParametersHNSW(efSearch=max(index.hnsw.efSearch, k))  # type: ignore[attr-defined]
    else:
        params = faiss.SearchParameters()
    if sel is not None:
        params.sel = sel
    scores, rows = index.search(q, k, params=params)
    return scores[0], rows[0]
