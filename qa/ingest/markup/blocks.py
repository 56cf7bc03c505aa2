"""Blocks: what a marked-up document is made of (headings, paragraphs, tables, code), as the readers see it."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

KINDS = ("heading", "para", "table", "code")


class Refused(Exception):
    """The file is hostile or broken in a way that makes it unusable; the message says why in one clause."""


@dataclass(frozen=True)
class Block:
    """One unit of a document: a heading (with its level), a paragraph, a table (rows of cells) or code."""

    kind: str
    text: str = ""
    level: int = 0
    anchor: str = ""  # the id a link can point at (HTML, EPUB), else ""
    rows: tuple[tuple[str, ...], ...] = field(default=())  # a table's rows, the header row first

    def to_json(self) -> dict:
        """The block as JSON for the parent process."""
        return asdict(self)

    @classmethod
    def from_json(cls, d: dict) -> "Block":
        """A block from its JSON form, checked: the child's output is data, not trusted structure."""
        kind = d.get("kind")
        if kind not in KINDS:
            raise ValueError(f"unknown block kind {kind!r}")
        rows = tuple(tuple(str(c) for c in r) for r in d.get("rows") or ())
        return cls(kind, str(d.get("text", "")), int(d.get("level", 0)), str(d.get("anchor", "")), rows)


_SPACE = re.compile(r"\s+")
_CJK = "\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef"
_CJK_BREAK = re.compile(f"(?<=[{_CJK}])\\s*\\n\\s*(?=[{_CJK}])")


def inline(text: str) -> str:
    """Markup text as read: a wrapped line between two CJK characters joins without a space, other runs of space are one."""
    return _SPACE.sub(" ", _CJK_BREAK.sub("", text)).strip()
