"""Reflowed text for reading: line breaks inside a paragraph become spaces, hyphenated words are rejoined.

Only what is shown changes. Citations keep their offsets into the document text; `Reflowed.at` maps such an
offset to the shown text so that marks (the answer sentence, a passage in its context) land on the same words.
Lines that are meant as lines stay: headings (a short line without closing punctuation above a capitalised
one), list items, Markdown tables, quotes, headings and code.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

# A line that starts a list item or another block whose line breaks carry meaning.
_LINE_START = re.compile(r"\s*(?:[•▪◦‣●○■□➢►\-*+]\s|\d{1,3}[.)]\s|\(?[a-z]\)\s|[|>#]|```|~~~)")
_BLOCK = re.compile(r"^(?:```|~~~|\s*\|)", re.M)  # code fences and tables: leave the whole paragraph alone
_PARAGRAPH = re.compile(r"[^\n]*[^\s][^\n]*(?:\n(?![ \t]*(?:\n|$))[^\n]*)*")  # lines up to a blank one
_HEADING_MAX = 70  # wrapped PDF and text lines are longer than most headings
_CLOSING = ".,;:!?)]}\"'”’"
_HYPHEN = "-\u2010\u00ad\u00ac"  # hyphen, Unicode hyphen, soft hyphen, the not-sign some PDFs use for it


@dataclass(frozen=True)
class Reflowed:
    """Text as shown, with a map from offsets in the original text to offsets in it."""

    text: str
    _starts: tuple[int, ...] = ()  # original offsets where a joined line break (with its spaces) starts
    _ends: tuple[int, ...] = ()  # and where it ends
    _dropped: tuple[int, ...] = ()  # characters dropped up to and including each join

    def at(self, offset: int) -> int:
        """The offset in the shown text of the original text's offset (inside a join: where the join is)."""
        i = bisect.bisect_right(self._starts, offset) - 1
        if i < 0:
            return max(0, offset)
        if offset < self._ends[i]:
            return self._starts[i] - (self._dropped[i - 1] if i else 0)
        return offset - self._dropped[i]


def _keeps_break(before: str, after: str) -> bool:
    """True when the line break between these two lines is a real one."""
    if _LINE_START.match(after):
        return True
    line = before.strip()
    nxt = after.lstrip()[:1]
    return (
        0 < len(line) <= _HEADING_MAX
        and line[-1] not in _CLOSING
        and line[-1] not in _HYPHEN
        and (nxt.isupper() or nxt.isdigit())
        and (line[0].isupper() or line[0].isdigit())
    )


def reflow(text: str) -> Reflowed:
    """text with the line breaks inside its paragraphs joined (blank lines separate paragraphs)."""
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    drops: list[int] = []
    dropped = pos = 0
    for para in _PARAGRAPH.finditer(text):
        block = para.group()
        if "\n" not in block or _BLOCK.search(block):
            continue
        lines = block.split("\n")
        at = para.start()
        for before, after in zip(lines, lines[1:], strict=False):
            at += len(before)  # the offset of the line break
            if _keeps_break(before, after):
                at += 1
                continue
            stripped = before.rstrip()
            # hyphen-<break>lowercase: one word split across lines; else the break (and spaces) become one space
            hyphen = stripped[-1:] in _HYPHEN and len(stripped) > 1 and stripped[-2].isalpha() and after[:1].islower()
            cut_from = at - (len(before) - len(stripped)) - (1 if hyphen else 0)
            cut_to = at + 1 + (len(after) - len(after.lstrip(" \t")))
            out.append(text[pos:cut_from])
            keep = "" if hyphen else " "
            out.append(keep)
            dropped += (cut_to - cut_from) - len(keep)
            starts.append(cut_from)
            ends.append(cut_to)
            drops.append(dropped)
            pos = cut_to
            at += 1
    out.append(text[pos:])
    return Reflowed("".join(out), tuple(starts), tuple(ends), tuple(drops))


def reflowed(text: str) -> str:
    """text as it is shown to a reader."""
    return reflow(text).text
