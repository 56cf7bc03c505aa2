"""Start the web chat in-process on 127.0.0.1 and a free port, over a corpus and index of the test's own."""

from __future__ import annotations

import os
import shutil
import socket
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import qa  # noqa: E402


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def writable_copy(settings: qa.Settings, dest: Path) -> qa.Settings:
    """A copy of an indexed corpus (corpus and index folders) that a test may change."""
    corpus, index = dest / "corpus", dest / "index"
    shutil.copytree(settings.corpus_dir, corpus)
    shutil.copytree(settings.index_path, index, ignore=shutil.ignore_patterns(".build.lock"))
    return settings.with_(corpus_dir=corpus, index_dir=index)


@contextmanager
def running_app(assistant: qa.Assistant, host: str = "127.0.0.1", web=None, **launch_args) -> Iterator[str]:
    """The app serving assistant; yields its URL and stops it afterwards (web: a ui.settings.WebSettings;
    launch_args: expose, auth)."""
    from ui.app import build_app

    with running_demo(build_app(assistant, web), host, **launch_args) as url:
        yield url


@contextmanager
def running_demo(demo, host: str = "127.0.0.1", **launch_args) -> Iterator[str]:
    """A built app (ui.app.build_app) served on a free port; yields its URL and stops it afterwards."""
    from ui.app import launch
    from ui.server import stop

    url = launch(demo, host, free_port(), block=False, **launch_args)
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as r:
                if r.status == 200:
                    break
        except urllib.error.HTTPError as exc:
            if exc.code == 401:  # a login page: the server is up
                break
            raise
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
    try:
        yield url.rstrip("/")
    finally:
        stop(demo)


DOCS = {
    "alpha.txt": "Alpha Report\n\n1. Bridges\n\nThe alpha project built 42 bridges across the northern valley in 2020. "
    "Each bridge was inspected twice a year by the regional office.\n",
    "beta.md": "# Beta Notes\n\n## Orchards\n\nThe beta cooperative planted 700 apple trees on the southern slopes.\n",
}


def small_assistant(root: Path, embedder=None, build: bool = True, **settings) -> qa.Assistant:
    """An Assistant over two small documents under root, with the fake embedder; settings override fields."""
    from conftest import FakeEmbedder

    corpus = root / "corpus"
    corpus.mkdir(parents=True, exist_ok=True)
    for name, text in DOCS.items():
        (corpus / name).write_text(text)
    embedder = embedder or FakeEmbedder()
    assistant = qa.Assistant(
        qa.Settings(corpus_dir=corpus, index_dir=root / "index", **settings), embedder=embedder, build_embedder=lambda: embedder
    )
    if build:
        assistant.build_index()
    return assistant


def multipart(name: str, data: bytes) -> tuple[bytes, dict]:
    """(body, headers) of a multipart/form-data upload of one file, as the page's upload box sends it."""
    boundary = "qa-test-boundary"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="{name}"\r\nContent-Type: text/plain\r\n\r\n'
        ).encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return body, {"Content-Type": f"multipart/form-data; boundary={boundary}"}


CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@contextmanager
def chromium():
    """Debian's Chromium driven by Playwright, headless; missing, it skips the test (and fails it in CI)."""
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing (apt-get install chromium)"
        if os.environ.get("CI", "").lower() in ("true", "1"):
            pytest.fail(message + ": browser tests must run in CI")
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


@contextmanager
def chat_page(browser, url: str, clipboard: bool = False):
    """The chat page at url, loaded and showing a ready index; on leaving, no JavaScript error may have happened."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    if clipboard:
        context.grant_permissions(["clipboard-read", "clipboard-write"], origin=url)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(url)
    page.locator("#status .qa-status-ok").wait_for(timeout=30_000)
    yield page
    context.close()
    assert not errors, f"JavaScript errors in the page: {errors}"
