"""The load and fault benchmark of `qa serve`: python -m bench.load_report [--url URL] [--quick].

Without --url it starts its own server on 127.0.0.1 over a copy of the default corpus and index, then
measures steady load at 1/4/16/64 clients, a burst of 3,000 unread calls and the time until /ask answers
again, a 500 MB body and the server memory it costs, and 16 clients during `qa index --full` in another
process. Writes bench/out/load.{md,json}. Loopback only; every part is bounded in requests and time.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

from .load import MIB, big_body, burst, during_rebuild, rss_bytes, steady, target, until_answering, wait_health


def start_server(root: Path, port: int) -> tuple[subprocess.Popen, str, dict]:
    """`qa serve` on 127.0.0.1:port over a copy of the default corpus and its index under root."""
    project = Path(__file__).resolve().parent.parent
    corpus, index = root / "corpus", root / "index"
    if not corpus.exists():
        shutil.copytree(project / "corpus", corpus)
        if (project / "index").is_dir():
            shutil.copytree(project / "index", index, ignore=shutil.ignore_patterns(".build.lock"))
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "QA_CORPUS_DIR": str(corpus), "QA_INDEX_DIR": str(index)}
    log = open(root / "server.log", "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "qa.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=project,
    )
    url = f"http://127.0.0.1:{port}"
    t0 = time.monotonic()
    while proc.poll() is None and time.monotonic() - t0 < 900:
        try:
            wait_health(url, 5)
            return proc, url, env
        except TimeoutError:
            pass
    proc.kill()
    raise RuntimeError(
        f"qa serve did not start; its log ({root / 'server.log'}) ends: " + (root / "server.log").read_text()[-600:]
    )


def run(url: str, pid: int | None, env: dict | None, quick: bool = False, rounds: int = 5) -> dict:
    """Every measurement against the server at url (pid: its process, for memory; env: for the rebuild).

    Steady load runs the client counts interleaved, `rounds` times, and reports each figure's median: the
    machine is shared, so a slow minute then hurts every level alike instead of one.
    """
    out: dict = {}
    steady(url, 4, 20)  # warm-up: ONNX session, caches
    levels = (1, 4, 16, 64)
    runs: dict[int, list] = {c: [] for c in levels}
    for _ in range(rounds):
        for c in levels:
            requests = (40 if quick else 100) * max(1, min(c, 8)) // 2
            runs[c].append(steady(url, c, requests, 30 if quick else 60))
    out["steady"] = [_median_of(runs[c]) for c in levels]
    t0, rss0 = time.monotonic(), rss_bytes(pid) if pid else 0
    out["burst"] = {
        "calls": 3000,
        "statuses": {str(k): v for k, v in burst(url, 3000).items()},
        "seconds": round(time.monotonic() - t0, 1),
    }
    out["burst"]["answering_again_after_s"] = round(until_answering(url, 30), 2)
    if pid:
        out["burst"]["rss_growth_mib"] = round((rss_bytes(pid) - rss0) / MIB, 1)
    if pid is not None:
        before = rss_bytes(pid)
        status, detail, sent = big_body(url, 500 * MIB)
        out["big_body"] = {
            "bytes": 500 * MIB,
            "status": status,
            "detail": detail,
            "sent_before_answer": sent,
            "rss_before_mib": round(before / MIB),
            "rss_after_mib": round(rss_bytes(pid) / MIB),
            "rss_growth_mib": round((rss_bytes(pid) - before) / MIB, 1),
        }
    if env is not None:
        result, seconds, outlasted = during_rebuild(url, env, 16, 300 if quick else 2000)
        out["during_rebuild"] = {**asdict(result), "rebuild_seconds": round(seconds, 1), "rebuild_outlasted_load": outlasted}
    return out


def _median_of(results: list) -> dict:
    """One level's rounds: answers and errors summed, every rate and latency the median over rounds."""
    row = {
        "clients": results[0].clients,
        "rounds": len(results),
        "answers": sum(r.answers for r in results),
        "errors": sum(r.errors for r in results),
        "each_round": [[r.per_second, r.p95_ms] for r in results],
    }
    for key in ("per_second", "p50_ms", "p95_ms", "p99_ms"):
        row[key] = statistics.median(getattr(r, key) for r in results)
    return row


def table(results: dict) -> str:
    """The results as Markdown."""
    lines = ["| clients | answers | errors | answers/s | p50 ms | p95 ms | p99 ms |", "|---|---|---|---|---|---|---|"]
    rounds = results.get("steady", [{}])[0].get("rounds")
    if rounds:
        lines.insert(0, f"Steady load: medians over {rounds} interleaved rounds of each client count.\n")
    rows = list(results.get("steady", []))
    if "during_rebuild" in results:
        rows.append({**results["during_rebuild"], "clients": f"{results['during_rebuild']['clients']} (rebuild)"})
    for r in rows:
        lines.append(
            f"| {r['clients']} | {r['answers']} | {r['errors']} | {r['per_second']} | {r['p50_ms']} | "
            f"{r['p95_ms']} | {r['p99_ms']} |"
        )
    b = results.get("burst")
    if b:
        lines.append(
            f"\nBurst: {b['calls']} unread /ask calls in {b['seconds']} s, HTTP statuses {b['statuses']}; "
            f"/ask answered again after {b['answering_again_after_s']} s"
            + (f"; server RSS {b['rss_growth_mib']:+} MiB." if "rss_growth_mib" in b else ".")
        )
    m = results.get("big_body")
    if m:
        lines.append(
            f"500 MB body: HTTP {m['status']} after {m['sent_before_answer'] / MIB:.0f} MiB sent; server "
            f"RSS {m['rss_before_mib']} -> {m['rss_after_mib']} MiB ({m['rss_growth_mib']:+} MiB)."
        )
    r = results.get("during_rebuild")
    if r:
        lines.append(
            f"Rebuild (qa index --full in another process) took {r['rebuild_seconds']} s; it "
            f"{'outlasted' if r['rebuild_outlasted_load'] else 'ended before the end of'} the 16-client load."
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; write bench/out/load.{md,json}."""
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
