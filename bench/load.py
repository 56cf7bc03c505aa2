"""Load and fault measurements against `qa serve`, on loopback only, each bounded in requests and time.

Steady load (answers/s, p50/p95/p99), a burst of unread calls and how long until /ask answers again, a huge
request body, and steady load during a rebuild. Every function refuses a URL that is not loopback.
The benchmark that runs them all is bench/load_report.py.
"""

from __future__ import annotations

import http.client
import json
import select
import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

LOOPBACK = {"127.0.0.1", "localhost", "::1"}
QUESTIONS = [
    "What is IDex?",
    "How many 5G base stations had China built?",
    "How much did judges' workload drop?",
    "What does smart justice mean?",
    "Which data exchange opened in Beijing?",
]
MIB = 2**20


def target(url: str) -> tuple[str, int]:
    """(host, port) of a loopback URL; anything else is refused."""
    parts = urlsplit(url)
    if parts.hostname not in LOOPBACK:
        raise ValueError(f"{url}: the load benchmark only sends traffic to loopback (127.0.0.1, localhost, ::1)")
    return parts.hostname, parts.port or 80


class Conn:
    """One keep-alive HTTP connection to the server, reopened after errors."""

    def __init__(self, url: str, timeout: float = 60.0):
        self.host, self.port = target(url)
        self.timeout = timeout
        self.c: http.client.HTTPConnection | None = None

    def request(self, method: str, path: str, body: dict | None = None) -> tuple[int, bytes]:
        for attempt in (0, 1):
            if self.c is None:
                self.c = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
            try:
                data = json.dumps(body).encode() if body is not None else None
                self.c.request(method, path, body=data, headers={"Content-Type": "application/json"} if data else {})
                r = self.c.getresponse()
                return r.status, r.read()
            except (OSError, http.client.HTTPException):
                self.c.close()
                self.c = None
                if attempt:
                    raise
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self.c is not None:
            self.c.close()


def call(conn: Conn, api: str, data: list) -> tuple[int, bytes]:
    """POST /gradio_api/call/<api>: (status, body) — the result is not read."""
    return conn.request("POST", f"/gradio_api/call/{api}", {"data": data})


def answer(conn: Conn, api: str, data: list) -> tuple[str, object]:
    """Call and read the result: ("complete", data) or ("error"/"refused", detail)."""
    status, body = call(conn, api, data)
    if status != 200:
        return "refused", json.loads(body or b"{}").get("detail")
    event_id = json.loads(body)["event_id"]
    _, stream = conn.request("GET", f"/gradio_api/call/{api}/{event_id}")
    kind, payload = "error", None
    for block in stream.decode().split("\n\n"):
        lines = dict(line.split(": ", 1) for line in block.splitlines() if ": " in line)
        if lines.get("event") in ("complete", "error"):
            kind, payload = lines["event"], json.loads(lines.get("data", "null"))
    return kind, payload


@dataclass(frozen=True)
class Steady:
    """Steady load at one client count."""

    clients: int
    answers: int
    errors: int
    seconds: float
    per_second: float
    p50_ms: float
    p95_ms: float
    p99_ms: float


def _pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else values[0]


def _tickets(counter, lock: threading.Lock, stop: float):
    """Request numbers shared by all client threads, until they run out or the deadline passes."""
    while time.monotonic() < stop:
        with lock:
            n = next(counter, None)
        if n is None:
            return
        yield n


def steady(url: str, clients: int, requests: int, deadline_s: float = 60.0) -> Steady:
    """`requests` /ask calls (read to the end) from `clients` threads; stops at the deadline."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop = time.monotonic() + deadline_s
    counter = iter(range(requests))

    def client(i: int) -> None:
        conn = Conn(url)
        try:
            for n in _tickets(counter, lock, stop):
                t = time.perf_counter()
                kind, _ = answer(conn, "ask", [QUESTIONS[n % len(QUESTIONS)], 5, None, "hybrid"])
                with lock:
                    if kind == "complete":
                        latencies.append((time.perf_counter() - t) * 1000)
                    else:
                        errors[0] += 1
        finally:
            conn.close()

    t0 = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(client, range(clients)))
    seconds = time.perf_counter() - t0
    lat = sorted(latencies) or [float("nan")]
    return Steady(
        clients,
        len(latencies),
        errors[0],
        round(seconds, 2),
        round(len(latencies) / seconds, 1),
        round(_pct(lat, 50), 1),
        round(_pct(lat, 95), 1),
        round(_pct(lat, 99), 1),
    )


def burst(url: str, calls: int = 3000, senders: int = 32, deadline_s: float = 120.0) -> dict:
    """`calls` /ask calls whose results are never read; returns the count of each HTTP status."""
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    stop = time.monotonic() + deadline_s
    counter = iter(range(calls))

    def sender(_: int) -> None:
        conn = Conn(url, timeout=30)
        try:
            for n in _tickets(counter, lock, stop):
                try:
                    status, _ = call(conn, "ask", [QUESTIONS[n % len(QUESTIONS)], 5, None, "hybrid"])
                except OSError:
                    status = 0
                with lock:
                    statuses[status] = statuses.get(status, 0) + 1
        finally:
            conn.close()

    with ThreadPoolExecutor(senders) as pool:
        list(pool.map(sender, range(senders)))
    return statuses


def until_answering(url: str, limit_s: float = 30.0) -> float:
    """Seconds until an /ask is answered (inf if not within limit_s)."""
    t0 = time.monotonic()
    conn = Conn(url, timeout=limit_s)
    try:
        while time.monotonic() - t0 < limit_s:
            try:
                if answer(conn, "ask", [QUESTIONS[0], 5, None, "hybrid"])[0] == "complete":
                    return time.monotonic() - t0
            except OSError:
                pass
            time.sleep(0.1)
    finally:
        conn.close()
    return float("inf")


def rss_bytes(pid: int) -> int:
    """Resident memory of a process now."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


def big_body(url: str, size: int, chunked: bool = False, chunk: int = MIB) -> tuple[int, str, int]:
    """POST a body of `size` bytes to /gradio_api/call/ask; (status, detail, bytes sent before the answer)."""
    host, port = target(url)
    conn = http.client.HTTPConnection(host, port, timeout=60)
    conn.putrequest("POST", "/gradio_api/call/ask")
    conn.putheader("Content-Type", "application/json")
    if chunked:
        conn.putheader("Transfer-Encoding", "chunked")
    else:
        conn.putheader("Content-Length", str(size))
    conn.endheaders()
    block, sent = b"x" * chunk, 0
    try:
        while sent < size:
            if select.select([conn.sock], [], [], 0)[0]:
                break  # the server has answered before reading it all: stop sending, read the answer
            piece = block[: min(chunk, size - sent)]
            conn.send(b"%x\r\n%s\r\n" % (len(piece), piece) if chunked else piece)
            sent += len(piece)
        if chunked:
            conn.send(b"0\r\n\r\n")
    except OSError:
        pass  # the server answered and closed before the whole body was sent: what a limit should do
    try:
        r = conn.getresponse()
        return r.status, json.loads(r.read() or b"{}").get("detail", ""), sent
    finally:
        conn.close()


def wait_health(url: str, limit_s: float, want=lambda r: r.get("answering")) -> dict:
    """The server's /health report once want(report) holds; TimeoutError after limit_s."""
    conn, t0, report = Conn(url, timeout=30), time.monotonic(), {}
    try:
        while time.monotonic() - t0 < limit_s:
            try:
                status, body = conn.request("GET", "/health")
                report = json.loads(body)
                if want(report):
                    return report
            except (OSError, ValueError):
                pass
            time.sleep(0.2)
    finally:
        conn.close()
    raise TimeoutError(f"{url}/health did not report {want} within {limit_s:.0f} s: {report}")


def during_rebuild(url: str, env: dict, clients: int = 16, requests: int = 2000) -> tuple[Steady, float, bool]:
    """Steady load while `qa index --full` rebuilds the server's index in another process.

    Returns (load figures, rebuild seconds, whether the rebuild outlasted the load).
    """
    t0 = time.monotonic()
    build = subprocess.Popen(
        [sys.executable, "-m", "qa.cli", "index", "--full", "--quiet"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_health(url, 120, lambda r: r.get("build_running"))
        result = steady(url, clients, requests, deadline_s=60)
        outlasted = build.poll() is None
        build.wait(timeout=600)
    finally:
        if build.poll() is None:
            build.kill()
    return result, time.monotonic() - t0, outlasted
