"""Answer routes: which answerer (qa.answer.answerer) a question goes to, by its language and its passages'.

- english: an English question over English passages (qa.answer.english);
- chinese: a Chinese question, over passages in either language (qa.answer.chinese);
- to_chinese: an English question whose top passages are Chinese (qa.answer.chinese).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Sequence

from qa.answer import chinese_verdict
from qa.answer.answerer import Answerer
from qa.answer.chinese import ChineseAnswerer, ToChineseAnswerer
from qa.answer.english import EnglishAnswerer
from qa.answer.patterns import SENTENCE_HITS
from qa.answer.verdict_model import FittedModels, load_models
from qa.retrieve.query import Query
from qa.text import is_cjk


@lru_cache(maxsize=1)
def chinese_models() -> FittedModels:
    """The Chinese verdict's fitted models (written by scripts/fit_chinese_verdict.py)."""
    return load_models(chinese_verdict.MODEL_FILE)


def route_name(query: Query, hits: Sequence) -> str:
    """Which answerer a question goes to: "chinese", "to_chinese" or "english"."""
    if query.chinese:
        return "chinese"
    if any(is_cjk(h.text) for h in hits[:SENTENCE_HITS]):
        return "to_chinese"
    return "english"


ROUTES: dict[str, Answerer] = {"english": EnglishAnswerer(), "chinese": ChineseAnswerer(), "to_chinese": ToChineseAnswerer()}
