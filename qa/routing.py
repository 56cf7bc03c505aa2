"""Routing: which questions and hits go through the multilingual model instead of MiniLM."""

from __future__ import annotations

from typing import Sequence

from .text import is_cjk

ANSWER_HITS = 3  # the hits answer sentences are drawn from (answers.SENTENCE_HITS)


def routed(question: str, hits: Sequence) -> bool:
    """True when a question is Chinese or its answer comes from Chinese passages: MiniLM reads neither."""
    return is_cjk(question) or any(is_cjk(h.text) for h in hits[:ANSWER_HITS])
