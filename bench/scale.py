"""Warm latency, memory and cold start on synthetic corpora of ~1k-100k chunks with synthesized vectors."""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

from bench.latency import warm_latency
from bench.measure import (
    bench_module,
    copy_onnx_export,
    dir_mb,
    env_for,
    onnx_embedder,
    peak_rss_mb,
    questions,
    run_child,
)
from bench.synth import SynthEmbedder, corpus_sentences, embed_sentences, write_corpus


def synthetic_scale(work: Path, quick: bool, n_target: int) -> dict:
    """A corpus of ~n_target chunks built with SynthEmbedder vectors: warm latency, disk, cold `qa ask`."""
    from qa import Assistant, Settings

    base = work / f"scale-{n_target}"
    corpus, index = base / "corpus", base / "index"
    sentences = corpus_sentences()
    copy_onnx_export(work / "default" / "index", index)
    synth = SynthEmbedder(embed_sentences(sentences, onnx_embedder(index)))
    t = time.perf_counter()
    write_corpus(corpus, sentences, max(1, round(n_target / 31)), seed=3)
    write_s = time.perf_counter() - t
    settings = Settings(corpus_dir=corpus, index_dir=index)
    a = Assistant(settings, build_embedder=lambda: synth)
    t = time.perf_counter()
    report = a.build_index(full=True)
    build_s = time.perf_counter() - t
    res = warm_latency(settings, questions(), repeats=1 if quick else 2, plain=True)
    gen_dir = a.generation().path
    files = {p.name: round(p.stat().st_size / report.n_chunks, 1) for p in gen_dir.iterdir() if p.is_file()}
    res |= {
        "corpus_write_s": round(write_s, 2),
        "build_s": round(build_s, 2),
        "build_timings_s": {k: round(v, 3) for k, v in report.timings.items() if isinstance(v, float)},
        "disk_bytes_per_chunk": files,
        "index_mb": round(dir_mb(gen_dir), 1),
        "peak_rss_mb": round(peak_rss_mb(), 1),
    }
    # Cold start at this size (opening a generation verifies its files' hashes).
    env = env_for(corpus, index)
    qa_bin = str(Path(sys.executable).parent / "qa")
    runs = [run_child([qa_bin, "ask", "What is IDex?"], env) for _ in range(2 if quick else 3)]
    res["cold_qa_ask_s"] = round(statistics.median(r.wall_s for r in runs), 3)
    res["cold_qa_ask_peak_rss_mb"] = round(run_child(bench_module("cold_ask", "What is IDex?"), env).peak_mb or 0.0, 1)
    return res
