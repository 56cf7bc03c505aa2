"""Fit the verdict for routed (Chinese) questions: a logistic model over the multilingual cosines.

    python -m scripts.fit_routed_verdict [--work DIR]

Fitting set: dev-zh over man-zh.txt (Chinese, English and unanswerable questions), dev-translated-zh and
the 14 on-topic unanswerable dev questions in Chinese over the review. Reported out of sample on the
unseen vimtutor questions (tests/data/zh/unseen). Prints the coefficients for qa/answer/routed_verdict.py.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
from pathlib import Path

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from qa import Assistant, Settings  # noqa: E402
from qa.answer import chinese_ranking  # noqa: E402
from qa.answer.answers import rank_sentences  # noqa: E402
from qa.answer.routed_verdict import ROUTED_EMBED_SENTENCES, routed_features  # noqa: E402
from qa.answer.verdict_model import load_models  # noqa: E402
from qa.ops.evaluation import load_questions  # noqa: E402
from qa.text import is_cjk  # noqa: E402

PROJECT = Path(__file__).resolve().parent.parent
ZH = PROJECT / "tests" / "data" / "zh"
FIT = [  # (documents, question files)
    ([ZH / "man-zh.txt"], [ZH / "dev-zh.jsonl"]),
    ([PROJECT / "corpus" / "it-and-national-governance-review.txt"],
     [ZH / "dev-translated-zh.jsonl", ZH / "dev-unanswerable-zh.jsonl"]),
]
TEST = [([ZH / "unseen" / "vimtutor-zh.txt"], [ZH / "unseen" / "questions.jsonl"])]


def features(work: Path, sets) -> tuple[np.ndarray, np.ndarray]:
    xs, ys = [], []
    for docs, qfiles in sets:
        corpus = work / f"{docs[0].stem}-corpus"
        if not corpus.exists():
            corpus.mkdir(parents=True)
            for d in docs:
                shutil.copy(d, corpus / d.name)
        assistant = Assistant(Settings(corpus_dir=corpus, index_dir=work / f"{docs[0].stem}-index"))
        for qfile in qfiles:
            for q in load_questions(qfile):
                r = assistant.retrieve(q.question, k=5)
                if not r.routed:
                    continue
                if is_cjk(r.question):  # the candidates Assistant.ask ranks for a Chinese question
                    found = chinese_ranking.rank_sentences(r.question, r.hits, r.embedder, r.qvec, r.matcher,
                                                           r.gen.bm25.idf)
                else:
                    found = rank_sentences(r.question, r.hits, r.embedder, r.qvec, r.matcher,
                                           load_models().full.weights, embed_limit=ROUTED_EMBED_SENTENCES)
                xs.append(routed_features(r.question, r.hits, max((c.cosine for c in found), default=0.0),
                                          r.gen.bm25.idf))
                ys.append(bool(q.answers))
    return np.array(xs), np.array(ys)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, help="folder for the corpora and indexes (default: a temporary one)")
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="qa-routed-"))
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import cross_val_score

    x, y = features(work, FIT)
    # Regularisation and class weighting chosen by 5-fold cross-validated balanced accuracy on the fitting set.
    grid = [(c, w) for c in (0.3, 1.0, 3.0, 10.0, 30.0, 100.0) for w in (None, "balanced")]
    cv = {(c, w): cross_val_score(LogisticRegression(C=c, class_weight=w), x, y, cv=5,
                                  scoring="balanced_accuracy").mean() for c, w in grid}
    for (c, w), score in cv.items():
        print(f"C={c:g} class_weight={w}: cross-validated balanced accuracy {score:.3f}")
    c, w = max(cv, key=cv.get)
    model = LogisticRegression(C=c, class_weight=w).fit(x, y)
    print(f"chosen: C={c:g} class_weight={w}")
    coef, intercept = model.coef_[0], model.intercept_[0]
    print(f"fitted on {len(y)} routed questions ({int(y.sum())} answerable, {int((~y).sum())} unanswerable)")
    print(f"ROUTED_COEF = ({', '.join(f'{c:.3f}' for c in coef)})\nROUTED_INTERCEPT = {intercept:.3f}")
    for name, (xx, yy) in (("fitting set", (x, y)), ("unseen (vimtutor)", features(work, TEST))):
        p = model.predict_proba(xx)[:, 1] >= 0.5
        print(f"{name}: answered on {p[yy].mean():.3f} of {yy.sum()} answerable, "
              f"not answered on {(~p[~yy]).mean():.3f} of {(~yy).sum()} unanswerable")


if __name__ == "__main__":
    main()
