"""Chinese and cross-language questions beside English ones, and the first Chinese question after start.

    python -m bench.languages --corpus DIR --index DIR        # JSON on stdout (the phase runs this)
    python -m bench.languages --start [--no-preload] --corpus DIR --index DIR   # one fresh process's start

Latency: `ask` of each question set, interleaved question by question (English, Chinese, English→Chinese,
Chinese→English), medians and 95th percentiles. Start: in a new process, the time from creating the
Assistant to the first Chinese answer, and that answer's own time against a later Chinese question's, with
the background loading at start (qa.answer.preload) and without it.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench.measure import PROJECT

SHARED = PROJECT.parent / "shared"
DOCS = ("debian-edu-manual.zh-cn.pdf", "LinuxCNC_Getting_Started_zh_CN.pdf", "gnuplot.pdf")
STARTS = ((True, False), (False, False), (True, True), (False, True))  # (loading at start, question once settled)
FIRST, LATER = "slbackup 默认会保留多少天的备份快照？", "在浏览器里通过什么地址打开 GOsa²？"


def _sets(quick: bool) -> dict[str, list[str]]:
    from qa.ops.evaluation import load_questions
    from qa.text import is_cjk

    ev = SHARED / "eval"
    xl = load_questions(ev / "cross-lingual.jsonl")
    out = {
        "English": [q.question for q in load_questions(ev / "gnuplot.jsonl")],
        "Chinese": [q.question for q in load_questions(ev / "debian-edu-zh.jsonl")],
        "English→Chinese": [q.question for q in xl if not is_cjk(q.question)],
        "Chinese→English": [q.question for q in xl if is_cjk(q.question)]
        + [q.question for q in load_questions(ev / "linuxcnc-zh.jsonl")],
    }
    return {k: v[:6] if quick else v for k, v in out.items()}


def _index(work: Path) -> tuple[Path, Path]:
    """The development documents (../shared/docs: those the sets ask about) and the review, indexed once."""
    corpus, index = work / "languages-corpus", work / "languages-index"
    if not index.exists():
        corpus.mkdir(parents=True, exist_ok=True)
        for name in DOCS:
            shutil.copy(SHARED / "docs" / name, corpus / name)
        for f in (PROJECT / "corpus").glob("*.txt"):
            shutil.copy(f, corpus / f.name)
        from qa import Assistant, Settings

        Assistant(Settings(corpus_dir=corpus, index_dir=index)).build_index(wait=True)
    return corpus, index


def latency(corpus: Path, index: Path, quick: bool) -> dict:
    from qa import Assistant, Settings

    a = Assistant(Settings(corpus_dir=corpus, index_dir=index))
    a.preload().wait()
    sets = _sets(quick)
    a.ask(FIRST)  # models loaded before timing
    a.clear_caches()
    times: dict[str, list[float]] = {k: [] for k in sets}
    for i in range(max(map(len, sets.values()))):
        for name, qs in sets.items():
            if i < len(qs):
                t = time.perf_counter()
                a.ask(qs[i], k=10)
                times[name].append((time.perf_counter() - t) * 1000)
    return {
        name: {"n": len(ms), "p50_ms": round(statistics.median(ms), 1), "p95_ms": round(sorted(ms)[int(0.95 * (len(ms) - 1))], 1)}
        for name, ms in times.items()
    }


def start(corpus: Path, index: Path, preload: bool, settle: bool = False) -> dict:
    """In this (fresh) process: start, then a Chinese question at once (settle: once the index is open and the
    start-up loading done, as when the first question comes a few seconds after `qa serve`), then a later one."""
    t0 = time.perf_counter()
    from qa import Assistant, Settings

    a = Assistant(Settings(corpus_dir=corpus, index_dir=index))
    loading = a.preload() if preload else None
    gen = a.generation(build_if_missing=False)
    if settle:
        a.query_embedder(gen)
        if loading:
            loading.wait()
    t1 = time.perf_counter()
    a.ask(FIRST)
    t2 = time.perf_counter()
    a.ask(LATER)
    t3 = time.perf_counter()
    return {
        "preload": preload,
        "settled": settle,
        "start_to_first_answer_s": round(t2 - t0, 3),
        "first_ask_s": round(t2 - t1, 3),
        "later_ask_s": round(t3 - t2, 3),
        "loading_s": loading.seconds if loading else None,
    }


def languages(work: Path, quick: bool) -> dict:
    """The phase: per-language latency, and the start with and without loading at start (new processes)."""
    corpus, index = _index(work)
    starts = [start_in_process(corpus, index, p, s) for p, s in STARTS]
    return {"latency": latency(corpus, index, quick), "start": starts}


def markdown(r: dict) -> list[str]:
    """The report's section."""
    lines = [
        "",
        "## Chinese and cross-language questions",
        "",
        "`qa.ask` (k=10) over the development documents of ../shared/docs with the review, interleaved "
        "question by question (bench/languages.py).",
        "",
        "| questions | n | p50 ms | p95 ms |",
        "|---|---|---|---|",
    ]
    lines += [f"| {k} | {v['n']} | {v['p50_ms']:.0f} | {v['p95_ms']:.0f} |" for k, v in r["latency"].items()]
    lines += [
        "",
        "The first Chinese question after start, in a new process, asked at once or once the index is open "
        "(and the start-up loading, where there is one, done):",
        "",
        "| loading at start | asked | start → first answer s | first ask s | later ask s | first − later s |",
        "|---|---|---|---|---|---|",
    ]
    lines += [
        f"| {'yes' if s['preload'] else 'no'} | {'once the index is open' if s.get('settled') else 'at once'} "
        f"| {s['start_to_first_answer_s']:.2f} | {s['first_ask_s']:.2f} "
        f"| {s['later_ask_s']:.2f} | {s['first_ask_s'] - s['later_ask_s']:.2f} |"
        for s in r["start"]
    ]
    return lines


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.languages", description=__doc__.splitlines()[0])
    p.add_argument("--corpus", type=Path, required=True)
    p.add_argument("--index", type=Path, required=True)
    p.add_argument("--start", action="store_true")
    p.add_argument("--no-preload", action="store_true")
    p.add_argument("--settle", action="store_true")
    p.add_argument("--quick", action="store_true")
    args = p.parse_args(argv)
    if args.start:
        print(json.dumps(start(args.corpus, args.index, not args.no_preload, args.settle)))
        return 0
    result = {
        "start": [start_in_process(args.corpus, args.index, p, s) for p, s in STARTS],
        "latency": latency(args.corpus, args.index, args.quick),
    }
    print(json.dumps(result, ensure_ascii=False))
    return 0


def start_in_process(corpus: Path, index: Path, preload: bool, settle: bool = False) -> dict:
    cmd = [sys.executable, "-m", "bench.languages", "--start", "--corpus", str(corpus), "--index", str(index)]
    cmd += ([] if preload else ["--no-preload"]) + (["--settle"] if settle else [])
    out = subprocess.run(cmd, cwd=PROJECT, capture_output=True, text=True, check=True, env={**os.environ, "HF_HUB_OFFLINE": "1"})
    return json.loads(out.stdout)


if __name__ == "__main__":
    raise SystemExit(main())
