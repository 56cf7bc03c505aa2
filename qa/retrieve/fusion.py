"""Fusion: the candidates of both retrievers as one ranking, by the query's mode.

Hybrid score = dense_weight * min-max-scaled cosine + (1 - dense_weight) * BM25 / best BM25. Chosen by
measurement on the dev set (qa eval): with section-prefixed chunks of 128 tokens, this weighted sum gave
MRR@10 0.95 vs 0.93-0.95 for reciprocal-rank fusion (k=10..60, BM25 weight 1..3), and unlike RRF it keeps
how much better the first passage is than the next, which the verdict and the displayed score use.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from qa.index.store.protocol import PassageStore, ServingGeneration
from qa.ingest.back_matter import is_back_matter
from qa.ingest.chunking import Chunk
from qa.retrieve.candidates import Candidates, DenseRoute, route_of, scaled_dense

DENSE_WEIGHT = 0.45
# Back matter (reference lists, citation lines, licences, indexes; qa/ingest/back_matter.py) ranks as if it
# matched this much less, so body text that matches as well comes first, and a question about a cited
# source still finds its entry.
BACK_MATTER_WEIGHT = 0.7


@dataclass(frozen=True)
class Pool:
    """The fused candidates, best first, with what de-duplication and citing read of each."""

    rows: np.ndarray
    scores: np.ndarray  # the mode's ranking score
    vectors: np.ndarray  # MiniLM vectors (near-duplicate checks)
    cosines: np.ndarray  # cosine with the question in the row's own model
    models: list[str]  # that model, per row
    chunks: list[Chunk]


@dataclass(frozen=True)
class Fusion:
    """How candidates become one ranking: the weights of the hybrid mode and the back-matter demotion."""

    dense_weight: float = DENSE_WEIGHT
    lexical_by_language: bool = False  # BM25 scaled within each language's passages (measured, not adopted)
    back_matter_weight: float = BACK_MATTER_WEIGHT

    def scores(self, mode: str, gen: ServingGeneration, store: PassageStore, found: Candidates) -> dict[int, float]:
        """Each candidate row's score in this mode, in candidate order."""
        routes, dense_rows, lexical = found.routes, found.dense_rows, found.lexical
        if mode == "dense" and len(routes) > 1:
            return dict(zip(dense_rows.tolist(), scaled_dense(store, routes, dense_rows)[1].tolist(), strict=False))
        if mode == "dense":
            return {int(r): 1.0 / (i + 1) for i, r in enumerate(dense_rows)}
        if mode == "bm25":
            return {int(r): s for r, s in lexical.items()}
        return self.weighted(gen, store, found)

    def weighted(self, gen: ServingGeneration, store: PassageStore, found: Candidates) -> dict[int, float]:
        """Weighted sum of scaled dense and BM25 scores over the union of both candidate lists."""
        rows = np.array(sorted(set(found.dense_rows.tolist()) | set(found.lexical)), dtype=np.int64)
        if not len(rows):
            return {}
        dense = scaled_dense(store, found.routes, rows)[1]
        raw = np.array([found.lexical.get(int(r), 0.0) for r in rows])
        cjk = gen.cjk_rows
        groups = [cjk[rows], ~cjk[rows]] if self.lexical_by_language else [np.ones(len(rows), bool)]
        lex = np.zeros(len(rows))
        for g in groups:  # BM25 scaled by the best passage of its language (or of all)
            best = float(raw[g].max()) if g.any() else 0.0
            lex[g] = raw[g] / best if best > 0 else 0.0
        fused = self.dense_weight * dense + (1 - self.dense_weight) * lex
        return dict(zip(rows.tolist(), fused.tolist(), strict=False))

    def pool(self, mode: str, gen: ServingGeneration, store: PassageStore, found: Candidates, qvec: np.ndarray) -> Pool:
        """The candidates best first, back matter demoted, with their vectors, cosines and chunks read back."""
        order = self.scores(mode, gen, store, found)
        rows = np.array(sorted(order, key=lambda r: -order[r]), dtype=np.int64)
        if not len(rows):
            return Pool(rows, np.zeros(0), np.zeros((0, len(qvec)), np.float32), np.zeros(0), [], [])
        vecs = store.vectors("dense", rows)
        cosines = _cosines(store, found.routes, rows, vecs, qvec)
        models = [found.routes[j].model for j in route_of(found.routes, rows)]
        chunks = store.chunks(rows.tolist())
        scores = np.array(
            [
                order[int(r)] * (self.back_matter_weight if is_back_matter(c.section, c.text) else 1.0)
                for r, c in zip(rows, chunks, strict=True)
            ]
        )
        at = sorted(range(len(rows)), key=lambda i: -scores[i])  # stable: ties keep their order
        return Pool(rows[at], scores[at], vecs[at], cosines[at], [models[i] for i in at], [chunks[i] for i in at])


HYBRID = Fusion()  # the shipped fusion


def _cosines(store: PassageStore, routes: list[DenseRoute], rows: np.ndarray, vecs: np.ndarray, qvec: np.ndarray) -> np.ndarray:
    """Each row's cosine with the question in the model of its route."""
    if len(routes) == 1 and routes[0].model == "minilm":  # MiniLM over every row: the dense vectors read above
        return vecs @ qvec
    return scaled_dense(store, routes, rows)[0]
