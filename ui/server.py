"""Serving the web app: a bounded queue, the request guard, login, exposure rules, the real URL, cleanup."""

from __future__ import annotations

import inspect
import ipaddress
import os
import shutil
import socket
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, Mapping

import gradio as gr
from gradio.utils import get_upload_folder
from starlette.middleware import Middleware

import qa
from qa.ops import health

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
        ip = str(addr[0]).split("%")[0]
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
    env: Mapping[str, str] = os.environ if environ is None else environ
    path, inline = env.get("QA_AUTH_FILE"), env.get("QA_AUTH")
    if path:
        try:
            lines = Path(path).read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise qa.errors.InvalidSetting(
                f"QA_AUTH_FILE={path} cannot be read ({getattr(exc, 'strerror', None) or exc}); "
                "point it at a readable file of user:password lines"
            ) from None
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
            raise qa.errors.InvalidSetting(f"line {n} of {where} is not user:password; write one login per line as user:password")
        logins.append((user.strip(), password))
    if not logins:
        raise qa.errors.InvalidSetting(f"{where} holds no login; write one login per line as user:password")
    return logins


def check_exposure(host: str, expose: bool) -> None:
    """Refuse to serve beyond this machine unless asked to on purpose."""
    if not is_loopback(host) and not expose:
        raise qa.errors.InvalidSetting(
            f"--host {host} would serve the chat to other machines; add --expose to do that on "
            "purpose (and set a login with QA_AUTH_FILE), or use --host 127.0.0.1"
        )


def exposure_warning(host: str, port: int, logins: list | None) -> str | None:
    """The warning printed when serving beyond loopback."""
    if is_loopback(host):
        return None
    who = (
        f"a login is required ({len(logins)} user{'s' if len(logins) != 1 else ''})"
        if logins
        else "NO login is configured, so anyone who reaches it can ask and upload documents; set QA_AUTH_FILE"
    )
    return f"warning: serving on {host} port {port}, reachable from other machines; {who}."


def health_report(blocks: gr.Blocks, assistant: qa.Assistant, every: float = 1.0, detailed: bool = True):
    """A function returning /health's JSON: qa.ops.health.check plus the queue's state, at most once a second.

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
        pid = old.name[len(TEMP_PREFIX) :].split("-")[0]
        if pid.isdigit() and not health.pid_alive(int(pid)):
            shutil.rmtree(old, ignore_errors=True)
    return Path(tempfile.mkdtemp(prefix=f"{TEMP_PREFIX}{os.getpid()}-"))


def launch(
    demo: gr.Blocks,
    host: str = "127.0.0.1",
    port: int = 7860,
    block: bool = True,
    expose: bool = False,
    auth: list[tuple[str, str]] | None = None,
    css: str | None = None,
    i18n=None,
) -> str:
    """Start the server (see the module docstring); returns the first URL it answers on."""
    check_exposure(host, expose)
    app = demo.qa_app  # type: ignore[attr-defined]
    settings = app.settings
    for p in health.remove_leftovers(settings.corpus_dir, settings.index_path):
        print(f"qa serve: removed a leftover of an interrupted upload or build: {p}", file=sys.stderr)
    blocked = [str(Path(settings.corpus_dir).resolve()), str(Path(settings.index_path).resolve())]
    # status_update_rate: queue positions go out every 2 s instead of to every waiting call on every start,
    # which costs O(waiting) messages per answer under load.
    demo.queue(default_concurrency_limit=1, max_size=app.web.queue_size, status_update_rate=2)
    # gradio recomputes its monitoring summary (a pandas DataFrame over the last 10,000 events) after every
    # event: measured here, that made each answer cost more the longer the server ran (83 -> 41 answers/s over
    # four minutes of load). Nothing here reads that summary: keep few events and compute it almost never.
    demo._queue.ANALYTICS_MAX_EVENTS = 100
    demo._queue.ANAYLTICS_CACHE_FREQUENCY = 10**9
    sessions.install(demo)
    api_inputs = {
        name: tuple(inspect.signature(fn).parameters) for name, fn in (("ask", app.api_ask), ("search", app.api_search))
    }
    guard = Middleware(
        RequestGuard,
        settings=app.web,
        upload_dir=lambda: Path(get_upload_folder()),
        health=health_report(demo, app.assistant, detailed=not auth),
        api_inputs=api_inputs,
    )
    server_name = f"[{bare_host(host)}]" if ":" in host else host  # gradio takes IPv6 hosts in brackets
    demo.launch(
        server_name=server_name,
        server_port=port,
        prevent_thread_lock=True,
        quiet=True,
        css=css,
        i18n=i18n,
        footer_links=[],
        max_file_size=app.upload_limit,
        blocked_paths=blocked,
        show_error=False,
        auth=auth,
        app_kwargs={"middleware": [guard]},
        strict_cors=True,
        run_history=False,
        state_session_capacity=STATE_SESSIONS,
    )
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
            stop(demo)
    return urls[0]


def stop(demo) -> None:
    """Stop a launched app and free its port.

    gradio's close() sets an asyncio.Event from this thread, not the server's loop, and a waiter the loop
    is adding at that moment makes it raise "deque mutated during iteration" before the server is
    closed (seen under load). The flag is set by then, so the close is finished here.
    """
    try:
        demo.close()
    except RuntimeError:
        if demo.server:
            demo.server.close()
        demo.app.startup_events_triggered = False
