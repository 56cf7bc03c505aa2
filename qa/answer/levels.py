"""Levels: a reply claims a sentence as the answer, shows passages that may answer, or says the documents do not.

Every candidate sentence of the top passages (qa.answer.answers, qa.answer.chinese_ranking) is scored by a
logistic model of "this sentence holds the answer" over FEATURES: what the question asks for and whether the
sentence has it (a number, a name, a command), how much of the question it and its passage hold, how close it
is to the question, and where it sits. The best becomes the reply's first sentence. A second logistic reads how
clearly the best stands out (CONFIDENCE_FEATURES) and gives the confidence: the probability that the shown
sentence holds the answer, calibrated on held-out questions. Both are fitted by `python -m
scripts.fit_answer_levels` with folds by document, and the reply is an *answer* only when the confidence reaches
the fitted threshold, the sentence's passage is not a weak match, and the question has words at all.
"""

from __future__ import annotations

import json
import math
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Sequence

import numpy as np

from qa.answer import cues
from qa.answer.answers import Candidate
from qa.ingest.code_blocks import asks_for_code, is_code
from qa.ingest.tables import is_row
from qa.retrieve.query import Query
from qa.text import cjk_count, content_terms, is_cjk

MODEL_FILE = Path(__file__).parent / "fitted" / "answer_levels.json"
FEATURES = (
    "route_first",
    "route_rank",
    "cosine",
    "cosine_gap",
    "overlap",
    "kind",
    "fits",
    "anchor_missing",
    "name_missing",
    "focus_missing",
    "sentence_unmatched",
    "passage_unmatched",
    "hit_first",
    "hit_rank",
    "relevance",
    "code_mismatch",
    "same_language",
    "short",
    "table_row",
    "novelty",
    "after_restating",
    "cue_asked",
    "cue_held",
)
CONFIDENCE_FEATURES = ("top_logit", "margin", "relevance", "passage_unmatched", "chinese")
# Passages in the question's language win when they hold an answer nearly as likely as the other language's:
# a reader asked in Chinese wants the Chinese sentence of a book indexed in both languages.
LANGUAGE_MARGIN = 1.0  # in logit units of the sentence model
WEAK = "weak match"


@dataclass(frozen=True)
class LevelModel:
    """The sentence model, the confidence model over its best candidate, and the threshold of an answer."""

    coef: tuple[float, ...] = (0.0,) * len(FEATURES)
    intercept: float = 0.0
    conf_coef: tuple[float, ...] = (0.0,) * len(CONFIDENCE_FEATURES)
    conf_intercept: float = 0.0
    threshold: float = 0.5

    def logits(self, x: np.ndarray) -> np.ndarray:
        """The sentence model's log-odds for each row of x (FEATURES order)."""
        return x @ np.asarray(self.coef) + self.intercept if len(x) else np.zeros(0)

    def confidence(self, z: Sequence[float]) -> float:
        """P(the shown sentence holds the answer) from CONFIDENCE_FEATURES."""
        s = self.conf_intercept + sum(c * v for c, v in zip(self.conf_coef, z, strict=True))
        return 1 / (1 + math.exp(-max(-30.0, min(30.0, s))))

    @classmethod
    def from_dict(cls, d: dict) -> "LevelModel":
        return cls(
            tuple(d["coef"]), float(d["intercept"]), tuple(d["conf_coef"]), float(d["conf_intercept"]), float(d["threshold"])
        )

    def to_dict(self) -> dict:
        return {
            "coef": list(self.coef),
            "intercept": self.intercept,
            "conf_coef": list(self.conf_coef),
            "conf_intercept": self.conf_intercept,
            "threshold": self.threshold,
        }


@dataclass(frozen=True)
class LevelModels:
    """The shipped model and the fold models, each of which left out the questions over some documents."""

    full: LevelModel
    folds: tuple[LevelModel, ...]
    fold_of: dict[str, int]  # question text -> the fold that did not see it

    def held_out_for(self, question: str) -> LevelModel | None:
        """The model not fitted on this question, if it was among the fitted ones."""
        i = self.fold_of.get(question)
        return None if i is None else self.folds[i]


@lru_cache(maxsize=4)
def load_levels(path: Path = MODEL_FILE) -> LevelModels:
    """The fitted level models from their JSON file (written by scripts/fit_answer_levels.py)."""
    d = json.loads(Path(path).read_text(encoding="utf-8"))
    if tuple(d["features"]) != FEATURES or tuple(d["confidence_features"]) != CONFIDENCE_FEATURES:
        raise ValueError(f"{path}: fitted for other features; refit with python -m scripts.fit_answer_levels")
    folds = tuple(LevelModel.from_dict(f) for f in d["folds"])
    return LevelModels(LevelModel.from_dict(d["full"]), folds, {q: i for i, f in enumerate(d["folds"]) for q in f["held_out"]})


def has_words(text: str) -> bool:
    """True when the question holds a letter, a digit or a Chinese character: something to look for."""
    return any(unicodedata.category(c)[0] in "LN" for c in text)


def features(query: Query, found: Sequence[Candidate]) -> np.ndarray:
    """One row of FEATURES per candidate sentence, in the order the route ranked them."""
    if not found:
        return np.zeros((0, len(FEATURES)))
    best_cos = max(c.cosine for c in found)
    code = asks_for_code(query.text)
    asked = content_terms(query.text)
    before = _overlap_before(found)
    cue = cues.asked(query.text)
    rows = []
    for i, c in enumerate(found):
        k = c.checks
        rows.append(
            (
                float(i == 0),
                1.0 / (1 + i),
                c.cosine,
                best_cos - c.cosine,
                c.overlap,
                float(k.kind),
                float(k.fits),
                float(bool(k.anchors)),
                float(bool(k.names)),
                float(bool(k.focus)),
                k.sentence_unmatched,
                k.passage_unmatched,
                float(c.hit.rank == 1),
                1.0 / c.hit.rank,
                c.hit.relevance,
                float(is_code(c.text) != code),
                float(same_language(query, c.text)),
                float(_short(c.text)),
                float(is_row(c.text)),
                _novelty(c.text, asked),
                before[i],
                float(cue is not None),
                float(cue is not None and cues.held(cue, c.text)),
            )
        )
    return np.asarray(rows, dtype=np.float64)


def _novelty(text: str, asked: set[str]) -> float:
    """Share of the sentence's content words the question does not use: an answer adds what was not asked."""
    held = content_terms(text)
    return len(held - asked) / len(held) if held else 0.0


def _overlap_before(found: Sequence[Candidate]) -> list[float]:
    """For each candidate, the question overlap of the sentence just before it in its passage (0 for a first one):
    manuals restate the question's topic in one sentence and answer it in the next."""
    by_hit: dict[int, list[int]] = {}
    for i, c in enumerate(found):
        by_hit.setdefault(c.hit.rank, []).append(i)
    out = [0.0] * len(found)
    for rows in by_hit.values():
        rows.sort(key=lambda i: found[i].start)
        for prev, cur in zip(rows, rows[1:], strict=False):
            out[cur] = found[prev].overlap
    return out


def same_language(query: Query, text: str) -> bool:
    """True when the sentence is written in the question's language."""
    return is_cjk(text) == query.chinese


def _short(text: str) -> bool:
    return len(text.split()) < 6 and cjk_count(text) < 10


@dataclass(frozen=True)
class Choice:
    """The candidates with the likeliest answer first, and the confidence that it holds the answer."""

    candidates: list[Candidate]
    confidence: float
    weak: bool  # the first sentence's passage is only a weak match


def choose(query: Query, found: Sequence[Candidate], model: LevelModel) -> Choice:
    """The candidates re-ranked by the sentence model, and the calibrated confidence in the first."""
    if not found:
        return Choice([], 0.0, True)
    z = model.logits(features(query, found))
    order = shown_order(z, np.array([same_language(query, c.text) for c in found]))
    top = order[0]
    second = max((z[i] for i in order[1:]), default=z[top] - 5.0)
    c = found[top]
    conf = model.confidence(
        (float(z[top]), float(z[top] - second), c.hit.relevance, c.checks.passage_unmatched, float(query.chinese))
    )
    return Choice([found[i] for i in order], round(conf, 3), c.hit.match == WEAK)


def shown_order(z: np.ndarray, same: np.ndarray) -> list[int]:
    """Candidate positions by log-odds, best first; a sentence in the question's language (same) goes first when
    within LANGUAGE_MARGIN of the best."""
    order = sorted(range(len(z)), key=lambda i: (-z[i], i))
    rival = next((i for i in order if same[i]), None)
    if not same[order[0]] and rival is not None and z[rival] >= z[order[0]] - LANGUAGE_MARGIN:
        order.remove(rival)
        order.insert(0, rival)
    return order


def level(choice: Choice, model: LevelModel, verdict_label: str) -> str:
    """ "answered", "partial" or "not_found": an answer only when the confidence reaches the threshold and the
    passage is more than a weak match; otherwise the route's verdict tells passages that may answer from none."""
    if choice.candidates and not choice.weak and choice.confidence >= model.threshold:
        return "answered"
    return "not_found" if verdict_label == "not_found" else "partial"
