"""Reference lists: the headings that open one and the numbered entries under them."""

from __future__ import annotations

import re

REFERENCE_TITLES = re.compile(r"^(references|bibliography|works cited|literature cited|reference list)$", re.I)


def is_reference_heading(title: str | None) -> bool:
    """True for the heading of a reference list."""
    return bool(title and REFERENCE_TITLES.match(title.strip("# ")))


_ENTRY = re.compile(r"^[ \t]*\[?(?P<n>\d{1,3})[\].][ \t]+\S", re.M)


def reference_entries(text: str, start: int, end: int) -> list[tuple[int, int, int]]:
    """(number, start, end) of each numbered entry of the reference list in text[start:end]."""
    marks = [m for m in _ENTRY.finditer(text, start, end)]
    entries = []
    for j, m in enumerate(marks):
        e = marks[j + 1].start() if j + 1 < len(marks) else end
        s = m.start() + (len(m.group(0)) - len(m.group(0).lstrip()))
        gap = text.find("\n\n", s, e)
        e = gap if gap >= 0 else e  # a blank line ends an entry: what follows the list is not part of it
        entries.append((int(m["n"]), s, len(text[:e].rstrip())))
    return entries
