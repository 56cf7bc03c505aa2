"""Cold start: `qa ask` in new processes over the default index, against the plain stack, and its parts."""

from __future__ import annotations

import json
import statistics
import sys
from pathlib import Path

from bench.measure import bench_module, env_for, run_child

QUESTION = "How many 5G base stations had China built?"


def cold_start(work: Path, quick: bool) -> dict:
    """Median wall seconds and peak memory of cold asks (the index built by the default phase)."""
    env = env_for(work / "default" / "corpus", work / "default" / "index")
    qa_bin = str(Path(sys.executable).parent / "qa")
    runs = 3 if quick else 7
    out: dict = {}
    for name, argv, n in (
        ("qa_ask", [qa_bin, "ask", QUESTION], runs),
        ("plain_ask", bench_module("cold_ask", "--plain", QUESTION), max(2, runs // 2)),
    ):
        children = [run_child(argv, env) for _ in range(n)]
        for c in children:
            if c.code != 0 or "5G" not in c.stdout:
                raise RuntimeError(f"{name} failed (exit {c.code}): {c.stdout[:300]}")
        # The console script does not report its memory: one more run through bench.cold_ask does.
        peak = run_child(bench_module("cold_ask", QUESTION), env).peak_mb if name == "qa_ask" else children[-1].peak_mb
        walls = [c.wall_s for c in children]
        out[name] = {
            "median_s": round(statistics.median(walls), 3),
            "min_s": round(min(walls), 3),
            "runs": [round(w, 3) for w in walls],
            "peak_rss_mb": round(peak or 0.0, 1),
        }
    parts = [json.loads(run_child(bench_module("cold_ask", "--parts", QUESTION), env).stdout) for _ in range(3)]
    out["qa_ask_parts_s"] = {k: round(statistics.median(p[k] for p in parts), 3) for k in parts[0]}
    out["python_startup_s"] = round(run_child([sys.executable, "-c", ""], env).wall_s, 3)
    return out
