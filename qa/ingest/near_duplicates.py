"""Duplicates: repeated sections (an abstract in two translations) and near-identical passages."""

from __future__ import annotations

from typing import Sequence

import numpy as np

from qa.ingest.chunking import Chunk
from qa.text import word_set

# Two sections are copies of one another when their mean embeddings are this close, they share this
# share of their distinct words, and their lengths are alike. Measured on the review (its two abstract
# translations: cosine 0.89, word Jaccard 0.45) against every other section pair of the review, a PDF
# specification and a licence (best other pairs: cosine 0.94 with Jaccard 0.43 for two one-line
# headings, Jaccard 0.49 with cosine 0.79 for two reference entries).
SECTION_COSINE = 0.85
SECTION_JACCARD = 0.40
SECTION_MIN_CHARS = 400
SECTION_LENGTH_RATIO = 1.4
NEIGHBOURS = 8
# Two passages are the same passage (a paragraph copied into two files) above both of these.
PASSAGE_COSINE = 0.95
PASSAGE_JACCARD = 0.8


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    """Share of distinct words two texts have in common."""
    return len(a & b) / len(a | b) if a or b else 1.0


def repeated_sections(chunks: Sequence[Chunk], vectors: np.ndarray) -> tuple[list[int], list[int]]:
    """(section run, repeat group) per chunk: runs number consecutive chunks of one section; runs that
    repeat one another share a repeat group (-1 for sections that are not repeated)."""
    runs = _section_runs(chunks)
    members: dict[int, list[int]] = {}
    for i, r in enumerate(runs):
        members.setdefault(r, []).append(i)
    big = [r for r, idx in members.items() if sum(len(chunks[i].text) for i in idx) >= SECTION_MIN_CHARS]
    group = {r: -1 for r in members}
    if len(big) > 1:
        sections = [[chunks[i].text for i in members[r]] for r in big]
        means = np.array([np.asarray(vectors[members[r]]).mean(axis=0) for r in big])
        for a, b in _copies(sections, means):
            g = group[big[a]] if group[big[a]] >= 0 else big[a]
            group[big[a]] = group[big[b]] = g
    return runs, [group[r] for r in runs]


def _section_runs(chunks: Sequence[Chunk]) -> list[int]:
    runs: list[int] = []
    for i, c in enumerate(chunks):
        same = i > 0 and (chunks[i - 1].source, chunks[i - 1].section) == (c.source, c.section)
        runs.append(runs[-1] if same else (runs[-1] + 1 if runs else 0))
    return runs


def _copies(sections: list[list[str]], means: np.ndarray):
    """(a, b), a < b, for each pair of sections (their passages' texts, their mean vectors) that copy each other,
    in order of a, then of b's similarity to a."""
    means = means / np.maximum(np.linalg.norm(means, axis=1, keepdims=True), 1e-12)
    sizes = np.array([sum(len(t) for t in texts) for texts in sections], dtype=np.float64)
    # Word sets only for the few pairs that pass the cosine and length tests: one per section of a
    # 50,000-passage corpus held ~150 MB at the build's peak.
    words: dict[int, frozenset[str]] = {}

    def words_of(k: int) -> frozenset[str]:
        if k not in words:
            words[k] = word_set(" ".join(sections[k]))
        return words[k]

    # A section has few copies: only its NEIGHBOURS most similar sections are compared word by word,
    # found with array operations a block of rows at a time (a large corpus has thousands of sections).
    for lo in range(0, len(sections), 1024):
        sims = means[lo : lo + 1024] @ means.T
        for r in range(sims.shape[0]):
            sims[r, lo + r] = -1.0
        top = np.argsort(-sims, axis=1)[:, :NEIGHBOURS]
        for r, cols in enumerate(top):
            a = lo + r
            for b in cols.tolist():
                if (
                    b > a
                    and sims[r, b] >= SECTION_COSINE
                    and max(sizes[a], sizes[b]) <= SECTION_LENGTH_RATIO * min(sizes[a], sizes[b])
                    and jaccard(words_of(a), words_of(b)) >= SECTION_JACCARD
                ):
                    yield a, b


def same_passage(a_text: str, b_text: str, cosine: float) -> bool:
    """True for two passages that say the same thing in nearly the same words."""
    return cosine >= PASSAGE_COSINE and jaccard(word_set(a_text), word_set(b_text)) >= PASSAGE_JACCARD
