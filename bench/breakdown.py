"""Where a warm ask's time goes, each part timed through qa's own calls, and ONNX threads per query."""

from __future__ import annotations

import statistics
import time

from bench.latency import fast_embedder
from bench.measure import summary


def _ms(fn) -> float:
    t = time.perf_counter()
    fn()
    return (time.perf_counter() - t) * 1000


def breakdown(settings, qs: list[str], repeats: int) -> dict:
    """p50/p95 ms of the parts of Assistant.ask, every call with the query embedder's cache cleared.

    embed_question: the ONNX embedder alone; dense_search / bm25_search / search: Assistant.search in
    each mode; retrieve: Assistant.retrieve (hybrid search plus what answering needs); ask: Assistant.ask;
    answer: ask minus retrieve, question by question (answer sentences and the verdict).
    """
    from qa import Assistant

    a = Assistant(settings)
    emb = fast_embedder(a)
    parts: dict[str, list[float]] = {
        k: [] for k in ("embed_question", "dense_search", "bm25_search", "search", "retrieve", "ask", "answer")
    }

    def fresh(fn):
        emb.clear()
        return _ms(fn)

    for _ in range(repeats):
        for q in qs:
            parts["embed_question"].append(fresh(lambda: emb.embed([q])))
            parts["dense_search"].append(fresh(lambda: a.search(q, k=5, mode="dense")))
            parts["bm25_search"].append(fresh(lambda: a.search(q, k=5, mode="bm25")))
            parts["search"].append(fresh(lambda: a.search(q, k=5)))
            parts["retrieve"].append(fresh(lambda: a.retrieve(q, k=5)))
            parts["ask"].append(fresh(lambda: a.ask(q, k=5)))
            parts["answer"].append(parts["ask"][-1] - parts["retrieve"][-1])
    out = {k: summary(v) for k, v in parts.items()}
    out["onnx_threads"] = onnx_threads(a, qs, repeats)
    return out


def onnx_threads(a, qs: list[str], repeats: int) -> dict:
    """ONNX query embedding with 1 and 2 threads, interleaved, on questions and their passages' sentences."""
    from qa.embed.onnx import OnnxEmbedder, onnx_path_for
    from qa.ingest.chunking import sentence_spans

    gen = a.generation()
    path = onnx_path_for(a.root, gen.manifest.model_hash)
    by_threads = {n: OnnxEmbedder(path, threads=n) for n in (1, 2)}
    th: dict[str, list[float]] = {f"{w}_{n}": [] for w in ("question", "sentences") for n in by_threads}
    counts = []
    for _ in range(repeats):
        for q in qs:
            hits = a.search(q, k=5)
            sents = [
                h.text[x:y] for h in hits[:3] for x, y in sentence_spans(h.text, 0, len(h.text)) if len(h.text[x:y].split()) >= 3
            ]
            counts.append(len(sents))
            for n, e in by_threads.items():
                th[f"question_{n}"].append(_ms(lambda: e.embed([q])))
                th[f"sentences_{n}"].append(_ms(lambda: e.embed(sents)))
    return {k: summary(v) for k, v in th.items()} | {"sentences_mean": round(statistics.mean(counts), 1)}
