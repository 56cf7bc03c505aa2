"""The JSON form of every result: one TypedDict per `to_dict()`, shared by the CLI, the web API and the tests.

Only the shapes live here: each result type builds its own (Hit.to_dict, Answer.to_dict, ...), so that this
module, under every stage, knows none of them, not even for typing.
"""

from __future__ import annotations

from typing import Protocol, Sequence, TypedDict


class CitationDict(TypedDict):
    source: str
    title: str
    section: str | None
    page: int | None
    start: int
    end: int
    page_range: list[int] | None
    page_label: str | None  # the label printed on the page where it differs from the page index ("xii", "57")
    page_range_labels: list[str] | None


class ReferenceDict(TypedDict):
    number: int
    text: str


class HitDict(TypedDict):
    """score ranks within one result list only; relevance (0-1) and match mean the same in every mode."""

    rank: int
    score: float
    relevance: float
    match: str
    text: str
    citation: CitationDict
    references: list[ReferenceDict]


class SentenceDict(TypedDict):
    text: str
    hit: int  # the rank of the hit it comes from
    start: int
    end: int


class AnswerDict(TypedDict):
    question: str
    supported: bool
    verdict: str
    missing: list[str]
    reason: str
    confidence: float
    answer: list[SentenceDict]
    hits: list[HitDict]


class SearchDict(TypedDict):
    question: str
    hits: list[HitDict]


class _HasHitDict(Protocol):
    def to_dict(self) -> HitDict: ...


def search_dict(question: str, hits: Sequence[_HasHitDict]) -> SearchDict:
    """A search's results as JSON: the question and its hits, best first."""
    return {"question": question, "hits": [h.to_dict() for h in hits]}
