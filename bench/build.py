"""Build speed: a real build of a synthetic corpus against the bare model's encode of the same texts."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import numpy as np

from bench.measure import bench_module, copy_onnx_export, peak_rss_mb, run_child
from bench.synth import corpus_sentences, write_corpus


def _bare(texts_file: Path, batch_size: int) -> tuple[dict, float | None]:
    child = run_child(bench_module("bare_encode", str(texts_file), "--batch-size", str(batch_size)),
                      dict(os.environ, HF_HUB_OFFLINE="1"))
    if child.code != 0:
        raise RuntimeError(f"bench.bare_encode failed (exit {child.code})")
    return json.loads(child.stdout.strip().splitlines()[-1]), child.peak_mb


def _timed_build(a, **kwargs):
    t = time.perf_counter()
    report = a.build_index(**kwargs)
    return report, time.perf_counter() - t


def build_speed(work: Path, n_target: int = 2000) -> dict:
    """~n_target chunks: full builds, the bare model alternating with them, incremental steps."""
    from qa import Assistant, Settings
    from qa.ingest.chunking import embedding_text

    sentences = corpus_sentences()
    corpus, index = work / "build" / "corpus", work / "build" / "index"
    n_docs = max(2, round(n_target / 31))
    write_corpus(corpus, sentences, n_docs, seed=1)
    copy_onnx_export(work / "default" / "index", index)
    settings = Settings(corpus_dir=corpus, index_dir=index)
    a = Assistant(settings)
    report, build_s = _timed_build(a, full=True)
    gen = a.generation()
    # The same texts the build embeds: each passage with its section heading, then the vocabulary words.
    texts = [embedding_text(c) for c, _ in gen.all_chunks()] + sorted(gen.vocabulary())
    texts_file = work / "build" / "texts.json"
    texts_file.write_text(json.dumps(texts))
    # Builds and bare runs alternate, so drifting load from other programs affects both alike: the bare
    # model after the first build, a second full build in this process (torch imported), the bare model again.
    bare_a, bare_rss = _bare(texts_file, settings.batch_size)
    again, _ = _timed_build(a, full=True)
    bare_b, _ = _bare(texts_file, settings.batch_size)
    write_corpus(corpus, sentences, 1, seed=2, prefix="added")
    add, add_s = _timed_build(a)
    same, same_s = _timed_build(a)
    bare = {k: (bare_a[k] + bare_b[k]) / 2 for k in bare_a}
    encode_s, load_s = bare["encode"], bare["import"] + bare["load"]
    outside = report.seconds - report.timings["embed"] - report.timings.get("embed_multilingual", 0.0)
    return {
        "bare_encode_runs_s": [round(bare_a["encode"], 2), round(bare_b["encode"], 2)],
        "n_chunks": report.n_chunks, "n_docs": n_docs, "build_s": round(report.seconds, 2),
        "build_call_s": round(build_s, 2), "timings_s": {k: round(v, 3) for k, v in report.timings.items()},
        "bare_model_load_s": round(load_s, 2), "bare_encode_s": round(encode_s, 2),
        "bare_parts_s": {k: round(v, 3) for k, v in bare.items()}, "bare_peak_rss_mb": round(bare_rss or 0.0, 1),
        "embed_stage_over_bare_load_and_encode": round(report.timings["embed"] / (encode_s + load_s), 3),
        "build_over_bare_load_and_encode": round(report.seconds / (encode_s + load_s), 3),
        "second_build_s": round(again.seconds, 2),
        "second_build_timings_s": {k: round(v, 3) for k, v in again.timings.items()},
        "build_over_bare_encode": round(again.seconds / encode_s, 3),
        "outside_model_share": round(outside / report.seconds, 4),
        "passages_per_s_build": round(report.n_chunks / report.seconds, 2),
        "passages_per_s_bare": round(report.n_chunks / encode_s, 2), "vocabulary_words": report.n_words,
        "multilingual_s_per_1000_passages": round(1000 * report.timings.get("embed_multilingual", 0.0)
                                                  / max(report.n_chunks, 1), 2),
        "mean_tokens": round(float(np.mean([c.n_tokens for c, _ in a.generation().all_chunks()])), 1),
        "incremental_add": {"seconds": round(add_s, 2), "embedded": add.n_embedded, "added": list(add.added),
                            "timings_s": {k: round(v, 3) for k, v in add.timings.items()}},
        "unchanged_rebuild": {"seconds": round(same_s, 2), "embedded": same.n_embedded},
        "peak_rss_mb": round(peak_rss_mb(), 1),
    }
