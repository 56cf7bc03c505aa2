"""Build memory at scale: peak RSS of a full build of a synthetic corpus of ~N passages, stage by stage.

    python -m bench.build_memory --passages 50000 [--out FILE.json]

The corpus recombines the review's real sentences (bench/synth.py), so reading, chunking, the vocabulary, BM25 and
writing do their real work at N passages. Both models are loaded for real (their weights, sessions and buffers are
resident as in a real build, and each embeds the first block of passages), but the remaining passages get
deterministic stand-in vectors of the models' dimensions: running the models on 50,000 passages would take hours
on 2 shared cores, and what grows with the corpus is the vectors, texts and tables, not the models. So the peak
is a real build's at N passages up to the models' own working memory, which does not grow with N (see
results/build-profile.md for real builds).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from bench.build_profile import RssSampler, _hwm_mb
from bench.measure import report_peak
from bench.synth import corpus_sentences, write_corpus


class StandIn:
    """A real model for its first call (so that it is loaded and has run), stand-in unit vectors after that; for
    MiniLM, answer-sentence vectors too, so that they are spilled and written as in a real build."""

    def __init__(self, real, dim: int):
        self.real, self.dim, self.calls = real, dim, 0

    def embed(self, texts):
        self.calls += 1
        return self.real.embed(texts) if self.calls == 1 else self._stand_in(texts)

    def embed_spans(self, texts, spans):
        self.calls += 1
        if self.calls == 1:
            return self.real.embed_spans(texts, spans)
        pooled = [self._stand_in([f"{a}:{b}:{t}" for a, b in s]) for t, s in zip(texts, spans, strict=True)]
        return self._stand_in(texts), pooled

    def _stand_in(self, texts):
        out = np.empty((len(texts), self.dim), np.float32)
        for i, t in enumerate(texts):
            seed = int.from_bytes(hashlib.blake2b(t.encode(), digest_size=8).digest(), "little")
            v = np.random.default_rng(seed).standard_normal(self.dim).astype(np.float32)
            out[i] = v / np.linalg.norm(v)
        return out


def build_memory(n_passages: int, work: Path) -> dict:
    from qa import Assistant, Settings
    from qa.embed.multilingual import MultilingualEmbedder
    from qa.embed.passages import ensure_export, passage_embedder

    corpus, index = work / "corpus", work / "index"
    write_corpus(corpus, corpus_sentences(), max(1, round(n_passages / 31)), seed=5)
    ensure_export(index)
    start = RssSampler.rss_mb()
    settings = Settings(corpus_dir=corpus, index_dir=index)
    minilm = StandIn(passage_embedder(index, settings.batch_size), 384)
    multi = StandIn(MultilingualEmbedder(), 512)
    a = Assistant(settings, build_embedder=lambda: minilm, multilingual=multi)
    with RssSampler() as sampler:
        t0 = time.perf_counter()
        report = a.build_index(full=True)
        t1 = time.perf_counter()
    stages: dict[str, float] = {}
    for stage, s0, s1 in report.timings["stage_visits"]:
        stages[stage] = max(stages.get(stage, 0.0), sampler.peak_between(s0, s1))
    return {
        "n_passages": report.n_chunks,
        "n_words": report.n_words,
        "build_s": round(t1 - t0, 1),
        "start_rss_mb": round(start, 1),
        "peak_rss_mb": round(_hwm_mb(), 1),
        "stage_peak_rss_mb": {k: round(v, 1) for k, v in stages.items()},
        "stage_seconds": {k: round(v, 1) for k, v in report.timings["stages"].items()},
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.build_memory", description=__doc__.splitlines()[0])
    p.add_argument("--passages", type=int, default=50_000)
    p.add_argument("--out", type=Path)
    args = p.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="qa-build-memory-") as tmp:
        result = build_memory(args.passages, Path(tmp))
    text = json.dumps(result, indent=1)
    if args.out:
        args.out.write_text(text + "\n")
    print(text)
    report_peak()
    return 0


if __name__ == "__main__":
    sys.exit(main())
