"""An answer as Markdown with its numbered sources: what the page's "Copy with sources" and `qa ask --markdown` give."""

from __future__ import annotations

from typing import TYPE_CHECKING

from qa.present.reflow import reflowed

if TYPE_CHECKING:
    from qa.answer.answers import Answer
    from qa.ingest.chunking import Citation

_BULLETS = "•▪◦‣●○■□➢►*- "  # a sentence taken from a list item
NOT_ANSWERED = "The documents do not seem to answer this question."
NO_PASSAGE = "The documents do not answer this question: no passage matched it."


def source_line(rank: int, c: "Citation") -> str:
    """`[n] Title, section S, page P, file` for one cited passage."""
    parts = [c.title]
    if c.section:
        parts.append(f"section {c.section}")
    if c.page_range:
        parts.append(f"page {c.page} (passage on pages {c.page_range[0]}–{c.page_range[1]})")
    elif c.page:
        parts.append(f"page {c.page}")
    parts.append(c.source)
    return f"[{rank}] " + ", ".join(escaped(" ".join(p.split())) for p in parts)


def escaped(text: str) -> str:
    """Document text as Markdown shows it, never as HTML: a page that renders the Markdown shows a document's
    "<script>" as those characters instead of running or deleting it."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def quoted(text: str) -> str:
    """A passage as a Markdown block quote, reflowed for reading."""
    return "\n".join(f"> {escaped(line)}".rstrip() for line in reflowed(text).strip().split("\n"))


def answer_markdown(ans: "Answer") -> str:
    """The answer sentences with [n] markers, then the numbered sources (title, section, page, file, passage)."""
    if not ans.hits:
        return f"**{_one_line(ans.question)}**\n\n{NO_PASSAGE}\n"
    lines = [f"**{_one_line(ans.question)}**", ""]
    if ans.supported and ans.sentences:
        said = [f"{_one_line(s.text).lstrip(_BULLETS)} [{s.hit_rank}]" for s in ans.sentences]
        lines.append(said[0])
        if len(said) > 1:
            lines += ["", "Also relevant:", ""] + [f"- {s}" for s in said[1:]]
        cited = {s.hit_rank for s in ans.sentences}
        hits = [h for h in ans.hits if h.rank in cited]
        heading = "Sources:"
    else:
        lines.append(_one_line(ans.reason) if ans.reason else NOT_ANSWERED)
        hits = list(ans.hits)
        heading = "Closest passages (they do not answer it):"
    lines += ["", heading]
    for h in hits:
        lines += ["", source_line(h.rank, h.citation), "", quoted(h.text)]
    return "\n".join(lines) + "\n"


def _one_line(text: str) -> str:
    return escaped(" ".join(reflowed(text).split()))
