"""The evidence panels of the page: the cited PDF page with the passage marked, removal confirmation, and the
browser glue that lets buttons inside the chat's HTML (Show on page, Copy with sources, Remove) reach them."""

from __future__ import annotations

import base64
import json

import qa
from qa.present import messages

from .render import esc

t = messages.text

# Buttons in the chat and the documents table are plain HTML, so one listener on the document
# (assets/evidence.js) handles them: copying happens in the browser (the Markdown is in the reply); page views
# and removals go to the server through a hidden button whose event reads the request the listener left.
READ_REQUEST = "(x) => [window.__qaRequest || '']"
# Bring what answers the reader's click into view, where it opened (the confirmation; the newest report).
SHOW_CONFIRM = (
    "() => setTimeout(() => { const b = document.querySelector('#remove-confirm-box'); "
    "if (b) b.scrollIntoView({block: 'center', behavior: 'instant'}); }, 50)"
)
SHOW_REPORT = (
    "() => setTimeout(() => { const r = document.querySelector('#reports .qa-report-box'); "
    "if (r) r.scrollIntoView({block: 'nearest', behavior: 'instant'}); }, 100)"
)


def page_request(raw: str) -> tuple[str, int, int, int, int]:
    """(source, page, start, end, rank) from the request the page's Show on page button sends."""
    try:
        r = json.loads(raw)
        return str(r["source"]), int(r["page"]), int(r["start"]), int(r["end"]), int(r.get("rank", 0))
    except (ValueError, KeyError, TypeError):
        raise qa.errors.PageNotRendered("the page request was not understood; ask the question again") from None


def page_label(raw: str) -> str | None:
    """The printed page label the Show on page button sends along, where the PDF prints one."""
    try:
        label = json.loads(raw).get("label")
        return " ".join(str(label).split())[:40] or None if label else None
    except (ValueError, KeyError, TypeError):
        raise qa.errors.PageNotRendered("the page request was not understood; ask the question again") from None


def page_view_html(view: "qa.PageView", rank: int = 0, lang: str = "en", label: str | None = None) -> str:
    """The page as an overlay: a toolbar (zoom, back to the answer) over the image, one mark per line of the passage.

    The image is rendered at QA_PAGE_DPI (sharp on high-density screens at full width) and shown fitted to the
    overlay's width; zooming changes the image's width, and the first mark is scrolled into view (evidence.js).
    """
    data = base64.b64encode(view.png).decode("ascii")
    marks = "".join(
        f'<div class="qa-page-mark" style="left:{100 * x:.3f}%;top:{100 * y:.3f}%;width:{100 * w:.3f}%;'
        f'height:{100 * h:.3f}%"></div>'
        for x, y, w, h in view.mark_fractions()
    )
    note = t(lang, "marked", rank=rank) if view.marks and rank else t(lang, "not_marked") if not view.marks else ""
    shown = t(lang, "page_label", label=label, page=int(view.page)) if label else t(lang, "page", page=int(view.page))
    title = t(lang, "page_of", page=shown, source=view.source)
    tools = "".join(
        f'<button type="button" class="qa-zoom" value="{v}" title="{esc(t(lang, key))}">{label}</button>'
        for v, key, label in (("out", "zoom_out", "−"), ("fit", "fit", "↔"), ("in", "zoom_in", "+"))
    )
    return (
        f'<div class="qa-pageview" role="dialog" aria-label="{esc(title)}" data-source="{esc(view.source)}" '
        f'data-page="{int(view.page)}" data-width="{view.width:.2f}" data-height="{view.height:.2f}">'
        f'<div class="qa-page-bar"><button type="button" class="qa-back">← {esc(t(lang, "back"))}</button>'
        f'<span class="qa-page-title"><b>{esc(title)}</b>{esc(t(lang, "colon")) + esc(note) if note else ""}</span>'
        f'<span class="qa-zooms">{tools}</span></div>'
        f'<div class="qa-page-scroll"><div class="qa-page"><img class="qa-page-img" '
        f'alt="{esc(title)}" src="data:image/png;base64,{data}">{marks}</div></div></div>'
    )


def page_error_html(source: str, page: int, reason: str, lang: str = "en") -> str:
    """One sentence saying why a page cannot be shown (the passage text stays readable in the chat)."""
    return f'<p class="qa-page-error">{esc(t(lang, "page_error", page=int(page), source=source, reason=reason))}</p>'


def confirm_html(source: str, lang: str = "en") -> str:
    """The question asked before a document is removed."""
    return f'<p class="qa-remove-question">{esc(t(lang, "confirm_remove", source=source))}</p>'
