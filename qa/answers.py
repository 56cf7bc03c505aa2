"""Answers: the sentences of the top hits that best answer a question, and whether the corpus answers it."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np

from .chunks import sentence_spans
from .embeddings import Embedder
from .search import Hit

# Calibrated on the development questions (see `qa eval`): the top hit's cosine similarity and the
# share of the question's content words found in it separate answered from unanswered questions.
SUPPORT_COSINE = 0.50
SUPPORT_COSINE_WITH_TERMS = 0.38
SUPPORT_TERM_SHARE = 0.5
SENTENCE_HITS = 3  # answer sentences are drawn from this many top hits
MAX_SENTENCES = 3

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
    hits: tuple
    confidence: float


def content_terms(text: str) -> set[str]:
    """Lower-cased content words and numbers of a text, crudely stemmed."""
    words = re.findall(r"[a-z0-9][a-z0-9'-]*|[\u4e00-\u9fff]", text.lower())
    return {_stem(w) for w in words if w not in _STOP and (len(w) > 1 or w.isdigit() or "\u4e00" <= w <= "\u9fff")}


def _stem(word: str) -> str:
    word = word.removesuffix("'s")
    for suffix in ("ations", "ation", "ings", "ing", "ies", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def term_share(question: str, text: str) -> float:
    """Share of the question's content terms that occur in text."""
    q = content_terms(question)
    return len(q & content_terms(text)) / len(q) if q else 0.0


def is_supported(question: str, hits: list[Hit]) -> tuple[bool, float]:
    """(supported, confidence) from the top hit's similarity and term overlap, not from word lists."""
    if not hits:
        return False, 0.0
    top = max(hits[:3], key=lambda h: h.dense + 0.25 * term_share(question, h.text))
    share = term_share(question, top.text)
    margin = max(top.dense - SUPPORT_COSINE, (top.dense - SUPPORT_COSINE_WITH_TERMS) if share >= SUPPORT_TERM_SHARE else -1)
    confidence = 1 / (1 + math.exp(-12 * margin))
    return margin >= 0, round(confidence, 3)


def best_sentences(question: str, hits: list[Hit], embedder: Embedder, qvec: np.ndarray | None = None,
                   limit: int = MAX_SENTENCES) -> list[AnswerSentence]:
    """Sentences of the top hits ranked by how well they answer the question."""
    spans: list[tuple[Hit, int, int]] = []
    for hit in hits[:SENTENCE_HITS]:
        for a, b in sentence_spans(hit.text, 0, len(hit.text)):
            if len(hit.text[a:b].split()) >= 3:
                spans.append((hit, a, b))
    if not spans:
        return []
    texts = [h.text[a:b] for h, a, b in spans]
    vecs = embedder.embed([question, *texts])
    q, sv = (vecs[0] if qvec is None else qvec), vecs[1:]
    qterms = content_terms(question)
    scored = []
    for (hit, a, b), text, vec in zip(spans, texts, sv):
        overlap = len(qterms & content_terms(text)) / len(qterms) if qterms else 0.0
        # Semantic fit first, exact terms second, and a slight preference for higher-ranked hits.
        score = float(vec @ q) + 0.3 * overlap - 0.03 * (hit.rank - 1)
        scored.append((score, hit, a, b, text))
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
    return out
