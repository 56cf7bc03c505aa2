"""Headings and titles found in a document's text: numbered, Markdown, underlined and standalone headings, the
document's own title, and the headings of Chinese text where its layout shows them."""

from __future__ import annotations

import re
from dataclasses import dataclass

from qa.ingest.references import REFERENCE_TITLES
from qa.ingest.text_repair import indent_width


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


_SMALL = {
    "a",
    "an",
    "the",
    "of",
    "and",
    "or",
    "in",
    "on",
    "for",
    "to",
    "with",
    "as",
    "at",
    "by",
    "from",
    "via",
    "vs",
    "into",
    "its",
    "their",
    "under",
    "over",
    "&",
    "—",
    "-",
    "–",
}
_NUMBERED = re.compile(r"(?P<num>(?:\d{1,2}(?:\.\d{1,2}){0,3}\.?)|(?:[IVX]{1,5}\.))[ \t]+(?P<rest>\S.*)")
_MARKDOWN = re.compile(r"(?P<hashes>#{1,6})[ \t]+(?P<rest>.+?)[ \t#]*$")


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
    if (
        standalone
        and 1 <= len(words) <= 6
        and sum(c.isalpha() for c in line) >= 3
        and len(line) <= 60
        and _title_like(words)
        and not re.search(r"[.,;:!?]$|\d|[()\[\];]", line)
        and words[-1] not in _SMALL
    ):
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
            alone = (
                after_blank
                or underlined
                or (bool(numbered) and len(line) <= 100 and next_line[:1].isalnum() and not next_line[:1].islower())
            )
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
        in_references = bool(REFERENCE_TITLES.match(label))
        headings.append(Section(label, start, start + words_end, level))
    return headings


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
_CJK_NUMBERED = re.compile(
    rf"(?:第[{_CJK_NUMBER}]+[章节讲篇部回卷课](?:第[{_CJK_NUMBER}]+[节条课])?"
    rf"|[一二三四五六七八九十]{{1,3}}、)[：:\s　]*\S?[^\n]{{0,40}}"
)
_NO_HEADING_END = tuple("。.，,;；!！?？：:")
_CLAUSE = re.compile("[。，；！？,;]")


def chinese_headings(raw: str) -> list[tuple[int, int, int]]:
    """(raw start, raw end, level) of the headings of a Chinese text, found where layout shows them.

    Numbered headings ("第一讲第一节：移动光标") standing on their own line, and a short line followed
    directly by a more deeply indented body, as manual pages set their section names (level 1 at the
    margin, 2 when indented a little). Indentation is gone after clean() (qa/ingest/text_repair.py), so this reads the raw text.
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
        elif (
            indent_width(line) < 4
            and len(words) <= 30
            and not _CLAUSE.search(words)
            and next_line.strip()
            and indent_width(next_line) >= indent_width(line) + 3
            and words[:1] not in "-*•+"
            and not words[:1].isdigit()
            and (prev_blank or indent_width(lines[i - 1]) != indent_width(line))
        ):
            out.append((lead, lead + len(words), 1 if indent_width(line) == 0 else 2))
    return out
