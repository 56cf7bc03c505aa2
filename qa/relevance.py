"""Relevance: one 0–1 measure of how well a passage matches a question, the same in every search mode.

A hit's `score` is the ranking score of the mode that found it (hybrid: the fused 0–1 weighted sum, relative
to the other candidates; dense: 1/rank; bm25: the raw BM25 score), so it cannot be compared across modes or
questions. `relevance` can: it is the cosine similarity of the question's and the passage's embeddings,
rescaled linearly so that 0 means unrelated text (cosine <= UNRELATED_COSINE) and 1 a close paraphrase
(cosine >= PARAPHRASE_COSINE). Every mode computes that cosine for each hit, so the same passage gets the
same relevance for the same question whichever mode ranked it.

Measured with MiniLM over the review, the shared-mime-info PDF and the MPL licence (dev, dev-unanswerable and
held-out questions, top 10 hits each): passages holding the answer have cosines 0.29 / 0.47 / 0.57 / 0.64 /
0.75 (5th / 25th / 50th / 75th / 95th percentile), the other hits 0.13 / 0.25 / 0.37 / 0.47 / 0.60.
"""

from __future__ import annotations

UNRELATED_COSINE = 0.15  # below the 10th percentile of hits that do not hold the answer
PARAPHRASE_COSINE = 0.75  # the 95th percentile of hits that hold it
STRONG = 0.6  # cosine >= 0.51: about the median passage that holds the answer
FAIR = 0.35  # cosine >= 0.36: about the median passage that does not

LABELS = ("strong match", "fair match", "weak match")


def relevance(cosine: float) -> float:
    """The 0–1 relevance of a passage whose embedding has this cosine similarity with the question's."""
    value = (float(cosine) - UNRELATED_COSINE) / (PARAPHRASE_COSINE - UNRELATED_COSINE)
    return round(min(1.0, max(0.0, value)), 4)


def match_label(value: float) -> str:
    """A relevance as a short label: strong, fair or weak match."""
    if value >= STRONG:
        return LABELS[0]
    if value >= FAIR:
        return LABELS[1]
    return LABELS[2]
