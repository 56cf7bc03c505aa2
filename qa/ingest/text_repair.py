"""Repairs of extracted text: hyphenated and broken lines joined, stray whitespace and control characters dropped,
each repaired offset mapped back to the raw text (pages and a PDF's outline are located through that map)."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from qa.text import CJK_CHARS

# Artifacts of text extraction, repaired in one pass so every output character
# keeps a known position in the raw text (pages are located through that map).
_REPAIRS = re.compile(
    r"(?P<hyphen>(?<=[a-z])-[ \t]*\n(?:[ \t]*\n)*[ \t]*(?:-[ \t]+)?(?=[a-z]))"
    r"|(?P<broken>(?<=[a-z,;])[ \t]*\n(?:[ \t]*\n)+[ \t]*(?:-[ \t]+)?(?=[a-z]))"
    # Chinese has no spaces: a line wrapped between two of its characters is joined with nothing.
    rf"|(?P<cjkwrap>(?<=[{CJK_CHARS}，、：（“])[ \t]*\n(?P<cjkindent>[ \t]*)(?=[{CJK_CHARS}（“]))"
    r"|(?P<indent>(?<=\n)[ \t]+)"
    r"|(?P<trailing>[ \t]+(?=\n))"
    r"|(?P<blanks>\n[ \t]*\n(?:[ \t]*\n)+)"
    r"|(?P<control>[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufeff])"
)
_REPLACEMENT = {"hyphen": "", "broken": " ", "cjkwrap": "", "indent": "", "trailing": "", "blanks": "\n\n", "control": ""}


def indent_width(line: str) -> int:
    """Columns of a line's indentation, tabs at every 8."""
    return len(line.expandtabs(8)) - len(line.expandtabs(8).lstrip())


def _cjk_join(raw: str, m: re.Match) -> str:
    """Join a wrapped Chinese line to the next, unless the next is indented deeper (a heading's body)."""
    line_start = raw.rfind("\n", 0, m.start()) + 1
    previous = raw[line_start : m.start()]
    return "" if indent_width(m["cjkindent"]) <= indent_width(previous) else "\n"


@dataclass(frozen=True)
class Cleaned:
    """Repaired text plus a map from its offsets back to the raw text."""

    text: str
    _clean_starts: tuple[int, ...]  # offsets before the leading whitespace was stripped
    _raw_starts: tuple[int, ...]
    _lead: int = 0  # leading whitespace stripped from the repaired text
    _length: int = 0  # length of the repaired text before stripping

    def to_clean(self, raw_offset: int) -> int:
        """Offset in the repaired text of the first character at or after raw_offset."""
        i = bisect.bisect_right(self._raw_starts, raw_offset) - 1
        if i < 0:
            return 0
        delta = raw_offset - self._raw_starts[i]
        seg_end = self._clean_starts[i + 1] if i + 1 < len(self._clean_starts) else self._length
        unstripped = self._clean_starts[i] + min(delta, seg_end - self._clean_starts[i])
        return max(0, min(len(self.text), unstripped - self._lead))


def clean(raw: str) -> Cleaned:
    """Join hyphenated and broken lines, drop stray whitespace and control characters."""
    raw = raw.replace("\r\n", "\n").replace("\r", "\n")
    parts: list[str] = []
    clean_starts: list[int] = [0]
    raw_starts: list[int] = [0]
    pos = out = 0
    for m in _REPAIRS.finditer(raw):
        parts.append(raw[pos : m.start()])
        out += m.start() - pos
        kind = m.lastgroup or "control"
        rep = _REPLACEMENT[kind]
        if kind == "cjkindent" or kind == "cjkwrap":
            kind, rep = "cjkwrap", _cjk_join(raw, m)
        parts.append(rep)
        out += len(rep)
        pos = m.end()
        clean_starts.append(out)
        raw_starts.append(pos)
    parts.append(raw[pos:])
    text = "".join(parts)
    lead = len(text) - len(text.lstrip())
    return Cleaned(text.strip(), tuple(clean_starts), tuple(raw_starts), lead, len(text))
