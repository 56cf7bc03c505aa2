"""What the markup readers (HTML, EPUB, DOCX, OpenDocument) share: the file parsed in the sandboxed child
(qa/ingest/markup/child.py) into blocks, and the blocks laid out as text with sections.

The layout is what a reader sees and what chunking keeps whole: a heading on a line of its own, a paragraph per
line, a table as Markdown pipe rows under its header row (qa/ingest/tables.py), code between ``` fences
(qa/ingest/code_blocks.py). Sections come from the markup's headings, not guessed from the text.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from qa.errors import DocumentError
from qa.ingest.code_blocks import fence
from qa.ingest.headings import Section
from qa.ingest.limits import TextLimit, check_text
from qa.ingest.markup.blocks import Block
from qa.ingest.readers.base import Extract
from qa.ingest.sandbox import run_markup
from qa.ingest.tables import pipe_table
from qa.settings import Settings

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the container Word writes a password-protected document into


def read_markup(data: bytes, kind: str, what: str, settings: Settings, limit: TextLimit) -> Extract:
    """The layout of a file parsed as kind (html, epub, docx, odt, odp) in the child; DocumentError when refused.

    limit is enforced in the child as it reads, and again on the text laid out."""
    out = run_markup(kind, data, settings.parse_timeout_s, settings.parse_memory_bytes, what, limit.chars, limit.refusal)
    try:
        got = json.loads(out)
        blocks = [Block.from_json(b) for b in got["blocks"]]
        title = str(got.get("title") or "")
        warnings = tuple(str(w) for w in got.get("warnings") or ())
    except (ValueError, KeyError, TypeError) as exc:
        raise DocumentError(f"the {what} parser gave unreadable output ({exc})") from None
    layout = lay_out(title, blocks)
    check_text(len(layout.text), limit)
    return Extract(layout.text, warnings, title=layout.title, sections=layout.sections)


def check_zip(data: bytes, what: str) -> None:
    """Refuse a zipped format's file that is encrypted or not a zip archive."""
    if data.startswith(_OLE):
        raise DocumentError(
            f"the {what} file is password-protected (it is encrypted); save a copy without the password and add that"
        )
    if not data.startswith(b"PK\x03\x04"):
        raise DocumentError(
            f"not {'an' if what[0] in 'AEFHILMNORSX' else 'a'} {what} file (it is not a zip archive, as {what} files are)"
        )


@dataclass(frozen=True)
class Layout:
    """A marked-up document's text, title and sections."""

    title: str
    text: str
    sections: tuple[Section, ...]


def lay_out(title: str, blocks: list[Block]) -> Layout:
    """Blocks as text, one per paragraph, with a section for each heading running to the next of its level or above."""
    blocks = drop_contents(blocks)
    parts: list[str] = []
    heads: list[tuple[str, int, int, int]] = []  # title, start, end of heading, level
    at = 0
    for b in blocks:
        if b.kind == "heading":
            piece = b.text
            heads.append((b.text, at, at + len(piece), max(1, b.level)))
        elif b.kind == "table":
            piece = pipe_table(b.rows)
        elif b.kind == "code":
            piece = fence(b.text)
        else:
            piece = b.text
        if not piece:
            continue
        parts.append(piece)
        at += len(piece) + 2
    text = "\n\n".join(parts) + ("\n" if parts else "")
    if not text.strip():
        raise DocumentError("no text found (the file holds no paragraphs, headings, tables or code)")
    sections = []
    for i, (name, start, _, level) in enumerate(heads):
        end = next((h[1] for h in heads[i + 1 :] if h[3] <= level), len(text))
        sections.append(Section(name, start, end, level))
    return Layout(title or (heads[0][0] if heads else ""), text, tuple(sections))


_NUMBER = re.compile(r"^\s*(?:[\dIVXA-Z]{1,4}[.)]?\s*)*")


def drop_contents(blocks: list[Block]) -> list[Block]:
    """Blocks without a contents list: a run of paragraphs that repeat titles of headings further on, and its title."""
    later: set[str] = set()
    marks = [False] * len(blocks)
    for i in range(len(blocks) - 1, -1, -1):
        b = blocks[i]
        if b.kind == "heading":
            later.add(_key(b.text))
        elif b.kind == "para" and _key(b.text) in later:
            marks[i] = True
    # Only runs count: one paragraph that happens to read like a heading is text, three in a row are a contents list.
    out: list = []
    i = 0
    while i < len(blocks):
        j = i
        while j < len(blocks) and marks[j]:
            j += 1
        if j - i >= 3:
            if out and out[-1].kind == "para" and len(out[-1].text) <= 20:
                out.pop()  # the list's own title ("Contents", "目录") above it
            i = j
            continue
        out.append(blocks[i])
        i += 1
    return out


def _key(text: str) -> str:
    return re.sub(r"\s+", "", _NUMBER.sub("", text)).lower()
