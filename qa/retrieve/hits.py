"""Hits: ranked passages with their citations, what qa.search returns."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from qa.index.store.protocol import ServingGeneration
from qa.ingest.chunking import Chunk, Citation
from qa.ingest.documents import Reference
from qa.retrieve.relevance import match_label, relevance
from qa.serialize import HitDict


@dataclass(frozen=True)
class Hit:
    """One ranked passage: its text, citation and the evidence behind its rank."""

    rank: int
    score: float
    text: str
    citation: Citation
    chunk_id: str
    dense: float  # cosine similarity of question and passage
    lexical: float  # BM25 score (0 when no query term occurs)
    references: tuple[Reference, ...] = ()
    model: str = "minilm"  # the embedding model whose cosine `dense` is ("minilm" or "multilingual")

    @property
    def relevance(self) -> float:
        """0–1, the same meaning in every mode (see qa/retrieve/relevance.py); score is the mode's own ranking score."""
        return relevance(self.dense, self.model)

    @property
    def match(self) -> str:
        """The relevance as "strong match", "fair match" or "weak match"."""
        return match_label(self.relevance)

    def to_dict(self) -> HitDict:
        """The hit as JSON (qa/serialize.py)."""
        return {
            "rank": self.rank,
            "score": round(self.score, 6),
            "relevance": self.relevance,
            "match": self.match,
            "text": self.text,
            "citation": self.citation.to_dict(),
            "references": [{"number": r.number, "text": r.text} for r in self.references],
        }


_CITE = re.compile(r"\[(\d{1,3}(?:\s*[,–-]\s*\d{1,3})*)\]")


def cited_numbers(text: str) -> list[int]:
    """Reference numbers cited in text as [n], [n,m] or [n-m]."""
    numbers: set[int] = set()
    for m in _CITE.finditer(text):
        for part in m.group(1).split(","):
            bounds = [int(x) for x in re.split(r"\s*[–-]\s*", part.strip()) if x]
            if len(bounds) == 2 and 0 < bounds[1] - bounds[0] < 50:
                numbers.update(range(bounds[0], bounds[1] + 1))
            else:
                numbers.update(bounds)
    return sorted(numbers)


def cite(gen: ServingGeneration, rank: int, chunk: Chunk, score: float, dense: float, lexical: float, model: str) -> Hit:
    """A chunk as the hit of this rank: its citation with the pages it spans and the references it cites."""
    refs = tuple(gen.references(chunk.source, cited_numbers(chunk.text))) if "[" in chunk.text else ()
    last = gen.page_at(chunk.source, chunk.end - 1) if chunk.page is not None else None
    pages = (chunk.page, last) if last is not None and last != chunk.page else None
    return Hit(rank, score, chunk.text, replace(chunk.where, page_range=pages), chunk.chunk_id, dense, lexical, refs, model)
