"""Load and fault benchmark of `qa serve`, on loopback only, bounded in requests and time.

python -m bench.load [--url URL] [--quick]   (without --url: starts its own server over the default corpus)

Steady load at 1/4/16/64 clients (answers/s, p50/p95/p99), a burst of unread calls then how long until
/ask answers again, a 500 MB request body and the server memory it costs, and 16 clients during a rebuild.
Every function here refuses a URL that is not loopback.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import select
import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import urlsplit

LOOPBACK = {"127.0.0.1", "localhost", "::1"}
QUESTIONS = ["What is IDex?", "How many 5G base stations had China built?", "How much did judges' workload drop?",
             "What does smart justice mean?", "Which data exchange opened in Beijing?"]
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
            while time.monotonic() < stop:
                with lock:
                    n = next(counter, None)
                if n is None:
                    return
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
    return Steady(clients, len(latencies), errors[0], round(seconds, 2), round(len(latencies) / seconds, 1),
                  round(_pct(lat, 50), 1), round(_pct(lat, 95), 1), round(_pct(lat, 99), 1))


def burst(url: str, calls: int = 3000, senders: int = 32, deadline_s: float = 120.0) -> dict:
    """`calls` /ask calls whose results are never read; returns the count of each HTTP status."""
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    stop = time.monotonic() + deadline_s
    counter = iter(range(calls))

    def sender(_: int) -> None:
        conn = Conn(url, timeout=30)
        try:
            while time.monotonic() < stop:
                with lock:
                    n = next(counter, None)
                if n is None:
                    return
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


def _wait_health(url: str, limit_s: float, want=lambda r: r.get("answering")) -> dict:
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
    import subprocess
    import sys

    t0 = time.monotonic()
    build = subprocess.Popen([sys.executable, "-m", "qa.cli", "index", "--full", "--quiet"], env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_health(url, 120, lambda r: r.get("build_running"))
        result = steady(url, clients, requests, deadline_s=60)
        outlasted = build.poll() is None
        build.wait(timeout=600)
    finally:
        if build.poll() is None:
            build.kill()
    return result, time.monotonic() - t0, outlasted


def start_server(root: Path, port: int) -> tuple["subprocess.Popen", str, dict]:
    """`qa serve` on 127.0.0.1:port over a copy of the default corpus and its index under root."""
    import shutil
    import subprocess
    import sys

    project = Path(__file__).resolve().parent.parent
    corpus, index = root / "corpus", root / "index"
    if not corpus.exists():
        shutil.copytree(project / "corpus", corpus)
        if (project / "index").is_dir():
            shutil.copytree(project / "index", index, ignore=shutil.ignore_patterns(".build.lock"))
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "QA_CORPUS_DIR": str(corpus), "QA_INDEX_DIR": str(index)}
    log = open(root / "server.log", "w")
    proc = subprocess.Popen([sys.executable, "-m", "qa.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
                            env=env, stdout=log, stderr=subprocess.STDOUT, cwd=project)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_health(url, 900)
    except TimeoutError:
        proc.kill()
        raise
    return proc, url, env


def run(url: str, pid: int | None, env: dict | None, quick: bool = False) -> dict:
    """Every measurement against the server at url (pid: its process, for memory; env: for the rebuild)."""
    out: dict = {}
    steady(url, 4, 20)  # warm-up: ONNX session, caches
    levels = (1, 4, 16, 64)
    out["steady"] = [asdict(steady(url, c, (40 if quick else 150) * max(1, min(c, 8)) // 2, 30 if quick else 60))
                     for c in levels]
    t0 = time.monotonic()
    out["burst"] = {"calls": 3000, "statuses": {str(k): v for k, v in burst(url, 3000).items()},
                    "seconds": round(time.monotonic() - t0, 1)}
    out["burst"]["answering_again_after_s"] = round(until_answering(url, 30), 2)
    if pid is not None:
        before = rss_bytes(pid)
        status, detail, sent = big_body(url, 500 * MIB)
        out["big_body"] = {"bytes": 500 * MIB, "status": status, "detail": detail, "sent_before_answer": sent,
                           "rss_before_mib": round(before / MIB), "rss_after_mib": round(rss_bytes(pid) / MIB),
                           "rss_growth_mib": round((rss_bytes(pid) - before) / MIB, 1)}
    if env is not None:
        result, seconds, outlasted = during_rebuild(url, env, 16, 300 if quick else 2000)
        out["during_rebuild"] = {**asdict(result), "rebuild_seconds": round(seconds, 1),
                                 "rebuild_outlasted_load": outlasted}
    return out


def table(results: dict) -> str:
    """The results as Markdown."""
    lines = ["| clients | answers | errors | answers/s | p50 ms | p95 ms | p99 ms |", "|---|---|---|---|---|---|---|"]
    rows = list(results.get("steady", []))
    if "during_rebuild" in results:
        rows.append({**results["during_rebuild"], "clients": f"{results['during_rebuild']['clients']} (rebuild)"})
    for r in rows:
        lines.append(f"| {r['clients']} | {r['answers']} | {r['errors']} | {r['per_second']} | {r['p50_ms']} | "
                     f"{r['p95_ms']} | {r['p99_ms']} |")
    b = results.get("burst")
    if b:
        lines.append(f"\nBurst: {b['calls']} unread /ask calls in {b['seconds']} s, HTTP statuses {b['statuses']}; "
                     f"/ask answered again after {b['answering_again_after_s']} s.")
    m = results.get("big_body")
    if m:
        lines.append(f"500 MB body: HTTP {m['status']} after {m['sent_before_answer'] / MIB:.0f} MiB sent; server "
                     f"RSS {m['rss_before_mib']} -> {m['rss_after_mib']} MiB ({m['rss_growth_mib']:+} MiB).")
    r = results.get("during_rebuild")
    if r:
        lines.append(f"Rebuild (qa index --full in another process) took {r['rebuild_seconds']} s; it "
                     f"{'outlasted' if r['rebuild_outlasted_load'] else 'ended before the end of'} the 16-client load.")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; write bench/out/load.{md,json}."""
    import socket
    import tempfile

    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--url", help="a running loopback server (memory and rebuild parts are then skipped)")
    p.add_argument("--quick", action="store_true", help="fewer requests per level")
    args = p.parse_args(argv)
    out_dir = Path(__file__).resolve().parent / "out"
    out_dir.mkdir(exist_ok=True)
    proc = None
    if args.url:
        target(args.url)
        url, pid, env = args.url.rstrip("/"), None, None
    else:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        root = Path(tempfile.mkdtemp(prefix="qa-load-"))
        proc, url, env = start_server(root, port)
        pid = proc.pid
    try:
        results = run(url, pid, env, quick=args.quick)
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=30)
    (out_dir / "load.json").write_text(json.dumps(results, indent=1))
    text = table(results)
    (out_dir / "load.md").write_text(text + "\n")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
