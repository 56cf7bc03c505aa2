"""An answer as Markdown with its numbered sources: what the page's "Copy with sources" and `qa ask --markdown` give.

Every word that is not the document's or the question's comes from qa.present.messages in the reader's language.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from qa.present import messages
from qa.present.reflow import reflowed

if TYPE_CHECKING:
    from qa.answer.answers import Answer
    from qa.ingest.chunking import Citation

t = messages.text
BULLETS = "•▪◦‣●○■□➢►*-–· "  # a sentence taken from a list item starts with its bullet


def cited_page(c: "Citation", lang: str = "en") -> str | None:
    """ "page 57 (PDF page 59)": the page as printed on it, with the PDF's page index where they differ."""
    if c.page is None:
        return None
    if c.page_label:
        if c.page_range and c.page_range_labels:
            first, last = c.page_range_labels
            return t(lang, "page_label_range", label=c.page_label, page=int(c.page), first=first, last=last)
        return t(lang, "page_label", label=c.page_label, page=int(c.page))
    if c.page_range:
        return t(lang, "page_range", page=int(c.page), first=int(c.page_range[0]), last=int(c.page_range[1]))
    return t(lang, "page", page=int(c.page))


def source_line(rank: int, c: "Citation", lang: str = "en") -> str:
    """`[n] Title, section S, page P, file` for one cited passage."""
    parts = [c.title]
    if c.section:
        parts.append(t(lang, "section", section=c.section))
    page = cited_page(c, lang)
    if page:
        parts.append(page)
    parts.append(c.source)
    return f"[{rank}] " + t(lang, "list_sep").join(escaped(" ".join(p.split())) for p in parts)


def escaped(text: str) -> str:
    """Document text as Markdown shows it, never as HTML: a page that renders the Markdown shows a document's
    "<script>" as those characters instead of running or deleting it."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def quoted(text: str) -> str:
    """A passage as a Markdown block quote, reflowed for reading."""
    return "\n".join(f"> {escaped(line)}".rstrip() for line in reflowed(text).strip().split("\n"))


def level_line(ans: "Answer", lang: str = "en") -> str:
    """The reply's level in words: "**Answer** (confidence 92%)", "**May answer**: …", "**Not in the documents**"."""
    if ans.verdict == "answered":
        return f"**{t(lang, 'level_answered')}** ({t(lang, 'confidence', percent=percent(ans.confidence))})"
    if ans.verdict == "partial":
        return f"**{t(lang, 'level_partial')}**: {t(lang, 'level_partial_note')}"
    return f"**{t(lang, 'level_not_found')}**"


def percent(p: float) -> int:
    """A probability as a whole percentage, never 100 for a value under 1 nor 0 for one above 0."""
    return max(1 if p > 0 else 0, min(99 if p < 1 else 100, round(100 * float(p))))


def answer_markdown(ans: "Answer", lang: str = "en") -> str:
    """The level, the answer sentences with [n] markers, then the numbered sources (title, section, page, file,
    passage); or, for a reply that does not answer, why, then the closest passages."""
    if not ans.hits:
        return f"**{_one_line(ans.question)}**\n\n{t(lang, 'no_match')}\n"
    lines = [f"**{_one_line(ans.question)}**", "", level_line(ans, lang), ""]
    if ans.supported and ans.sentences:
        said = [f"{_one_line(s.text).lstrip(BULLETS)} [{s.hit_rank}]" for s in ans.sentences]
        lines.append(said[0])
        if len(said) > 1:
            lines += ["", t(lang, "also"), ""] + [f"- {s}" for s in said[1:]]
        cited = {s.hit_rank for s in ans.sentences}
        hits = [h for h in ans.hits if h.rank in cited]
        heading = t(lang, "sources_heading")
    else:
        lines.append(_one_line(ans.reason) if ans.reason else t(lang, "not_answered"))
        if ans.missing and not ans.reason:
            lines += ["", t(lang, "missing", what=t(lang, "list_sep").join(ans.missing))]
        hits = list(ans.hits)
        heading = t(lang, "may_answer_heading" if ans.verdict == "partial" else "closest_heading")
    lines += ["", heading]
    for h in hits:
        lines += ["", source_line(h.rank, h.citation, lang), "", quoted(h.text)]
    return "\n".join(lines) + "\n"


def _one_line(text: str) -> str:
    return escaped(" ".join(reflowed(text).split()))
