"""HTML for the page: every piece of document or question text goes through html.escape first.

Gradio's sanitizer would delete hostile markup (and the words inside it); escaping instead shows a
reader exactly the characters the document holds. The HTML built here carries no newline, so the
chat's Markdown renderer sees one raw HTML block and leaves the text in it alone.
"""

from __future__ import annotations

import html
import json
import re
import time
from typing import Callable, Sequence

import qa
from qa import messages
from qa.health import shown_name
from qa.reflow import reflow, reflowed

t = messages.text


def language(request) -> str:
    """"zh" or "en": the language the browser asks for first (its Accept-Language header)."""
    headers = getattr(request, "headers", None) or {}
    return messages.language(headers.get("accept-language"))


def words_html(lang: str) -> str:
    """gradio's own hard-coded words in lang, for the browser to relabel its controls with (assets/evidence.js)."""
    words = {k: messages.text(lang, k, label="{label}") if "{" in messages.EN[k] else messages.text(lang, k)
             for k in messages.EN if k.startswith("aria_")}
    return f'<div class="qa-words" hidden data-words="{html.escape(json.dumps(words, ensure_ascii=False), quote=True)}"></div>'


def esc(text: object) -> str:
    """Text as HTML that displays exactly these characters, line breaks kept."""
    return html.escape(str(text), quote=True).replace("\r\n", "\n").replace("\n", "<br>")


def when(ts: float | None) -> str:
    """A timestamp as local date and time."""
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(ts)) if ts else "?"


def where(c: "qa.Citation", lang: str = "en") -> str:
    """The citation's parts, escaped and joined: title, section, page, source."""
    parts = [f'<span class="qa-title">{esc(c.title)}</span>']
    if c.section:
        parts.append(f'<span class="qa-section">{esc(t(lang, "section", section=c.section))}</span>')
    if c.page_range and c.page is not None:
        shown = t(lang, "page_range", page=int(c.page), first=int(c.page_range[0]), last=int(c.page_range[1]))
        parts.append(f'<span class="qa-page">{shown}</span>')
    elif c.page:
        parts.append(f'<span class="qa-page">{t(lang, "page", page=int(c.page))}</span>')
    parts.append(f'<span class="qa-source">{esc(shown_name(c.source))}</span>')
    parts.append(f'<span class="qa-span">{t(lang, "chars", start=int(c.start), end=int(c.end))}</span>')
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
    return tables_html("".join(out))


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
        out.append(("</mark>" if before else "") + f'<table class="qa-table">{"".join(rows)}</table>'
                   + (f'<mark class="{mark}">' if mark else ""))
        i = j
    return "<br>".join(out)


def match_html(hit: "qa.Hit", lang: str = "en") -> str:
    """The hit's relevance as its label, the number on hover."""
    kind = hit.match.split()[0]
    label = t(lang, f"match_{kind}") if f"match_{kind}" in messages.EN else hit.match
    return (f'<span class="qa-score qa-match-{kind}" title="{esc(t(lang, "relevance", value=f"{hit.relevance:.2f}"))}">'
            f"{esc(label)}</span>")


def tools_html(ans: "qa.Answer", lang: str = "en") -> str:
    """The "Copy with sources" button, with the Markdown it copies kept in the reply as hidden text."""
    # &#10; keeps the HTML on one line for the chat's Markdown renderer; the browser reads it as a line break.
    # The button's value carries its "copied" and "failed" words (the chat's sanitizer drops data-* attributes).
    md = html.escape(ans.to_markdown(), quote=True).replace("\n", "&#10;")
    words = html.escape(json.dumps({"copied": t(lang, "copied"), "failed": t(lang, "copy_failed"),
                                    "label": t(lang, "copy")}, ensure_ascii=False), quote=True)
    return (f'<div class="qa-tools"><button type="button" class="qa-copy-md" value="{words}" '
            f'title="{esc(t(lang, "copy_title"))}">{esc(t(lang, "copy"))}</button><pre class="qa-md">{md}</pre></div>')


def show_on_page_html(c: "qa.Citation", rank: int, lang: str = "en") -> str:
    """A "Show on page" button for a passage from a PDF page (the page view renders it on request)."""
    # The chat's sanitizer drops data-* attributes but keeps a button's value.
    page = int(c.page or 0)  # called for PDF passages, which always have one
    request = json.dumps({"source": c.source, "page": page, "start": int(c.start), "end": int(c.end),
                          "rank": int(rank)})
    return (f'<button type="button" class="qa-show-page" value="{html.escape(request, quote=True)}">'
            f"{esc(t(lang, 'show_on_page', page=page))}</button>")


def question_html(question: str) -> str:
    """The user's question as it appears in the chat: literal text."""
    return f'<div class="qa-question">{esc(question)}</div>'


def error_html(message: str, lang: str = "en") -> str:
    return f'<div class="qa-error"><b>{esc(t(lang, "cannot_answer"))}</b> {esc(message)}</div>'


def answer_html(ans: "qa.Answer", context: Callable[[str, int, int], tuple[str, str, str]] | None = None,
                lang: str = "en") -> str:
    """A reply: the answer sentences with [n] markers (or a plain 'not answered'), then the ranked passages."""
    parts = ['<div class="qa-reply">']
    if not ans.hits:
        parts.append(f'<p class="qa-unsupported"><b>{esc(t(lang, "no_match"))}</b></p></div>')
        return "".join(parts)
    if ans.supported and ans.sentences:
        said = [f'{esc(reflowed(s.text))} <span class="qa-ref">[{int(s.hit_rank)}]</span>' for s in ans.sentences]
        parts.append(f'<div class="qa-answer-text"><p class="qa-best">{said[0]}</p>')
        if len(said) > 1:
            more = "".join(f"<li>{x}</li>" for x in said[1:])
            parts.append(f'<div class="qa-more-label">{esc(t(lang, "also"))}</div><ul class="qa-more">{more}</ul>')
        parts.append("</div>")
    else:
        verdict = "partial" if ans.verdict == "partial" else "not-found"
        parts.append(f'<p class="qa-unsupported qa-{verdict}"><b>{esc(ans.reason)}</b> {esc(t(lang, "closest"))}</p>')
    parts.append('<ol class="qa-hits">')
    for h in ans.hits:
        c = h.citation
        # The best answer sentence from this passage (sentences come best first); none in a not-answered reply.
        spans = [(s.start - c.start, s.end - c.start) for s in ans.sentences if s.hit_rank == h.rank][:1]
        parts.append('<li class="qa-hit">' if ans.supported else '<li class="qa-hit qa-not-answering">')
        parts.append(f'<div class="qa-cite"><b>[{int(h.rank)}]</b> {where(c, lang)} · {match_html(h, lang)}</div>')
        parts.append(f'<div class="qa-passage">{highlighted(h.text, spans if ans.verdict != "not_found" else [])}</div>')
        if h.references:
            refs = "".join(f"<li>[{int(r.number)}] {esc(r.text)}</li>" for r in h.references)
            parts.append(f'<details class="qa-refs"><summary>{esc(t(lang, "references"))}</summary><ul>{refs}</ul></details>')
        if c.page:
            parts.append(show_on_page_html(c, h.rank, lang))
        if context is not None:
            try:
                before, passage, after = context(c.source, c.start, c.end)
            except qa.errors.QAError:
                passage = None
            if passage is not None:
                around = before + passage + after
                marked = highlighted(around, [(len(before), len(before) + len(passage))], mark="qa-here")
                parts.append(f'<details class="qa-context"><summary>{esc(t(lang, "context"))}</summary>'
                             f'<div class="qa-context-text">…{marked}…</div></details>')
        parts.append("</li>")
    parts.append("</ol>")
    parts.append(tools_html(ans, lang))
    parts.append("</div>")
    return "".join(parts)


def documents_html(docs: Sequence["qa.DocumentRecord"], lang: str = "en") -> str:
    """The indexed documents as a list that wraps on a phone: file, title, pages (PDFs only), passages, Remove."""
    if not docs:
        return f'<p class="qa-docs-empty">{esc(t(lang, "no_documents"))}</p>'
    items = []
    for d in docs:
        facts = [messages.count(lang, "page", int(d.n_pages))] if d.n_pages else []
        facts += [messages.count(lang, "passage", int(d.n_chunks)), t(lang, "indexed_at", time=when(d.indexed_at))]
        title = f'<span class="qa-doc-title">{esc(d.title)}</span>' if d.title and d.title != d.source else ""
        items.append(f'<li class="qa-doc"><div class="qa-doc-name"><b>{esc(shown_name(d.source))}</b> {title}</div>'
                     f'<div class="qa-doc-facts">{esc(" · ".join(facts))}</div>'
                     f'<button type="button" class="qa-remove" value="{html.escape(d.source, quote=True)}" '
                     f'title="{esc(t(lang, "remove_title", source=d.source))}">{esc(t(lang, "remove"))}</button></li>')
    return f'<ul class="qa-docs">{"".join(items)}</ul>'


def status_html(status: "qa.IndexStatus | None", error: str | None = None, note: str | None = None,
                lang: str = "en") -> str:
    """The index status in one plain line (documents, passages, when), the model and generation on demand."""
    bits = []
    if status:
        ready = t(lang, "ready", documents=messages.count(lang, "document", int(status.documents)),
                  passages=messages.count(lang, "passage", int(status.chunks)), time=clock(status.built))
        details = t(lang, "model", model=status.model, dim=int(status.dim), generation=status.generation)
        bits.append(f'<span class="qa-status-ok">{esc(ready)}</span> <details class="qa-status-details">'
                    f'<summary>{esc(t(lang, "details"))}</summary>{esc(details)}</details>')
        if status.warning:
            bits.append(f'<span class="qa-status-warn">{esc(status.warning)}</span>')
    if error:
        bits.append(f'<span class="qa-status-error">{esc(error)}</span>')
    if note:
        bits.append(f'<span class="qa-status-note">{esc(note)}</span>')
    return '<div class="qa-status">' + "".join(f'<div>{b}</div>' for b in bits) + "</div>"


def clock(ts: float | None) -> str:
    """A timestamp as the time of day when it is today, else the date and time."""
    if not ts:
        return "?"
    today = time.strftime("%Y-%m-%d") == time.strftime("%Y-%m-%d", time.localtime(ts))
    return time.strftime("%H:%M" if today else "%Y-%m-%d %H:%M", time.localtime(ts))


def named(sentence: str, name: str) -> str:
    """sentence escaped, with its first mention of the file name in bold (control characters in it shown escaped)."""
    shown = esc(shown_name(name))
    return esc(shown_name(sentence)).replace(shown, f"<b>{shown}</b>", 1)


def build_report_html(saved: Sequence[tuple[str, str]], refused: Sequence[tuple[str, str]],
                      report: "qa.BuildReport | None", error: str | None = None, lang: str = "en",
                      accepted: Sequence[str] = ()) -> str:
    """What happened to each uploaded file and what the rebuild did, every file named; stays until dismissed."""
    items = []
    for name, message in saved:
        items.append(f'<li class="qa-file-ok">{named(t(lang, "saved", name=name, message=message), name)}</li>')
    for name, reason in refused:
        said = t(lang, "refused", name=name, reason=reason.rstrip("."), types=", ".join(accepted or qa.SUPPORTED_SUFFIXES))
        items.append(f'<li class="qa-file-error">{named(said, name)}</li>')
    if report is not None:
        for s in report.skipped:
            said = t(lang, "not_indexed", name=s.source, reason=s.reason)
            items.append(f'<li class="qa-file-error">{named(said, s.source)}</li>')
        for w in report.warnings:
            items.append(f'<li class="qa-file-warn">{esc(shown_name(w))}</li>')
        items.append('<li class="qa-build">' + esc(t(
            lang, "built", seconds=f"{report.seconds:.1f}", passages=messages.count(lang, "passage", report.n_chunks),
            embedded=messages.number(report.n_embedded), added=len(report.added), updated=len(report.updated),
            removed=len(report.removed), unchanged=len(report.unchanged), skipped=len(report.skipped))) + "</li>")
    if error:
        items.append(f'<li class="qa-file-error">{esc(error)}</li>')
    if not items:
        return ""
    return (f'<div class="qa-report-box"><ul class="qa-report">{"".join(items)}</ul>'
            f'<button type="button" class="qa-dismiss">{esc(t(lang, "dismiss"))}</button></div>')
