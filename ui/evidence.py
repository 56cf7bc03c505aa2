"""The evidence panels of the page: the cited PDF page with the passage marked, removal confirmation, and the
browser glue that lets buttons inside the chat's HTML (Show on page, Copy with sources, Remove) reach them."""

from __future__ import annotations

import base64
import json

import qa

from .render import esc

# Buttons in the chat and the documents table are plain HTML, so one listener on the document handles them:
# copying happens in the browser (the Markdown is in the reply); page views and removals go to the server
# through a hidden button whose event takes its input from window.__qaRequest.
JS = """() => {
  if (window.__qaEvidence) return;
  window.__qaEvidence = true;
  const send = (button, value) => {
    window.__qaRequest = value;
    const go = document.querySelector('#' + button);
    if (go) go.click();
  };
  const copy = async (text) => {
    try { await navigator.clipboard.writeText(text); return true; } catch (e) {
      const area = document.createElement('textarea');
      area.value = text; document.body.appendChild(area); area.select();
      const ok = document.execCommand('copy'); area.remove(); return ok;
    }
  };
  document.addEventListener('click', async (event) => {
    const el = event.target.closest('.qa-show-page, .qa-copy-md, .qa-remove');
    if (!el) return;
    event.preventDefault();
    if (el.classList.contains('qa-copy-md')) {
      const md = el.closest('.qa-tools').querySelector('.qa-md');
      const ok = await copy(md.textContent);
      el.textContent = ok ? 'Copied' : 'Copying failed: select the text instead';
      setTimeout(() => { el.textContent = 'Copy with sources'; }, 2500);
    } else if (el.classList.contains('qa-show-page')) {
      send('qa-page-go', el.value);
    } else {
      send('qa-remove-go', el.value);
    }
  });
}"""

# The hidden buttons' events read the request the listener left for them.
READ_REQUEST = "(x) => [window.__qaRequest || '']"

CSS = """
#chat .qa-tools { margin-top: .4em; }
#chat .qa-md { display: none; }
#chat .qa-copy-md, #chat .qa-show-page, .qa-docs .qa-remove { font-size: .85em; padding: .1em .6em; cursor: pointer;
  border: 1px solid var(--border-color-primary); border-radius: 4px; background: var(--background-fill-secondary); }
#chat .qa-show-page { margin: .3em 0; }
#chat .qa-match-strong { color: #15803d; font-weight: 600; }
#chat .qa-match-fair { color: #a16207; }
#chat .qa-match-weak { color: #6b7280; }
#pageview .qa-page { position: relative; border: 1px solid var(--border-color-primary); }
#pageview .qa-page-img { display: block; width: 100%; height: auto; }
#pageview .qa-page-mark { position: absolute; background: rgba(250, 204, 21, .35);
  outline: 2px solid rgba(217, 119, 6, .8); }
#pageview .qa-page-error { color: #b91c1c; }
"""


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
