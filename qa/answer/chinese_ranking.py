"""Chinese answer sentences: the sentences of the top hits that best answer a Chinese question.

MiniLM's answer-sentence ranking (qa.answer.answers) weighs stemmed English word overlap, which a Chinese
question does not have. For a Chinese question this module scores each sentence, with weights fitted by
`python -m scripts.fit_chinese_ranking` (out of fold on the dev sets; see results/chinese-ranking.md):
- the question's words (jieba's precise cut, function words dropped, English terms as BM25 sees them),
  each weighted by its IDF in the index and found in a text as a substring, so that a word jieba cut
  differently in the text still counts ("环境变量" in "$MANPAGER 环境变量");
- the share of the question's character bigrams the text holds (robust to any segmentation);
- the Latin-script terms it pins down (numbers, options, variable names), and the multilingual model's
  cosine and the hit's rank.
Passages keep the search's order: re-ordering the top 20 by these features (with the search's dense and
BM25 scores) gained nothing out of fold (results/chinese-ranking.md), so it is not done.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from qa.answer.answers import Candidate, passage_text
from qa.answer.patterns import CANDIDATE_HITS
from qa.errors import QAError
from qa.ingest.chunking import is_heading_line, sentence_spans
from qa.text import CJK_RUN, CJK_STOP, cjk_count, jieba_cutter, terms

MODEL_FILE = Path(__file__).parent / "fitted" / "chinese_ranking.json"
_CLOSING = tuple("。！？；，：）)”")  # a line ending in Chinese punctuation is a sentence, not a heading

SENTENCE_FEATURES = ("cosine", "coverage", "bigrams", "anchors", "hit")


@dataclass(frozen=True)
class QuestionWords:
    """What a Chinese question asks for, as matchable units: weighted words and character bigrams."""

    words: tuple[str, ...]
    weights: tuple[float, ...]
    bigrams: frozenset[str]
    anchors: tuple[str, ...] = ()  # its numbers, options and names in Latin script, as BM25 terms


def weighted_question_words(question: str, idf: Callable[[Sequence[str]], np.ndarray]) -> QuestionWords:
    """The question's words with their IDF weights, and its character bigrams."""
    words: list[str] = []
    for run in CJK_RUN.findall(question):
        words.extend(w for w in jieba_cutter().cut(run) if w not in CJK_STOP and len(w) > 1)
    anchors = tuple(dict.fromkeys(t for t in terms(CJK_RUN.sub(" ", question)) if t))
    words = list(dict.fromkeys(words + list(anchors)))
    weights = tuple(float(w) for w in idf(words)) if words else ()
    return QuestionWords(tuple(words), weights, frozenset(bigrams(question)), anchors)


def bigrams(text: str) -> set[str]:
    """Overlapping character pairs of the Chinese runs in text (single characters for one-character runs)."""
    return {run[i : i + 2] for run in CJK_RUN.findall(text) for i in range(max(1, len(run) - 1))}


def coverage(q: QuestionWords, text: str) -> float:
    """IDF-weighted share of the question's words found in text (Chinese words as substrings)."""
    if not q.words:
        return 0.0
    lower = text.lower()
    held = set(terms(CJK_RUN.sub(" ", text)))
    found = sum(w for word, w in zip(q.words, q.weights, strict=False) if (word in lower if cjk_count(word) else word in held))
    return float(found / max(sum(q.weights), 1e-9))


def anchor_share(q: QuestionWords, text: str) -> float:
    """Share of the question's Latin-script terms (numbers, options, names) that text holds; 0 without any."""
    if not q.anchors:
        return 0.0
    held = set(terms(CJK_RUN.sub(" ", text)))
    return sum(a in held for a in q.anchors) / len(q.anchors)


def bigram_share(q: QuestionWords, text: str) -> float:
    """Share of the question's character bigrams found in text."""
    return len(q.bigrams & bigrams(text)) / len(q.bigrams) if q.bigrams else 0.0


def is_answer_unit(text: str) -> bool:
    """True for a sentence that can answer: long enough, and not a bare heading line.

    A numbered list item ending in Chinese punctuation ("16     至少有一个页面…不匹配。") is a sentence,
    though it opens like a numbered heading.
    """
    if not (len(text.split()) >= 3 or cjk_count(text) >= 4):
        return False
    return not is_heading_line(text) or text.rstrip().endswith(_CLOSING)


@lru_cache(maxsize=1)
def sentence_weights(path: Path = MODEL_FILE) -> tuple[float, ...]:
    """The fitted sentence weights, in SENTENCE_FEATURES order (written by scripts/fit_chinese_ranking.py)."""
    d = json.loads(Path(path).read_text(encoding="utf-8"))["sentence"]
    if tuple(d["features"]) != SENTENCE_FEATURES:
        raise QAError(f"{path}: fitted for features {d['features']}, not {SENTENCE_FEATURES}")
    return tuple(float(w) for w in d["weights"])


EMBED_SENTENCES = 64  # the likeliest candidates (by their word evidence) that the multilingual model reads


def sentence_candidates(question: str, hits: Sequence, idf: Callable[[Sequence[str]], np.ndarray]) -> list[tuple]:
    """(hit, start, end, text, word features) of each candidate answer sentence of the top hits."""
    q = weighted_question_words(question, idf)
    found = []
    for hit in hits[:CANDIDATE_HITS]:
        for a, b in sentence_spans(hit.text, 0, len(hit.text)):
            text = hit.text[a:b]
            if is_answer_unit(text):
                found.append((hit, a, b, text, (coverage(q, text), bigram_share(q, text), anchor_share(q, text), 1.0 / hit.rank)))
    if len(found) > EMBED_SENTENCES:
        found = sorted(found, key=lambda c: -sum(c[4]))[:EMBED_SENTENCES]
    return found


def rank_sentences(
    question: str,
    hits: Sequence,
    embedder,
    qvec: np.ndarray,
    matcher,
    idf: Callable[[Sequence[str]], np.ndarray],
    weights: Sequence[float] | None = None,
) -> list:
    """A Chinese question's candidate answer sentences (qa.answer.answers.Candidate), best first."""
    weights = sentence_weights() if weights is None else weights
    found = sentence_candidates(question, hits, idf)
    if not found:
        return []
    cosines = embedder.embed([c[3] for c in found]) @ qvec
    out = []
    for (hit, a, b, text, words), cos in zip(found, cosines, strict=False):
        checks = matcher.check(text, passage_text(hit), hit.citation.section or "", hit.citation.title)
        out.append(Candidate(text, hit, a, b, words[0], float(cos), checks, float(np.dot(weights, (float(cos), *words)))))
    return sorted(out, key=lambda c: -c.score)
