"""The Chinese and cross-language development sets over ../shared/docs, hybrid mode: results/eval-zh-docs.{md,json}.

    python -m scripts.eval_zh_docs --corpus DIR --index DIR

The corpus folder holds the documents the sets ask about and the review. Verdicts are out of fold: each
question the Chinese verdict was fitted on is judged by the fold model that left it out.
"""

from __future__ import annotations

import argparse
import json
import os
from dataclasses import asdict
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from qa import Assistant, Settings  # noqa: E402
from qa.ops.evaluation import evaluate, load_questions  # noqa: E402

PROJECT = Path(__file__).resolve().parent.parent
SHARED = PROJECT.parent / "shared" / "eval"
SETS = [
    SHARED / "debian-edu-zh.jsonl",
    SHARED / "linuxcnc-zh.jsonl",
    SHARED / "cross-lingual.jsonl",
    PROJECT / "tests/data/zh/dev-translated-zh.jsonl",
]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, required=True)
    ap.add_argument("--index", type=Path, required=True)
    ap.add_argument("--note", default="", help="a line on how the documents were extracted")
    args = ap.parse_args()
    a = Assistant(Settings(corpus_dir=args.corpus, index_dir=args.index))
    out, lines = (
        [],
        [
            "# Chinese and cross-language sets over the development documents",
            "",
            f"`python -m scripts.eval_zh_docs --corpus {args.corpus} --index {args.index}`; hybrid, k=10; "
            "verdicts out of fold. " + args.note,
            "",
            "| set | group | n | R@5 | MRR@10 | 1st sentence | answered | unanswerable not answered | median ms |",
            "|---|---|---|---|---|---|---|---|---|",
        ],
    )
    for path in SETS:
        rows = evaluate(a, load_questions(path), modes=("hybrid",), by_language=True)
        for r in rows:
            out.append({"set": path.stem, **asdict(r)})
            un = f"{r.not_answered_unanswerable:.3f} (n={r.n_unanswerable})" if r.n_unanswerable else "—"
            lines.append(
                f"| {path.stem} | {r.group} | {r.n} | {r.recall_at_5:.3f} | {r.mrr_at_10:.3f} "
                f"| {r.first_sentence:.3f} | {r.answered_answerable:.3f} | {un} | {r.median_ms:.0f} |"
            )
        print(lines[-1], flush=True)
    (PROJECT / "results" / "eval-zh-docs.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (PROJECT / "results" / "eval-zh-docs.json").write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
