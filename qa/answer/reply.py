"""A reply: the question's candidate answer sentences ranked, its level decided, its sentences and hits cited."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np

from qa.answer import routes
from qa.answer.answerer import Question, VerdictModels
from qa.answer.answers import Answer, Candidate, best_sentences, cite_sentence_page
from qa.answer.levels import LevelModel, choose, has_words, level, load_levels
from qa.answer.reasons import level_reason, no_words
from qa.answer.verdict_model import VerdictModel, load_models
from qa.answer.verdicts import Matcher, Verdict
from qa.embed.embeddings import Embedder
from qa.index.store.protocol import ServingGeneration
from qa.retrieve.hits import Hit
from qa.retrieve.query import Query


@dataclass(frozen=True)
class Retrieval:
    """A question's hits and what answering needs: the question's vector and word matcher."""

    query: Query
    hits: tuple[Hit, ...]
    qvec: np.ndarray
    embedder: Embedder
    matcher: Matcher
    gen: ServingGeneration
    route: str = "english"  # the answerer (qa.answer.routes): "english", "chinese" or "to_chinese"
    idf: Callable[[Sequence[str]], np.ndarray] | None = None  # IDF of question words, as BM25 weighs them

    @property
    def question(self) -> str:
        return self.query.text


def candidates(
    r: Retrieval, model: VerdictModel | None = None, chinese_model: VerdictModel | None = None
) -> tuple[list[Candidate], Verdict]:
    """Every candidate answer sentence of the top hits, as the question's route ranks them, and its verdict."""
    assert r.idf is not None  # retrieve always weighs the question's words
    q = Question(r.query, r.hits, r.embedder, r.qvec, r.matcher, r.idf, r.gen.bm25.idf, r.gen.sentence_vectors)
    models = VerdictModels(model or load_models().full, chinese_model or routes.chinese_models().full)
    answerer = routes.ROUTES[r.route]
    found = answerer.rank(q, models)
    return found, answerer.judge(q, found, models)


def reply(
    r: Retrieval,
    model: VerdictModel | None = None,
    chinese_model: VerdictModel | None = None,
    level_model: LevelModel | None = None,
) -> Answer:
    """The answer to a retrieved question: its level, its best sentences and its hits."""
    if not has_words(r.query.text):  # punctuation or emoji only: nothing to look for, nothing to claim
        return Answer(r.question, "not_found", (), no_words(r.query), (), r.hits, 0.0)
    found, verdict = candidates(r, model, chinese_model)
    levels = level_model or load_levels().full
    choice = choose(r.query, found, levels)
    label = level(choice, levels, verdict.label)
    sentences = best_sentences(choice.candidates)
    hits = tuple(cite_sentence_page(r.gen, h, sentences) for h in r.hits)
    return Answer(
        r.question,
        label,
        verdict.missing if label != "answered" else (),
        level_reason(r.query, label, verdict, choice),
        tuple(sentences),
        hits,
        choice.confidence,
    )
