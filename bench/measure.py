"""What every benchmark phase shares: the question sets, percentiles, child processes and peak memory."""

from __future__ import annotations

import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
DEV_SET = PROJECT / "tests" / "data" / "eval" / "dev.jsonl"
ZH_SET = PROJECT / "tests" / "data" / "zh" / "dev-translated-zh.jsonl"  # the dev questions asked in Chinese
PEAK_PREFIX = "VmHWM_KB="


def questions(path: Path = DEV_SET) -> list[str]:
    """The questions of a committed question set, in file order (a missing set is an error, not a fallback)."""
    return [json.loads(line)["question"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile by nearest rank (as every earlier bench report computed it)."""
    v = sorted(values)
    return v[min(len(v) - 1, int(round(p / 100 * (len(v) - 1))))]


def summary(ms: list[float]) -> dict:
    """p50, p95 and count of a list of milliseconds."""
    return {"p50_ms": round(statistics.median(ms), 3), "p95_ms": round(percentile(ms, 95), 3), "n": len(ms)}


def peak_rss_mb() -> float:
    """This process's peak resident memory (VmHWM: unlike ru_maxrss, not inherited from a parent across exec)."""
    try:
        status = Path("/proc/self/status").read_text()
        return int(status.split("VmHWM:")[1].split()[0]) / 1024
    except (OSError, IndexError, ValueError):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def report_peak() -> None:
    """Print this process's peak memory on stderr, where run_child reads it."""
    print(f"{PEAK_PREFIX}{round(peak_rss_mb() * 1024)}", file=sys.stderr)


@dataclass(frozen=True)
class Child:
    """A finished child process: wall seconds, the peak RSS it reported (MB), exit code, stdout."""

    wall_s: float
    peak_mb: float | None
    code: int
    stdout: str


def run_child(argv: list[str], env: dict | None = None) -> Child:
    """Run argv from the project folder and time it; a child that calls report_peak() gives its peak memory."""
    t0 = time.perf_counter()
    done = subprocess.run(argv, env=env, cwd=PROJECT, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    peak = next((int(line[len(PEAK_PREFIX) :]) / 1024 for line in done.stderr.splitlines() if line.startswith(PEAK_PREFIX)), None)
    return Child(wall, peak, done.returncode, done.stdout)


def bench_module(name: str, *args: str) -> list[str]:
    """The argv that runs `python -m bench.<name> args...` with this interpreter."""
    return [sys.executable, "-m", f"bench.{name}", *args]


def env_for(corpus: Path, index: Path) -> dict:
    """The environment that points qa at this corpus and index."""
    return dict(os.environ, HF_HUB_OFFLINE="1", QA_CORPUS_DIR=str(corpus), QA_INDEX_DIR=str(index))


def dir_mb(path: Path) -> float:
    """Total size of the files under path, MiB."""
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 2**20


def copy_onnx_export(src_index: Path, dst_index: Path) -> None:
    """Give a new index folder the ONNX export src_index has, so that its builds time indexing, not the export."""
    from qa.embed.embeddings import model_hash
    from qa.embed.onnx import onnx_path_for

    src = onnx_path_for(src_index, model_hash()).parent
    if src.is_dir():
        shutil.copytree(src, onnx_path_for(dst_index, model_hash()).parent, dirs_exist_ok=True)


def onnx_embedder(index: Path):
    """qa's ONNX embedder over the export in index, without the query cache (for embedding many texts once)."""
    from qa.embed.embeddings import model_hash
    from qa.embed.onnx import OnnxEmbedder, onnx_path_for

    return OnnxEmbedder(onnx_path_for(index, model_hash()))
