"""The JSON form of every result: one TypedDict per `to_dict()`, shared by the CLI, the web API and the tests."""

from __future__ import annotations

from typing import TYPE_CHECKING, Sequence, TypedDict

if TYPE_CHECKING:
    from qa.answer.answers import Answer, AnswerSentence
    from qa.ingest.chunking import Citation
    from qa.ingest.documents import Reference
    from qa.retrieve.hits import Hit


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


def citation_dict(c: "Citation") -> CitationDict:
    """A citation as JSON."""
    return {"source": c.source, "title": c.title, "section": c.section, "page": c.page, "start": c.start,
            "end": c.end, "page_range": list(c.page_range) if c.page_range else None, "page_label": c.page_label,
            "page_range_labels": list(c.page_range_labels) if c.page_range_labels else None}


def reference_dict(r: "Reference") -> ReferenceDict:
    """A reference-list entry as JSON."""
    return {"number": r.number, "text": r.text}


def hit_dict(hit: "Hit") -> HitDict:
    """A hit as JSON."""
    return {"rank": hit.rank, "score": round(hit.score, 6), "relevance": hit.relevance, "match": hit.match,
            "text": hit.text, "citation": citation_dict(hit.citation),
            "references": [reference_dict(r) for r in hit.references]}


def sentence_dict(s: "AnswerSentence") -> SentenceDict:
    """An answer sentence as JSON."""
    return {"text": s.text, "hit": s.hit_rank, "start": s.start, "end": s.end}


def answer_dict(ans: "Answer") -> AnswerDict:
    """An answer as JSON: the verdict and why, the answer sentences, the hits."""
    return {"question": ans.question, "supported": ans.supported, "verdict": ans.verdict,
            "missing": list(ans.missing), "reason": ans.reason, "confidence": ans.confidence,
            "answer": [sentence_dict(s) for s in ans.sentences], "hits": [hit_dict(h) for h in ans.hits]}


def search_dict(question: str, hits: "Sequence[Hit]") -> SearchDict:
    """A search's results as JSON: the question and its hits, best first."""
    return {"question": question, "hits": [hit_dict(h) for h in hits]}
