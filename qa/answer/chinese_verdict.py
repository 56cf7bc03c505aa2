"""The verdict for questions that cross into Chinese: a Chinese question, or an English one over Chinese passages.

It is the English verdict's mechanism (qa.answer.verdicts) on Chinese evidence: the question's shape
(qa.retrieve.chinese_shape for a Chinese question), checked against the first answer sentence — a number
next to the asked unit ("15 分钟", or "15 minutes" through the dictionary), a date or version where one is
asked, the question's words (jieba words as substrings, Latin-script terms exactly) — and a logistic
model over these checks and the multilingual cosines, fitted by `python -m scripts.fit_chinese_verdict`
into fitted/chinese_verdict.json (out-of-fold figures recorded there). The reason is written in the
question's language and says when the passages are in the other one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from qa.answer.patterns import KIND_NAMES
from qa.answer.verdict_model import VerdictModel
from qa.answer.verdicts import CODE_TOKEN, MONTH, TEMPORAL_WORDS, YEAR, Verdict, number_near
from qa.retrieve import dictionary
from qa.retrieve.shape import NUMBER_WORDS, QuestionShape
from qa.text import CJK_RUN, cjk_count, is_cjk, stem, words

MODEL_FILE = Path(__file__).parent / "fitted" / "chinese_verdict.json"
FEATURES = (
    "sentence_cosine",
    "passage_cosine",
    "same_language",
    "sentence_unmatched",
    "passage_unmatched",
    "kind_missing",
    "anchor_missing",
    "name_missing",
)

_ZH_NUMERAL = re.compile(r"^[零〇一二两三四五六七八九十百千万]+")
_NOT_NUMBERS = set("一些 一起 一般 一样 一直 一定 一下 一旦 一致 一切 一同 一并 一边 一面 万一 一种 一点".split())
_ZH_TIME = re.compile(r"\d{4}\s*年|\d+\s*[年月日号周天]|[一二三四五六七八九十两]+\s*[年月日周天]|每[天日周月年]")
_VERSION = re.compile(r"\d+(?:\.\d+)+|(?:版本|version|release)\s*\d|\b[vV]\d")
_QUOTED = re.compile(r"“[^”]{1,30}”|「[^」]{1,30}」|\"[^\"]{1,30}\"")
_LATIN_NAME = re.compile(r"[A-Za-z][\w.+/-]*[\w+]")


def _latin_stems(text: str) -> frozenset[str]:
    return frozenset(stem(w) for w in words(CJK_RUN.sub(" ", text)) if not cjk_count(w))


def holds(term: str, text: str) -> bool:
    """True when text holds a question word: a Chinese word as a substring, or through the dictionary in an
    English text; a Latin-script word by its stem, or through the dictionary in a Chinese text."""
    if cjk_count(term):
        if cjk_count(text):
            return term in text
        return bool({stem(w) for w in dictionary.english_words(term)} & _latin_stems(text))
    if stem(term) in _latin_stems(text) or term in text.lower():
        return True
    return cjk_count(text) > 0 and any(z in text for z in dictionary.chinese(term))


def _is_number(tok: str) -> bool:
    if any(c in "0123456789" for c in tok) or tok in NUMBER_WORDS or tok.endswith("%"):
        return True
    return bool(_ZH_NUMERAL.match(tok)) and len(tok) <= 4 and tok not in _NOT_NUMBERS


def focus_matcher(focus: str) -> Callable[[str], bool]:
    """Whether a sentence word names the focus: the Chinese unit or noun (or its start: "秒" of "秒钟"),
    or an English word, in either language, through the dictionary."""
    if cjk_count(focus):
        english = {stem(w) for w in dictionary.english_words(focus)}
        return lambda tok: (
            focus in tok or (len(tok) < len(focus) and focus.startswith(tok)) if cjk_count(tok) else stem(tok) in english
        )
    target = stem(focus)
    return lambda tok: stem(tok) == target if not cjk_count(tok) else target in {stem(w) for w in dictionary.english_words(tok)}


def holds_kind(sentence: str, shape: QuestionShape) -> bool:
    """True when the sentence, in either language, holds an answer of the kind the question asks for."""
    kind = shape.kind
    if kind == "description":
        return True
    toks = words(sentence)
    asked = {a.lower() for a in shape.anchors}
    is_focus = focus_matcher(shape.head) if shape.head else None
    if kind == "quantity":
        spots = [i for i, t in enumerate(toks) if _is_number(t) and t.strip(".,") not in asked]
        if is_focus is None:
            return bool(spots)
        # jieba keeps a numeral with its measure word ("两个"), so the unit is the next word or this one
        return number_near(toks, spots, is_focus) or any(is_focus(toks[i]) for i in spots)
    if kind == "time":
        return bool(
            _ZH_TIME.search(sentence)
            or set(m.group(1) for m in YEAR.finditer(sentence)) - asked
            or MONTH.search(sentence)
            or set(toks) & TEMPORAL_WORDS
        )
    if kind == "version":
        return bool(set(_VERSION.findall(sentence)) - asked)
    named = is_focus is not None and any(is_focus(t) for t in toks)
    known = set(shape.names) | set(shape.terms)
    new = any(n.lower() not in known for n in _LATIN_NAME.findall(sentence)) or bool(_QUOTED.search(sentence))
    return named or new or any(t.lower() not in known for t in CODE_TOKEN.findall(sentence))


@dataclass(frozen=True)
class ChineseChecks:
    """What the first answer sentence and the top passages hold of the question."""

    kind: bool
    anchors: tuple[str, ...]  # the question's numbers the passages lack
    names: tuple[str, ...]  # its Latin-script names and terms the passages lack
    sentence_unmatched: float
    passage_unmatched: float
    held: tuple[str, ...]  # the question's words the passages hold, rarest first
    lacking: tuple[str, ...]  # ... and those they lack


def _unmatched(terms: Sequence[str], weights: np.ndarray, text: str) -> float:
    if not len(terms) or weights.sum() <= 0:
        return 0.0
    return float(sum(w for t, w in zip(terms, weights, strict=True) if not holds(t, text)) / weights.sum())


def check(
    shape: QuestionShape, sentence: str, passages: Sequence[str], idf: Callable[[Sequence[str]], np.ndarray]
) -> ChineseChecks:
    """The checks of one answer sentence, with the top passages it comes from."""
    terms = list(shape.terms)
    weights = np.asarray(idf(terms), dtype=np.float64) if terms else np.zeros(0)
    joined = "\n".join(passages)
    lower = joined.lower()
    anchors = tuple(a for a in shape.anchors if a.lower() not in lower)
    names = tuple(n for n in shape.names if n not in lower and not holds(n, joined))
    order = sorted(range(len(terms)), key=lambda i: -weights[i])
    held = tuple(terms[i] for i in order if holds(terms[i], joined))
    return ChineseChecks(
        holds_kind(sentence, shape),
        anchors,
        names,
        _unmatched(terms, weights, sentence),
        min((_unmatched(terms, weights, p) for p in passages), default=1.0),
        held,
        tuple(terms[i] for i in order if terms[i] not in held),
    )


def features(checks: ChineseChecks, sentence_cosine: float, passage_cosine: float, same: bool) -> tuple[float, ...]:
    """The feature vector (in FEATURES order) the logistic model reads."""
    return (
        sentence_cosine,
        passage_cosine,
        float(same),
        checks.sentence_unmatched,
        checks.passage_unmatched,
        float(not checks.kind),
        float(bool(checks.anchors)),
        float(bool(checks.names)),
    )


def decide(
    question: str,
    shape: QuestionShape,
    checks: ChineseChecks | None,
    x: Sequence[float] | None,
    passages_chinese: bool,
    model: VerdictModel,
) -> Verdict:
    """The verdict and its reason, in the question's language."""
    chinese = is_cjk(question)
    if checks is None or x is None:
        return Verdict("not_found", (), 0.0, "文档没有回答这个问题。" if chinese else "The documents do not answer this.")
    p = round(model.probability(x), 3)
    other = passages_chinese != chinese  # the passages are in the other language
    if p >= model.threshold:
        return Verdict(
            "answered", (), p, ("答案出自英文段落。" if chinese else "The answer comes from a Chinese passage.") if other else ""
        )
    missing = _missing(shape, checks, chinese)
    if checks.passage_unmatched > 0.5 and not checks.held:
        return Verdict("not_found", missing, p, "文档没有回答这个问题。" if chinese else "The documents do not answer this.")
    return Verdict("partial", missing, p, _reason(checks, missing, chinese, other))


def _missing(shape: QuestionShape, checks: ChineseChecks, chinese: bool) -> tuple[str, ...]:
    items: list[str] = []
    if not checks.kind:
        head = shape.head or ""
        if chinese:
            named = KIND_NAMES["zh"]
            items.append(
                {"quantity": f"多少{head}", "entity": f"哪个{head}"}.get(shape.kind, named.get(shape.kind, ""))
                if head
                else named.get(shape.kind, "问题所问的内容")
            )
        else:
            items.append(f"the {' '.join(shape.focus)}" if shape.focus else KIND_NAMES["en"].get(shape.kind, "the answer"))
    items += [f"“{a}”" for a in (*checks.anchors, *checks.names)]
    items += [f"“{t}”" for t in checks.lacking if t not in shape.focus][:2]
    return tuple(dict.fromkeys(i for i in items if i))[:4]


def _reason(checks: ChineseChecks, missing: tuple[str, ...], chinese: bool, other: bool) -> str:
    topic = [t for t in checks.held[:3]]
    if chinese:
        where = "相关段落是英文的；" if other else ""
        said = "、".join(f"“{t}”" for t in topic)
        lacking = "、".join(missing) or "问题所问的内容"
        return f"{where}文档提到了{said}，但没有说明{lacking}。" if said else f"{where}文档涉及这个话题，但没有说明{lacking}。"
    where = " (in Chinese)" if other else ""
    lacking = " or ".join(missing) or "what the question asks"
    said = " and ".join(f"“{t}”" for t in topic)
    return (
        f"The documents{where} mention {said}, but not {lacking}."
        if said
        else f"The documents{where} touch on this, but do not say {lacking}."
    )
