"""Answers: the sentences of the top hits that best answer a question, and whether the corpus answers it."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Callable, Sequence

import numpy as np

from qa.answer.patterns import CANDIDATE_HITS, SENTENCE_HITS
from qa.answer.verdict_model import SentenceWeights, VerdictModel
from qa.answer.verdicts import Checks, Matcher, Verdict, decide, features
from qa.embed.embeddings import Embedder
from qa.ingest.chunking import is_heading_line, sentence_spans
from qa.ingest.code_blocks import asks_for_code, is_code
from qa.ingest.tables import with_header
from qa.retrieve.hits import Hit
from qa.retrieve.shape import QuestionShape
from qa.serialize import AnswerDict, SentenceDict
from qa.text import cjk_count, content_terms

MAX_SENTENCES = 3

StoredVectors = Callable[[list[str]], dict[str, np.ndarray]]  # chunk ids -> their sentences' vectors


@dataclass(frozen=True)
class AnswerSentence:
    """A sentence that answers the question, with the hit it comes from and its span in the document."""

    text: str
    hit_rank: int
    start: int
    end: int
    score: float

    def to_dict(self) -> SentenceDict:
        """The sentence as JSON (qa/serialize.py)."""
        return {"text": self.text, "hit": self.hit_rank, "start": self.start, "end": self.end}


@dataclass(frozen=True)
class Answer:
    """The answer to a question: the verdict, best sentences first, and the hits behind them."""

    question: str
    verdict: str  # "answered" | "partial" | "not_found"
    missing: tuple[str, ...]  # what the question asks that the passages do not hold
    reason: str  # one plain sentence when not answered ("The documents mention X, but not Y."), in the question's
    # language; when answered from passages in the other language, a note saying so ("答案出自英文段落。")
    sentences: tuple[AnswerSentence, ...]
    hits: tuple[Hit, ...]
    confidence: float

    @property
    def supported(self) -> bool:
        """True only when the documents answer the question."""
        return self.verdict == "answered"

    def to_dict(self) -> AnswerDict:
        """The answer as JSON (qa/serialize.py): what `qa ask --json` prints and the web API returns.
        As Markdown: qa.present.markdown.answer_markdown."""
        return {
            "question": self.question,
            "supported": self.supported,
            "verdict": self.verdict,
            "missing": list(self.missing),
            "reason": self.reason,
            "confidence": self.confidence,
            "answer": [s.to_dict() for s in self.sentences],
            "hits": [h.to_dict() for h in self.hits],
        }


@dataclass(frozen=True)
class Candidate:
    """A sentence of a top hit, scored as an answer: its cosine, term overlap and what it holds."""

    text: str
    hit: Hit
    start: int  # offsets in hit.text
    end: int
    overlap: float
    cosine: float
    checks: Checks
    score: float


def passage_text(hit: Hit) -> str:
    """The passage as the model saw it: its section heading, then its text."""
    return f"{hit.citation.section}\n{hit.text}" if hit.citation.section else hit.text


def rank_sentences(
    question: str,
    hits: Sequence[Hit],
    embedder: Embedder,
    qvec: np.ndarray,
    matcher: Matcher,
    weights: SentenceWeights,
    embed_limit: int | None = None,
    depth: int = CANDIDATE_HITS,
    stored: StoredVectors | None = None,
) -> list[Candidate]:
    """Sentences of the top hits, best answer first (cosine, term overlap, hit rank, and whether they fit).

    stored: the index's answer-sentence vectors by chunk id (the embedder's model, read in their passage at build
    time); sentences of passages without them are embedded now.
    """
    qterms = content_terms(question)
    by_matcher = bool(matcher.terms) and not cjk_count(question)
    found = []
    spans_of: dict[str, int] = {}
    for hit in hits[:depth]:
        passage = passage_text(hit)
        spans = list(sentence_spans(hit.text, 0, len(hit.text)))
        spans_of[hit.chunk_id] = len(spans)
        for n, (a, b) in enumerate(spans):
            text = hit.text[a:b]
            if (len(text.split()) >= 3 or cjk_count(text) >= 4) and not is_heading_line(text):
                checks = matcher.check(text, passage, hit.citation.section or "", hit.citation.title)
                if by_matcher:  # the question's rare words count for more than its common ones
                    overlap = matcher.stem_share(text)
                else:
                    overlap = len(qterms & content_terms(text)) / len(qterms) if qterms else 0.0
                cheap = weights.overlap * overlap - weights.rank * (hit.rank - 1) + weights.fit * checks.fits
                found.append((cheap, hit, a, b, text, overlap, checks, n))
    if embed_limit and len(found) > embed_limit:
        # The model reads only the likeliest sentences by their cheap score: embedding costs ~3 ms each.
        found = sorted(found, key=lambda c: -c[0])[:embed_limit]
    if not found:
        return []
    vectors = sentence_vectors(found, embedder, stored, spans_of)
    out = [
        Candidate(text, hit, a, b, overlap, float(cos), checks, cheap + float(cos))
        for (cheap, hit, a, b, text, overlap, checks, _), cos in zip(found, vectors @ qvec, strict=False)
    ]
    return prefer_prose(question, sorted(out, key=lambda c: -c.score))


def sentence_vectors(found, embedder: Embedder, stored: StoredVectors | None, spans_of: dict[str, int]) -> np.ndarray:
    """Each candidate's vector: the stored one of its passage's n-th sentence, else embedded now."""
    kept = stored(list(spans_of)) if stored is not None else {}
    # Stored vectors count only when their passage splits into as many sentences now as at build time.
    kept = {cid: v for cid, v in kept.items() if len(v) == spans_of[cid]}
    rows: list[np.ndarray | None] = [kept[c[1].chunk_id][c[7]] if c[1].chunk_id in kept else None for c in found]
    missing = [i for i, v in enumerate(rows) if v is None or not v.any()]  # zero: cut off at the model's length
    if missing:
        for i, v in zip(missing, embedder.embed([found[i][4] for i in missing]), strict=True):
            rows[i] = v
    return np.vstack([v for v in rows if v is not None]).astype(np.float32)


def prefer_prose(question: str, candidates: list[Candidate]) -> list[Candidate]:
    """Candidates with code after prose; before it when the question asks for a command, an example or code."""
    asked = asks_for_code(question)
    return sorted(candidates, key=lambda c: is_code(c.text) != asked)  # stable: each group keeps its order


def best_sentences(candidates: Sequence[Candidate], limit: int = MAX_SENTENCES) -> list[AnswerSentence]:
    """The best distinct answer sentences, with their spans in the document."""
    out: list[AnswerSentence] = []
    seen: set[str] = set()
    for c in candidates:
        key = re.sub(r"\W+", " ", c.text.lower()).strip()
        if key in seen:
            continue
        seen.add(key)
        start = c.hit.citation.start
        # A table row is quoted with its header ("header: cell; ..."); its span stays the row's.
        quoted = with_header(c.hit.text, c.start, c.end)
        out.append(AnswerSentence(quoted, c.hit.rank, start + c.start, start + c.end, round(c.score, 4)))
        if len(out) == limit:
            break
    return out


def judge(
    question: str,
    shape: QuestionShape,
    hits: Sequence[Hit],
    candidates: Sequence[Candidate],
    matcher: Matcher,
    model: VerdictModel,
) -> Verdict:
    """The verdict on the first answer sentence: answered, partial or not_found, and what is missing."""
    top = hits[:SENTENCE_HITS]
    if not candidates or not top:
        return decide(shape, question, None, None, 1.0, {}, model)
    first = candidates[0]
    passages = [passage_text(h) for h in top]
    present = {t: any(matcher.present(p)[i] for p in passages) for i, t in enumerate(matcher.terms)}
    x = features(first.checks, first.cosine, max(h.dense for h in top), shape)
    return decide(shape, question, first.checks, x, min(matcher.unmatched(p) for p in passages), present, model)


def cite_sentence_page(gen, hit: Hit, sentences: Sequence[AnswerSentence]) -> Hit:
    """The hit citing the page of its best answer sentence, when it has one and spans pages."""
    if hit.citation.page_range is None:
        return hit
    first = next((s for s in sentences if s.hit_rank == hit.rank), None)
    page = gen.page_at(hit.citation.source, first.start) if first else None
    if page is None or page == hit.citation.page:
        return hit
    return replace(hit, citation=replace(hit.citation, page=page))
