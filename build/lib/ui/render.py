"""HTML for the page: every piece of document or question text goes through html.escape first.

Gradio's sanitizer would delete hostile markup (and the words inside it); escaping instead shows a
reader exactly the characters the document holds. The HTML built here carries no newline, so the
chat's Markdown renderer sees one raw HTML block and leaves the text in it alone.
"""

from __future__ import annotations

import html
import json
import time
from typing import Callable, Sequence

import qa
from qa.present.reflow import reflow, reflowed


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


def highlighted(text: str, spans: Sequence[tuple[int, int]], mark: str = "qa-answer") -> str:
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
    return "".join(out)


def match_html(hit: "qa.Hit") -> str:
    """The hit's relevance as its label, the number on hover."""
    kind = hit.match.split()[0]
    return (f'<span class="qa-score qa-match-{kind}" title="relevance {hit.relevance:.2f} of 1 (how closely the '
            f'passage matches the question; the same scale in every search mode)">{esc(hit.match)}</span>')


def tools_html(ans: "qa.Answer") -> str:
    """The "Copy with sources" button, with the Markdown it copies kept in the reply as hidden text."""
    # &#10; keeps the HTML on one line for the chat's Markdown renderer; the browser reads it as a line break.
    md = html.escape(ans.to_markdown(), quote=True).replace("\n", "&#10;")
    return ('<div class="qa-tools"><button type="button" class="qa-copy-md" title="Copy the answer and its '
            f'numbered sources as Markdown">Copy with sources</button><pre class="qa-md">{md}</pre></div>')


def show_on_page_html(c: "qa.Citation", rank: int) -> str:
    """A "Show on page" button for a passage from a PDF page (the page view renders it on request)."""
    # The chat's sanitizer drops data-* attributes but keeps a button's value.
    request = json.dumps({"source": c.source, "page": int(c.page), "start": int(c.start), "end": int(c.end),
                          "rank": int(rank)})
    return (f'<button type="button" class="qa-show-page" value="{html.escape(request, quote=True)}">'
            f"Show on page {int(c.page)}</button>")


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
        said = [f'{esc(reflowed(s.text))} <span class="qa-ref">[{int(s.hit_rank)}]</span>' for s in ans.sentences]
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
        parts.append(f'<div class="qa-cite"><b>[{int(h.rank)}]</b> {where(c)} · {match_html(h)}</div>')
        parts.append(f'<div class="qa-passage">{highlighted(h.text, spans)}</div>')
        if h.references:
            refs = "".join(f"<li>[{int(r.number)}] {esc(r.text)}</li>" for r in h.references)
            parts.append(f'<details class="qa-refs"><summary>References cited</summary><ul>{refs}</ul></details>')
        if c.page:
            parts.append(show_on_page_html(c, h.rank))
        if context is not None:
            try:
                before, passage, after = context(c.source, c.start, c.end)
            except qa.errors.QAError:
                before = passage = after = None
            if passage is not None:
                around = before + passage + after
                marked = highlighted(around, [(len(before), len(before) + len(passage))], mark="qa-here")
                parts.append('<details class="qa-context"><summary>Show in context</summary>'
                             f'<div class="qa-context-text">…{marked}…</div></details>')
        parts.append("</li>")
    parts.append("</ol>")
    parts.append(tools_html(ans))
    parts.append("</div>")
    return "".join(parts)


def documents_html(docs: Sequence["qa.DocumentRecord"]) -> str:
    """The indexed documents as a table: file, title, pages, passages, when indexed, and a Remove button."""
    if not docs:
        return '<p class="qa-docs-empty">No documents are indexed yet.</p>'
    rows = "".join(f"<tr><td>{esc(d.source)}</td><td>{esc(d.title)}</td><td>{int(d.n_pages) or '–'}</td>"
                   f"<td>{int(d.n_chunks)}</td><td>{esc(when(d.indexed_at))}</td>"
                   f'<td><button type="button" class="qa-remove" value="{html.escape(d.source, quote=True)}" '
                   f'title="Remove {esc(d.source)} from the corpus and the index">Remove</button></td></tr>'
                   for d in docs)
    return ('<table class="qa-docs"><thead><tr><th>File</th><th>Title</th><th>Pages</th><th>Passages</th>'
            f"<th>Indexed</th><th></th></tr></thead><tbody>{rows}</tbody></table>")


def status_html(status: "qa.IndexStatus | None", error: str | None = None, note: str | None = None) -> str:
    """The index status line: documents, chunks, model, when built (or what is wrong)."""
    bits = []
    if status:
        bits.append(f'<span class="qa-status-ok">Index ready: {int(status.documents)} documents, '
                    f'{int(status.chunks)} passages, model {esc(status.model)} ({int(status.dim)} dim), '
                    f'built {esc(when(status.built))}, generation {esc(status.generation)}.</span>')
        if status.warning:
            bits.append(f'<span class="qa-status-warn">{esc(status.warning)}</span>')
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
