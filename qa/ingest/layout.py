"""Text layout: repair extraction artifacts and find titles, headings and references."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from qa.text import CJK_CHARS, cjk_count

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
_REPLACEMENT = {"hyphen": "", "broken": " ", "cjkwrap": "", "indent": "", "trailing": "", "blanks": "\n\n",
                "control": ""}


def _indent(line: str) -> int:
    return len(line.expandtabs(8)) - len(line.expandtabs(8).lstrip())


def _cjk_join(raw: str, m: re.Match) -> str:
    """Join a wrapped Chinese line to the next, unless the next is indented deeper (a heading's body)."""
    line_start = raw.rfind("\n", 0, m.start()) + 1
    previous = raw[line_start:m.start()]
    return "" if _indent(m["cjkindent"]) <= _indent(previous) else "\n"


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


@dataclass(frozen=True)
class Section:
    """A headed part of a document: its heading's label and level, and its character span.

    find_headings gives each section the span of its heading's words; documents then extend it to the next
    heading of the same or a higher level.
    """

    title: str
    start: int
    end: int
    level: int


_SMALL = {"a", "an", "the", "of", "and", "or", "in", "on", "for", "to", "with", "as", "at", "by",
          "from", "via", "vs", "into", "its", "their", "under", "over", "&", "—", "-", "–"}
_NUMBERED = re.compile(r"(?P<num>(?:\d{1,2}(?:\.\d{1,2}){0,3}\.?)|(?:[IVX]{1,5}\.))[ \t]+(?P<rest>\S.*)")
_MARKDOWN = re.compile(r"(?P<hashes>#{1,6})[ \t]+(?P<rest>.+?)[ \t#]*$")
_REFERENCE_TITLES = re.compile(r"^(references|bibliography|works cited|literature cited|reference list)$", re.I)


def _capitalised(word: str) -> bool:
    return word[:1].isupper() or word[:1].isdigit() or word.lower() in _SMALL


def _title_like(words: list[str]) -> bool:
    content = [w for w in words if w.lower() not in _SMALL]
    return bool(content) and all(w[:1].isupper() or w[:1].isdigit() for w in content)


def _run_in_title(rest: str) -> str | None:
    """The heading words of a heading that runs into its paragraph, if any."""
    words = rest.split(" ")
    stop = next((i for i, w in enumerate(words) if not _capitalised(w)), None)
    if stop is None or stop < 2 or not words[stop][:1].isalpha():
        return None
    run = words[:stop]
    while run and run[-1] in _SMALL:
        run.pop()
    if not run:
        return None  # only small words before the first lower-case one: no title (gnuplot.pdf stopped here)
    run.pop()  # the capitalised first word of the paragraph's sentence
    while run and run[-1] in _SMALL:
        run.pop()
    if len(run) < 2 or any(w.endswith((".", ":", ";")) for w in run) or len(" ".join(run)) > 200:
        return None
    return " ".join(run)


def _heading_at(line: str, standalone: bool) -> tuple[str, int, int] | None:
    """(label, level, end) when a line starts with a heading; end is where its words end in the line."""
    if _POINTS_AT_PAGE.search(line):
        return None  # a contents or index entry ("12 Programming 214", "Index . . . 87"), not a heading
    m = _NUMBERED.match(line)
    if m:
        num, rest = m["num"], m["rest"].rstrip()
        level = num.rstrip(".").count(".") + 1
        words = rest.split()
        # Title Case, or sentence case when it stands alone (many papers use "2.2. Data and methods").
        plausible = _title_like(words) or (len(words) <= 12 and words[0][:1].isupper() and len(rest) <= 90)
        if standalone and len(rest) <= 150 and not rest.endswith((".", ",", ";", ":")) and plausible:
            return f"{num} {rest}", level, m.start("rest") + len(rest)
        title = _run_in_title(rest)
        if title and len(rest) - len(title) >= 40:
            return f"{num} {title}", level, m.start("rest") + len(title)
        return None
    words = line.split()
    if (standalone and 1 <= len(words) <= 6 and sum(c.isalpha() for c in line) >= 3 and len(line) <= 60 and _title_like(words)
            and not re.search(r"[.,;:!?]$|\d|[()\[\];]", line) and words[-1] not in _SMALL):
        return line.strip(), 1, len(line.rstrip())
    return None


# A line ending in dot leaders, or in a page number after a word, points at a page.
_POINTS_AT_PAGE = re.compile(r"(?:\.\s*){3,}\d*\s*$|[^\W\d]\s+\d{1,4}\s*$")


def _number_tuple(num: str) -> tuple[int, ...] | None:
    parts = num.rstrip(".").split(".")
    return tuple(int(p) for p in parts) if all(p.isdigit() for p in parts) else None


def find_headings(text: str, markdown: bool = False) -> list[Section]:
    """Headings of a document in order; numbered headings may run into their paragraph."""
    headings: list[Section] = []
    in_references = False
    last_number: tuple[int, ...] = ()
    pos = 0
    lines = text.split("\n")
    for i, line in enumerate(lines):
        start = pos
        pos += len(line) + 1
        if not line.strip():
            continue
        if markdown:
            m = _MARKDOWN.match(line)
            found = (m["rest"].strip(), len(m["hashes"]), m.end("rest")) if m else None
        else:
            before_blank = i == 0 or not lines[i - 1].strip()
            after_blank = i + 1 >= len(lines) or not lines[i + 1].strip()
            if in_references and not (before_blank and after_blank):
                continue  # numbered entries of a reference list are not headings
            # PDF text has no blank lines: a short line followed by a capitalised line stands alone too.
            next_line = lines[i + 1].lstrip() if i + 1 < len(lines) else ""
            numbered = _NUMBERED.match(line)
            underlined = bool(re.fullmatch(r"[=\-~]{3,}", next_line.strip()))  # setext-style heading
            alone = after_blank or underlined or (bool(numbered) and len(line) <= 100 and next_line[:1].isalnum()
                                                  and not next_line[:1].islower())
            # An unnumbered heading must stand alone between blank lines, as a title does.
            found = _heading_at(line, standalone=alone if numbered else (before_blank and after_blank))
            if found and numbered:
                number = _number_tuple(numbered["num"])
                if number is not None:
                    # Numbered headings advance: 1.2 after 1.1, 2 after 1.4; table rows and lists do not.
                    if number <= last_number or number[0] > (last_number[0] + 1 if last_number else 3):
                        continue
                    last_number = number
        if not found:
            continue
        label, level, words_end = found
        if in_references and _NUMBERED.match(line) and not markdown:
            continue
        in_references = bool(_REFERENCE_TITLES.match(label))
        headings.append(Section(label, start, start + words_end, level))
    return headings


def is_reference_heading(title: str | None) -> bool:
    """True for the heading of a reference list."""
    return bool(title and _REFERENCE_TITLES.match(title.strip("# ")))


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


def find_title(text: str) -> str | None:
    """The document's own title: a markdown H1, else its first title-like line."""
    for line in text.split("\n")[:40]:
        m = _MARKDOWN.match(line)
        if m and len(m["hashes"]) == 1:
            return m["rest"].strip()
    for line in text.split("\n")[:20]:
        words = line.split()
        if len(words) < 3 or len(line) > 300 or re.search(r"https?://|www\.|\w+\.(org|com|net)\b|@", line):
            continue
        content = [w for w in words if w.lower() not in _SMALL and w[:1].isalpha()]
        if content and sum(w[:1].isupper() for w in content) / len(content) >= 0.75 and not line.rstrip().endswith("."):
            return line.strip()
    return None


_CJK_NUMBER = "〇零一二三四五六七八九十百千两0-9０-９"
# "第一讲第一节：移动光标", "第三章 数据", "第一讲小结", "二、方法": numbered Chinese headings on a line of their own.
_CJK_NUMBERED = re.compile(rf"(?:第[{_CJK_NUMBER}]+[章节讲篇部回卷课](?:第[{_CJK_NUMBER}]+[节条课])?"
                           rf"|[一二三四五六七八九十]{{1,3}}、)[：:\s　]*\S?[^\n]{{0,40}}")
_NO_HEADING_END = tuple("。.，,;；!！?？：:")
_CLAUSE = re.compile("[。，；！？,;]")


def is_chinese(text: str) -> bool:
    """True for a document written mostly in Chinese (a fifth of its non-space characters or more)."""
    sample = text[:20000]
    visible = len(sample) - sum(c.isspace() for c in sample)
    return visible > 0 and cjk_count(sample) >= 0.2 * visible


def chinese_headings(raw: str) -> list[tuple[int, int, int]]:
    """(raw start, raw end, level) of the headings of a Chinese text, found where layout shows them.

    Numbered headings ("第一讲第一节：移动光标") standing on their own line, and a short line followed
    directly by a more deeply indented body, as manual pages set their section names (level 1 at the
    margin, 2 when indented a little). Indentation is gone after clean(), so this reads the raw text.
    """
    lines = raw.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    out: list[tuple[int, int, int]] = []
    pos = 0
    for i, line in enumerate(lines):
        start = pos
        pos += len(line) + 1
        words = line.strip()
        if not words or len(words) > 48 or words.endswith(_NO_HEADING_END):
            continue
        lead = start + len(line) - len(line.lstrip())
        prev_blank = i == 0 or not lines[i - 1].strip()
        next_line = lines[i + 1] if i + 1 < len(lines) else ""
        if _CJK_NUMBERED.fullmatch(words) and (prev_blank or not next_line.strip()):
            out.append((lead, lead + len(words), 1))
        elif (_indent(line) < 4 and len(words) <= 30 and not _CLAUSE.search(words) and next_line.strip()
              and _indent(next_line) >= _indent(line) + 3
              and words[:1] not in "-*•+" and not words[:1].isdigit()
              and (prev_blank or _indent(lines[i - 1]) != _indent(line))):
            out.append((lead, lead + len(words), 1 if _indent(line) == 0 else 2))
    return out
