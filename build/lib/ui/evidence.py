"""The evidence panels of the page: the cited PDF page with the passage marked, removal confirmation, and the
browser glue that lets buttons inside the chat's HTML (Show on page, Copy with sources, Remove) reach them."""

from __future__ import annotations

import base64
import json

import qa

from .render import esc

# Buttons in the chat and the documents table are plain HTML, so one listener on the document
# (assets/evidence.js) handles them: copying happens in the browser (the Markdown is in the reply); page views
# and removals go to the server through a hidden button whose event reads the request the listener left.
READ_REQUEST = "(x) => [window.__qaRequest || '']"



def page_request(raw: str) -> tuple[str, int, int, int, int]:
    """(source, page, start, end, rank) from the request the page's Show on page button sends."""
    try:
        r = json.loads(raw)
        return str(r["source"]), int(r["page"]), int(r["start"]), int(r["end"]), int(r.get("rank", 0))
    except (ValueError, KeyError, TypeError):
        raise qa.errors.PageNotRendered("the page request was not understood; ask the question again") from None


def page_view_html(view: "qa.PageView", rank: int = 0) -> str:
    """The page image with one absolutely placed mark per line of the passage (percentages of the image)."""
    data = base64.b64encode(view.png).decode("ascii")
    marks = "".join(
        f'<div class="qa-page-mark" style="left:{100 * x:.3f}%;top:{100 * y:.3f}%;width:{100 * w:.3f}%;'
        f'height:{100 * h:.3f}%"></div>' for x, y, w, h in view.mark_fractions())
    label = f"passage [{rank}]" if rank else "the passage"
    note = (f"{label} is marked" if view.marks else
            f"{label}'s text was not found on the page image, so nothing is marked")
    return (f'<div class="qa-pageview" data-source="{esc(view.source)}" data-page="{int(view.page)}" '
            f'data-width="{view.width:.2f}" data-height="{view.height:.2f}">'
            f'<div class="qa-page-title"><b>Page {int(view.page)}</b> of {esc(view.source)}: {esc(note)}.</div>'
            f'<div class="qa-page"><img class="qa-page-img" alt="page {int(view.page)} of {esc(view.source)}" '
            f'src="data:image/png;base64,{data}">{marks}</div></div>')


def page_error_html(source: str, page: int, reason: str) -> str:
    """One sentence saying why a page cannot be shown (the passage text stays readable in the chat)."""
    return (f'<p class="qa-page-error">Page {int(page)} of {esc(source)} cannot be shown: {esc(reason)} '
            "(the passage's text in the chat is unaffected).</p>")


def confirm_html(source: str) -> str:
    """The question asked before a document is removed."""
    return (f'<p class="qa-remove-question">Remove <b>{esc(source)}</b>? Its file is deleted from the corpus folder '
            "and the index is rebuilt without it.</p>")
