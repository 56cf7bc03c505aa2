"""One benchmark phase in this process, its result written as JSON (bench.run starts one process per phase).

python -m bench.phase NAME --work DIR --result FILE [--size N] [--quick]
"""

from __future__ import annotations

import argparse
import importlib
import json
import time
from pathlib import Path


def phase(name: str, work: Path, quick: bool, size: int) -> dict:
    """The result of phase name; its module is imported only now (several need torch, Ray or Qdrant)."""
    calls = {  # name: (module in bench/, function, keyword arguments)
        "default": ("default_corpus", "default_corpus", {"work": work, "quick": quick}),
        "cold": ("cold", "cold_start", {"work": work, "quick": quick}),
        "build": ("build", "build_speed", {"work": work, "n_target": size}),
        "memory": ("build", "build_memory", {"work": work, "n_target": size}),
        "scale": ("scale", "synthetic_scale", {"work": work, "quick": quick, "n_target": size}),
        "vectors": ("vectors", "vector_step", {"work": work, "quick": quick, "n": size}),
        "pages": ("pages", "page_render_timing", {"repeats": 1 if quick else 3}),
        "backends": ("backends", "backend_latency", {"n": size, "n_queries": 30 if quick else 100}),
        "languages": ("languages", "languages", {"work": work, "quick": quick}),
        "ray": ("backends", "ray_overhead", {"n_texts": 32 if quick else 64, "rounds": 2 if quick else 3}),
    }
    module, function, kwargs = calls[name]
    return getattr(importlib.import_module(f"bench.{module}"), function)(**kwargs)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.phase", description=__doc__.splitlines()[0])
    p.add_argument("name")
    p.add_argument("--work", required=True)
    p.add_argument("--result", required=True)
    p.add_argument("--size", type=int, default=0)
    p.add_argument("--quick", action="store_true")
    args = p.parse_args(argv)
    t = time.perf_counter()
    result = phase(args.name, Path(args.work), args.quick, args.size)
    result["phase_s"] = round(time.perf_counter() - t, 1)
    Path(args.result).write_text(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
