"""A search's parameters (the question, k, mode, sources), checked once at the library's entry: anything but the documented
values is refused, naming the choices.

The web API hands over raw JSON values, so k=5.5 or k=true would otherwise be rounded or taken as 1, and
a misspelt document name in `sources` would silently narrow the search to nothing.
"""

from __future__ import annotations

import unicodedata
from typing import Sequence

from qa.errors import InvalidQuestion, InvalidSetting

K_MIN = 1
MODES = ("hybrid", "dense", "bm25")


def k_value(k: object, k_max: int = 50) -> int:
    """k as an int; refuses booleans, fractions, text and values outside 1..k_max (Settings.max_k)."""
    if isinstance(k, bool) or not isinstance(k, (int, float)) or (isinstance(k, float) and not k.is_integer()):
        raise InvalidSetting(f"k={_show(k)} is not allowed; k must be a whole number from {K_MIN} to {k_max}")
    if not K_MIN <= k <= k_max:
        raise InvalidSetting(f"k={_show(k)} is out of range; k must be a whole number from {K_MIN} to {k_max}")
    return int(k)


def mode_value(mode: object) -> str:
    """The retrieval mode; refuses anything but hybrid, dense or bm25."""
    if mode is None:
        return "hybrid"
    if not isinstance(mode, str) or mode not in MODES:
        raise InvalidSetting(f"mode={_show(mode)} is not allowed; valid choices: {', '.join(MODES)}")
    return mode


def sources_value(sources: object, indexed: Sequence[str]) -> list[str] | None:
    """The documents to search (None: all); refuses non-lists and names the index does not hold."""
    if sources is None or sources == []:
        return None
    if isinstance(sources, str) or not isinstance(sources, list) or not all(isinstance(s, str) for s in sources):
        raise InvalidSetting(
            f"sources={_show(sources)} is not allowed; sources must be a list of document names (or null for all documents)"
        )
    known = set(indexed)
    unknown = [s for s in sources if s not in known]
    if unknown:
        listed = ", ".join(indexed[:20]) + (", …" if len(indexed) > 20 else "") or "none"
        raise InvalidSetting(
            f"sources names documents the index does not hold: {', '.join(unknown[:10])}; indexed documents: {listed}"
        )
    return list(dict.fromkeys(sources))


def _show(value: object) -> str:
    """A value as JSON-ish text for error messages, cut short."""
    text = {True: "true", False: "false", None: "null"}[value] if isinstance(value, (bool, type(None))) else repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def clean_question(question: object, max_chars: int) -> str:
    """The question with control characters removed; empty or over-long questions are refused."""
    if not isinstance(question, str):
        raise InvalidQuestion(f"the question must be text, not {type(question).__name__}")
    text = "".join(" " if unicodedata.category(c) in ("Cc", "Cf", "Cs", "Zl", "Zp") else c for c in question)
    text = " ".join(text.split())
    if not text:
        raise InvalidQuestion("the question is empty; type a question about the documents")
    if len(text) > max_chars:
        raise InvalidQuestion(f"the question is {len(text):,} characters long; the limit is {max_chars:,}")
    return text


def checked(question: object, k: object, mode: object, max_chars: int, max_k: int) -> tuple[str, int, str]:
    """(question, k, mode) checked: the cleaned question, k as an int, the mode; anything else refused."""
    return clean_question(question, max_chars), k_value(k, max_k), mode_value(mode)
