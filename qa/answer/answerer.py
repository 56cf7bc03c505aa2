"""The answer stage's one protocol: an answerer ranks a question's candidate sentences, then judges the first.

Each language route (qa.answer.routes) has one implementation: English (qa.answer.english) and Chinese, for a
Chinese question or an English one over Chinese passages (qa.answer.chinese). They read the same Question and
share their patterns and constants (qa.answer.patterns).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Protocol, Sequence

import numpy as np

from qa.answer.answers import Candidate, StoredVectors
from qa.answer.verdict_model import VerdictModel
from qa.answer.verdicts import Matcher, Verdict
from qa.embed.embeddings import Embedder
from qa.retrieve.query import Query
from qa.retrieve.shape import QuestionShape


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
    sentences: StoredVectors | None = None  # the index's MiniLM answer-sentence vectors by chunk id

    @property
    def text(self) -> str:
        return self.query.text

    @property
    def shape(self) -> QuestionShape:
        """The English shape (qa.retrieve.shape)."""
        return self.query.shape


@dataclass(frozen=True)
class VerdictModels:
    """The fitted verdicts an answerer may read: the English one and the Chinese one."""

    english: VerdictModel
    chinese: VerdictModel


class Answerer(Protocol):
    """One route's way to answer."""

    def rank(self, q: Question, models: VerdictModels) -> list[Candidate]:
        """Every candidate answer sentence of the top hits, the likeliest first."""
        ...

    def judge(self, q: Question, found: Sequence[Candidate], models: VerdictModels) -> Verdict:
        """The verdict on the first candidate: answered, partial or not_found, and what is missing."""
        ...
