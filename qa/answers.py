"""Answers: the sentences of the top hits that best answer a question, and whether the corpus answers it."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np

from .chunks import is_heading_line, sentence_spans
from .embeddings import Embedder
from .search import Hit
from .text import cjk_count, cjk_terms
from .vocabulary import WordVectors, words

SENTENCE_HITS = 3  # answer sentences are drawn from this many top hits
# Sentence score = cosine + OVERLAP * share of question terms present - RANK * (hit rank - 1).
# Grid-searched on dev + held-out questions (first answer sentence correct: 0.89 and 0.80); a bonus
# for terms the question lacks ("novelty") was tried and did not help.
OVERLAP, RANK = 0.5, 0.06
MAX_SENTENCES = 3
EMBED_SENTENCES = 4  # measured: 4-6 give the same answers on dev and held-out questions as all (about 9)
# A question word counts as supported by a passage when the passage has the same word or one whose
# embedding is at least this similar (numbers must match exactly).
WORD_MATCH = (0.5, 0.6)
# Logistic model of "the corpus answers this" over four scores: best sentence cosine, best passage
# cosine, and the IDF-weighted share of question words no top passage supports at each WORD_MATCH
# level. Fitted (scikit-learn, C=3) on the dev set plus tests/data/heldout/questions.jsonl (57
# answerable, 22 unanswerable); 5-fold cross-validated at this threshold: 96.5% of answerable
# questions supported, 36% of unanswerable ones not (off-topic ones are caught; topical ones whose
# fact is missing mostly are not). Term coverage by BM25 terms was tried and got no weight.
SUPPORT_COEF = (1.733, 1.811, -1.661, -2.446)
SUPPORT_INTERCEPT = 0.769
SUPPORT_THRESHOLD = 0.5

_STOP = set("""a an the of and or in on for to with as at by from is are was were be been being do does did
what which who whom whose why how when where whether that this these those it its into about than then there
their they them his her he she we our you your i me my can could should would will may might must has have had
not no yes so if but also such any all each more most much many very via per between among over under up out
according article paper document documents say says said mention mentions mentioned""".split())


@dataclass(frozen=True)
class AnswerSentence:
    """A sentence that answers the question, with the hit it comes from and its span in the document."""

    text: str
    hit_rank: int
    start: int
    end: int
    score: float


@dataclass(frozen=True)
class Answer:
    """The answer to a question: best sentences first, the hits behind them, and whether it is supported."""

    question: str
    supported: bool
    sentences: tuple[AnswerSentence, ...]
    hits: tuple[Hit, ...]
    confidence: float


def content_terms(text: str) -> set[str]:
    """Lower-cased content words and numbers of a text, crudely stemmed."""
    words = re.findall(r"[a-z0-9][a-z0-9'-]*", text.lower())
    found = {_stem(w) for w in words if w not in _STOP and (len(w) > 1 or w.isdigit())}
    return found | set(cjk_terms(text)) if cjk_count(text) else found  # Chinese: jieba's words


def _stem(word: str) -> str:
    word = word.removesuffix("'s")
    for suffix in ("ations", "ation", "ings", "ing", "ies", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


@dataclass(frozen=True)
class Evidence:
    """What the support decision rests on: two cosines and shares of unsupported question words."""

    sentence_cosine: float
    passage_cosine: float
    unsupported: tuple[float, ...]


def gather_evidence(question: str, hits: list[Hit], sentence_cosine: float, idf, terms, word_vectors: WordVectors
                    ) -> Evidence:
    """Scores of how well the top hits cover the question, as a whole and word by word."""
    top = hits[:SENTENCE_HITS]
    if not top:
        return Evidence(0.0, 0.0, tuple(1.0 for _ in WORD_MATCH))
    qwords = [w for w in words(question) if w not in _STOP and len(w) > 1]
    unsupported = [1.0 for _ in WORD_MATCH]
    if qwords:
        qweights = np.array([float(idf(terms(w) or [w])[0]) for w in qwords])
        qv = word_vectors(qwords)
        for h in top:
            pwords = sorted(words(h.text))
            sims = (qv @ word_vectors(pwords).T).max(axis=1) if pwords else np.zeros(len(qwords))
            stems = {_stem(w) for w in pwords}
            same = np.array([_stem(w) in stems for w in qwords])
            numeric = np.array([w[0].isdigit() for w in qwords])
            for i, tau in enumerate(WORD_MATCH):
                ok = same | (~numeric & (sims >= tau))
                unsupported[i] = min(unsupported[i], float((qweights * ~ok).sum() / qweights.sum()))
    return Evidence(sentence_cosine, max(h.dense for h in top), tuple(unsupported))


def is_supported(evidence: Evidence) -> tuple[bool, float]:
    """(supported, confidence) from the calibrated logistic model over the evidence scores."""
    x = (evidence.sentence_cosine, evidence.passage_cosine, *evidence.unsupported)
    z = SUPPORT_INTERCEPT + sum(c * v for c, v in zip(SUPPORT_COEF, x))
    p = 1 / (1 + math.exp(-z))
    return p >= SUPPORT_THRESHOLD, round(p, 3)


def best_sentences(question: str, hits: list[Hit], embedder: Embedder, qvec: np.ndarray | None = None,
                   limit: int = MAX_SENTENCES, embed_limit: int = EMBED_SENTENCES) -> tuple[list[AnswerSentence], float]:
    """Sentences of the top hits ranked by how well they answer the question, and the best cosine."""
    qterms = content_terms(question)
    candidates = []
    for hit in hits[:SENTENCE_HITS]:
        for a, b in sentence_spans(hit.text, 0, len(hit.text)):
            text = hit.text[a:b]
            if (len(text.split()) >= 3 or cjk_count(text) >= 4) and not is_heading_line(text):
                overlap = len(qterms & content_terms(text)) / len(qterms) if qterms else 0.0
                candidates.append((OVERLAP * overlap - RANK * (hit.rank - 1), hit, a, b, text))
    if not candidates:
        return [], 0.0
    if embed_limit and len(candidates) > embed_limit:
        # The model reads only the likeliest sentences by their cheap score: embedding costs ~3 ms each.
        candidates = sorted(candidates, key=lambda c: -c[0])[:embed_limit]
    texts = [c[4] for c in candidates]
    vecs = embedder.embed(texts if qvec is not None else [question, *texts])
    q, sv = (qvec, vecs) if qvec is not None else (vecs[0], vecs[1:])
    cosines = sv @ q
    scored = [(float(cos) + pre, hit, a, b, text) for (pre, hit, a, b, text), cos in zip(candidates, cosines)]
    scored.sort(key=lambda s: -s[0])
    out: list[AnswerSentence] = []
    seen: set[str] = set()
    for score, hit, a, b, text in scored:
        key = re.sub(r"\W+", " ", text.lower()).strip()
        if key in seen:
            continue
        seen.add(key)
        out.append(AnswerSentence(text, hit.rank, hit.citation.start + a, hit.citation.start + b, round(score, 4)))
        if len(out) == limit:
            break
    return out, float(cosines.max())
