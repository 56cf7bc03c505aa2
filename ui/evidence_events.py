"""The page's evidence events: show a cited page, and remove a document after a confirmation step."""

from __future__ import annotations

from typing import Any, Callable

import gradio as gr

import qa
from qa.present import messages

from . import evidence, render
from .assets import asset


class EvidenceEvents:
    """Handlers mixed into ChatApp (which provides assistant, explain, panels, _sources and _building_status)."""

    # What ChatApp provides (ui/app.py), declared for the type checker.
    assistant: Any
    explain: Callable[..., str]
    panels: Callable[..., Any]
    _sources: Callable[..., Any]
    _building_status: Callable[..., Any]
    _progress: Callable[..., Any]

    def show_page(self, request: str, http: gr.Request | None = None):
        """The cited page as an image with the passage marked, or one sentence saying why it cannot be shown."""
        lang = render.language(http)
        source, page = "?", 0
        try:
            source, page, start, end, rank = evidence.page_request(request)
            html = evidence.page_view_html(
                self.assistant.page_view(source, page, start, end), rank, lang, evidence.page_label(request)
            )
        except qa.errors.QAError as exc:
            html = evidence.page_error_html(source, page, messages.sentence(lang, str(exc)).rstrip(".。"), lang)
        return html, gr.skip()  # the view's own Back button, Escape or the browser's back closes it

    def ask_remove(self, source: str, http: gr.Request | None = None):
        """The confirmation step before a document is removed."""
        if source not in self._sources():
            return None, "", gr.Column(visible=False)
        return source, evidence.confirm_html(source, render.language(http)), gr.Column(visible=True)

    def remove(self, source: str | None, selected: list[str] | None, progress=gr.Progress(), http: gr.Request | None = None):
        """Delete the confirmed document's file from the corpus and rebuild the index without it.

        The confirmation stays open while it works, its progress drawn over it: where the reader pressed Remove.
        """
        hide = gr.Column(visible=False)
        if not source:
            yield gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip(), hide, None
            return
        lang = render.language(http)
        entry = render.report_entry()
        yield gr.skip(), self._building_status(lang), gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip()
        cb = self._progress(progress, lang)
        progress(0.0, desc=messages.text(lang, "removing", source=source))
        try:
            report, error = self.assistant.remove_document(source, progress=cb), None
        except Exception as exc:  # the status must never keep saying "Rebuilding" after a failure
            report, error = None, messages.text(lang, "not_removed", source=source, reason=self.explain(exc, "corpus", lang))
        done = [messages.text(lang, "removed", source=source)] if report is not None else []
        yield (
            render.build_report_html([], [], report, error, lang, entry=entry, done=done),
            *self.panels(selected=selected, lang=lang),
            hide,
            None,
        )


def connect(
    demo,
    app,
    pageview,
    page_close,
    request,
    page_go,
    remove_go,
    confirm,
    confirm_box,
    remove_yes,
    remove_no,
    pending,
    report,
    panel_outputs,
    sources,
) -> None:
    """Wire the evidence components' events (inside the Blocks context)."""
    demo.load(None, None, None, js=asset("evidence.js"), api_visibility="private")  # the listener behind the HTML buttons
    page_go.click(
        app.show_page,
        [request],
        [pageview, page_close],
        js=evidence.READ_REQUEST,
        api_visibility="private",
        concurrency_limit=2,
        concurrency_id="pages",
    ).then(None, js="() => window.__qaShowMark && window.__qaShowMark()")
    page_close.click(lambda: ("", gr.skip()), None, [pageview, page_close], api_visibility="private")
    # The confirmation opens under the documents list: it is brought into view, so that Remove never seems to do nothing.
    remove_go.click(
        app.ask_remove, [request], [pending, confirm, confirm_box], js=evidence.READ_REQUEST, api_visibility="private"
    ).then(None, js=evidence.SHOW_CONFIRM)
    remove_no.click(lambda: (None, gr.Column(visible=False)), None, [pending, confirm_box], api_visibility="private")
    remove_yes.click(
        app.remove,
        [pending, sources],
        [report, *panel_outputs, confirm_box, pending],
        api_visibility="private",
        concurrency_limit=1,
        concurrency_id="build",
        show_progress_on=[confirm],
    ).then(None, js=evidence.SHOW_REPORT)
