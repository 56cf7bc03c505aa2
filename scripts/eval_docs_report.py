"""results/eval-docs.{md,json}: `qa eval` per development set over the shared manuals, before and after.

Usage: python scripts/eval_docs_report.py --corpus DIR --before DIR --after DIR [--out results/eval-docs]
Each of --before/--after holds `<set>.json` files written by `qa eval <set>.jsonl --json`, and --before may hold
`hits.json` (scripts/dump_hits.py) for the columns the older `qa eval` did not have: contents/index hits in the
top 10 and section = outline entry, computed here from the PDFs in --corpus (qa/ops/pdf_truth.py).
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path
from types import SimpleNamespace

from qa.ops.evaluation import load_questions, navigation_hits, section_scores
from qa.ops.pdf_truth import truths

SETS = ("gnuplot", "octave", "debian-edu-zh", "linuxcnc-zh", "cross-lingual")
EVAL = Path(__file__).resolve().parent.parent.parent / "shared" / "eval"


def _hits(dumped: list[dict]) -> list:
    return [
        SimpleNamespace(text=h["text"], citation=SimpleNamespace(source=h["source"], section=h["section"], page=h["page"]))
        for h in dumped
    ]


def _from_dump(rows: list[dict], dump: dict, set_name: str, truth) -> list[dict]:
    questions = load_questions(EVAL / f"{set_name}.jsonl")
    lists = [_hits(dump.get(q.id, [])) for q in questions]
    nav = navigation_hits(lists, truth)
    sec = section_scores([(q, h) for q, h in zip(questions, lists, strict=True) if q.answers], truth)
    for r in rows:
        if r["mode"] == "hybrid" and "navigation_hits" not in r:
            r.update(navigation_hits=nav, **sec)
    return rows


def _fmt(x) -> str:
    return "–" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.3f}" if isinstance(x, float) else str(x)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--before", required=True)
    ap.add_argument("--after", required=True)
    ap.add_argument("--out", default="results/eval-docs")
    args = ap.parse_args()
    names = {q.doc for s in SETS for q in load_questions(EVAL / f"{s}.jsonl") if q.doc}
    truth = truths(Path(args.corpus), names)
    out: dict = {}
    for when, folder in (("before", Path(args.before)), ("after", Path(args.after))):
        dump_file = folder / "hits.json"
        dump = json.loads(dump_file.read_text()) if dump_file.exists() else {}
        for s in SETS:
            f = folder / f"{s}.json"
            if f.exists() and f.stat().st_size:
                out.setdefault(s, {})[when] = _from_dump(json.loads(f.read_text()), dump, s, truth)
    Path(args.out + ".json").write_text(json.dumps(out, indent=1) + "\n")
    head = (
        "| set | when | mode | n | R@1 | R@5 | MRR@10 | 1st sentence | answered (answerable) "
        "| not answered (unanswerable) | contents/index hits in top 10 | section = outline entry |"
    )
    lines = [head, "|" + "---|" * 12]
    for s, by_when in out.items():
        for when in ("before", "after"):
            for r in by_when.get(when, []):
                if r["mode"] != "hybrid":
                    continue
                lines.append(
                    f"| {s} | {when} | {r['mode']} | {r['n']} | {_fmt(r['recall_at_1'])} | {_fmt(r['recall_at_5'])} "
                    f"| {_fmt(r['mrr_at_10'])} | {_fmt(r['first_sentence'])} | {_fmt(r['answered_answerable'])} "
                    f"| {_fmt(r['not_answered_unanswerable'])} (n={r['n_unanswerable']}) "
                    f"| {_fmt(r.get('navigation_hits'))} | {_fmt(r.get('section_match'))} "
                    f"(n={r.get('n_section', 0)}) |"
                )
    Path(args.out + ".md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
