"""Benchmarks (not tests): `python -m bench.run [--quick]`; a full run writes results/bench.md and bench.json.

Every phase runs in its own process (`python -m bench.phase NAME`), so each reports its own peak memory
and starts cold; figures that are compared (qa against the plain stack, English against Chinese, FAISS
against Qdrant) are measured interleaved in one process, question by question, so that load from other
programs on the machine affects both alike. Quote ratios, not seconds.

Phases (each an importable function): default (bench.default_corpus: build of corpus/, warm latency,
breakdown), cold (bench.cold), build (bench.build), scale (bench.scale, per size), vectors
(bench.vectors), pages (bench.pages), backends (bench.backends, per size), ray (bench.backends) and languages
(bench.languages: Chinese and cross-language questions beside English ones, and the first Chinese question
after start).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.build_profile import current_runs
from bench.measure import PROJECT
from bench.report import markdown
from bench.targets import targets

PHASES = ("default", "cold", "build", "memory", "scale", "vectors", "pages", "backends", "ray", "languages")
SIZED = ("scale", "backends", "memory")  # phases run once per size; their results are keyed "10k", "100k", ...
RESULTS = PROJECT / "results"  # a full run's report, committed and quoted by the README
SCRATCH = PROJECT / "bench" / "out"  # any other run's report (git-ignored)


def plan(
    phases: set[str],
    quick: bool,
    sizes: list[int] | None = None,
    vector_size: int | None = None,
    backend_sizes: list[int] | None = None,
    build_chunks: int | None = None,
) -> list[tuple[str, int]]:
    """(phase, size) in the order they run; default always first (the others reuse its index)."""
    per_phase = {
        "build": (build_chunks or (250 if quick else 2_000),),
        "scale": sizes or ((1_000, 10_000) if quick else (1_000, 10_000, 100_000)),
        "vectors": (vector_size or (100_000 if quick else 1_000_000),),
        "backends": backend_sizes or ((10_000,) if quick else (10_000, 100_000)),
        "memory": (4_000,) if quick else (4_000, 10_000, 50_000),
    }
    return [("default", 0)] + [(p, n) for p in PHASES[1:] if p in phases for n in per_phase.get(p, (0,))]


def run_phase(phase: str, size: int, work: Path, quick: bool) -> dict | None:
    """One phase in a new process; its result, or None (said on stderr) when it failed."""
    result_file = work / f"{phase}-{size}.json"
    print(f"bench: {phase}{f' {size:,}' if size else ''} ...", file=sys.stderr, flush=True)
    t = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "bench.phase", phase, "--size", str(size), "--work", str(work), "--result", str(result_file)]
        + (["--quick"] if quick else []),
        cwd=PROJECT,
    )
    if done.returncode != 0:
        print(f"bench: phase {phase} failed (exit {done.returncode})", file=sys.stderr)
        return None
    res = json.loads(result_file.read_text())
    print(f"bench: {phase} done in {time.perf_counter() - t:.0f} s", file=sys.stderr, flush=True)
    return res


def collect(results: dict, phase: str, size: int, res: dict) -> None:
    if phase in SIZED:
        results.setdefault(phase, {})[f"{size // 1000}k"] = res
    else:
        results[phase] = res


def _phase_results(results: dict) -> list[dict]:
    return [r for p in PHASES if p in results for r in (results[p].values() if p in SIZED else [results[p]])]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="smaller sizes and fewer repeats")
    p.add_argument("--only", nargs="*", choices=PHASES, help="run only these phases (default always runs first)")
    p.add_argument("--skip", nargs="*", choices=PHASES[1:], default=[], help="run every phase but these")
    p.add_argument("--work", help="scratch folder (default: a temporary one, removed afterwards)")
    p.add_argument(
        "--sizes",
        type=int,
        nargs="*",
        help="synthetic corpus sizes in chunks for the latency table (default 1000 10000 100000; --quick 1000 10000)",
    )
    p.add_argument("--build-chunks", type=int, help="chunks of the real build (default 2000; --quick 250)")
    p.add_argument("--vector-size", type=int, help="vectors for the vector step (default 1000000; --quick 100000)")
    p.add_argument(
        "--backend-sizes", type=int, nargs="*", help="passages for the storage backends (default 10000 100000; --quick 10000)"
    )
    p.add_argument("--render", action="store_true", help="only rewrite the report from the phase results in --work")
    args = p.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    t0 = time.perf_counter()
    work = Path(args.work) if args.work else Path(tempfile.mkdtemp(prefix="qa-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    complete = not (args.quick or args.only or args.skip)  # every phase, at full repeats: the committed report
    command = (
        "python -m bench.run"
        + " --quick" * args.quick
        + "".join(
            f" --{name} {' '.join(map(str, v)) if isinstance(v, list) else v}"
            for name, v in (
                ("only", args.only),
                ("skip", args.skip),
                ("sizes", args.sizes),
                ("build-chunks", args.build_chunks),
                ("vector-size", args.vector_size),
                ("backend-sizes", args.backend_sizes),
            )
            if v
        )
    )
    results: dict = {
        "quick": args.quick,
        "command": command,
        "date": time.strftime("%Y-%m-%d %H:%M"),
        "machine": f"{os.cpu_count()} CPUs, {os.uname().machine}, Python {sys.version.split()[0]}",
    }
    wanted = set(args.only or PHASES) - set(args.skip)
    try:
        for phase, size in plan(wanted, args.quick, args.sizes, args.vector_size, args.backend_sizes, args.build_chunks):
            result_file = work / f"{phase}-{size}.json"
            res = (
                (json.loads(result_file.read_text()) if result_file.exists() else None)
                if args.render
                else run_phase(phase, size, work, args.quick)
            )
            if res is not None:
                collect(results, phase, size, res)
    finally:
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)
    # Rendering again from saved phases: the time is the phases' own.
    results["total_s"] = sum(r.get("phase_s", 0) for r in _phase_results(results)) if args.render else time.perf_counter() - t0
    # The full-corpus build takes ~6 min a run here: its runs are made apart (bench.build_profile) and judged here.
    results["full_build"] = current_runs()
    results["targets"] = targets(results)
    out, stem = (RESULTS, "bench") if complete else (SCRATCH, "results")
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{stem}.json").write_text(json.dumps(results, indent=1))
    md = markdown(results)
    (out / f"{stem}.md").write_text(md)
    print(md)
    print(f"bench: wrote {out / stem}.md and .json", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
