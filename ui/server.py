"""Serving the web app: a bounded queue, the request guard, login, exposure rules, the real URL, cleanup."""

from __future__ import annotations

import ipaddress
import os
import shutil
import signal
import socket
import sys
import tempfile
import threading
import time
import warnings
from pathlib import Path
from typing import Any

import gradio as gr
from gradio.utils import get_upload_folder
from starlette.middleware import Middleware

import qa
from qa import health

from . import sessions
from .limits import RequestGuard

# Every /call is a new gradio session holding per-session state: gradio's default of 10,000 kept sessions
# grows the server by hundreds of MB under a burst. The page's only own per-session state is a pending
# "remove document?" confirmation, which a 1,000-session window keeps for many seconds even at full load.
STATE_SESSIONS = 1000
TEMP_PREFIX = "qa-uploads-"


def bare_host(host: str) -> str:
    """The host without IPv6 brackets."""
    return host[1:-1] if host.startswith("[") and host.endswith("]") else host


def is_loopback(host: str) -> bool:
    """True when host only accepts connections from this machine."""
    host = bare_host(host)
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def url_for(host: str, port: int) -> str:
    """http://host:port/ with IPv6 addresses in brackets."""
    host = bare_host(host)
    return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"


def _addresses(family: int) -> list[str]:
    """This machine's non-loopback addresses of one family, as far as its host name resolves them."""
    try:
        infos = socket.getaddrinfo(socket.gethostname(), None, family, socket.SOCK_STREAM)
    except OSError:
        return []
    found = []
    for *_, addr in infos:
        ip = addr[0].split("%")[0]
        if not ipaddress.ip_address(ip).is_loopback and ip not in found:
            found.append(ip)
    return found


def reachable_urls(host: str, port: int) -> list[str]:
    """The URLs the server answers on: for a wildcard host, loopback first, then this machine's addresses."""
    host = bare_host(host)
    if host == "0.0.0.0":
        return [url_for("127.0.0.1", port), *(url_for(a, port) for a in _addresses(socket.AF_INET))]
    if host == "::":  # asyncio binds IPv6 hosts with IPV6_V6ONLY: IPv6 addresses only
        return [url_for("::1", port), *(url_for(a, port) for a in _addresses(socket.AF_INET6))]
    return [url_for(host, port)]


def load_auth(environ: dict | None = None) -> list[tuple[str, str]] | None:
    """Logins from QA_AUTH_FILE (one user:password per line) or QA_AUTH (user:password); None when neither is set.

    Never from a command-line argument: those show in `ps` and in shell history.
    """
    environ = os.environ if environ is None else environ
    path, inline = environ.get("QA_AUTH_FILE"), environ.get("QA_AUTH")
    if path:
        try:
            lines = Path(path).read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise qa.errors.InvalidSetting(f"QA_AUTH_FILE={path} cannot be read ({getattr(exc, 'strerror', None) or exc}); "
                                    "point it at a readable file of user:password lines") from None
        where = f"QA_AUTH_FILE={path}"
    elif inline:
        lines, where = inline.splitlines(), "QA_AUTH"
    else:
        return None
    logins = []
    for n, line in enumerate(lines, 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        user, sep, password = line.partition(":")
        if not sep or not user.strip() or not password:
            raise qa.errors.InvalidSetting(f"line {n} of {where} is not user:password; write one login per line as "
                                    "user:password")
        logins.append((user.strip(), password))
    if not logins:
        raise qa.errors.InvalidSetting(f"{where} holds no login; write one login per line as user:password")
    return logins


def check_exposure(host: str, expose: bool) -> None:
    """Refuse to serve beyond this machine unless asked to on purpose."""
    if not is_loopback(host) and not expose:
        raise qa.errors.InvalidSetting(f"--host {host} would serve the chat to other machines; add --expose to do that on "
                                "purpose (and set a login with QA_AUTH_FILE), or use --host 127.0.0.1")


def exposure_warning(host: str, port: int, logins: list | None) -> str | None:
    """The warning printed when serving beyond loopback."""
    if is_loopback(host):
        return None
    who = (f"a login is required ({len(logins)} user{'s' if len(logins) != 1 else ''})" if logins else
           "NO login is configured, so anyone who reaches it can ask and upload documents; set QA_AUTH_FILE")
    return f"warning: serving on {host} port {port}, reachable from other machines; {who}."


def health_report(blocks: gr.Blocks, assistant: qa.Assistant, every: float = 1.0, detailed: bool = True):
    """A function returning /health's JSON: qa.health.check plus the queue's state, at most once a second.

    /health needs no login (monitors must reach it), so behind a login it says only whether answering works.
    """
    cache: dict[str, Any] = {"at": -1e9, "report": None}
    lock = threading.Lock()

    def report() -> dict:
        with lock:
            if time.monotonic() - cache["at"] > every:
                cache["report"] = health.check(assistant).as_json()
                cache["at"] = time.monotonic()
            out = dict(cache["report"])
        queue = blocks._queue
        out["queue"] = {"waiting": len(queue), "max": queue.max_size, "stopped": queue.stopped}
        if queue.stopped:
            out["answering"] = False
            out["problem"] = out["problem"] or "The request queue has stopped; it restarts within a second or two."
        return out if detailed else {"answering": out["answering"]}

    return report


def private_upload_folder() -> Path:
    """A fresh folder for this server's temporary uploads; folders of servers that died are removed."""
    base = Path(tempfile.gettempdir())
    for old in base.glob(f"{TEMP_PREFIX}*"):
        pid = old.name[len(TEMP_PREFIX):].split("-")[0]
        if pid.isdigit() and not health._pid_alive(int(pid)):
            shutil.rmtree(old, ignore_errors=True)
    return Path(tempfile.mkdtemp(prefix=f"{TEMP_PREFIX}{os.getpid()}-"))


def launch(demo: gr.Blocks, host: str = "127.0.0.1", port: int = 7860, block: bool = True, expose: bool = False,
           auth: list[tuple[str, str]] | None = None, css: str | None = None, js: str | None = None) -> str:
    """Start the server (see the module docstring); returns the first URL it answers on."""
    check_exposure(host, expose)
    app = demo.qa_app  # type: ignore[attr-defined]
    settings = app.settings
    for p in health.remove_leftovers(settings.corpus_dir, settings.index_path):
        print(f"qa serve: removed a leftover of an interrupted upload or build: {p}", file=sys.stderr)
    blocked = [str(Path(settings.corpus_dir).resolve()), str(Path(settings.index_path).resolve())]
    # status_update_rate: queue positions go out every 2 s instead of to every waiting call on every start,
    # which costs O(waiting) messages per answer under load.
    demo.queue(default_concurrency_limit=1, max_size=settings.queue_size, status_update_rate=2)
    # gradio recomputes its monitoring summary (a pandas DataFrame over the last 10,000 events) after every
    # event: measured here, that made each answer cost more the longer the server ran (83 -> 41 answers/s over
    # four minutes of load). Nothing here reads that summary: keep few events and compute it almost never.
    demo._queue.ANALYTICS_MAX_EVENTS = 100
    demo._queue.ANAYLTICS_CACHE_FREQUENCY = 10**9
    sessions.install(demo)
    guard = Middleware(RequestGuard, settings=settings, upload_dir=lambda: Path(get_upload_folder()),
                       health=health_report(demo, app.assistant, detailed=not auth))
    server_name = f"[{bare_host(host)}]" if ":" in host else host  # gradio takes IPv6 hosts in brackets
    demo.launch(server_name=server_name, server_port=port, prevent_thread_lock=True, quiet=True, css=css, js=js,
                max_file_size=app.upload_limit, blocked_paths=blocked, show_error=False, auth=auth,
                app_kwargs={"middleware": [guard]}, strict_cors=True, run_history=False,
                state_session_capacity=STATE_SESSIONS)
    sessions.lean_sessions(demo)
    urls = reachable_urls(host, port)
    print(f"qa web chat: {urls[0]}" + "".join(f"\n             {u}" for u in urls[1:]), flush=True)
    warning = exposure_warning(host, port, auth)
    if warning:
        print(warning, file=sys.stderr, flush=True)
    if block:
        try:
            demo.block_thread()
        finally:
            demo.close()
    return urls[0]


class _ConsoleBar:
    """Index build progress on stderr, for the first start."""

    def __init__(self) -> None:
        self.last = 0.0

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - self.last < 0.25:
            return
        self.last = now
        from .app import _progress_fraction

        frac, desc = _progress_fraction(stage, done, total)
        filled = int(30 * frac)
        sys.stderr.write(f"\r[{'#' * filled}{'.' * (30 - filled)}] {desc:<40}")
        if stage == "write" and done >= total:
            sys.stderr.write("\n")
        sys.stderr.flush()


def ensure_index(assistant: qa.Assistant) -> None:
    """Build the index on first start, showing progress in the terminal."""
    try:
        assistant.status()
        return
    except qa.errors.IndexNotFound:
        pass
    print(f"No index yet: indexing {assistant.settings.corpus_dir} (first start only)...", file=sys.stderr, flush=True)
    report = assistant.build_index(None, progress=_ConsoleBar(), wait=True)
    for s in report.skipped:
        print(f"warning: skipped {s.source}: {s.reason}", file=sys.stderr)
    print(f"indexed {report.n_chunks} passages from {len(report.added) + len(report.unchanged)} documents "
          f"in {report.seconds:.1f} s", file=sys.stderr, flush=True)


def serve(host: str = "127.0.0.1", port: int = 7860, expose: bool = False) -> None:
    """`qa serve`: build the index if missing, start the web chat, print its URL and serve until stopped."""
    from . import app as page  # the page decides its own CSS: launch through it

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    # The server's event loops and pandas inside Gradio's queue warn about things that are none of ours.
    warnings.filterwarnings("ignore", category=ResourceWarning)
    warnings.filterwarnings("ignore", message=".*no_silent_downcasting")
    warnings.filterwarnings("ignore", message="The copy keyword is deprecated")
    check_exposure(host, expose)
    auth = load_auth()
    # Questions are answered one per core at once (ChatApp.workers); ONNX threads beyond that share the same
    # cores and only wait on each other (see qa.embeddings.onnx_threads).
    cores, workers = len(os.sched_getaffinity(0)), qa.Settings.from_env().answer_workers
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
        ensure_index(assistant)
        page.launch(page.build_app(assistant), host, port, block=True, expose=expose, auth=auth)
    finally:
        if uploads_dir is not None:
            shutil.rmtree(uploads_dir, ignore_errors=True)
