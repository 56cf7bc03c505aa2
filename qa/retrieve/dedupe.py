"""De-duplication: a passage that only repeats a better-ranked one is left out of the hits."""

from __future__ import annotations

from qa.index.store.protocol import ServingGeneration
from qa.ingest.near_duplicates import same_passage
from qa.retrieve.fusion import Pool


def repeats(gen: ServingGeneration, a: int, b: int, a_text: str, b_text: str, cosine: float) -> bool:
    """True when passage a only repeats passage b: another copy of a repeated section, or the same text."""
    group = gen.repeat_group[a]
    if group >= 0 and group == gen.repeat_group[b] and gen.section_run[a] != gen.section_run[b]:
        return True
    return same_passage(a_text, b_text, cosine)


def distinct(gen: ServingGeneration, pool: Pool, k: int) -> list[int]:
    """Positions in pool of its first k passages that repeat none ranked before them."""
    kept: list[int] = []
    rows, chunks, vecs = pool.rows, pool.chunks, pool.vectors
    for i in range(len(rows)):
        if any(repeats(gen, rows[i], rows[j], chunks[i].text, chunks[j].text, float(vecs[i] @ vecs[j])) for j in kept):
            continue
        kept.append(i)
        if len(kept) == k:
            break
    return kept
