"""The language a document is written in, where it decides how the document is read."""

from __future__ import annotations

from qa.text import cjk_count


def is_chinese(text: str) -> bool:
    """True for a document written mostly in Chinese (a fifth of its non-space characters or more)."""
    sample = text[:20000]
    visible = len(sample) - sum(c.isspace() for c in sample)
    return visible > 0 and cjk_count(sample) >= 0.2 * visible
