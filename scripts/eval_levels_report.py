"""Before/after table of `qa eval --json` outputs: answer precision, coverage, unanswerable answers, retrieval.

    python -m scripts.eval_levels_report --before A.json [B.json ...] --after C.json [D.json ...] --out results/NAME \
        [--note "how the files were made"]

Each JSON is the output of `qa eval ... --json` (one row per mode and group: --by-set, --by-language, or the
default answerable/cross-lingual groups); rows are matched by (mode, group). Writes NAME.md and NAME.json.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

COLUMNS = (
    ("answer_precision", "answer precision"),
    ("coverage", "coverage"),
    ("unanswerable_answered", "unanswerable given an answer"),
    ("recall_at_1", "R@1"),
    ("recall_at_5", "R@5"),
    ("mrr_at_10", "MRR@10"),
    ("first_sentence", "1st sentence"),
)


def rows_of(paths: list[Path]) -> dict[tuple[str, str], dict]:
    out = {}
    for p in paths:
        for r in json.loads(p.read_text(encoding="utf-8")):
            out[(r["mode"], r["group"])] = r
    return out


def cell(r: dict | None, key: str) -> str:
    if r is None:
        return "–"
    v = r.get(key)
    return "–" if v is None or v != v else f"{v:.3f}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--before", type=Path, nargs="+", required=True)
    ap.add_argument("--after", type=Path, nargs="+", required=True)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--note", default="")
    args = ap.parse_args()
    before, after = rows_of(args.before), rows_of(args.after)
    keys = list(dict.fromkeys([*after, *before]))
    head = "| mode | group | when | n | answered | " + " | ".join(name for _, name in COLUMNS) + " |"
    lines = [f"# {args.out.name}: before and after", "", args.note, "", head, "|" + "---|" * (5 + len(COLUMNS))]
    for key in keys:
        for when, rows in (("before", before), ("after", after)):
            r = rows.get(key)
            if r is None:
                continue
            n = f"{r['n']} + {r['n_unanswerable']} unanswerable"
            lines.append(
                f"| {key[0]} | {key[1]} | {when} | {n} | {r.get('n_answered', '–')} | "
                + " | ".join(cell(r, k) for k, _ in COLUMNS)
                + " |"
            )
    args.out.with_suffix(".md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    args.out.with_suffix(".json").write_text(
        json.dumps(
            {"note": args.note, "before": list(before.values()), "after": list(after.values())}, ensure_ascii=False, indent=1
        )
        + "\n",
        encoding="utf-8",
    )
    print("\n".join(lines))


if __name__ == "__main__":
    main()
