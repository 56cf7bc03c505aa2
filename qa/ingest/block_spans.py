"""Tables and code blocks in a text: where they lie, so that sentence splitting and chunking keep them whole."""

from __future__ import annotations

from qa.ingest.code_blocks import code_spans
from qa.ingest.tables import table_spans

Region = tuple[int, int, str | None, bool]  # start, end, section label, one unit per chunk


def block_spans(text: str, start: int, end: int) -> list[tuple[int, int, str]]:
    """(start, end, "table" | "code") of the tables and code blocks in text[start:end], in order, not overlapping."""
    found = sorted(
        [(a, b, "code") for a, b in code_spans(text, start, end)] + [(a, b, "table") for a, b in table_spans(text, start, end)]
    )
    out: list[tuple[int, int, str]] = []
    for a, b, kind in found:
        if not out or a >= out[-1][1]:  # a table drawn inside a code block stays code
            out.append((a, b, kind))
    return out


def starts_block(text: str, s: int) -> bool:
    """True when a unit starting at s is a table or a code block (split at its line breaks, never inside a line)."""
    return text.startswith(("|", "```", "~~~"), s)


def tables_apart(text: str, regions: list[Region]) -> list[Region]:
    """Regions with each table a region of its own, so a passage holds a table (or a piece of it) and nothing else."""
    out = []
    for a, b, label, whole in regions:
        at = a
        for s, e, _ in [] if whole else [t for t in block_spans(text, a, b) if t[2] == "table"]:
            if s > at:
                out.append((at, s, label, False))
            out.append((s, e, label, True))
            at = e
        if at < b:
            out.append((at, b, label, whole))
    return out
