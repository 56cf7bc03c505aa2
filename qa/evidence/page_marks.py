"""Marks: where a passage's characters are on a PDF page, as one box per line of text.

The passage comes from the document text (extracted by pypdf, then repaired), the characters and their boxes
from pdfium, so the two spell the same words with different spaces, line breaks, hyphens and ligatures. Both
are compared as their letters and digits only; the page characters that match the passage's are the ones
marked, and their boxes (not an estimate) are merged line by line.
"""

from __future__ import annotations

import difflib
import unicodedata

Box = tuple[float, float, float, float]  # left, bottom, right, top in PDF points

_ANCHOR = 12  # letters a passage's first match on the page must share with it
_MIN_BLOCK = 3  # shorter agreements between the two texts are coincidences


def _letters(text: str) -> tuple[str, list[int]]:
    """text's letters and digits, case-folded and NFKC-normalised, with each one's index in text."""
    out: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(text):
        for c in unicodedata.normalize("NFKC", ch).casefold():
            if c.isalnum():
                out.append(c)
                where.append(i)
    return "".join(out), where


def matched_chars(page_chars: str, passage: str) -> list[int]:
    """Indices of the page characters that spell the passage (or the part of it that is on this page)."""
    page, where = _letters(page_chars)
    want, _ = _letters(passage)
    if not want or not page:
        return []
    found = page.find(want)
    if found >= 0:
        return _with_gaps(sorted(set(where[found : found + len(want)])))
    # Where the passage starts: the start most of its runs of letters agree on (the first one found could
    # be the same words in a heading above it).
    votes: dict[int, int] = {}
    for offset in range(0, max(1, len(want) - _ANCHOR + 1), _ANCHOR):
        run, at = want[offset : offset + _ANCHOR], page.find(want[offset : offset + _ANCHOR])
        while at >= 0:
            votes[max(0, at - offset)] = votes.get(max(0, at - offset), 0) + 1
            at = page.find(run, at + 1)
    if not votes:
        return []
    start = max(votes, key=lambda s: (votes[s], -s))
    window = page[start : start + len(want) + len(want) // 4]
    blocks = difflib.SequenceMatcher(None, window, want, autojunk=False).get_matching_blocks()
    hits: set[int] = set()
    for a, _, size in blocks:
        if size >= _MIN_BLOCK:
            hits.update(where[start + a : start + a + size])
    return _with_gaps(sorted(hits))


def _with_gaps(indices: list[int]) -> list[int]:
    """indices plus the few characters between two of them (spaces, punctuation), so marks do not break."""
    out: list[int] = []
    for a, b in zip(indices, indices[1:] + indices[-1:], strict=False):
        out.extend(range(a, b) if 1 < b - a <= 4 else (a,))
    return out


def line_boxes(indices: list[int], boxes: tuple[Box, ...] | list[Box]) -> tuple[Box, ...]:
    """The boxes of these characters merged into one box per line (characters in reading order).

    A character joins the line before it when it continues rightwards and is at most a third of the line's
    height above or below it: commas, underscores, accents and superscripts stay on their line; the next line
    (back to the left) or another column's (too far up or down) starts a new one.
    """
    lines: list[list[float]] = []
    for i in indices:
        left, bottom, right, top = boxes[i]
        if right <= left or top <= bottom:  # spaces and line ends pdfium made up have no box
            continue
        cur = lines[-1] if lines else None
        if cur:
            gap = max(bottom, cur[1]) - min(top, cur[3])  # negative where they overlap
            if gap <= (cur[3] - cur[1]) / 3 and left >= cur[2] - max(top - bottom, cur[3] - cur[1]):
                cur[:] = min(cur[0], left), min(cur[1], bottom), max(cur[2], right), max(cur[3], top)
                continue
        lines.append([left, bottom, right, top])
    return tuple((a, b, c, d) for a, b, c, d in lines)


def passage_boxes(page_chars: str, boxes: tuple[Box, ...] | list[Box], passage: str) -> tuple[Box, ...]:
    """One box per line of the page that holds the passage's text; () when the page does not hold it."""
    return line_boxes(matched_chars(page_chars, passage), boxes)
