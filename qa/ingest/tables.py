"""Tables as text: Markdown pipe rows under their header row, found again in any text, each row read with its header.

A table is a unit of its own: chunking keeps a table (or, for a long one, a piece under its repeated header row)
in one passage, and an answer quotes one row as "header: cell" pairs instead of the whole table as a sentence.
"""

from __future__ import annotations

import re
from typing import Iterator

_ROW = re.compile(r"^[ \t]*\|.*\|[ \t]*$", re.M)
_RULE = re.compile(r"^[ \t]*\|(?:[ \t]*:?-{3,}:?[ \t]*\|)+[ \t]*$")


def pipe_table(rows: tuple[tuple[str, ...], ...]) -> str:
    """A table as Markdown: the header row, the rule under it, then the body rows."""
    if not rows:
        return ""
    cells = [[" ".join(c.replace("|", "/").split()) for c in r] for r in rows]
    lines = ["| " + " | ".join(cells[0]) + " |", "|" + "|".join("---" for _ in cells[0]) + "|"]
    lines += ["| " + " | ".join(r) + " |" for r in cells[1:]]
    return "\n".join(lines)


def table_spans(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """(start, end) of each pipe table in text[start:end]: a header row, its rule, and the rows below it."""
    lines = list(re.finditer(r"^.*$", text[start:end], re.M))
    i = 0
    while i < len(lines) - 1:
        if _ROW.fullmatch(lines[i].group()) and _RULE.fullmatch(lines[i + 1].group()):
            j = i + 2
            while j < len(lines) and _ROW.fullmatch(lines[j].group()):
                j += 1
            yield start + lines[i].start(), start + lines[j - 1].end()
            i = j
        else:
            i += 1


def row_spans(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """(start, end) of each body row of the table text[start:end] (not its header or rule)."""
    for n, m in enumerate(re.finditer(r"[^\n]+", text[start:end])):
        if n >= 2:
            yield start + m.start(), start + m.end()


def cells(row: str) -> list[str]:
    """The cells of one pipe row."""
    return [c.strip() for c in row.strip().strip("|").split("|")]


def is_row(text: str) -> bool:
    """True for one pipe row standing alone."""
    return "\n" not in text and bool(_ROW.fullmatch(text))


def with_header(passage: str, a: int, b: int) -> str:
    """The row passage[a:b] read with the header of its table ("header: cell; ..."), or as it is when it is no row."""
    row = passage[a:b]
    if not is_row(row):
        return row
    header = None
    for s, e in table_spans(passage, 0, len(passage)):
        if s <= a < e:
            header = cells(passage[s : passage.index("\n", s)])
    values = cells(row)
    if not header or len(header) != len(values):
        return "; ".join(v for v in values if v)
    return "; ".join(f"{h}: {v}" if h else v for h, v in zip(header, values, strict=True) if v)
