"""Navigation pages of a PDF: contents, lists of tables or figures, and back-of-book index pages.

Their lines point at pages instead of saying anything ("PIPESTATUS . . . . 87"), so they are kept out of
the passages. A page is one when most of its lines end in a page reference: by dot leaders (contents),
by comma lists of numbers (an index), or by numbers that grow down the page (contents without leaders).
"""

from __future__ import annotations

import re

_LEADERS = re.compile(r"(?:\.\s*){3,}\s*\d{1,4}\s*$|…+\s*\d{1,4}\s*$")
_PAGE_LIST = re.compile(r"[,，]\s*\d{1,4}(?:\s*[–-]\s*\d{1,4})?(?:\s*[,，]\s*\d{1,4}(?:\s*[–-]\s*\d{1,4})?)*\s*$")
_TRAILING = re.compile(r"\S\s+(\d{1,4})\s*$")
_HAS_WORD = re.compile(r"[^\d\s.,–-]")  # an entry names something: a word, or an operator like "||"
_BARE_NUMBER = re.compile(r"\d{1,4}")  # a page number wrapped onto a line of its own
_MIN_LINES = 6


def _reference(line: str) -> tuple[str, int] | None:
    """(kind, page) when a line is an entry pointing at a page: "leaders", "list" or "number"."""
    if not _HAS_WORD.search(line):
        return None
    m = _LEADERS.search(line)
    if m:
        return "leaders", int(re.findall(r"\d+", m.group(0))[-1])
    m = _PAGE_LIST.search(line)
    if m:
        return "list", int(re.findall(r"\d+", m.group(0))[0])
    m = _TRAILING.search(line)
    if m:
        return "number", int(m.group(1))
    return None


def navigation_kind(page: str) -> str | None:
    """ "contents" or "index" when a page's text is a contents list or a back-of-book index, else None."""
    lines = [ln.strip() for ln in page.split("\n") if ln.strip() and not _BARE_NUMBER.fullmatch(ln.strip())]
    refs = [r for r in (_reference(ln) for ln in lines) if r]
    if len(refs) < _MIN_LINES or len(refs) < 0.5 * len(lines):
        return None
    kinds = [k for k, _ in refs]
    numbers = [p for _, p in refs]
    rising = sum(b >= a for a, b in zip(numbers, numbers[1:], strict=False)) >= 0.8 * (len(numbers) - 1)
    if kinds.count("list") >= 0.25 * len(refs):
        return "index"
    if rising:
        return "contents"  # a contents list's pages grow down the page; an index's jump about
    return "index" if kinds.count("leaders") >= 0.25 * len(refs) else None


def navigation_pages(pages: list[str]) -> dict[int, str]:
    """{0-based page index: "contents" | "index"} of a document's navigation pages."""
    return {i: kind for i, p in enumerate(pages) if (kind := navigation_kind(p))}


def describe(left_out: dict[int, str]) -> str | None:
    """The sentence a build reports for the pages it left out, e.g. "left out 12 navigation pages (...)"."""
    if not left_out:
        return None
    parts = []
    for kind in ("contents", "index"):
        numbers = sorted(i + 1 for i, k in left_out.items() if k == kind)
        if numbers:
            parts.append(f"{len(numbers)} {kind} page{'s' * (len(numbers) > 1)} ({_ranges(numbers)})")
    n = len(left_out)
    return f"left out {n} navigation page{'s' * (n > 1)} that only point at other pages: " + ", ".join(parts)


def _ranges(numbers: list[int]) -> str:
    out, start = [], numbers[0]
    for a, b in zip(numbers, [*numbers[1:], -1], strict=True):  # -1: past the last page, never a + 1
        if b != a + 1:
            out.append(f"{start}" if start == a else f"{start}–{a}")
            start = b
    return "pp. " + ", ".join(out)
