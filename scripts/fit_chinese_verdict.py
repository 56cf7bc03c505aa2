"""Fit the Chinese verdict (qa.answer.chinese_verdict) and its answer-kind sentence preference, out of fold.

    python -m scripts.fit_chinese_verdict --corpus DIR --index DIR [--sets A.jsonl B.jsonl ...]

The corpus folder must hold the documents the sets ask about (default sets: dev-zh, dev-translated-zh and
dev-unanswerable-zh of tests/data/zh, and debian-edu-zh, linuxcnc-zh and cross-lingual of ../shared/eval).
Every question routed to the Chinese answerers (a Chinese question, or an English one over Chinese
passages) is a sample. Five folds (scripts/fitting.py fold_of): each fold picks the sentence preference weight (the one
giving most right first sentences on its training questions) and fits a balanced logistic model on them;
its held-out questions are judged by it (scripts/fitting.py fit_logistic). Writes qa/answer/fitted/chinese_verdict.json (the full model,
the fold models with their held-out questions, the data sets with their sha256 and the out-of-fold
figures) and results/chinese-verdict.{md,json}.
"""

from __future__ import annotations

import argparse
import json
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from qa import Assistant, Settings  # noqa: E402
from qa.answer import chinese_verdict, routes  # noqa: E402
from qa.answer.answerer import Question, VerdictModels  # noqa: E402
from qa.answer.chinese import evidence, prefer_kind  # noqa: E402
from qa.answer.verdict_model import SentenceWeights, VerdictModel, load_models  # noqa: E402
from qa.ops.evaluation import contains_answer, load_questions  # noqa: E402
from qa.retrieve.chinese_shape import chinese_shape  # noqa: E402
from scripts.fitting import data_files, fit_logistic, fold_of  # noqa: E402

PROJECT = Path(__file__).resolve().parent.parent
SHARED = PROJECT.parent / "shared" / "eval"
SETS = [
    PROJECT / "tests/data/zh/dev-zh.jsonl",
    PROJECT / "tests/data/zh/dev-translated-zh.jsonl",
    PROJECT / "tests/data/zh/dev-unanswerable-zh.jsonl",
    SHARED / "debian-edu-zh.jsonl",
    SHARED / "linuxcnc-zh.jsonl",
    SHARED / "cross-lingual.jsonl",
]
FIT_WEIGHTS = (0.0, 0.05, 0.1, 0.2, 0.3, 0.5)
FOLDS = 5
L2 = 1.0


@dataclass
class Sample:
    set: str
    question: str
    answerable: bool
    x: dict  # fit weight -> feature vector
    right: dict  # fit weight -> first sentence holds an answer


def samples(assistant: Assistant, sets: list[Path]) -> list[Sample]:
    out = []
    model = load_models().full
    for path in sets:
        for q in load_questions(path):
            r = assistant.retrieve(q.question, k=10)
            if r.route == "english":
                continue
            rq = Question(r.query, r.hits, r.embedder, r.qvec, r.matcher, r.idf, r.gen.bm25.idf)
            base = routes.ROUTES[r.route].rank(rq, VerdictModels(model, VerdictModel()))
            shape = chinese_shape(r.question) if r.route == "chinese" else r.query.shape
            xs, right = {}, {}
            for w in FIT_WEIGHTS:
                found = prefer_kind(base, shape, w)
                got = evidence(rq, shape, found)
                xs[w] = got[1] if got else (0.0,) * len(chinese_verdict.FEATURES)
                right[w] = bool(found) and contains_answer(found[0].text, q.answers)
            out.append(Sample(path.stem, q.question, bool(q.answers), xs, right))
    return out


def pick_weight(train: list[Sample]) -> float:
    answerable = [s for s in train if s.answerable]
    return max(FIT_WEIGHTS, key=lambda w: (sum(s.right[w] for s in answerable), -w))


def fit(train: list[Sample]) -> VerdictModel:
    w = pick_weight(train)
    x = np.array([s.x[w] for s in train])
    y = np.array([float(s.answerable) for s in train])
    coef, intercept = fit_logistic(x, y, l2=L2, balanced=True)
    return VerdictModel(SentenceWeights(fit=w), tuple(round(float(c), 4) for c in coef), round(intercept, 4), 0.5)


def figures(pairs: list[tuple[Sample, VerdictModel]]) -> dict:
    """Per set: first sentence and answered (answerable), not answered (unanswerable), by the given models."""
    out = {}
    for name in dict.fromkeys(s.set for s, _ in pairs):
        mine = [(s, m) for s, m in pairs if s.set == name]
        ans = [(s, m) for s, m in mine if s.answerable]
        un = [(s, m) for s, m in mine if not s.answerable]
        said = [(s, m.probability(s.x[m.weights.fit]) >= m.threshold) for s, m in mine]
        out[name] = {
            "answerable": len(ans),
            "unanswerable": len(un),
            "first_sentence": round(sum(s.right[m.weights.fit] for s, m in ans) / max(len(ans), 1), 3),
            "answered": round(sum(ok for s, ok in said if s.answerable) / max(len(ans), 1), 3),
            "not_answered_unanswerable": (round(sum(not ok for s, ok in said if not s.answerable) / len(un), 3) if un else None),
        }
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, required=True)
    ap.add_argument("--index", type=Path, required=True)
    ap.add_argument("--sets", type=Path, nargs="*", default=SETS)
    ap.add_argument("--out", type=Path, default=chinese_verdict.MODEL_FILE)
    ap.add_argument("--note", default="", help="how the documents were extracted, recorded with the fit")
    args = ap.parse_args()
    found = samples(Assistant(Settings(corpus_dir=args.corpus, index_dir=args.index)), args.sets)
    folds, pairs = [], []
    for k in range(FOLDS):
        held = [s for s in found if fold_of(s.question, FOLDS) == k]
        model = fit([s for s in found if fold_of(s.question, FOLDS) != k])
        folds.append({**model.to_dict(), "held_out": [s.question for s in held]})
        pairs += [(s, model) for s in held]
    full = fit(found)
    oof = figures(pairs)
    base = figures([(s, VerdictModel(SentenceWeights(fit=0.0), full.coef, full.intercept, 0.5)) for s in found])
    record = {
        "script": "scripts/fit_chinese_verdict.py",
        "features": list(chinese_verdict.FEATURES),
        "data": data_files(args.sets, PROJECT),
        "documents": args.note,
        "samples": len(found),
        "l2": L2,
        "fit_weights": list(FIT_WEIGHTS),
        "full": full.to_dict(),
        "out_of_fold": oof,
        "folds": folds,
    }
    args.out.write_text(json.dumps(record, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    lines = [
        "# Chinese verdict: out-of-fold figures",
        "",
        f"`python -m scripts.fit_chinese_verdict --corpus {args.corpus} --index {args.index}`; "
        f"{len(found)} routed questions, {FOLDS} folds (by question text, scripts/fitting.py); each fold picks the answer-kind sentence "
        f"weight and fits the logistic model on its training questions. Full model: sentence weight "
        f"{full.weights.fit}, coefficients {dict(zip(chinese_verdict.FEATURES, full.coef, strict=True))}, "
        f"intercept {full.intercept}.",
        "",
        "| set | answerable | unanswerable | first sentence (no kind preference, in sample) "
        "| first sentence | answered | unanswerable not answered |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, f in oof.items():
        lines.append(
            f"| {name} | {f['answerable']} | {f['unanswerable']} | {base[name]['first_sentence']:.3f} "
            f"| {f['first_sentence']:.3f} | {f['answered']:.3f} | "
            f"{'—' if f['not_answered_unanswerable'] is None else format(f['not_answered_unanswerable'], '.3f')} |"
        )
    results = PROJECT / "results"
    (results / "chinese-verdict.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (results / "chinese-verdict.json").write_text(
        json.dumps({"out_of_fold": oof, "no_preference": base}, indent=1) + "\n", encoding="utf-8"
    )
    print("\n".join(lines))


if __name__ == "__main__":
    main()
