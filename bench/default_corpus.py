"""The default corpus: a full build (with the ONNX export), warm latency against the plain stack, breakdown."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

from bench.breakdown import breakdown
from bench.latency import warm_latency
from bench.measure import PROJECT, dir_mb, peak_rss_mb, questions


def default_corpus(work: Path, quick: bool) -> dict:
    """Build a copy of corpus/ under work/default (later phases reuse its index and ONNX export) and time it."""
    from qa import Assistant, Settings

    corpus = work / "default" / "corpus"
    shutil.copytree(PROJECT / "corpus", corpus)
    settings = Settings(corpus_dir=corpus, index_dir=work / "default" / "index")
    a = Assistant(settings)
    t = time.perf_counter()
    report = a.build_index()
    build_s = time.perf_counter() - t
    qs = questions()
    res = warm_latency(settings, qs, repeats=2 if quick else 4, plain=True)
    res["breakdown"] = breakdown(settings, qs, repeats=1 if quick else 2)
    res["build"] = {
        "seconds_with_onnx_export": round(build_s, 2),
        "build_seconds": round(report.seconds, 2),
        "timings": {k: round(v, 3) for k, v in report.timings.items() if isinstance(v, float)},
        "n_chunks": report.n_chunks,
    }
    res["index_mb"] = round(dir_mb(a.generation().path), 3)
    res["peak_rss_mb"] = round(peak_rss_mb(), 1)
    return res
