"""Candidates: the passages each retriever proposes for a query, dense (one route per embedding model) and BM25."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from qa.embed.embeddings import Embedder
from qa.index.store.protocol import VECTOR_SET_OF_MODEL, PassageStore, RowFilter, ServingGeneration
from qa.retrieve.query import Query


@dataclass(frozen=True)
class DenseRoute:
    """One embedding model's view of the passages: the question's vector in it, and which rows it scores."""

    qvec: np.ndarray
    rows: np.ndarray | None = None  # boolean row mask; None: every row
    model: str = "minilm"  # whose cosines these are (relevance is calibrated per model)
    cjk: bool | None = None  # the rows it scores, as a filter: Chinese only, not Chinese, or all (None)

    @property
    def name(self) -> str:
        """Its vector set in the passage store (qa/index/store/protocol.py)."""
        return VECTOR_SET_OF_MODEL[self.model]

    def cosines(self, store: PassageStore, rows: np.ndarray) -> np.ndarray:
        return store.vectors(self.name, rows) @ self.qvec


def question_vector(gen: ServingGeneration, embedder: Embedder, query: Query, qvec: np.ndarray | None) -> np.ndarray:
    """The question's MiniLM vector (given, or embedded now); zeros for a Chinese question, which MiniLM cannot read."""
    if qvec is not None:
        return qvec
    if query.chinese:
        return np.zeros(gen.manifest.dim, np.float32)  # never used: Chinese questions take the multilingual route
    return embedder.embed([query.text])[0]


def dense_routes(
    gen: ServingGeneration, query: Query, qvec: np.ndarray, multilingual: Embedder | None, mvec: np.ndarray | None = None
) -> list[DenseRoute]:
    """Which model scores which passages, by the question's script.

    A Chinese question: the multilingual model over every passage (MiniLM knows no Chinese). An English
    question: MiniLM, exactly as before, over every passage that is not Chinese, and the multilingual
    model over the Chinese ones, so that it finds passages in both languages. Each route's cosines are
    scaled on their own: the two models' cosines are not on one scale.
    """
    cjk = gen.cjk_rows
    if not query.chinese and not cjk.any():
        return [DenseRoute(qvec)]
    if mvec is None:
        if multilingual is None:
            from qa.embed.multilingual import shared_embedder

            multilingual = shared_embedder()
        mvec = multilingual.embed([query.text])[0]
    if query.chinese or cjk.all():
        return [DenseRoute(mvec, model="multilingual")]
    return [DenseRoute(qvec, ~cjk, cjk=False), DenseRoute(mvec, cjk, "multilingual", cjk=True)]


def route_of(routes: list[DenseRoute], rows: np.ndarray) -> np.ndarray:
    """Index into routes of the route scoring each row."""
    which = np.zeros(len(rows), np.int64)
    for i, r in enumerate(routes):
        if r.rows is not None:
            which[r.rows[rows]] = i
    return which


def scaled_dense(store: PassageStore, routes: list[DenseRoute], rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(cosine, cosine min-max scaled within its route) of each row."""
    which = route_of(routes, rows)
    raw = np.zeros(len(rows))
    scaled = np.zeros(len(rows))
    for i, route in enumerate(routes):
        sel = which == i
        if not sel.any():
            continue
        d = route.cosines(store, rows[sel])
        span = float(d.max() - d.min())
        raw[sel] = d
        scaled[sel] = (d - d.min()) / span if span > 1e-9 else np.ones_like(d)
    return raw, scaled


@dataclass(frozen=True)
class Candidates:
    """What the retrievers proposed: dense rows (each route's best, concatenated) and BM25 scores by row."""

    routes: list[DenseRoute]
    dense_rows: np.ndarray
    lexical: dict[int, float] = field(default_factory=dict)


def source_mask(gen: ServingGeneration, query: Query) -> np.ndarray | None:
    """Rows of the documents the query asks for (None: all documents)."""
    if not query.sources:
        return None
    asked = set(query.sources)
    return np.isin(gen.row_source, [i for i, s in enumerate(gen.sources) if s in asked])


def candidates(store: PassageStore, query: Query, routes: list[DenseRoute], mask: np.ndarray | None, depth: int) -> Candidates:
    """Each retriever's depth best rows for the query, within the documents it asks for."""
    dense_rows = np.zeros(0, np.int64)
    if query.mode in ("hybrid", "dense"):
        found = []
        for route in routes:
            keep = mask if route.rows is None else (route.rows if mask is None else route.rows & mask)
            if keep is not None and not keep.any():
                continue
            _, rows = store.dense(route.name, route.qvec, depth, RowFilter(query.sources, route.cjk))
            found.append(rows)
        dense_rows = found[0] if len(found) == 1 else np.concatenate(found) if found else dense_rows
    lexical: dict[int, float] = {}
    if query.mode in ("hybrid", "bm25"):
        scores, rows = store.lexical(query.lexical, depth, RowFilter(query.sources) if query.sources else None)
        lexical = dict(zip(rows.tolist(), scores.tolist(), strict=False))
    return Candidates(routes, dense_rows, lexical)
