"""Two `qa eval --json --by-set` runs side by side, set by set: what a change did to retrieval and answers.

    python -m scripts.eval_compare BEFORE.json[:KEY] AFTER.json[:KEY] --title TEXT --how TEXT --out results/NAME

A file may hold one run (the list `qa eval --json` prints) or several under keys (KEY picks one). Writes
results/NAME.md (the table, with the title and how the runs were made) and results/NAME.json (both runs).
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path

FIELDS = [
    ("n", "n", "{:d}"),
    ("recall_at_5", "R@5", "{:.3f}"),
    ("mrr_at_10", "MRR@10", "{:.3f}"),
    ("first_sentence", "1st sentence", "{:.3f}"),
    ("n_answered", "answered", "{:d}"),
    ("answer_precision", "answer precision", "{:.3f}"),
    ("coverage", "coverage", "{:.3f}"),
    ("unanswerable_answered", "unanswerable answered", "{:.3f}"),
]


def load(spec: str) -> list[dict]:
    """One run's rows from FILE or FILE:KEY."""
    path, _, key = spec.partition(":")
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return data[key] if key else data


def cell(before: dict | None, after: dict | None, field: str, fmt: str) -> str:
    def show(row):
        value = row.get(field) if row else None
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return "–"
        return fmt.format(value)

    a, b = show(before), show(after)
    return a if a == b else f"{a} → {b}"


def table(before: list[dict], after: list[dict]) -> str:
    by_set = {r["group"]: r for r in before}
    lines = ["| set | " + " | ".join(label for _, label, _ in FIELDS) + " |", "|---" * (len(FIELDS) + 1) + "|"]
    for row in after:
        old = by_set.get(row["group"])
        lines.append(f"| {row['group']} | " + " | ".join(cell(old, row, f, fmt) for f, _, fmt in FIELDS) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m scripts.eval_compare", description=__doc__.splitlines()[0])
    p.add_argument("before")
    p.add_argument("after")
    p.add_argument("--title", required=True)
    p.add_argument("--how", required=True, help="how both runs were made (corpus, commits, commands)")
    p.add_argument("--out", type=Path, required=True, help="results/NAME, without a suffix")
    args = p.parse_args(argv)
    before, after = load(args.before), load(args.after)
    text = f"# {args.title}\n\n{args.how}\n\nEach cell: before → after (one value when equal).\n\n{table(before, after)}\n"
    args.out.with_suffix(".md").write_text(text, encoding="utf-8")
    args.out.with_suffix(".json").write_text(json.dumps({"before": before, "after": after}, indent=1) + "\n")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
