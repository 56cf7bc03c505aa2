"""Sections of a PDF from its outline: each bookmark's heading located on its destination page."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # only a type here: extract's import tree (child processes, OCR) is no question's business
    from qa.ingest.pdf.extract import OutlineEntry

PATH_SEPARATOR = " › "
# What may stand before an outline title on its heading line: "4.2", "Chapter 4:", "Appendix A", "第3章".
_PREFIX = re.compile(r"^(?:chapter|appendix|part|section|第)?[\dA-Za-z]{0,4}(?:[.\-][\dA-Za-z]{1,4})*[.:章节]?$", re.I)


@dataclass(frozen=True)
class Heading:
    """An outline entry found on its page: where its line is in the page text, with its label and level."""

    page: int
    start: int
    end: int
    label: str  # "chapter › entry", the outline's own titles
    level: int


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text).lower()


def heading_matches(line: str, title: str) -> bool:
    a, b = _squeeze(line), _squeeze(title)
    if not b or not a.endswith(b):
        return False
    return _PREFIX.match(a[: len(a) - len(b)]) is not None


def _find(page: str, title: str, after: int) -> tuple[int, int] | None:
    """(start, end) of the line (or two wrapped lines) of page at or after `after` that is the heading title."""
    starts = [m.start() for m in re.finditer(r"^", page, re.M)]
    lines = [(s, page.find("\n", s) if page.find("\n", s) >= 0 else len(page)) for s in starts]
    for j, (s, e) in enumerate(lines):
        if e < after or s < after and e <= after:
            continue
        if heading_matches(page[s:e], title):
            return s, e
        if j + 1 < len(lines) and heading_matches(page[s : lines[j + 1][1]], title):
            return s, lines[j + 1][1]
    return None


def _labels(outline: tuple[OutlineEntry, ...]) -> list[str]:
    """Each entry's label: its chapter (top-level entry) and itself, the outline's titles as written."""
    out, top = [], None
    for entry in outline:
        title = " ".join(entry.title.split())
        if entry.depth == 0:
            top = title
        out.append(title if entry.depth == 0 or top is None else f"{top}{PATH_SEPARATOR}{title}")
    return out


def locate(pages: list[str], outline: tuple[OutlineEntry, ...]) -> tuple[list[str], list[Heading]]:
    """(pages with each found heading on a paragraph of its own, the headings in page order).

    A heading not found on its destination page starts where its page starts (after an earlier heading on
    that page): the outline is trusted for where sections are, the page text only refines it.
    """
    pages = list(pages)
    found: list[Heading] = []
    cursor: dict[int, int] = {}
    for entry, label in zip(outline, _labels(outline), strict=True):
        if not 0 <= entry.page < len(pages):
            continue
        at = entry.page
        after = cursor.get(at, 0)
        span = _find(pages[at], entry.title, after)
        if span is None and at + 1 < len(pages):
            # A destination at the foot of a page points at a heading that tops the next one.
            top = _find(pages[at + 1], entry.title, cursor.get(at + 1, 0))
            if top is not None and pages[at + 1].count("\n", 0, top[0]) < 4:
                at, span = at + 1, top
        if span is None:
            found.append(Heading(at, after, after, label, entry.depth + 1))
            continue
        page = pages[at]
        s, e = span
        # A blank line around the heading: it never runs into (or joins, in Chinese) the text after it. The form
        # feed in it keeps layout.clean from rejoining a heading ending in a small letter to a paragraph starting
        # with one, as it does a sentence broken by a page; clean then drops it.
        heading = " ".join(page[s:e].split())
        pages[at] = page[:s] + "\n" + heading + "\n\f\n" + page[e:].lstrip("\n")
        found.append(Heading(at, s + 1, s + 1 + len(heading), label, entry.depth + 1))
        cursor[at] = s + 1 + len(heading) + 3
    found.sort(key=lambda h: (h.page, h.start))
    return pages, found
