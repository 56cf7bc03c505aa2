"""Running heads and feet of a PDF's pages: page numbers, page counts and chapter names that repeat."""

from __future__ import annotations

import re
from collections import Counter

_PAGE_NUMBER = re.compile(r"^\s*(?:page\s+)?(?:\d{1,4}|[ivxlc]{1,7})(?:\s*(?:/|of)\s*\d{1,4})?\s*$", re.I)
_EDGE_NUMBER = re.compile(r"^\s*(\d{1,4})\s+\S|\S\s+(\d{1,4})\s*$")
_MAX_HEAD = 120  # a running head is one short line


def _mask(line: str) -> str:
    """The line with its numbers (and a trailing roman page number) masked, so page 7 and page 8 match."""
    return re.sub(r"\s+[ivxlc]{1,7}$", " #", re.sub(r"\d+", "#", line.strip()))


def _lines(page: str) -> list[str]:
    return [ln.strip() for ln in page.strip().split("\n") if ln.strip()]


def _edges(lines: list[str]) -> list[str]:
    return lines[:2] + lines[-2:]


def _page_offset(pages: list[list[str]]) -> int | None:
    """printed number − page index, when enough pages print their number at an edge line (None otherwise)."""
    offsets: Counter[int] = Counter()
    for i, lines in enumerate(pages):
        seen = set()
        for ln in _edges(lines):
            m = _EDGE_NUMBER.search(ln)
            for g in m.groups() if m and len(ln) <= _MAX_HEAD else ():
                if g is not None:
                    seen.add(int(g) - i)
        offsets.update(seen)
    if not offsets:
        return None
    offset, n = offsets.most_common(1)[0]
    return offset if n >= max(3, len(pages) // 4) else None


def running_keys(pages: list[str]) -> tuple[set[str], int | None]:
    """(masked lines that run across pages, printed page number − page index) of a document's pages."""
    lines = [_lines(p) for p in pages]
    where: dict[str, list[int]] = {}
    for i, page in enumerate(lines):
        for ln in set(_edges(page)):
            if len(ln) <= _MAX_HEAD:
                where.setdefault(_mask(ln), []).append(i)
    running = set()
    for key, found in where.items():
        span = found[-1] - found[0] + 1
        # On half the pages of the document, or a chapter's name on at least 2 of every 5 pages of its chapter.
        if len(found) >= max(3, len(pages) // 2) or (len(found) >= 3 and len(found) >= 0.4 * span):
            running.add(key)
    return running, _page_offset(lines)


def _is_running(line: str, index: int, running: set[str], offset: int | None) -> bool:
    if _PAGE_NUMBER.match(line):
        return True
    if len(line.strip()) > _MAX_HEAD:
        return False
    if _mask(line) in running:
        return True
    m = _EDGE_NUMBER.search(line.strip())
    return bool(m and offset is not None and any(g is not None and int(g) == index + offset for g in m.groups()))


def strip_running_lines(pages: list[str]) -> list[str]:
    """Drop running headers, footers and bare page numbers that repeat across a PDF's pages."""
    if len(pages) < 3:
        return [p for p in pages]
    running, offset = running_keys(pages)
    out = []
    for n, page in enumerate(pages):
        lines = page.strip().split("\n")
        keep_from, keep_to = 0, len(lines)
        # The first page keeps its top lines: a running header there is usually the title itself.
        while n > 0 and keep_from < keep_to and keep_from < 3 and _is_running(lines[keep_from], n, running, offset):
            keep_from += 1
        while keep_to > keep_from and len(lines) - keep_to < 3 and _is_running(lines[keep_to - 1], n, running, offset):
            keep_to -= 1
        out.append("\n".join(lines[keep_from:keep_to]))
    return out
