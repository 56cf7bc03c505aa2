"""The English answerer: an English question over English passages, by MiniLM cosines, stemmed word overlap and
the English verdict (qa.answer.verdicts)."""

from __future__ import annotations

from typing import Sequence

from qa.answer.answerer import Question, VerdictModels
from qa.answer.answers import Candidate, judge, rank_sentences
from qa.answer.verdicts import Verdict


class EnglishAnswerer:
    """MiniLM's sentences and the English verdict."""

    def rank(self, q: Question, models: VerdictModels) -> list[Candidate]:
        return rank_sentences(q.text, q.hits, q.embedder, q.qvec, q.matcher, models.english.weights, stored=q.sentences)

    def judge(self, q: Question, found: Sequence[Candidate], models: VerdictModels) -> Verdict:
        return judge(q.text, q.shape, q.hits, found, q.matcher, models.english)
