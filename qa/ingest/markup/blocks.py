"""Blocks: what a marked-up document is made of (headings, paragraphs, tables, code), as the readers see it."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

KINDS = ("heading", "para", "table", "code")


class Refused(Exception):
    """The file is hostile or broken in a way that makes it unusable; the message says why in one clause."""


class Unreadable(Refused):
    """One part of a file (an EPUB chapter) is missing or damaged: the part is left out, not the whole file."""


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


class Sink(list):
    """The blocks a reader collects, bounded: past max_text_chars of text the file is refused with the sentence given.

    Every route by which a file grows (a page listed again and again, row spans, entities) ends here, so the child
    stops as soon as the text is too long instead of building it all. warnings: what the reader left out, and why.
    """

    def __init__(self, max_text_chars: int = 2**62, refusal: str = "") -> None:
        super().__init__()
        self.max_text_chars, self.refusal, self.chars = max_text_chars, refusal, 0
        self.over = False  # True once the text passed max_text_chars: the whole file is refused, not one part
        self.warnings: list[str] = []

    def append(self, block: Block) -> None:  # type: ignore[override]
        self.chars += len(block.text) + sum(len(c) + 1 for r in block.rows for c in r)
        if self.chars > self.max_text_chars:
            self.over = True
            raise Refused(self.refusal)
        super().append(block)

    def extend(self, blocks) -> None:  # type: ignore[override]
        for b in blocks:
            self.append(b)
