"""The web chat: a Gradio Blocks app over qa's public API (ask, search, build_index, documents, status)."""

from __future__ import annotations

import os
import traceback
from pathlib import Path

import gradio as gr

import qa
from qa.errors import explain
from qa.ops.health import build_running, unindexed
from qa.present.progress import fraction
from qa.serialize import search_dict

from . import evidence_events, render, server, uploads
from .assets import asset

EXAMPLES = [
    "What is IDex?",
    "How many 5G base stations had China built?",
    "How much did judges' workload drop?",
]



class ChatApp(evidence_events.EvidenceEvents):
    """The handlers behind the page, bound to one Assistant."""

    def __init__(self, assistant: qa.Assistant):
        self.assistant = assistant
        self.settings = assistant.settings
        self.upload_limit = min(uploads.MAX_UPLOAD_BYTES, self.settings.max_file_bytes)
        # Answering is CPU-bound (ONNX, numpy): more at once than cores only adds waiting inside the process.
        self.workers = self.settings.answer_workers or len(os.sched_getaffinity(0)) or 1

    def explain(self, exc: BaseException, doing: str = "index") -> str:
        """One sentence for a failure, naming this app's folders."""
        return explain(exc, self.settings.index_path, self.settings.corpus_dir, doing)

    # --- panels -------------------------------------------------------------------------------------
    def _sources(self) -> list[str]:
        try:
            return [d.source for d in self.assistant.documents()]
        except qa.errors.QAError:
            return []

    def panels(self, note: str | None = None, selected: list[str] | None = None):
        """(status, documents table, document chooser) as they are now."""
        try:
            status, error = self.assistant.status(), None
        except qa.errors.IndexNotFound:
            status, error = None, "No index yet: it is built on the first question, or press Rebuild index."
        except (qa.errors.QAError, OSError) as exc:
            status, error = None, self.explain(exc)
        try:
            docs = self.assistant.documents()
        except (qa.errors.QAError, OSError):
            docs = []
        choices = [d.source for d in docs]
        keep = [s for s in (selected or []) if s in choices]
        note = " ".join(x for x in (note, self._pending_note(set(choices))) if x) or None
        return (render.status_html(status, error, note), render.documents_html(docs),
                gr.CheckboxGroup(choices=choices, value=keep))

    def _pending_note(self, indexed: set[str]) -> str | None:
        """A rebuild running elsewhere, and corpus files the index does not hold (Rebuild index adds them)."""
        notes = []
        if build_running(self.settings.index_path):
            notes.append("A rebuild of the index is running; answers come from the current index until it ends.")
        missing = unindexed(self.settings.corpus_dir, indexed)
        if missing:
            shown = ", ".join(missing[:10]) + (f" and {len(missing) - 10} more" if len(missing) > 10 else "")
            notes.append(f"Not in the index yet: {shown}. Press Rebuild index to add "
                         f"{'it' if len(missing) == 1 else 'them'}.")
        return " ".join(notes) or None

    # --- chat ---------------------------------------------------------------------------------------
    def respond(self, question: str, history: list | None, k: float, sources: list[str] | None,
                mode: str = "hybrid"):
        """Append the question and its cited answer to the chat; clear the question box."""
        history = list(history or [])
        text = question if isinstance(question, str) else ""
        if not text.strip():
            return history, ""
        limit = self.settings.max_question_chars
        shown = text if len(text) <= limit else text[:limit] + "…"
        history.append({"role": "user", "content": render.question_html(shown)})
        try:
            ans = self.assistant.ask(text, k=int(k), mode=mode or "hybrid",
                                     sources=list(sources) if sources else None)
            reply = render.answer_html(ans, self.assistant.context)
        except (qa.errors.QAError, OSError) as exc:
            reply = render.error_html(self.explain(exc))
        except Exception as exc:  # a bug: logged in full, and still one sentence in the chat
            traceback.print_exc()
            reply = render.error_html(self.explain(exc))
        history.append({"role": "assistant", "content": reply})
        return history, ""

    # --- index --------------------------------------------------------------------------------------
    def _build(self, progress) -> tuple["qa.BuildReport | None", str | None, bool]:
        """(report, error sentence, whether the error was only another build running)."""
        def cb(stage: str, done: int, total: int) -> None:
            frac, desc = fraction(stage, done, total)
            progress(frac, desc=desc)

        progress(0.0, desc="Starting the rebuild")
        try:
            return self.assistant.build_index(None, progress=cb, wait=False), None, False
        except qa.errors.BuildInProgress as exc:
            return None, self.explain(exc), True
        except Exception as exc:  # the status must never keep saying "Rebuilding" after a failure
            return None, f"The rebuild failed: {self.explain(exc)}", False

    BUILDING = "Rebuilding the index: the chat keeps answering from the current one until the new one is ready."

    def _building_status(self) -> str:
        try:
            return render.status_html(self.assistant.status(), note=self.BUILDING)
        except qa.errors.QAError:
            return render.status_html(None, note=self.BUILDING)

    def rebuild(self, selected: list[str] | None, progress=gr.Progress()):
        """Re-index the corpus folder (only new or changed files are embedded)."""
        yield gr.skip(), self._building_status(), gr.skip(), gr.skip()
        report, error, _ = self._build(progress)
        yield (render.build_report_html([], [], report, error), *self.panels(selected=selected))

    def add_files(self, files, selected: list[str] | None, progress=gr.Progress()):
        """Store uploaded files in the corpus folder under safe names, then rebuild incrementally."""
        saved, refused, created = [], [], {}
        for f in files or []:
            path = Path(f if isinstance(f, (str, Path)) else getattr(f, "name", ""))
            try:
                stored = uploads.store(path, path.name, self.settings.corpus_dir, self.upload_limit)
                saved.append((path.name, stored.message))
                if stored.created:
                    created[stored.name] = len(saved) - 1
            except uploads.UploadRefused as exc:
                refused.append((path.name, str(exc)))
            finally:
                uploads.discard_temporary(path)
        report, error, busy = None, None, False
        if saved:
            yield (render.build_report_html(saved, refused, None), self._building_status(),
                   gr.skip(), gr.skip(), gr.skip())
            report, error, busy = self._build(progress)
        if error and created and not busy:
            # A failed build (full or read-only disk) does not leave new files in the corpus unindexed;
            # after a busy one they stay, listed as not yet indexed, for the next rebuild.
            for name, i in created.items():
                Path(self.settings.corpus_dir, name).unlink(missing_ok=True)
                saved[i] = (saved[i][0], f"{saved[i][1]}, but the rebuild failed, so it was removed again")
        for skip in report.skipped if report else ():
            if skip.source in created:  # a new file the index cannot use does not stay in the corpus
                Path(self.settings.corpus_dir, skip.source).unlink(missing_ok=True)
                i = created[skip.source]
                saved[i] = (saved[i][0], f"{saved[i][1]}, but it could not be indexed, so it was removed again")
        yield (render.build_report_html(saved, refused, report, error), *self.panels(selected=selected), None)

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
        hits = self._call(lambda k, src, mode: self.assistant.search(question, k=k, sources=src, mode=mode),
                          k, sources, mode)
        return search_dict(question, hits)

    def api_ask(self, question: str, k: int = 5, sources: list[str] | None = None, mode: str = "hybrid") -> dict:
        """Answer sentences, the hits behind them and whether the documents answer: the JSON of `qa ask --json`."""
        return self._call(lambda k, src, mode: self.assistant.ask(question, k=k, sources=src, mode=mode).to_dict(),
                          k, sources, mode)


def build_app(assistant: qa.Assistant | None = None) -> gr.Blocks:
    """The page: chat, controls, documents panel, upload and rebuild; plus the /search and /ask API."""
    app = ChatApp(assistant or qa.Assistant.shared())
    # delete_cache: temporary uploads older than an hour are removed every ten minutes (ui/limits.py caps their total).
    with gr.Blocks(title="qa: answers from your documents", analytics_enabled=False,
                   delete_cache=(600, 3600)) as demo:
        gr.Markdown("## Ask your documents\nAnswers come with the passages that say so, each cited "
                    "(document, section, page); open a passage to read it in context.")
        with gr.Row():
            with gr.Column(scale=3):
                chat = gr.Chatbot(elem_id="chat", label="Conversation", show_label=False, height=640,
                                  latex_delimiters=[], autoscroll=False,
                                  feedback_options=None, sanitize_html=True, render_markdown=True,
                                  placeholder="Ask a question about the documents below.")
                question = gr.Textbox(elem_id="question", show_label=False, lines=1, max_lines=4,
                                      max_length=app.settings.max_question_chars, submit_btn="Ask",
                                      placeholder="Type a question and press Enter", autofocus=True)
                gr.Examples(EXAMPLES, inputs=[question], label="Example questions")
                with gr.Row():
                    k = gr.Slider(1, 20, value=5, step=1, label="Passages to show", elem_id="k")
                    sources = gr.CheckboxGroup([], label="Search only these documents (none ticked: all)",
                                               elem_id="sources")
                mode = gr.Radio(["hybrid", "dense", "bm25"], value="hybrid", label="Search mode", elem_id="mode")
            with gr.Column(scale=2):
                pageview = gr.HTML(elem_id="pageview")
                page_close = gr.Button("Close page view", elem_id="pageview-close", size="sm", visible=False)
                status = gr.HTML(elem_id="status")
                rebuild = gr.Button("Rebuild index", elem_id="rebuild", variant="secondary")
                upload = gr.File(elem_id="upload", file_count="multiple", file_types=list(uploads.ALLOWED_SUFFIXES),
                                 label=f"Add documents (.pdf, .txt, .md; up to {app.upload_limit // 2**20} MiB each)")
                report = gr.HTML(elem_id="upload-report")
                gr.Markdown("### Indexed documents")
                docs = gr.HTML(elem_id="documents")
                with gr.Column(visible=False, elem_id="remove-confirm-box") as confirm_box:
                    confirm = gr.HTML(elem_id="remove-question")
                    with gr.Row():
                        remove_yes = gr.Button("Remove", elem_id="remove-confirm", variant="stop", size="sm")
                        remove_no = gr.Button("Cancel", elem_id="remove-cancel", size="sm")
                # Targets of the buttons inside the chat's and the table's HTML (see assets/evidence.js).
                request = gr.Textbox(visible="hidden", elem_id="qa-request")
                page_go = gr.Button(visible="hidden", elem_id="qa-page-go")
                remove_go = gr.Button(visible="hidden", elem_id="qa-remove-go")
                pending = gr.State(None)

        # After a reply, the chat (not the page) scrolls so that the new question sits at its top.
        question.submit(app.respond, [question, chat, k, sources, mode], [chat, question], api_visibility="private",
                        concurrency_limit=app.workers, concurrency_id="ask").then(None, js=asset("scroll_to_question.js"))
        panel_outputs = [status, docs, sources]
        rebuild.click(app.rebuild, [sources], [report, *panel_outputs], api_visibility="private",
                      concurrency_limit=1, concurrency_id="build", show_progress_on=[status])
        upload.upload(app.add_files, [upload, sources], [report, *panel_outputs, upload], api_visibility="private",
                      concurrency_limit=1, concurrency_id="build", show_progress_on=[status])
        evidence_events.connect(demo, app, pageview, page_close, request, page_go, remove_go, confirm, confirm_box,
                                remove_yes, remove_no, pending, report, panel_outputs, sources)
        demo.load(lambda sel: app.panels(selected=sel), [sources], panel_outputs, api_visibility="private")
        gr.api(app.api_search, api_name="search", concurrency_limit=app.workers, concurrency_id="ask")
        gr.api(app.api_ask, api_name="ask", concurrency_limit=app.workers, concurrency_id="ask")
    demo.qa_app = app  # type: ignore[attr-defined]
    return demo


def launch(demo: gr.Blocks, host: str = "127.0.0.1", port: int = 7860, block: bool = True, expose: bool = False,
           auth: list[tuple[str, str]] | None = None) -> str:
    """Start the server (ui/server.py: bounded queue, request limits, login); returns its URL."""
    return server.launch(demo, host, port, block=block, expose=expose, auth=auth, css=asset("page.css") + asset("evidence.css"))
