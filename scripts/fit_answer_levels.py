"""Fit the answer levels (qa.answer.levels): which sentence is the answer, and how sure, out of fold by document.

    python -m scripts.fit_answer_levels --corpus DIR --index DIR [--sets A.jsonl ...] [--data FILE]

The corpus folder must hold every document the sets ask about (default: every development set of
../shared/eval and tests/data/zh, over the review, man-zh.txt and ../shared/docs indexed together). Each
question is asked as the product asks it (Assistant.retrieve, then its route's candidate sentences from the
top passages); each candidate sentence is a sample of the sentence model (does it hold an answer?), each
question one of the confidence model (does the sentence shown first hold an answer?).

Folds by document: a question's group is the document it is about (an HTML folder counts as one document,
the review's sets as one), and the fold model of a group is fitted on the other groups only. Its confidence
model is fitted on confidences that are themselves out of fold (inner folds over the training groups), and
its threshold is the lowest that keeps the answers of its training questions at PRECISION or better.
Writes qa/answer/fitted/answer_levels.json (the full model, the fold models with their held-out
questions, the data sets with their sha256) and results/answer-levels.{md,json} (out-of-fold figures per
set and per language, and the calibration table).
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
from qa.answer import levels  # noqa: E402
from qa.answer.levels import CONFIDENCE_FEATURES, FEATURES, LevelModel  # noqa: E402
from qa.answer.reply import candidates  # noqa: E402
from qa.ingest.tables import with_header  # noqa: E402
from qa.ops.evaluation import contains_answer, load_questions  # noqa: E402
from scripts.fitting import data_files, fit_logistic, fold_of  # noqa: E402

PROJECT = Path(__file__).resolve().parent.parent
SHARED = PROJECT.parent / "shared" / "eval"
SETS = [
    SHARED / f"{n}.jsonl"
    for n in (
        "dev",
        "dev-unanswerable",
        "dev-translated-zh",
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
] + [PROJECT / "tests/data/zh/dev-zh.jsonl", PROJECT / "tests/data/zh/dev-unanswerable-zh.jsonl"]
PRECISION = 0.90  # the answers kept must be right at least this often on the questions fitted on (the bar)
L2 = 1.0
COL = {name: i for i, name in enumerate(FEATURES)}


@dataclass
class Sample:
    """One question: its candidates' features and labels, and what its reply needs besides."""

    set: str
    id: str
    group: str
    question: str
    answerable: bool
    chinese: bool
    x: np.ndarray  # candidates x FEATURES, in the route's order
    y: np.ndarray  # candidate holds an answer
    same: np.ndarray  # candidate in the question's language
    weak: np.ndarray  # candidate's passage is a weak match
    verdict: str  # the route's verdict (tells "partial" from "not_found")


def group_of(set_name: str, doc: str | None) -> str:
    """The document a question is about: its file, or its HTML folder; the review's and man-zh's sets as one each."""
    if not doc:
        return "man-zh" if set_name in ("dev-zh", "dev-unanswerable-zh") else "review"
    return doc.split("/")[0]


def samples(assistant: Assistant, sets: list[Path], cache: Path | None = None) -> list[Sample]:
    """Every question's candidates as the product finds them (read from cache when it is given and exists)."""
    if cache is not None and cache.exists():
        return [
            Sample(
                **{
                    **d,
                    **{
                        k: np.asarray(d[k], bool if k != "x" else float).reshape(-1, len(FEATURES))
                        if k == "x"
                        else np.asarray(d[k], bool)
                        for k in ("x", "y", "same", "weak")
                    },
                }
            )
            for d in json.loads(cache.read_text(encoding="utf-8"))
        ]
    out = []
    for path in sets:
        for q in load_questions(path):
            r = assistant.retrieve(q.question, k=10)
            found, verdict = candidates(r)
            x = levels.features(r.query, found)
            y = np.array([contains_answer(with_header(c.hit.text, c.start, c.end), q.answers) for c in found], bool)
            out.append(
                Sample(
                    path.stem,
                    q.id,
                    group_of(path.stem, q.doc),
                    q.question,
                    bool(q.answers),
                    r.query.chinese,
                    x,
                    y,
                    np.array([levels.same_language(r.query, c.text) for c in found]),
                    np.array([c.hit.match == levels.WEAK for c in found]),
                    verdict.label,
                )
            )
    if cache is not None:
        cache.write_text(
            json.dumps(
                [{**s.__dict__, **{k: getattr(s, k).tolist() for k in ("x", "y", "same", "weak")}} for s in out],
                ensure_ascii=False,
            ),
            encoding="utf-8",
        )
    return out


def fit_sentences(data: list[Sample]) -> tuple[np.ndarray, float]:
    rows = [s for s in data if len(s.x)]
    if not rows:
        return np.zeros(len(FEATURES)), 0.0
    return fit_logistic(np.vstack([s.x for s in rows]), np.concatenate([s.y for s in rows]).astype(float), L2, balanced=False)


def top_of(s: Sample, coef: np.ndarray, intercept: float) -> tuple[int, list[float]] | None:
    """The candidate the product shows first under these weights (qa.answer.levels.choose), and its confidence
    features."""
    if not len(s.x):
        return None
    z = s.x @ coef + intercept
    order = levels.shown_order(z, s.same)
    top = order[0]
    second = max((z[i] for i in order[1:]), default=z[top] - 5.0)
    x = s.x[top]
    return top, [
        float(z[top]),
        float(z[top] - second),
        float(x[COL["relevance"]]),
        float(x[COL["passage_unmatched"]]),
        float(s.chinese),
    ]


def confidence_rows(data: list[Sample], coef: np.ndarray, intercept: float) -> tuple[np.ndarray, np.ndarray]:
    """(confidence features, shown sentence right) of each question with candidates."""
    xs, ys = [], []
    for s in data:
        got = top_of(s, coef, intercept)
        if got is None:
            continue
        top, z = got
        xs.append(z)
        ys.append(float(s.answerable and s.y[top]))
    return np.asarray(xs).reshape(-1, len(CONFIDENCE_FEATURES)), np.asarray(ys)


def inner_oof(data: list[Sample]) -> tuple[np.ndarray, np.ndarray]:
    """Confidence features of the training questions, each from a sentence model that did not see its group."""
    xs, ys = [], []
    for g in sorted({s.group for s in data}):
        coef, b = fit_sentences([s for s in data if s.group != g])
        x, y = confidence_rows([s for s in data if s.group == g], coef, b)
        xs.append(x)
        ys.append(y)
    return np.vstack(xs), np.concatenate(ys)


def threshold_for(conf: np.ndarray, right: np.ndarray, precision: float = PRECISION) -> float:
    """The lowest confidence whose answers (confidence at or above it) are right at least `precision` of the time."""
    for t in np.unique(np.round(conf, 3)):
        kept = conf >= t
        if kept.any() and right[kept].mean() >= precision:
            return float(t)
    return 1.0


def fit_model(data: list[Sample]) -> LevelModel:
    coef, b = fit_sentences(data)
    x, y = inner_oof(data)
    ccoef, cb = fit_logistic(x, y, L2, balanced=False)
    model = LevelModel(tuple(coef.tolist()), b, tuple(ccoef.tolist()), cb, 0.5)
    conf = np.array([model.confidence(row) for row in x])
    return LevelModel(model.coef, b, model.conf_coef, cb, threshold_for(conf, y))


def reply(s: Sample, model: LevelModel, weak_rule: bool = True) -> tuple[str, float, bool]:
    """(level, confidence, shown sentence right) of a question under a model, as the product decides it."""
    got = top_of(s, np.asarray(model.coef), model.intercept)
    if got is None:
        return ("not_found" if s.verdict == "not_found" else "partial"), 0.0, False
    top, z = got
    conf = round(model.confidence(z), 3)
    answered = conf >= model.threshold and not (weak_rule and s.weak[top])
    label = "answered" if answered else ("not_found" if s.verdict == "not_found" else "partial")
    return label, conf, bool(s.answerable and s.y[top])


def figures(rows: list[tuple[Sample, str, float, bool]]) -> dict:
    answered = [r for r in rows if r[1] == "answered"]
    answerable = [r for r in rows if r[0].answerable]
    unanswerable = [r for r in rows if not r[0].answerable]
    nan = float("nan")
    return {
        "n": len(rows),
        "n_answerable": len(answerable),
        "n_answered": len(answered),
        "answer_precision": sum(r[3] for r in answered) / len(answered) if answered else nan,
        "coverage": sum(r[3] and r[1] == "answered" for r in answerable) / len(answerable) if answerable else nan,
        "unanswerable_answered": (sum(r[1] == "answered" for r in unanswerable) / len(unanswerable) if unanswerable else nan),
        "first_sentence": sum(r[3] for r in answerable) / len(answerable) if answerable else nan,
        "candidate_recall": (sum(bool(r[0].y.any()) for r in answerable) / len(answerable)) if answerable else nan,
    }


def calibration(rows: list[tuple[Sample, str, float, bool]]) -> list[dict]:
    out = []
    for lo, hi in ((0, 0.3), (0.3, 0.5), (0.5, 0.7), (0.7, 0.8), (0.8, 0.9), (0.9, 1.01)):
        inside = [r for r in rows if lo <= r[2] < hi]
        out.append(
            {
                "confidence": f"{lo:.1f}–{min(hi, 1):.1f}",
                "n": len(inside),
                "right": sum(r[3] for r in inside) / len(inside) if inside else float("nan"),
                "mean_confidence": sum(r[2] for r in inside) / len(inside) if inside else float("nan"),
            }
        )
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, required=True)
    ap.add_argument("--index", type=Path, required=True)
    ap.add_argument("--sets", type=Path, nargs="*", default=SETS)
    ap.add_argument("--out", type=Path, default=PROJECT / "qa/answer/fitted/answer_levels.json")
    ap.add_argument("--data", type=Path, help="keep the questions' candidates in this JSON file, and read them from it")
    args = ap.parse_args()
    assistant = Assistant(Settings(corpus_dir=args.corpus, index_dir=args.index))
    data = samples(assistant, args.sets, args.data)
    if len({s.group for s in data}) < 3:  # one document: folds of its questions instead (never the same question twice)
        for s in data:
            s.group = f"fold{fold_of(s.question, 5)}"
    groups = sorted({s.group for s in data})
    folds, rows, unruled = [], [], []
    for g in groups:
        model = fit_model([s for s in data if s.group != g])
        held = [s for s in data if s.group == g]
        folds.append({**model.to_dict(), "group": g, "held_out": sorted({s.question for s in held})})
        rows += [(s, *reply(s, model)) for s in held]
        unruled += [(s, *reply(s, model, weak_rule=False)) for s in held]
    full = fit_model(data)
    write_model(args.out, full, folds, args.sets)
    write_results(rows, full, args, unruled, assistant.generation().manifest.n_chunks)


def write_model(out: Path, full: LevelModel, folds: list[dict], sets: list[Path]) -> None:
    out.write_text(
        json.dumps(
            {
                "features": list(FEATURES),
                "confidence_features": list(CONFIDENCE_FEATURES),
                "precision_target": PRECISION,
                "full": full.to_dict(),
                "folds": folds,
                "data": data_files(sets, PROJECT),
            },
            ensure_ascii=False,
            indent=1,
        )
        + "\n",
        encoding="utf-8",
    )


def write_results(rows, full: LevelModel, args, unruled, passages: int) -> None:
    by_set = {name: figures([r for r in rows if r[0].set == name]) for name in dict.fromkeys(r[0].set for r in rows)}
    by_language = {
        "english": figures([r for r in rows if not r[0].chinese]),
        "chinese": figures([r for r in rows if r[0].chinese]),
        "all": figures(rows),
    }
    result = {
        "command": f"python -m scripts.fit_answer_levels --corpus {args.corpus} --index {args.index}",
        "by_set": by_set,
        "by_language": by_language,
        "calibration": calibration(rows),
        "high_confidence_right": figures([r for r in rows if r[2] >= 0.9])["first_sentence"],
        "full_model": full.to_dict(),
        "per_question": [{"set": s.set, "id": s.id, "level": lv, "confidence": c, "right": ok} for s, lv, c, ok in rows],
    }
    (PROJECT / "results/answer-levels.json").write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    head = "| {} | n | answerable | answered | answer precision | coverage | unanswerable given an answer | 1st sentence right | answer among candidates |"
    sep = "|---|---|---|---|---|---|---|---|---|"

    def line(name: str, f: dict) -> str:
        return (
            f"| {name} | {f['n']} | {f['n_answerable']} | {f['n_answered']} | {f['answer_precision']:.3f} "
            f"| {f['coverage']:.3f} | {f['unanswerable_answered']:.3f} | {f['first_sentence']:.3f} "
            f"| {f['candidate_recall']:.3f} |"
        )

    md = [
        "# Answer levels, out of fold by document",
        "",
        f"`{result['command']}`",
        "",
        "The corpus folder holds the review (corpus/), everything in ../shared/docs and tests/data/zh/man-zh.txt, "
        f"indexed together by one `qa index` ({passages:,} passages).",
        "",
        "Every figure is out of fold: each question was judged by the fold model fitted without any question over "
        "its document (qa/answer/fitted/answer_levels.json). Answer precision: of the replies given as an answer, "
        "the share whose first sentence holds an answer; coverage: of the answerable questions, the share given a "
        "right answer.",
        "",
        "## By the question's language",
        "",
        head.format("questions"),
        sep,
    ]
    md += [line(k, v) for k, v in by_language.items()]
    md += ["", "## By set", "", head.format("set"), sep] + [line(k, v) for k, v in by_set.items()]
    md += [
        "",
        "## Calibration (out of fold, every question with a candidate)",
        "",
        "| confidence | n | shown sentence right | mean confidence |",
        "|---|---|---|---|",
    ]
    md += [f"| {c['confidence']} | {c['n']} | {c['right']:.3f} | {c['mean_confidence']:.3f} |" for c in result["calibration"]]
    md += [
        "",
        "## Without the weak-match rule (an answer also from a passage whose relevance is a weak match)",
        "",
        head.format("questions"),
        sep,
    ]
    md += [
        line(k, figures([r for r in unruled if k == "all" or r[0].chinese == (k == "chinese")]))
        for k in ("english", "chinese", "all")
    ]
    md += ["", f"Full model's threshold: {full.threshold:.3f}."]
    (PROJECT / "results/answer-levels.md").write_text("\n".join(md) + "\n", encoding="utf-8")
    print("\n".join(md))


if __name__ == "__main__":
    main()
