"""Verdicts: whether the passages hold what a question asks for (answered, partial, not_found) and what is missing.

A bi-encoder's similarity says a passage is on the question's topic, not that it holds the asked-for
fact: "Which company made the drones?" sits close to a sentence about the drones that names no company.
So the verdict also checks the answering sentence against the question's shape (qa.retrieve.shape): the kind
of answer it needs (a number, a date, a name), the focus words naming it, the numbers it pins down, and
how many of the question's words the sentence and its passage hold. A logistic model, fitted by
scripts/fit_verdict.py and stored in verdict_model.json, weighs these checks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np

from qa.answer.patterns import KIND_NAMES
from qa.answer.verdict_model import VerdictModel
from qa.embed.vocabulary import embeddable
from qa.retrieve.shape import NUMBER_WORDS, QuestionShape
from qa.text import stem, tokens, word_set

# A question word counts as present in a text when the text has the same stem or a word whose
# embedding is at least this similar (numbers must match exactly).
WORD_MATCH = 0.6
# The word standing for the focus must be closer: related words ("Beidou", "satellites") are not it.
FOCUS_MATCH = 0.7
# Below the answered threshold, a question is "partial" (the topic is there, the fact is not) when some
# top passage holds at least this IDF-weighted share of its words or is at least this close to it
# (the off-topic questions of the fitting sets: cosine at most 0.31, most of their words missing), else "not_found".
TOPICAL = 0.5
TOPICAL_COSINE = 0.35

_NUMBER = re.compile(r"\d")
YEAR = re.compile(r"\b(1[5-9]\d\d|20\d\d)s?\b")
MONTH = re.compile(r"\b(January|February|March|April|May|June|July|August|September|October|November|December)\b")
TEMPORAL_WORDS = set(
    "date dates day days week weeks month months year years decade when after before until since within "
    "during period deadline annually daily monthly yearly".split()
)
_CAPITALISED = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][A-Za-z0-9&'’.-]*[A-Za-z0-9]")
_CITATION_MARK = re.compile(r"\[\d{1,3}(?:\s*[,–-]\s*\d{1,3})*\]")
CODE_TOKEN = re.compile(r"(?:/[\w.+-]+){2,}|\b[a-z][\w+]*(?:[-_.][\w+]+){1,}\b")
_QUOTED = re.compile(r"“[^”]*”|\"[^\"]*\"|\*[^*]+\*")


@dataclass(frozen=True)
class Checks:
    """What one sentence (with its passage) holds of what the question asks for."""

    kind: bool  # the expected kind of answer appears (a number, a date, a name, ...)
    anchors: tuple[str, ...]  # the question's numbers that the passage lacks
    focus: tuple[str, ...]  # the focus words that the passage lacks
    names: tuple[str, ...]  # the question's proper names that the passage lacks
    sentence_unmatched: float  # IDF-weighted share of question words the sentence lacks
    passage_unmatched: float  # ... that the passage lacks
    unmatched_terms: tuple[str, ...]  # question words the passage lacks, rarest first

    @property
    def fits(self) -> bool:
        """The sentence has the kind of answer asked for, about the things the question names."""
        return self.kind and not self.anchors and not self.focus and not self.names


def _norm_number(token: str) -> str:
    return token.replace(",", "").lower()


def has_kind(sentence: str, shape: QuestionShape, is_focus: Callable[[str], bool], heading: str = "") -> bool:
    """True when the sentence holds an answer of the kind the question asks for, not just its own words.

    A quantity with a focus ("how many satellites", "what accuracy") needs a number within six words
    of a word naming the focus; an entity ("which ministry") needs the focus named in the sentence itself.
    """
    kind = shape.kind
    if kind == "description":
        return True
    text = _CITATION_MARK.sub(" ", sentence)  # "[15]" cites a source; it is not a quantity
    unquoted = _QUOTED.sub(" ", text)  # a quoted title's capitals name no person, place or thing
    found = tokens(text)
    lowered = [t.lower() for t in found]
    if kind == "entity":  # the sentence (or its heading) names the focus, or names something new
        return shape.head is None or any(is_focus(t.lower()) for t in [*found, *tokens(heading)]) or _new_name(unquoted, shape)
    asked = {_norm_number(a) for a in shape.anchors}
    if kind == "quantity":
        spots = [
            i
            for i, t in enumerate(lowered)
            if (_NUMBER.search(t) and _norm_number(t).strip(".,") not in asked) or t in NUMBER_WORDS or t.endswith("%")
        ]
        return bool(spots) if shape.head is None else number_near(lowered, spots, is_focus)
    if kind == "time":
        years = {m.group(1) for m in YEAR.finditer(text)} - asked
        return bool(years or MONTH.search(text) or set(lowered) & TEMPORAL_WORDS)
    return _new_name(unquoted, shape)


def number_near(
    words: Sequence[str], spots: Sequence[int], is_focus: Callable[[str], bool], after: int = 5, before: int = 3
) -> bool:
    """True when a word naming the focus stands within `after` words after, or `before` words before, a number:
    "40 experts", "accuracy of 95%"; in jieba's words "15 分钟"; across languages, through the dictionary."""
    return any(is_focus(t) for i in spots for t in [*words[i + 1 : i + 1 + after], *words[max(0, i - before) : i]])


def _new_name(text: str, shape: QuestionShape) -> bool:
    """True when text names something the question does not: a capitalised word inside the sentence, or
    a code-like token (a path, a file name, a command: "/usr/bin/python", "update-mime-database")."""
    known = set(shape.terms) | set(shape.names)
    for m in _CAPITALISED.finditer(text):
        name = m.group(0).lower().rstrip(".")
        if name not in known and name.rstrip("s") not in known:
            return True
    return any(t.lower() not in known for t in CODE_TOKEN.findall(text))


def _names_present(name: str, text: str) -> bool:
    """True when text holds the name, or spells out an acronym of it ("MPL": "Mozilla Public License")."""
    words = re.findall(r"[A-Za-z0-9]+", text)
    lowered = {w.lower() for w in words}
    if set(re.findall(r"[a-z0-9]+", name)) <= lowered:
        return True
    if 2 <= len(name) <= 6 and name.isalpha():
        initials = "".join(w[0] for w in words if w[0].isupper()).lower()
        return name in initials
    return False


class Matcher:
    """Which of a question's words a text holds, by stem or by word embedding, weighted by rarity."""

    def __init__(
        self, shape: QuestionShape, idf: Callable[[Sequence[str]], np.ndarray], word_vectors: Callable[[list[str]], np.ndarray]
    ):
        self.shape, self.word_vectors = shape, word_vectors
        self.terms = list(dict.fromkeys(shape.terms))
        self.weights = np.asarray(idf(self.terms), dtype=np.float64) if self.terms else np.zeros(0)
        self.by_sense = np.array([embeddable(t) for t in self.terms], dtype=bool)  # the rest match by stem only
        # Only the words that can match by sense are embedded: the vocabulary holds no others, so each would cost
        # a question a model call for a vector never read.
        sense = [t for t, ok in zip(self.terms, self.by_sense, strict=True) if ok]
        self.vectors = word_vectors(sense) if sense else None
        self._cache: dict[str, np.ndarray] = {}
        self._focus_cache: dict[str, bool] = {}
        self._stem_cache: dict[str, np.ndarray] = {}

    def present(self, text: str) -> np.ndarray:
        """For each question word, whether text holds it."""
        if text in self._cache:
            return self._cache[text]
        if not self.terms:
            return np.zeros(0, dtype=bool)
        found = sorted(w for w in word_set(text) if embeddable(w))
        sims = np.zeros(len(self.terms))
        if found and self.vectors is not None:
            sims[self.by_sense] = (self.vectors @ self.word_vectors(found).T).max(axis=1)
        out = self._cache[text] = self._same_stem(text) | (sims >= WORD_MATCH)
        return out

    def _same_stem(self, text: str) -> np.ndarray:
        """For each question word, whether text holds a word with its stem (or the same number)."""
        if text not in self._stem_cache:
            found = word_set(text)
            stems = {stem(w) for w in found} | {_norm_number(w) for w in found}
            self._stem_cache[text] = np.array([stem(t) in stems or _norm_number(t) in stems for t in self.terms], dtype=bool)
        return self._stem_cache[text]

    def stem_share(self, text: str) -> float:
        """IDF-weighted share of the question's words that text holds with the same stem (no embeddings).

        Answer sentences are ranked by it: measured out of fold (scripts/fit_verdict.py), counting
        embedding matches too picked fewer sentences holding the answer.
        """
        total = self.weights.sum() if self.terms else 0.0
        if total <= 0:
            return 0.0
        return float((self.weights * self._same_stem(text)).sum() / total)

    def unmatched(self, text: str) -> float:
        """IDF-weighted share of the question's words that text lacks (0: all present)."""
        if not self.terms or self.weights.sum() <= 0:
            return 0.0
        return float((self.weights * ~self.present(text)).sum() / self.weights.sum())

    def missing_terms(self, text: str) -> tuple[str, ...]:
        """The question words text lacks, rarest first."""
        if not self.terms:
            return ()
        lacking = [(-w, t) for t, w, ok in zip(self.terms, self.weights, self.present(text), strict=False) if not ok]
        return tuple(t for _, t in sorted(lacking))

    def is_focus(self, word: str) -> bool:
        """True when word names the question's focus (same stem, or a close embedding)."""
        head = self.shape.head
        if head is None:
            return False
        if stem(word) == stem(head):
            return True
        if word not in self._focus_cache:
            vectors = self.word_vectors([head, word]) if embeddable(word) and embeddable(head) else None
            self._focus_cache[word] = vectors is not None and float(vectors[0] @ vectors[1]) >= FOCUS_MATCH
        return self._focus_cache[word]

    def check(self, sentence: str, passage: str, heading: str = "", title: str = "") -> Checks:
        """What the sentence and its passage (under heading, in a document with title) hold of the question."""
        shape = self.shape
        flat = _norm_number(passage)
        anchors = tuple(a for a in shape.anchors if _norm_number(a) not in flat)
        present = dict(zip(self.terms, self.present(passage), strict=False)) if self.terms else {}
        focus = tuple(f for f in shape.focus[-1:] if not present.get(f, False))
        names = tuple(n for n in shape.names if not _names_present(n, f"{title}\n{heading}\n{passage}"))
        return Checks(
            has_kind(sentence, shape, self.is_focus, heading),
            anchors,
            focus,
            names,
            self.unmatched(sentence),
            self.unmatched(passage),
            self.missing_terms(passage),
        )


def features(checks: Checks, sentence_cosine: float, passage_cosine: float, shape: QuestionShape) -> tuple[float, ...]:
    """The feature vector (in FEATURES order) the logistic model reads."""
    return (
        sentence_cosine,
        passage_cosine,
        checks.sentence_unmatched,
        checks.passage_unmatched,
        float(not checks.kind),
        float(bool(checks.anchors)),
        float(bool(checks.names)),
    )


@dataclass(frozen=True)
class Verdict:
    """Whether the documents answer a question, what they lack, and one plain sentence saying so."""

    label: str  # "answered", "partial" or "not_found"
    missing: tuple[str, ...]
    confidence: float
    reason: str


_JOINERS = set("of the in on at for to and a an by with from".split())


def mentioned_phrase(question: str, present: dict[str, bool]) -> str:
    """The one or two longest runs of the question's words that the passages hold, as the question wrote them."""
    runs: list[list[str]] = []
    run: list[str] = []
    previous = previous_tok = ""
    for tok in re.findall(r"\S+", question.rstrip("?.! ")):
        key = _bare(tok).removesuffix("'s").removesuffix("’s")
        if present.get(key):
            if not run and previous == "the":
                run.append(previous_tok)  # "the Zhengzhou rescue"
            run.append(tok)
        elif run and key in _JOINERS:
            run.append(tok)  # "drones used in the Zhengzhou rescue"
        elif run:
            runs.append(run)
            run = []
        previous, previous_tok = key, tok
    runs.append(run)
    runs = [_trim(r) for r in runs]
    best = sorted((r for r in runs if _content(r)), key=lambda r: -len(_content(r)))[:2]
    best.sort(key=runs.index)  # in the question's order
    return " and ".join(" ".join(r).strip(",;:") for r in best)


def _bare(tok: str) -> str:
    return re.sub(r"^\W+|\W+$", "", tok).lower()


def _content(run: list[str]) -> list[str]:
    return [t for t in run if _bare(t) not in _JOINERS]


def _trim(run: list[str]) -> list[str]:
    while run and _bare(run[-1]) in _JOINERS:
        run = run[:-1]
    return run


def missing_items(checks: Checks, shape: QuestionShape) -> tuple[str, ...]:
    """What the question asks that the passage does not hold, in words a reader understands."""
    items: list[str] = []
    if checks.focus:
        items.append(("which " if shape.kind == "entity" else "the ") + " ".join(shape.focus))
    elif not checks.kind:
        items.append(KIND_NAMES["en"].get(shape.kind, "the answer"))
    items += [f"“{a}”" for a in (*checks.anchors, *checks.names)]
    items += [f"“{t}”" for t in checks.unmatched_terms if t not in shape.focus and t not in shape.anchors][:2]
    return tuple(dict.fromkeys(items))[:4]


def decide(
    shape: QuestionShape,
    question: str,
    checks: Checks | None,
    x: Sequence[float] | None,
    best_passage_unmatched: float,
    present: dict[str, bool],
    model: VerdictModel,
) -> Verdict:
    """The verdict from the first answer sentence's checks and features."""
    if checks is None or x is None:
        return Verdict("not_found", (), 0.0, "The documents do not answer this.")
    p = round(model.probability(x), 3)
    if p >= model.threshold:
        return Verdict("answered", (), p, "")
    missing = missing_items(checks, shape)
    if best_passage_unmatched <= TOPICAL or x[1] >= TOPICAL_COSINE:
        lacks = {t.lower() for t in (*checks.unmatched_terms, *checks.anchors)}  # never "mentions" what it lacks
        topic = mentioned_phrase(question, {t: ok and t not in lacks for t, ok in present.items()})
        things = [m for m in missing if not m.startswith("“")]
        quoted = [m for m in missing if m.startswith("“")]
        words = ("the word " if len(quoted) == 1 else "the words ") + " or ".join(quoted)
        lacking = " or ".join(things) or (words if quoted else "what the question asks")
        if things and quoted:
            lacking += f" (nor {words})"
        reason = (
            f"The documents mention {topic}, but not {lacking}."
            if topic
            else f"The documents touch on this, but do not say {lacking}."
        )
        return Verdict("partial", missing, p, reason)
    return Verdict("not_found", missing, p, "The documents do not answer this.")
