"""The web chat: a Gradio Blocks app over qa's public API (ask, search, build_index, documents, status)."""

from __future__ import annotations

import os
import traceback
from pathlib import Path

import gradio as gr

import qa
from qa.errors import explain
from qa.ops.health import build_running, corpus_state, shown_name
from qa.present import messages
from qa.present.progress import STAGES
from qa.serialize import search_dict

from . import evidence_events, examples, render, server, uploads
from .assets import asset
from .settings import WebSettings

t = messages.text


class ChatApp(evidence_events.EvidenceEvents):
    """The handlers behind the page, bound to one Assistant."""

    def __init__(self, assistant: qa.Assistant, web: WebSettings | None = None):
        self.assistant = assistant
        self.settings = assistant.settings
        self.web = web or WebSettings.from_env()
        self.upload_limit = min(uploads.MAX_UPLOAD_BYTES, self.settings.max_file_bytes)
        # Answering is CPU-bound (ONNX, numpy): more at once than cores only adds waiting inside the process.
        self.workers = self.web.answer_workers or len(os.sched_getaffinity(0)) or 1

    def explain(self, exc: BaseException, doing: str = "index", lang: str = "en") -> str:
        """One sentence for a failure, naming this app's folders, in lang."""
        return messages.sentence(lang, explain(exc, self.settings.index_path, self.settings.corpus_dir, doing))

    # --- panels -------------------------------------------------------------------------------------
    def _sources(self) -> list[str]:
        try:
            return [d.source for d in self.assistant.documents()]
        except qa.errors.QAError:
            return []

    def panels(self, note: str | None = None, selected: list[str] | None = None, lang: str = "en"):
        """(status, documents list, document chooser, examples) as they are now."""
        try:
            status, error = self.assistant.status(), None
        except qa.errors.IndexNotFound:  # lost under the server: being rebuilt, and said so
            rebuilding = self.assistant.rebuilding()
            status, error = None, messages.sentence(lang, rebuilding) if rebuilding else t(lang, "no_index")
        except (qa.errors.QAError, OSError) as exc:
            status, error = None, self.explain(exc, lang=lang)
        try:
            docs = self.assistant.documents()
        except (qa.errors.QAError, OSError):
            docs = []
        choices = [d.source for d in docs]
        keep = [s for s in (selected or []) if s in choices]
        refused = status.refused if status is not None else None
        note = " ".join(x for x in (note, self._pending_note(set(choices), lang, refused)) if x) or None
        return (
            render.status_html(status, error, note, lang),
            render.documents_html(docs, lang),
            gr.CheckboxGroup(choices=choices, value=keep),
            examples.examples_html(self.assistant, choices, lang),
        )

    def load_panels(self, selected: list[str] | None, http: gr.Request | None = None):
        """The panels in the browser's language, when a page opens, and the words gradio's controls are relabelled with."""
        lang = render.language(http)
        return (*self.panels(selected=selected, lang=lang), render.words_html(lang))

    def _pending_note(self, indexed: set[str], lang: str = "en", refused: dict | None = None) -> str | None:
        """A rebuild running elsewhere, corpus files the index does not hold (Rebuild index adds them), and files the
        last build refused, with why (a rebuild would refuse them again)."""
        notes = []
        if build_running(self.settings.index_path):
            notes.append(t(lang, "build_running"))
        missing, kept_out = corpus_state(self.settings.corpus_dir, indexed, refused)
        if kept_out:
            notes.append(
                t(
                    lang,
                    "refused_by_build",
                    files="; ".join(f"{shown_name(s)} ({messages.sentence(lang, r)})" for s, r in kept_out[:10]),
                )
            )
        if missing:
            shown = ", ".join(missing[:10])
            if len(missing) > 10:
                shown = t(lang, "and_more", shown=shown, n=len(missing) - 10)
            notes.append(t(lang, f"unindexed#{'one' if len(missing) == 1 else 'other'}", files=shown))
        return " ".join(notes) or None

    # --- chat ---------------------------------------------------------------------------------------
    def respond(
        self,
        question: str,
        history: list | None,
        k: float,
        sources: list[str] | None,
        mode: str = "hybrid",
        http: gr.Request | None = None,
    ):
        """Append the question and its cited answer to the chat; clear the question box."""
        lang = render.language(http)
        history = list(history or [])
        text = question if isinstance(question, str) else ""
        if not text.strip():
            return history, ""
        limit = self.settings.max_question_chars
        shown = text if len(text) <= limit else text[:limit] + "…"
        history.append({"role": "user", "content": render.question_html(shown)})
        try:
            ans = self.assistant.ask(text, k=int(k), mode=mode or "hybrid", sources=list(sources) if sources else None)
            reply = render.answer_html(ans, self.assistant.context, lang)
        except (qa.errors.QAError, OSError) as exc:
            reply = render.error_html(self.explain(exc, lang=lang), lang)
        except Exception as exc:  # a bug: logged in full, and still one sentence in the chat
            traceback.print_exc()
            reply = render.error_html(self.explain(exc, lang=lang), lang)
        history.append({"role": "assistant", "content": reply})
        return history, ""

    # --- index --------------------------------------------------------------------------------------
    @staticmethod
    def _progress(progress, lang: str, first: float = 0.0, share: float = 1.0):
        """A build progress callback drawing "Embedding passages 120 of 400" in lang, on [first, first+share]."""

        def cb(stage: str, done: int, total: int) -> None:
            lo, hi, _ = STAGES.get(stage, (0.0, 1.0, stage))
            label = t(lang, f"stage_{stage}") if f"stage_{stage}" in messages.EN else stage
            part = done / total if total else 1.0
            progress(
                first + share * (lo + (hi - lo) * part),
                desc=t(lang, "progress", stage=label, done=messages.number(done), total=messages.number(total)),
            )

        return cb

    def _build(self, progress, lang: str = "en", first: float = 0.0) -> tuple["qa.BuildReport | None", str | None, bool]:
        """(report, error sentence, whether the error was only another build running)."""
        progress(first, desc=t(lang, "stage_start"))
        try:
            cb = self._progress(progress, lang, first, 1.0 - first)
            return self.assistant.build_index(None, progress=cb, wait=False), None, False
        except qa.errors.BuildInProgress as exc:
            return None, self.explain(exc, lang=lang), True
        except Exception as exc:  # the status must never keep saying "Rebuilding" after a failure
            return None, t(lang, "rebuild_failed", reason=self.explain(exc, lang=lang)), False

    def _building_status(self, lang: str = "en") -> str:
        try:
            return render.status_html(self.assistant.status(), note=t(lang, "building"), lang=lang)
        except qa.errors.QAError:
            return render.status_html(None, note=t(lang, "building"), lang=lang)

    def rebuild(self, selected: list[str] | None, progress=gr.Progress(), http: gr.Request | None = None):
        """Re-index the corpus folder (only new or changed files are embedded)."""
        lang = render.language(http)
        yield gr.skip(), self._building_status(lang), gr.skip(), gr.skip(), gr.skip()
        report, error, _ = self._build(progress, lang)
        yield (
            render.build_report_html([], [], report, error, lang, entry=render.report_entry()),
            *self.panels(selected=selected, lang=lang),
        )

    def add_files(self, files, selected: list[str] | None, progress=gr.Progress(), http: gr.Request | None = None):
        """Store uploaded files in the corpus folder under safe names, then rebuild incrementally."""
        lang = render.language(http)
        accepted = uploads.allowed_suffixes()
        saved, refused, created = [], [], {}
        entry = render.report_entry()  # the report's place in the page's list: updated, never added twice
        files = list(files or [])
        for n, f in enumerate(files):
            path = Path(f if isinstance(f, (str, Path)) else getattr(f, "name", ""))
            progress(0.1 * n / len(files), desc=t(lang, "stage_store", name=path.name))
            try:
                stored = uploads.store(path, path.name, self.settings.corpus_dir, self.upload_limit)
                saved.append((path.name, stored.said(lang)))
                if stored.created:
                    created[stored.name] = len(saved) - 1
            except uploads.UploadRefused as exc:
                refused.append((path.name, exc.reason(lang)))
            finally:
                uploads.discard_temporary(path)
        report, error, busy = None, None, False
        if saved:
            yield (
                render.build_report_html(saved, refused, None, lang=lang, accepted=accepted, entry=entry),
                self._building_status(lang),
                gr.skip(),
                gr.skip(),
                gr.skip(),
                gr.skip(),
            )
            report, error, busy = self._build(progress, lang, first=0.1)
        if error and created and not busy:
            # A failed build (full or read-only disk) does not leave new files in the corpus unindexed;
            # after a busy one they stay, listed as not yet indexed, for the next rebuild.
            for name, i in created.items():
                Path(self.settings.corpus_dir, name).unlink(missing_ok=True)
                saved[i] = (saved[i][0], t(lang, "removed_again_failed", said=saved[i][1]))
        for skip in report.skipped if report else ():
            if skip.source in created:  # a new file the index cannot use does not stay in the corpus
                Path(self.settings.corpus_dir, skip.source).unlink(missing_ok=True)
                i = created[skip.source]
                saved[i] = (saved[i][0], t(lang, "removed_again_skipped", said=saved[i][1]))
        yield (
            render.build_report_html(saved, refused, report, error, lang, accepted, entry=entry),
            *self.panels(selected=selected, lang=lang),
            None,
        )

    # --- API ----------------------------------------------------------------------------------------
    def _call(self, run, k, sources, mode):
        try:  # the library checks k, mode and sources and names what is wrong
            return run(k, sources, mode)
        except (qa.errors.QAError, OSError) as exc:
            raise gr.Error(self.explain(exc), print_exception=False) from None
        except Exception as exc:  # a bug: logged in full, and still one sentence for the caller
            traceback.print_exc()
            raise gr.Error(self.explain(exc), print_exception=False) from None

    def api_search(self, question: str, k: int = 5, sources: list[str] | None = None, mode: str = "hybrid") -> dict:
        """The k best passages for the question, best first, each with its citation."""
        hits = self._call(lambda k, src, mode: self.assistant.search(question, k=k, sources=src, mode=mode), k, sources, mode)
        return dict(search_dict(question, hits))

    def api_ask(self, question: str, k: int = 5, sources: list[str] | None = None, mode: str = "hybrid") -> dict:
        """Answer sentences, the hits behind them and whether the documents answer: the JSON of `qa ask --json`."""
        return self._call(
            lambda k, src, mode: self.assistant.ask(question, k=k, sources=src, mode=mode).to_dict(), k, sources, mode
        )


def build_app(assistant: qa.Assistant | None = None, web: WebSettings | None = None) -> gr.Blocks:
    """The page: chat, controls, documents panel, upload and rebuild; plus the /search and /ask API.

    web: the server's own settings (default: from the environment).
    """
    app = ChatApp(assistant or qa.Assistant.shared(), web)
    i18n = gr.I18n(**render.translations(app.upload_limit))
    # delete_cache: temporary uploads older than an hour are removed every ten minutes (ui/limits.py caps their total).
    with gr.Blocks(
        title=t("en", "tab_title"),
        analytics_enabled=False,  # retitled in the page's language (evidence.js)
        delete_cache=(600, 3600),
    ) as demo:
        gr.Markdown(i18n("heading"), elem_id="heading")
        with gr.Row(elem_id="main-row"):
            with gr.Column(scale=3, min_width=300):
                # buttons=[]: gradio's own copy button copied the reply's HTML; "Copy with sources" copies Markdown.
                chat = gr.Chatbot(
                    elem_id="chat",
                    label=i18n("title"),
                    show_label=False,
                    height="auto",
                    latex_delimiters=[],
                    autoscroll=False,
                    buttons=[],
                    feedback_options=None,
                    sanitize_html=True,
                    render_markdown=True,
                    placeholder=i18n("chat_placeholder"),  # type: ignore[arg-type]  # gradio takes I18nData
                )
                question = gr.Textbox(
                    elem_id="question",
                    label=i18n("question_label"),
                    show_label=False,
                    lines=1,
                    max_lines=4,
                    max_length=app.settings.max_question_chars,
                    submit_btn=i18n("ask"),  # type: ignore[arg-type]  # gradio takes I18nData
                    placeholder=i18n("question_placeholder"),
                    autofocus=True,
                )
                gr.Markdown(i18n("examples"), elem_id="examples-label")
                examples_box = gr.HTML(elem_id="examples")
                with gr.Row(elem_id="options-row"):
                    k = gr.Slider(1, 20, value=5, step=1, label=i18n("k"), elem_id="k")
                    sources = gr.CheckboxGroup([], label=i18n("sources"), elem_id="sources")
                mode = gr.Radio(
                    [(i18n("mode_hybrid"), "hybrid"), (i18n("mode_dense"), "dense"), (i18n("mode_bm25"), "bm25")],
                    value="hybrid",
                    label=i18n("mode"),
                    elem_id="mode",
                )
            with gr.Column(scale=2, min_width=300):
                pageview = gr.HTML(elem_id="pageview")
                # Hidden but present: the view's Back button, Escape and the browser's back click it (assets/evidence.js).
                page_close = gr.Button(i18n("close_page"), elem_id="pageview-close", size="sm", visible="hidden")
                status = gr.HTML(elem_id="status")
                rebuild = gr.Button(i18n("rebuild"), elem_id="rebuild", variant="secondary")
                # No file_types: gradio refused other files in a toast that vanished; the server refuses them instead,
                # in a report that stays and names what is accepted (the label names it too).
                upload = gr.File(elem_id="upload", file_count="multiple", label=i18n("add_label"))
                # Build progress is drawn here, under the controls that start it, so it never covers the status.
                working = gr.HTML(elem_id="working")
                # Each report arrives here and joins the list below it (newest first, each dismissed on its own;
                # assets/evidence.js), so a later report never replaces an earlier one.
                report = gr.HTML(elem_id="upload-report")
                gr.HTML('<div class="qa-report-log" aria-live="polite"></div>', elem_id="reports")
                gr.Markdown(i18n("documents_heading"))
                docs = gr.HTML(elem_id="documents")
                with gr.Column(visible=False, elem_id="remove-confirm-box") as confirm_box:
                    confirm = gr.HTML(elem_id="remove-question")
                    with gr.Row():
                        remove_yes = gr.Button(i18n("remove"), elem_id="remove-confirm", variant="stop", size="sm")
                        remove_no = gr.Button(i18n("cancel"), elem_id="remove-cancel", size="sm")
                # Targets of the buttons inside the chat's and the table's HTML (see assets/evidence.js).
                request = gr.Textbox(visible="hidden", elem_id="qa-request", label=i18n("question_label"))
                page_go = gr.Button(visible="hidden", elem_id="qa-page-go")
                remove_go = gr.Button(visible="hidden", elem_id="qa-remove-go")
                example_go = gr.Button(visible="hidden", elem_id="qa-example-go")
                pending = gr.State(None)
                words = gr.HTML(elem_id="qa-words", visible="hidden")

        # After a reply, the chat (not the page) scrolls so that the new question sits at its top.
        question.submit(
            app.respond,
            [question, chat, k, sources, mode],
            [chat, question],
            api_visibility="private",
            concurrency_limit=app.workers,
            concurrency_id="ask",
        ).then(None, js=asset("scroll_to_question.js"))
        # An example asks its question at once (the button's value is the question; see assets/evidence.js).
        example_go.click(
            app.respond,
            [request, chat, k, sources, mode],
            [chat, question],
            api_visibility="private",
            js="(r, c, k, s, m) => [window.__qaRequest || '', c, k, s, m]",
            concurrency_limit=app.workers,
            concurrency_id="ask",
        ).then(None, js=asset("scroll_to_question.js"))
        panel_outputs = [status, docs, sources, examples_box]
        rebuild.click(
            app.rebuild,
            [sources],
            [report, *panel_outputs],
            api_visibility="private",
            concurrency_limit=1,
            concurrency_id="build",
            show_progress_on=[working],
        )
        upload.upload(
            app.add_files,
            [upload, sources],
            [report, *panel_outputs, upload],
            api_visibility="private",
            concurrency_limit=1,
            concurrency_id="build",
            show_progress_on=[working],
        )
        evidence_events.connect(
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
        )
        demo.load(app.load_panels, [sources], [*panel_outputs, words], api_visibility="private")
        gr.api(app.api_search, api_name="search", concurrency_limit=app.workers, concurrency_id="ask")
        gr.api(app.api_ask, api_name="ask", concurrency_limit=app.workers, concurrency_id="ask")
    demo.qa_app = app  # type: ignore[attr-defined]
    demo.qa_i18n = i18n  # type: ignore[attr-defined]
    return demo


def launch(
    demo: gr.Blocks,
    host: str = "127.0.0.1",
    port: int = 7860,
    block: bool = True,
    expose: bool = False,
    auth: list[tuple[str, str]] | None = None,
) -> str:
    """Start the server (ui/server.py: bounded queue, request limits, login); returns its URL."""
    css = asset("page.css") + asset("evidence.css")
    i18n = demo.qa_i18n  # type: ignore[attr-defined]
    return server.launch(demo, host, port, block=block, expose=expose, auth=auth, css=css, i18n=i18n)
