"""The verdict's fitted numbers: sentence-ranking weights and a logistic model, with their cross-validation folds.

scripts/fit_verdict.py fits them and writes verdict_model.json; qa/answer/verdicts.py uses them.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Sequence

# The focus words are not a feature of their own: the kind check already looks for them where they
# count (next to the number, or named in the sentence), and checked across the whole passage they
# flagged as many answerable questions as unanswerable ones.
FEATURES = (
    "sentence_cosine",
    "passage_cosine",
    "sentence_unmatched",
    "passage_unmatched",
    "kind_missing",
    "anchor_missing",
    "name_missing",
)
MODEL_FILE = Path(__file__).parent / "fitted" / "verdict_model.json"


@dataclass(frozen=True)
class SentenceWeights:
    """How answer sentences are ranked: cosine + overlap * term share - rank * (hit rank - 1) + fit * fits."""

    overlap: float = 0.5
    rank: float = 0.06
    fit: float = 0.0


@dataclass(frozen=True)
class VerdictModel:
    """The fitted numbers: sentence ranking weights and a logistic model over FEATURES."""

    weights: SentenceWeights = field(default_factory=SentenceWeights)
    coef: tuple[float, ...] = (0.0,) * len(FEATURES)
    intercept: float = 0.0
    threshold: float = 0.5

    def probability(self, x: Sequence[float]) -> float:
        """P(answered) for one feature vector."""
        z = self.intercept + sum(c * v for c, v in zip(self.coef, x, strict=False))
        return 1 / (1 + math.exp(-max(-30.0, min(30.0, z))))

    @classmethod
    def from_dict(cls, d: dict) -> "VerdictModel":
        return cls(SentenceWeights(**d["weights"]), tuple(d["coef"]), float(d["intercept"]), float(d["threshold"]))

    def to_dict(self) -> dict:
        return {
            "weights": self.weights.__dict__,
            "coef": list(self.coef),
            "intercept": self.intercept,
            "threshold": self.threshold,
        }


@dataclass(frozen=True)
class FittedModels:
    """The shipped model, and the cross-validation fold models that each left some questions out."""

    full: VerdictModel
    folds: tuple[VerdictModel, ...]
    fold_of: dict[str, int]  # question text -> the fold that did not see it

    def held_out_for(self, question: str) -> VerdictModel | None:
        """The model that was not fitted on this question, if it was among the fitted ones."""
        i = self.fold_of.get(question)
        return None if i is None else self.folds[i]


@lru_cache(maxsize=4)
def load_models(path: Path = MODEL_FILE) -> FittedModels:
    """The fitted verdict models from their JSON file (written by scripts/fit_verdict.py)."""
    d = json.loads(Path(path).read_text(encoding="utf-8"))
    folds = tuple(VerdictModel.from_dict(f) for f in d["folds"])
    return FittedModels(VerdictModel.from_dict(d["full"]), folds, {q: i for i, f in enumerate(d["folds"]) for q in f["held_out"]})
