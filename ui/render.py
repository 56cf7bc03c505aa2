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
from qa.ops.health import shown_name
from qa.present import messages
from qa.present.markdown import BULLETS, answer_markdown, cited_page, percent
from qa.present.reflow import reflowed
from ui import uploads
from ui.passages import esc, excerpt_after, excerpt_before, highlighted, is_markdown, tables_html  # noqa: F401  (render.* names)

t = messages.text


def language(request) -> str:
    """ "zh" or "en": the language the browser asks for first (its Accept-Language header)."""
    headers = getattr(request, "headers", None) or {}
    return messages.language(headers.get("accept-language"))


def words_html(lang: str) -> str:
    """gradio's own hard-coded words in lang, for the browser to relabel its controls with (assets/evidence.js)."""
    words = {
        k: messages.text(lang, k, label="{label}") if "{" in messages.EN[k] else messages.text(lang, k)
        for k in messages.EN
        if k.startswith("aria_")
    }
    words["tab_title"] = messages.text(lang, "tab_title")
    return f'<div class="qa-words" hidden data-words="{html.escape(json.dumps(words, ensure_ascii=False), quote=True)}"></div>'


def when(ts: float | None) -> str:
    """A timestamp as local date and time."""
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(ts)) if ts else "?"


def where(c: "qa.Citation", lang: str = "en") -> str:
    """The citation's parts, escaped and joined: title, section, page (as printed, with the PDF index), source.

    The character span is for checking, not reading: it is in the JSON and in the citation's tooltip (span_title).
    """
    parts = [f'<span class="qa-title">{esc(c.title)}</span>']
    if c.section:
        parts.append(f'<span class="qa-section">{esc(t(lang, "section", section=c.section))}</span>')
    page = cited_page(c, lang)
    if page:
        parts.append(f'<span class="qa-page">{esc(page)}</span>')
    parts.append(f'<span class="qa-source">{esc(shown_name(c.source))}</span>')
    return " · ".join(parts)


def span_title(c: "qa.Citation", lang: str = "en") -> str:
    """The citation's character span in words, for its tooltip."""
    return t(lang, "chars", start=int(c.start), end=int(c.end))


def match_html(hit: "qa.Hit", lang: str = "en") -> str:
    """The hit's relevance as its label, the number on hover."""
    kind = hit.match.split()[0]
    label = t(lang, f"match_{kind}") if f"match_{kind}" in messages.EN else hit.match
    return (
        f'<span class="qa-score qa-match-{kind}" title="{esc(t(lang, "relevance", value=f"{hit.relevance:.2f}"))}">'
        f"{esc(label)}</span>"
    )


def tools_html(ans: "qa.Answer", lang: str = "en") -> str:
    """The "Copy with sources" button, with the Markdown it copies kept in the reply as hidden text."""
    # &#10; keeps the HTML on one line for the chat's Markdown renderer; the browser reads it as a line break.
    # The button's value carries its "copied" and "failed" words (the chat's sanitizer drops data-* attributes).
    md = html.escape(answer_markdown(ans, lang), quote=True).replace("\n", "&#10;")
    words = html.escape(
        json.dumps({"copied": t(lang, "copied"), "failed": t(lang, "copy_failed"), "label": t(lang, "copy")}, ensure_ascii=False),
        quote=True,
    )
    return (
        f'<div class="qa-tools"><button type="button" class="qa-copy-md" value="{words}" '
        f'title="{esc(t(lang, "copy_title"))}">{esc(t(lang, "copy"))}</button><pre class="qa-md">{md}</pre></div>'
    )


def show_on_page_html(c: "qa.Citation", rank: int, lang: str = "en") -> str:
    """A "Show on page" button for a passage from a PDF page (the page view renders it on request)."""
    # The chat's sanitizer drops data-* attributes but keeps a button's value.
    page = int(c.page or 0)  # called for PDF passages, which always have one
    fields = {"source": c.source, "page": page, "start": int(c.start), "end": int(c.end), "rank": int(rank)}
    request = json.dumps({**fields, "label": c.page_label} if c.page_label else fields)
    return (
        f'<button type="button" class="qa-show-page" value="{html.escape(request, quote=True)}">'
        f"{esc(t(lang, 'show_on_page', page=c.shown_page))}</button>"
    )


def question_html(question: str) -> str:
    """The user's question as it appears in the chat: literal text."""
    return f'<div class="qa-question">{esc(question)}</div>'


def error_html(message: str, lang: str = "en") -> str:
    return f'<div class="qa-error"><b>{esc(t(lang, "cannot_answer"))}</b> {esc(message)}</div>'


LEVEL_ICONS = {"answered": "✓", "partial": "?", "not_found": "✗"}


def level_of(ans: "qa.Answer") -> str:
    """The reply's level as a CSS word: answered, partial or not-found (any other verdict reads as not found)."""
    return {"answered": "answered", "partial": "partial"}.get(ans.verdict, "not-found")


def level_html(ans: "qa.Answer", lang: str = "en") -> str:
    """The reply's level at a glance: a coloured badge with an icon and a word, and the confidence of an answer."""
    key = ans.verdict if ans.verdict in LEVEL_ICONS else "not_found"
    badge = (
        f'<span class="qa-level-badge"><span aria-hidden="true">{LEVEL_ICONS[key]}</span> {esc(t(lang, "level_" + key))}</span>'
    )
    if key == "answered":
        shown = t(lang, "confidence", percent=percent(ans.confidence))
        badge += f' <span class="qa-confidence" title="{esc(t(lang, "confidence_title"))}">{esc(shown)}</span>'
    return f'<div class="qa-level">{badge}</div>'


def unanswered_html(ans: "qa.Answer", lang: str = "en") -> str:
    """Why the reply does not answer (what is missing), and what the passages below are."""
    verdict = "partial" if ans.verdict == "partial" else "not-found"
    note = t(lang, "level_partial_note" if verdict == "partial" else "closest")
    reason = ans.reason or (
        t(lang, "missing", what=t(lang, "list_sep").join(ans.missing))
        if ans.missing
        else ""
        if verdict == "partial"
        else t(lang, "not_answered")
    )
    if not reason:
        return f'<p class="qa-unsupported qa-{verdict}"><b>{esc(note)}</b></p>'
    return f'<p class="qa-unsupported qa-{verdict}"><b>{esc(reason)}</b> {esc(note)}</p>'


def sentence_html(text: str) -> str:
    """An answer sentence as read: reflowed, its list bullet dropped (the list draws its own), escaped."""
    return esc(reflowed(text).strip().lstrip(BULLETS))


def answer_html(
    ans: "qa.Answer", context: Callable[[str, int, int], tuple[str, str, str]] | None = None, lang: str = "en"
) -> str:
    """A reply: its level, the answer sentences with [n] markers (or why it does not answer), the ranked passages."""
    level = level_of(ans)
    parts = [f'<div class="qa-reply qa-reply-{level}">', level_html(ans, lang)]
    if not ans.hits:
        parts.append(f'<p class="qa-unsupported qa-not-found"><b>{esc(t(lang, "no_match"))}</b></p></div>')
        return "".join(parts)
    if ans.supported and ans.sentences:
        said = [f'{sentence_html(s.text)} <span class="qa-ref">[{int(s.hit_rank)}]</span>' for s in ans.sentences]
        parts.append(f'<div class="qa-answer-text"><p class="qa-best">{said[0]}</p>')
        if len(said) > 1:
            more = "".join(f"<li>{x}</li>" for x in said[1:])
            parts.append(f'<div class="qa-more-label">{esc(t(lang, "also"))}</div><ul class="qa-more">{more}</ul>')
        parts.append("</div>")
    else:
        parts.append(unanswered_html(ans, lang))
    parts.append('<ol class="qa-hits">')
    for h in ans.hits:
        c = h.citation
        # The best answer sentence from this passage (sentences come best first); marked only in an answer.
        spans = [(s.start - c.start, s.end - c.start) for s in ans.sentences if s.hit_rank == h.rank][:1]
        parts.append('<li class="qa-hit">' if ans.supported else '<li class="qa-hit qa-not-answering">')
        parts.append(
            f'<div class="qa-cite" title="{esc(span_title(c, lang))}"><b>[{int(h.rank)}]</b> {where(c, lang)} · '
            f"{match_html(h, lang)}</div>"
        )
        shown = highlighted(h.text, spans if ans.supported else [], markdown=is_markdown(c.source))
        parts.append(f'<div class="qa-passage">{shown}</div>')
        if h.references:
            refs = "".join(f"<li>[{int(r.number)}] {esc(r.text)}</li>" for r in h.references)
            parts.append(f'<details class="qa-refs"><summary>{esc(t(lang, "references"))}</summary><ul>{refs}</ul></details>')
        if c.page:
            parts.append(show_on_page_html(c, h.rank, lang))
        if context is not None:
            parts.append(context_html(c, context, lang))
        parts.append("</li>")
    parts.append("</ol>")
    parts.append(tools_html(ans, lang))
    parts.append("</div>")
    return "".join(parts)


def context_html(c: "qa.Citation", context: Callable[[str, int, int], tuple[str, str, str]], lang: str = "en") -> str:
    """The passage inside the text around it, cut at sentence or word boundaries; "" when the index cannot say."""
    try:
        before, passage, after = context(c.source, c.start, c.end)
    except qa.errors.QAError:
        return ""
    before, after = excerpt_before(before), excerpt_after(after)
    around = before + passage + after
    marked = highlighted(around, [(len(before), len(before) + len(passage))], mark="qa-here", markdown=is_markdown(c.source))
    return (
        f'<details class="qa-context"><summary>{esc(t(lang, "context"))}</summary>'
        f'<div class="qa-context-text">{"…" if before else ""}{marked}{"…" if after else ""}</div></details>'
    )


def documents_html(docs: Sequence["qa.DocumentRecord"], lang: str = "en") -> str:
    """The indexed documents as a list that wraps on a phone: file, title, pages (PDFs only), passages, Remove."""
    if not docs:
        return f'<p class="qa-docs-empty">{esc(t(lang, "no_documents"))}</p>'
    items = []
    for d in docs:
        facts = [messages.count(lang, "page", int(d.n_pages))] if d.n_pages else []
        facts += [messages.count(lang, "passage", int(d.n_chunks)), t(lang, "indexed_at", time=when(d.indexed_at))]
        title = f'<span class="qa-doc-title">{esc(d.title)}</span>' if d.title and d.title != d.source else ""
        items.append(
            f'<li class="qa-doc"><div class="qa-doc-name"><b>{esc(shown_name(d.source))}</b> {title}</div>'
            f'<div class="qa-doc-facts">{esc(" · ".join(facts))}</div>'
            f'<button type="button" class="qa-remove" value="{html.escape(d.source, quote=True)}" '
            f'title="{esc(t(lang, "remove_title", source=d.source))}">{esc(t(lang, "remove"))}</button></li>'
        )
    return f'<ul class="qa-docs">{"".join(items)}</ul>'


def status_html(status: "qa.IndexStatus | None", error: str | None = None, note: str | None = None, lang: str = "en") -> str:
    """The index status in one plain line (documents, passages, when), the model and generation on demand."""
    bits = []
    if status:
        ready = t(
            lang,
            "ready",
            documents=messages.count(lang, "document", int(status.documents)),
            passages=messages.count(lang, "passage", int(status.chunks)),
            time=clock(status.built),
        )
        details = t(lang, "model", model=status.model, dim=int(status.dim), generation=status.generation)
        bits.append(
            f'<span class="qa-status-ok">{esc(ready)}</span> <details class="qa-status-details">'
            f"<summary>{esc(t(lang, 'details'))}</summary>{esc(details)}</details>"
        )
        if status.warning:
            bits.append(f'<span class="qa-status-warn">{esc(messages.sentence(lang, status.warning))}</span>')
    if error:
        bits.append(f'<span class="qa-status-error">{esc(error)}</span>')
    if note:
        bits.append(f'<span class="qa-status-note">{esc(note)}</span>')
    return '<div class="qa-status">' + "".join(f"<div>{b}</div>" for b in bits) + "</div>"


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


def report_entry() -> str:
    """A new report's id: the page's list keeps one entry per id, updated in place when the report grows."""
    return f"qa-report-{time.time_ns():x}"


def build_report_html(
    saved: Sequence[tuple[str, str]],
    refused: Sequence[tuple[str, str]],
    report: "qa.BuildReport | None",
    error: str | None = None,
    lang: str = "en",
    accepted: Sequence[str] = (),
    entry: str | None = None,
    at: float | None = None,
    done: Sequence[str] = (),
) -> str:
    """What happened to each uploaded file and what the rebuild did, every file named, dated; the page keeps it in
    its list of reports until dismissed. done: sentences about what was done first (a removal)."""
    items = [f'<li class="qa-file-ok">{esc(d)}</li>' for d in done]
    for name, message in saved:
        items.append(f'<li class="qa-file-ok">{named(t(lang, "saved", name=name, message=message), name)}</li>')
    for name, reason in refused:
        said = t(lang, "refused", name=name, reason=reason.rstrip("."), types=", ".join(accepted or qa.SUPPORTED_SUFFIXES))
        items.append(f'<li class="qa-file-error">{named(said, name)}</li>')
    if report is not None:
        for s in report.skipped:
            said = t(lang, "not_indexed", name=s.source, reason=messages.sentence(lang, s.reason))
            items.append(f'<li class="qa-file-error">{named(said, s.source)}</li>')
        for w in report.warnings:
            items.append(f'<li class="qa-file-warn">{esc(shown_name(messages.sentence(lang, w)))}</li>')
        items.append(
            '<li class="qa-build">'
            + esc(
                t(
                    lang,
                    "built",
                    seconds=f"{report.seconds:.1f}",
                    passages=messages.count(lang, "passage", report.n_chunks),
                    embedded=messages.number(report.n_embedded),
                    added=len(report.added),
                    updated=len(report.updated),
                    removed=len(report.removed),
                    unchanged=len(report.unchanged),
                    skipped=len(report.skipped),
                )
            )
            + "</li>"
        )
    if error:
        items.append(f'<li class="qa-file-error">{esc(error)}</li>')
    if not items:
        return ""
    stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(at if at is not None else time.time()))
    return (
        f'<div class="qa-report-box" id="{esc(entry or report_entry())}"><div class="qa-report-head">'
        f'<time class="qa-report-time">{stamp}</time><button type="button" class="qa-dismiss" '
        f'aria-label="{esc(t(lang, "aria_close_report"))}">{esc(t(lang, "dismiss"))}</button></div>'
        f'<ul class="qa-report">{"".join(items)}</ul></div>'
    )


def translations(upload_limit: int) -> dict[str, dict[str, str]]:
    """The page's fixed text per browser locale (qa.present.messages), with the values only known here filled in."""
    tables = messages.i18n_tables()
    types = ", ".join(uploads.allowed_suffixes())
    for locale, table in tables.items():
        lang = messages.language(locale)
        table["add_label"] = t(lang, "add", types=types, mib=upload_limit // 2**20)
        table["heading"] = f"## {t(lang, 'title')}\n{t(lang, 'intro')}"
        table["documents_heading"] = f"### {t(lang, 'documents')}"
    return tables
