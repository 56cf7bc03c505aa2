"""The vector step alone at up to 1M synthetic vectors: exact, IVF and HNSW; recall@10 against exact, latency.

Recall is reported apart for the two kinds of query: the dev set's real questions (embedded by the model)
and held-out synthetic vectors drawn like the corpus's; the real questions are the figure to quote.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import numpy as np

from bench.measure import onnx_embedder, peak_rss_mb, questions, summary
from bench.synth import corpus_sentences, embed_sentences, synth_vectors

N_QUERIES = 200  # real questions plus synthetic ones


def _recall(got: list[np.ndarray], truth: np.ndarray) -> float:
    return float(np.mean([len(set(a) & set(b)) / truth.shape[1] for a, b in zip(got, truth, strict=False)]))


def vector_step(work: Path, quick: bool, n: int) -> dict:
    """Recall@10 (real and synthetic queries apart) and p50/p95 ms of flat, IVF and HNSW at n vectors."""
    import faiss

    from qa.index.vectors import HNSW_EF_CONSTRUCTION, HNSW_M, build_vector_index, describe, memory_bytes_per_row

    onnx = onnx_embedder(work / "default" / "index")
    base = np.vstack(list(embed_sentences(corpus_sentences(), onnx).values()))
    qs = questions()
    queries = np.vstack([onnx.embed(qs), synth_vectors(base, N_QUERIES - len(qs), seed=99)])
    t = time.perf_counter()
    x = synth_vectors(base, n, seed=1)
    res: dict = {
        "n": n,
        "base_vectors": len(base),
        "queries": len(queries),
        "real_questions": len(qs),
        "synth_s": round(time.perf_counter() - t, 1),
        "indexes": [],
    }
    flat = faiss.IndexFlatIP(x.shape[1])
    flat.add(x)
    _, truth = flat.search(queries, 10)
    real = len(qs)

    def measure(index, label: str, build_s: float, **extra) -> None:
        got, ms = [], []
        for q in queries:
            t = time.perf_counter()
            _, rows = index.search(q[None, :], 10)
            ms.append((time.perf_counter() - t) * 1000)
            got.append(rows[0])
        row = {
            "index": label,
            **extra,
            "build_s": round(build_s, 1),
            "recall_at_10_real_q": round(_recall(got[:real], truth[:real]), 4),
            "recall_at_10_synthetic_q": round(_recall(got[real:], truth[real:]), 4),
            **summary(ms),
        }
        res["indexes"].append(row)
        print(
            f"  {label} {extra} recall real {row['recall_at_10_real_q']:.4f} synthetic "
            f"{row['recall_at_10_synthetic_q']:.4f} p50 {statistics.median(ms):.3f} ms",
            file=sys.stderr,
            flush=True,
        )

    measure(flat, "flat", 0.0)
    res["flat_bytes_per_row"] = round(memory_bytes_per_row(flat), 1)
    del flat
    t = time.perf_counter()
    ivf = build_vector_index(x, kind="ivf")  # the shipped configuration (what kind="auto" builds at this size)
    ivf_s = time.perf_counter() - t
    res["chosen"] = describe(ivf)
    for nprobe in sorted({8, 16, 32, 64, res["chosen"]["nprobe"]}):
        ivf.nprobe = nprobe
        measure(ivf, "ivf", ivf_s, nlist=int(ivf.nlist), nprobe=nprobe)
    res["ivf_bytes_per_row"] = round(memory_bytes_per_row(ivf), 1)
    del ivf
    t = time.perf_counter()
    hnsw = build_vector_index(x, kind="hnsw")
    hnsw_s = time.perf_counter() - t
    for ef in (32, 64, 128, 256):
        hnsw.hnsw.efSearch = ef
        measure(hnsw, "hnsw", hnsw_s, M=HNSW_M, efConstruction=HNSW_EF_CONSTRUCTION, efSearch=ef)
    res["hnsw_bytes_per_row"] = round(memory_bytes_per_row(hnsw), 1)
    del hnsw
    res["peak_rss_mb"] = round(peak_rss_mb(), 1)
    return res
