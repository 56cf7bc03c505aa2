"""R@5 / MRR@10 of the shared manuals' sets at several hybrid dense weights (qa.retrieve.fusion.Fusion), side by side.

    python -m scripts.sweep_fusion --corpus DIR --index DIR [--weights 0.2 0.3 0.45 0.6 0.75]

The corpus folder must hold the review and ../shared/docs indexed together. Writes results/fusion-sweep.{md,json}.
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from qa import Assistant, Settings  # noqa: E402
from qa.ops.evaluation import contains_answer, load_questions  # noqa: E402
from qa.retrieve.fusion import Fusion  # noqa: E402
from qa.retrieve.search import search  # noqa: E402

PROJECT = Path(__file__).resolve().parent.parent
SETS = (
    "gnuplot",
    "octave",
    "flex",
    "knot-dns",
    "debian-policy",
    "debian-edu-zh",
    "linuxcnc-zh",
    "install-guide-zh",
    "cross-lingual",
)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, required=True)
    ap.add_argument("--index", type=Path, required=True)
    ap.add_argument("--weights", type=float, nargs="+", default=[0.2, 0.3, 0.45, 0.6, 0.75])
    args = ap.parse_args()
    a = Assistant(Settings(corpus_dir=args.corpus, index_dir=args.index))
    gen = a.generation(build_if_missing=False)
    embedder = a.query_embedder(gen)
    questions = {s: [q for q in load_questions(PROJECT.parent / "shared/eval" / f"{s}.jsonl") if q.answers] for s in SETS}
    rows = []
    for w in args.weights:
        for s, qs in questions.items():
            ranks = []
            for q in qs:
                hits = search(gen, embedder, a.query(q.question, gen, 10), a.settings, Fusion(dense_weight=w))
                ranks.append(next((h.rank for h in hits if contains_answer(h.text, q.answers)), None))
            rows.append(
                {
                    "weight": w,
                    "set": s,
                    "n": len(qs),
                    "r5": sum(r is not None and r <= 5 for r in ranks) / len(qs),
                    "mrr": sum(1 / r for r in ranks if r) / len(qs),
                }
            )
    md = [
        "# Hybrid dense weight, per set (R@5 / MRR@10)",
        "",
        f"`python -m scripts.sweep_fusion --corpus {args.corpus} --index {args.index}` (the review and all of "
        "../shared/docs indexed together; the shipped weight is 0.45)",
        "",
        "| weight | " + " | ".join(SETS) + " |",
        "|---|" + "---|" * len(SETS),
    ]
    for w in args.weights:
        cells = [next(f"{r['r5']:.2f} / {r['mrr']:.2f}" for r in rows if r["weight"] == w and r["set"] == s) for s in SETS]
        md.append(f"| {w} | " + " | ".join(cells) + " |")
    (PROJECT / "results/fusion-sweep.md").write_text("\n".join(md) + "\n", encoding="utf-8")
    (PROJECT / "results/fusion-sweep.json").write_text(json.dumps(rows, indent=1) + "\n", encoding="utf-8")
    print("\n".join(md))


if __name__ == "__main__":
    main()
