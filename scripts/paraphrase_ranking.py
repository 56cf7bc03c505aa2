"""Ranking for paraphrased questions: what the answers issue proposed, measured on the English development sets.

    python -m scripts.paraphrase_ranking --corpus DIR --index DIR

Over the English sets (the review's dev.jsonl and the gnuplot, octave, flex, knot-dns and debian-policy sets,
answerable questions only), with every document indexed together, it compares the shipped hybrid ranking with:
pseudo-relevance feedback (the words the top passages share, by BM25 IDF, added to the text BM25 reads),
expansion of each question word by its nearest corpus word through the vocabulary's stored vectors, and a bonus
for passages whose section title holds the question's words (the section title as its own field). Nothing is
fitted, so every figure is out of sample. Writes results/paraphrase-ranking.{md,json}.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
from collections import Counter
from pathlib import Path
from typing import Callable

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from qa import Assistant, Settings  # noqa: E402
from qa.index import bm25  # noqa: E402
from qa.ops.evaluation import contains_answer, load_questions  # noqa: E402
from qa.retrieve.hits import Hit  # noqa: E402
from qa.retrieve.query import Query  # noqa: E402
from qa.retrieve.search import search  # noqa: E402
from qa.text import content_terms  # noqa: E402

PROJECT = Path(__file__).resolve().parent.parent
SHARED = PROJECT.parent / "shared" / "eval"
SETS = [SHARED / f"{n}.jsonl" for n in ("dev", "gnuplot", "octave", "flex", "knot-dns", "debian-policy")]
DEPTH = 30  # passages ranked, so a re-ranking can lift one from below the top 10


class Experiment:
    """The hits of every question under the shipped ranking and each variant."""

    def __init__(self, assistant: Assistant):
        self.a = assistant
        self.gen = assistant.generation()
        self.embedder = assistant.query_embedder(self.gen)

    def hits(self, query: Query, qvec: np.ndarray, lexical: str | None = None) -> list[Hit]:
        q = query if lexical is None else dataclasses.replace(query, lexical=lexical)
        return search(self.gen, self.embedder, q, self.a.settings, qvec=qvec)

    def feedback(self, query: Query, hits: list[Hit], depth: int, n: int) -> list[str]:
        """Words at least two of the top `depth` passages hold and the question does not, best IDF x count first."""
        asked = set(bm25.terms(query.text))
        count: Counter[str] = Counter()
        for h in hits[:depth]:
            count.update(set(bm25.terms(h.text)))
        words = [w for w in count if w not in asked and count[w] >= 2]
        if not words:
            return []
        weight = dict(
            zip(words, (count[w] * float(i) for w, i in zip(words, self.gen.bm25.idf(words), strict=True)), strict=True)
        )
        return sorted(words, key=lambda w: (-weight[w], w))[:n]

    def neighbours(self, query: Query, threshold: float, vocab: list[str], matrix: np.ndarray) -> list[str]:
        """Each question word's nearest other corpus word when its cosine reaches threshold."""
        asked = sorted(content_terms(query.text))
        if not asked:
            return []
        vecs = self.embedder.embed(asked)
        sims = vecs @ matrix.T
        out = []
        for i, w in enumerate(asked):
            for j in np.argsort(-sims[i])[:2]:
                if vocab[j] != w and vocab[j] not in asked and sims[i, j] >= threshold:
                    out.append(vocab[j])
                    break
        return out


def vocabulary(index: Path) -> list[str]:
    """The index's words in the row order of words.npy (read from its chunks.sqlite)."""
    import sqlite3

    current = json.loads((index / "CURRENT").read_text())["current"]
    with sqlite3.connect(index / current / "chunks.sqlite") as db:
        rows = db.execute("SELECT word, row FROM words").fetchall()
    out = [""] * len(rows)
    for w, i in rows:
        out[i] = w
    return out


def title_bonus(query: Query, hits: list[Hit], weight: float) -> list[Hit]:
    """The hits re-ranked with a bonus for the share of question words their section title holds."""
    asked = content_terms(query.text)

    def score(h: Hit) -> float:
        held = content_terms(h.citation.section or "")
        return h.score + weight * len(asked & held) / max(len(asked), 1)

    return sorted(hits, key=lambda h: -score(h))


def measure(rank: Callable[[Query, np.ndarray], list[Hit]], questions: list, exp: Experiment) -> dict:
    r1, r5, mrr = [], [], []
    for q in questions:
        query = exp.a.query(q.question, exp.gen, DEPTH, "hybrid", None)
        qvec = exp.embedder.embed([query.text])[0]
        hits = rank(query, qvec)
        first = next((i for i, h in enumerate(hits) if contains_answer(h.text, q.answers)), None)
        r1.append(first == 0)
        r5.append(first is not None and first < 5)
        mrr.append(1 / (first + 1) if first is not None and first < 10 else 0.0)
    return {"n": len(questions), "r1": float(np.mean(r1)), "r5": float(np.mean(r5)), "mrr10": float(np.mean(mrr))}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, required=True)
    ap.add_argument("--index", type=Path, required=True)
    args = ap.parse_args()
    exp = Experiment(Assistant(Settings(corpus_dir=args.corpus, index_dir=args.index)))
    questions = [q for p in SETS for q in load_questions(p) if q.answers]
    vocab = vocabulary(args.index)
    matrix = np.asarray(exp.gen.words, np.float32)

    def shipped(query: Query, qvec: np.ndarray) -> list[Hit]:
        return exp.hits(query, qvec)

    def prf(depth: int, n: int) -> Callable[[Query, np.ndarray], list[Hit]]:
        def rank(query: Query, qvec: np.ndarray) -> list[Hit]:
            extra = exp.feedback(query, exp.hits(query, qvec), depth, n)
            return exp.hits(query, qvec, f"{query.lexical} {' '.join(extra)}") if extra else exp.hits(query, qvec)

        return rank

    def expand(threshold: float) -> Callable[[Query, np.ndarray], list[Hit]]:
        def rank(query: Query, qvec: np.ndarray) -> list[Hit]:
            extra = exp.neighbours(query, threshold, vocab, matrix)
            return exp.hits(query, qvec, f"{query.lexical} {' '.join(extra)}") if extra else exp.hits(query, qvec)

        return rank

    def titles(weight: float) -> Callable[[Query, np.ndarray], list[Hit]]:
        return lambda query, qvec: title_bonus(query, exp.hits(query, qvec), weight)

    variants = {
        "shipped hybrid": shipped,
        "feedback: 5 words of the top 3": prf(3, 5),
        "feedback: 10 words of the top 3": prf(3, 10),
        "feedback: 5 words of the top 5": prf(5, 5),
        "word vectors: nearest word at cosine >= 0.8": expand(0.8),
        "word vectors: nearest word at cosine >= 0.7": expand(0.7),
        "section title bonus 0.1": titles(0.1),
        "section title bonus 0.2": titles(0.2),
    }
    results = {name: measure(rank, questions, exp) for name, rank in variants.items()}
    command = f"python -m scripts.paraphrase_ranking --corpus {args.corpus} --index {args.index}"
    (PROJECT / "results/paraphrase-ranking.json").write_text(
        json.dumps({"command": command, "sets": [p.stem for p in SETS], "results": results}, indent=1) + "\n", encoding="utf-8"
    )
    md = [
        "# Ranking for paraphrased questions (English development sets)",
        "",
        f"`{command}`",
        "",
        f"{len(questions)} answerable English questions ({', '.join(p.stem for p in SETS)}), every document "
        "indexed together. Nothing here is fitted: each variant is a fixed rule, so the figures are out of sample.",
        "",
        "| ranking | R@1 | R@5 | MRR@10 |",
        "|---|---|---|---|",
    ]
    md += [f"| {name} | {r['r1']:.3f} | {r['r5']:.3f} | {r['mrr10']:.3f} |" for name, r in results.items()]
    (PROJECT / "results/paraphrase-ranking.md").write_text("\n".join(md) + "\n", encoding="utf-8")
    print("\n".join(md))


if __name__ == "__main__":
    main()
