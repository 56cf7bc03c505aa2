"""First-time `qa.ask` latency (query caches cleared before each ask) on the dev questions, as JSON.

    python -m bench.ask_latency [--repeats 3]

Run it from two checkouts against their own indexes, alternating, to compare revisions on one machine:
    (cd OLD && QA_INDEX_DIR=/tmp/old-index PYTHONPATH=. python -m bench.ask_latency)
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from pathlib import Path

DEV_SET = Path(__file__).resolve().parent.parent / "tests" / "data" / "eval" / "dev.jsonl"


def ask_p50(questions: list[str], repeats: int = 3) -> float:
    """Median milliseconds of a warm process's qa.ask with the query embedding cache cleared each time."""
    import qa

    assistant = qa.Assistant.shared()
    for q in questions:  # load the index, the model and the word vectors once
        assistant.ask(q)
    times = []
    for _ in range(repeats):
        for q in questions:
            assistant.query_embedder(assistant.generation()).clear()
            t = time.perf_counter()
            assistant.ask(q)
            times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--repeats", type=int, default=3)
    args = p.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    questions = [json.loads(line)["question"] for line in DEV_SET.read_text(encoding="utf-8").splitlines()][:20]
    print(json.dumps({"ask_p50_ms": round(ask_p50(questions, args.repeats), 2)}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
