"""How a passage's text is shown: its answer marked, Markdown read as text, pipe tables as tables (always escaped)."""

from __future__ import annotations

import html
import re
from typing import Sequence

from qa.present.reflow import reflow


def esc(text: object) -> str:
    """Text as HTML that displays exactly these characters, line breaks kept."""
    return html.escape(str(text), quote=True).replace("\r\n", "\n").replace("\n", "<br>")


def is_markdown(source: str) -> bool:
    """Whether a document is Markdown, whose marks ("## ", "**") are drawn as what they mean; elsewhere a "#" or a
    "*" is the document's own character (a comment, a glob) and is shown as it is."""
    return source.lower().endswith((".md", ".markdown"))


def highlighted(text: str, spans: Sequence[tuple[int, int]], mark: str = "qa-answer", markdown: bool = False) -> str:
    """text reflowed for reading and escaped, with the (start, end) spans (offsets into text) in <mark>."""
    flow = reflow(text)
    shown = flow.text
    out, pos = [], 0
    for a, b in sorted((flow.at(max(0, a)), flow.at(min(len(text), b))) for a, b in spans):
        if a < pos or a >= b:
            continue
        out.append(esc(shown[pos:a]))
        out.append(f'<mark class="{mark}">{esc(shown[a:b])}</mark>')
        pos = b
    out.append(esc(shown[pos:]))
    drawn = tables_html("".join(out))
    return markdown_as_text(drawn) if markdown else drawn


# Markdown's marks in escaped text, for markdown_as_text: none crosses a tag or a line, so the HTML stays well formed.
_MD_HEADING = re.compile(r"^((?:<mark class=\"[\w-]+\">)?)#{1,6}[ \t]+([^<]*?)[ \t]*#*[ \t]*$")
_MD_BULLET = re.compile(r"^((?:<mark class=\"[\w-]+\">)?)[ \t]*[*+-][ \t]+")
_MD_STRONG = re.compile(r"(\*\*)(?=\S)([^<>*\n]+?)(?<=\S)\1")
_MD_EM = re.compile(r"(?<![\w*:/.])\*(?=[^\s*.])([^<>*\n]+?)(?<=[^\s*])\*(?![\w*])")
_MD_CODE = re.compile(r"`([^`<>\n]+)`")
_MD_LINK = re.compile(r"\[([^\]<>\n]+)\]\((?:[^()\s<>]+)\)")


def markdown_as_text(shown: str) -> str:
    """Escaped Markdown passage HTML with its marks ("## Title", "**bold**", "*em*", "`code`", "[text](url)", "- item")
    drawn as the text they mean, so a reader sees a heading or emphasis rather than the symbols. Only tags made here
    are added, around text that is already escaped; link targets are dropped (a passage links nowhere)."""
    lines = []
    for line in shown.split("<br>"):
        line = _MD_HEADING.sub(r'\1<strong class="qa-md-heading">\2</strong>', line)
        line = _MD_BULLET.sub("\\1• ", line)
        line = _MD_LINK.sub(r"\1", line)
        line = _MD_CODE.sub(r"<code>\1</code>", line)
        line = _MD_STRONG.sub(r"<strong>\2</strong>", line)
        line = _MD_EM.sub(r"<em>\1</em>", line)
        lines.append(line)
    return "<br>".join(lines)


_MARK_TAG = re.compile(r'<mark class="([\w-]+)">|</mark>')
_PIPE_ROW = re.compile(r"\s*\|.*\|\s*")
_PIPE_RULE = re.compile(r"\s*\|(?:\s*:?-{3,}:?\s*\|)+\s*")


def tables_html(shown: str) -> str:
    """Escaped, marked text with its Markdown pipe tables (header, rule, rows) drawn as tables; a marked row keeps
    its mark as the row's class. Cells are the escaped text between the pipes, so nothing new is unescaped."""
    lines, out, mark, i = shown.split("<br>"), [], None, 0
    while i < len(lines):
        j = i
        while j < len(lines) and _PIPE_ROW.fullmatch(_MARK_TAG.sub("", lines[j])):
            j += 1
        if j - i < 3 or not _PIPE_RULE.fullmatch(_MARK_TAG.sub("", lines[i + 1])):
            for m in _MARK_TAG.finditer(lines[i]):
                mark = m.group(1)
            out.append(lines[i])
            i += 1
            continue
        before, rows = mark, []
        for n, line in enumerate(lines[i:j]):
            marked = mark
            for m in _MARK_TAG.finditer(line):
                mark, marked = m.group(1), marked or m.group(1)
            if n == 1:
                continue  # the rule under the header
            tag = "th" if n == 0 else "td"
            cells = "".join(f"<{tag}>{c.strip()}</{tag}>" for c in _MARK_TAG.sub("", line).strip().strip("|").split("|"))
            rows.append(f'<tr class="{marked}">{cells}</tr>' if marked else f"<tr>{cells}</tr>")
        out.append(
            ("</mark>" if before else "")
            + f'<table class="qa-table">{"".join(rows)}</table>'
            + (f'<mark class="{mark}">' if mark else "")
        )
        i = j
    return "<br>".join(out)


_SENTENCE_END = re.compile(r"[.!?。！？](?:[\"'”’)\]]*)\s+|[。！？]|\n\s*\n")
_SPACE = re.compile(r"\s+")
_CJK = re.compile(r"[\u3000-\u30ff\u3400-\u9fff\uff00-\uffef]")


def excerpt_before(text: str) -> str:
    """The end of text from the start of a sentence (else of a word), so that the excerpt cuts no word."""
    end = _SENTENCE_END.search(text)
    if end is not None and text[end.end() :].strip():
        return text[end.end() :]
    if _CJK.match(text[-1:] or "a"):
        return text  # Chinese has no spaces: any character starts a word
    space = _SPACE.search(text)
    return text[space.end() :] if space else ""


def excerpt_after(text: str) -> str:
    """The start of text up to the end of a sentence (else of a word), so that the excerpt cuts no word."""
    ends = list(_SENTENCE_END.finditer(text))
    if ends:
        return text[: ends[-1].end()].rstrip()
    if _CJK.match(text[:1] or "a"):
        return text
    spaces = list(_SPACE.finditer(text))
    return text[: spaces[-1].start()] if spaces else ""
