"""Warm latency of qa.search and qa.ask (English and Chinese) against the plain stack, interleaved per question.

The plain stack is what the engine did before the fast path: sentence-transformers on torch embeds the
questions and answer sentences, FAISS IndexFlatIP searches the vectors; everything else is the same code.
"""

from __future__ import annotations

import time
from dataclasses import replace
from itertools import cycle

import numpy as np

from bench.measure import ZH_SET, questions, summary


def fast_embedder(assistant):
    """The assistant's query embedder; fails loudly when qa fell back to sentence-transformers.

    qa warns and keeps answering when its ONNX export is missing or refused; a benchmark that went on
    would time the fallback and call it qa.
    """
    from qa.embed.embeddings import SentenceTransformerEmbedder

    embedder = assistant.query_embedder(assistant.generation())
    if isinstance(embedder.inner, SentenceTransformerEmbedder):
        raise RuntimeError(
            "qa's queries use the fallback embedder (sentence-transformers), not the ONNX export: "
            "the figures would not be qa's; see the warning above for why"
        )
    return embedder


def plain_assistant(settings):
    """qa with the plain stack's parts: sentence-transformers for queries and FAISS flat (exact) search."""
    import faiss

    from qa import Assistant
    from qa.embed.embeddings import SentenceTransformerEmbedder

    slow = Assistant(settings, embedder=SentenceTransformerEmbedder())
    gen = slow.generation()
    passages = gen.passages  # a local generation's (FAISS): the only backend this compares against the plain stack
    if passages.dense_index.__class__.__name__ != "IndexFlatIP":
        # Above qa's exact-search size the plain stack still scans every vector. qa has no setting for the
        # vector index kind, so this process's copy of the generation is given a flat index.
        flat = faiss.IndexFlatIP(passages.dense_vectors.shape[1])
        flat.add(np.ascontiguousarray(passages.dense_vectors, dtype=np.float32))
        gen.passages = replace(passages, dense_index=flat)
    return slow


def warm_latency(settings, qs: list[str], repeats: int, plain: bool) -> dict:
    """Warm p50/p95 of qa.search, Chinese qa.search, qa.ask and the plain stack, interleaved per question.

    Each timed call sees a new question: the query embedders' caches are cleared before it. "ask_warm"
    keeps the answer sentences cached from the ask just before and only the question is new.
    """
    from qa import Assistant
    from qa.embed.multilingual import shared_embedder
    from qa.index.vectors import describe

    fast = Assistant(settings)
    fast.ask(qs[0])
    emb = fast_embedder(fast)
    zh_for = dict(zip(qs, cycle(questions(ZH_SET))))
    variants = {
        "search": lambda q: (emb.clear(), fast.search(q, k=5)),
        # Chinese questions take the multilingual route: its cache is cleared as the ONNX one is.
        "search_zh": lambda q: (shared_embedder().clear_cache(), fast.search(zh_for[q], k=5)),
        "ask": lambda q: (emb.clear(), fast.ask(q, k=5)),
        # The question with a second "?" is text the cache has not seen; its answer sentences are cached.
        "ask_warm": lambda q: fast.ask(q + "?", k=5),
    }
    if plain:
        slow = plain_assistant(settings)
        slow.ask(qs[0])
        variants |= {"plain_search": lambda q: slow.search(q, k=5), "plain_ask": lambda q: slow.ask(q, k=5)}
    times: dict[str, list[float]] = {v: [] for v in variants}
    for _ in range(repeats):
        for q in qs:
            for name, fn in variants.items():
                t = time.perf_counter()
                fn(q)
                times[name].append((time.perf_counter() - t) * 1000)
    out = {name: summary(ms) for name, ms in times.items()}
    gen = fast.generation()
    out["n_chunks"] = gen.manifest.n_chunks
    out["vector_index"] = describe(gen.passages.dense_index)
    return out
