"""HTML for the page: every piece of document or question text goes through html.escape first.

Gradio's sanitizer would delete hostile markup (and the words inside it); escaping instead shows a
reader exactly the characters the document holds. The HTML built here carries no newline, so the
chat's Markdown renderer sees one raw HTML block and leaves the text in it alone.
"""

from __future__ import annotations

import html
import time
from typing import Callable, Sequence

import qa


def esc(text: object) -> str:
    """Text as HTML that displays exactly these characters, line breaks kept."""
    return html.escape(str(text), quote=True).replace("\r\n", "\n").replace("\n", "<br>")


def when(ts: float | None) -> str:
    """A timestamp as local date and time."""
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(ts)) if ts else "?"


def where(c: "qa.Citation") -> str:
    """The citation's parts, escaped and joined: title, section, page, source."""
    parts = [f'<span class="qa-title">{esc(c.title)}</span>']
    if c.section:
        parts.append(f'<span class="qa-section">section {esc(c.section)}</span>')
    if c.page_range:
        parts.append(f'<span class="qa-page">page {int(c.page)} (passage on pages {int(c.page_range[0])}–'
                     f'{int(c.page_range[1])})</span>')
    elif c.page:
        parts.append(f'<span class="qa-page">page {int(c.page)}</span>')
    parts.append(f'<span class="qa-source">{esc(c.source)}</span>')
    parts.append(f'<span class="qa-span">chars {int(c.start)}–{int(c.end)}</span>')
    return " · ".join(parts)


def highlighted(text: str, spans: Sequence[tuple[int, int]]) -> str:
    """text escaped, with the (start, end) spans (relative to text) wrapped in <mark>."""
    out, pos = [], 0
    for a, b in sorted((max(0, a), min(len(text), b)) for a, b in spans):
        if a < pos or a >= b:
            continue
        out.append(esc(text[pos:a]))
        out.append(f'<mark class="qa-answer">{esc(text[a:b])}</mark>')
        pos = b
    out.append(esc(text[pos:]))
    return "".join(out)


def question_html(question: str) -> str:
    """The user's question as it appears in the chat: literal text."""
    return f'<div class="qa-question">{esc(question)}</div>'


def error_html(message: str) -> str:
    return f'<div class="qa-error"><b>Cannot answer:</b> {esc(message)}</div>'


def answer_html(ans: "qa.Answer", context: Callable[[str, int, int], tuple[str, str, str]] | None = None) -> str:
    """A reply: the answer sentences with [n] markers (or a plain 'not answered'), then the ranked passages."""
    parts = ['<div class="qa-reply">']
    if not ans.hits:
        parts.append('<p class="qa-unsupported"><b>The documents do not answer this question:</b> '
                     'no passage matched it.</p></div>')
        return "".join(parts)
    if ans.supported and ans.sentences:
        said = [f'{esc(s.text)} <span class="qa-ref">[{int(s.hit_rank)}]</span>' for s in ans.sentences]
        parts.append(f'<div class="qa-answer-text"><p class="qa-best">{said[0]}</p>')
        if len(said) > 1:
            more = "".join(f"<li>{x}</li>" for x in said[1:])
            parts.append(f'<div class="qa-more-label">Also relevant:</div><ul class="qa-more">{more}</ul>')
        parts.append("</div>")
    else:
        verdict = "partial" if ans.verdict == "partial" else "not-found"
        parts.append(f'<p class="qa-unsupported qa-{verdict}"><b>{esc(ans.reason)}</b> '
                     'The closest passages are below, marked as not answering it.</p>')
    parts.append('<ol class="qa-hits">')
    for h in ans.hits:
        c = h.citation
        # The best answer sentence from this passage (sentences come best first).
        spans = [(s.start - c.start, s.end - c.start) for s in ans.sentences if s.hit_rank == h.rank][:1]
        parts.append('<li class="qa-hit">' if ans.supported else '<li class="qa-hit qa-not-answering">')
        parts.append(f'<div class="qa-cite"><b>[{int(h.rank)}]</b> {where(c)} · '
                     f'<span class="qa-score">score {h.score:.4f}</span></div>')
        parts.append(f'<div class="qa-passage">{highlighted(h.text, spans)}</div>')
        if h.references:
            refs = "".join(f"<li>[{int(r.number)}] {esc(r.text)}</li>" for r in h.references)
            parts.append(f'<details class="qa-refs"><summary>References cited</summary><ul>{refs}</ul></details>')
        if context is not None:
            try:
                before, passage, after = context(c.source, c.start, c.end)
            except qa.QAError:
                before = passage = after = None
            if passage is not None:
                parts.append('<details class="qa-context"><summary>Show in context</summary>'
                             f'<div class="qa-context-text">…{esc(before)}<mark class="qa-here">{esc(passage)}</mark>'
                             f'{esc(after)}…</div></details>')
        parts.append("</li>")
    parts.append("</ol></div>")
    return "".join(parts)


def documents_html(docs: Sequence["qa.DocumentRecord"]) -> str:
    """The indexed documents as a table."""
    if not docs:
        return '<p class="qa-docs-empty">No documents are indexed yet.</p>'
    rows = "".join(f"<tr><td>{esc(d.source)}</td><td>{esc(d.title)}</td><td>{int(d.n_chunks)}</td>"
                   f"<td>{int(d.n_pages) or ''}</td><td>{esc(when(d.indexed_at))}</td></tr>" for d in docs)
    return ('<table class="qa-docs"><thead><tr><th>File</th><th>Title</th><th>Chunks</th><th>Pages</th>'
            f"<th>Indexed</th></tr></thead><tbody>{rows}</tbody></table>")


def status_html(status: dict | None, error: str | None = None, note: str | None = None) -> str:
    """The index status line: documents, chunks, model, when built (or what is wrong)."""
    bits = []
    if status:
        bits.append(f'<span class="qa-status-ok">Index ready: {int(status["documents"])} documents, '
                    f'{int(status["chunks"])} passages, model {esc(status["model"])} ({int(status["dim"])} dim), '
                    f'built {esc(when(status["built"]))}, generation {esc(status["generation"])}.</span>')
        if status.get("warning"):
            bits.append(f'<span class="qa-status-warn">{esc(status["warning"])}</span>')
    if error:
        bits.append(f'<span class="qa-status-error">{esc(error)}</span>')
    if note:
        bits.append(f'<span class="qa-status-note">{esc(note)}</span>')
    return '<div class="qa-status">' + "<br>".join(bits) + "</div>"


def build_report_html(saved: Sequence[tuple[str, str]], refused: Sequence[tuple[str, str]],
                      report: "qa.BuildReport | None", error: str | None = None) -> str:
    """What happened to each uploaded file and what the rebuild did, every file named."""
    items = []
    for name, message in saved:
        items.append(f'<li class="qa-file-ok"><b>{esc(name)}</b>: {esc(message)}</li>')
    for name, reason in refused:
        items.append(f'<li class="qa-file-error"><b>{esc(name)}</b>: refused: {esc(reason)}</li>')
    if report is not None:
        for s in report.skipped:
            items.append(f'<li class="qa-file-error"><b>{esc(s.source)}</b>: not indexed: {esc(s.reason)}</li>')
        for w in report.warnings:
            items.append(f'<li class="qa-file-warn">{esc(w)}</li>')
        items.append(f'<li class="qa-build">Index rebuilt in {report.seconds:.1f} s: {report.n_chunks} passages '
                     f'({report.n_embedded} newly embedded); {len(report.added)} added, {len(report.updated)} updated, '
                     f'{len(report.removed)} removed, {len(report.unchanged)} unchanged, '
                     f'{len(report.skipped)} skipped.</li>')
    if error:
        items.append(f'<li class="qa-file-error">{esc(error)}</li>')
    return f'<ul class="qa-report">{"".join(items)}</ul>' if items else ""
