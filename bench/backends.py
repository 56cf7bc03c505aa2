"""Benchmarks of the storage backends (qa/index/store/) and of Ray builds; importable, also run by bench.run.

`python -m bench.backends [--sizes 10000 100000] [--ray-texts 128]` prints JSON.

backend_latency(n): one synthetic generation of n passages (real-shaped vectors from bench.synth, texts
recombined from the review's sentences, a BM25 index over them) served through each backend; per query the
seam work one search does: dense top-50 (filtered to one of 20 documents, and unfiltered), lexical top-50,
then the vectors and chunk rows of 50 candidates. Queries are interleaved across backends, so machine load
hits all alike; p50/p95 of single calls.

ray_overhead(n_texts): the same passages embedded by the plain embedder and through Ray Data on a local
cluster (ray.init(num_cpus=2) timed apart), alternating, and the largest difference between the vectors.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from bench.measure import summary

DEPTH = 50  # Settings.candidates: what search asks each retriever for
N_SOURCES = 20


class SynthGeneration:
    """Just what the backends read of a generation, for n synthetic passages (no model, no disk)."""

    def __init__(self, n: int, seed: int = 0):
        from bench.synth import corpus_sentences, synth_vectors
        from qa.index.bm25 import Bm25Index
        from qa.index.vectors import build_vector_index
        from qa.ingest.chunking import Chunk

        rng = np.random.default_rng(seed)
        sentences = corpus_sentences()
        base = rng.normal(size=(512, 384)).astype(np.float32)
        base /= np.linalg.norm(base, axis=1, keepdims=True)
        self.vectors = synth_vectors(base, n, seed)
        self.multi_vectors = synth_vectors(np.pad(base, ((0, 0), (0, 128))), n, seed + 1)
        self.cjk_rows = np.zeros(n, bool)
        texts = [" ".join(sentences[i] for i in rng.choice(len(sentences), 3, replace=False)) for _ in range(n)]
        self.sources = [f"doc-{d:02d}.txt" for d in range(N_SOURCES)]
        self.row_source = (np.arange(n) * N_SOURCES // n).astype(np.int32)
        self._chunks = [
            Chunk.of(
                f"c{i}",
                f"d{self.row_source[i]}",
                self.sources[self.row_source[i]],
                "Synthetic",
                "1. Section",
                None,
                0,
                len(t),
                t,
                90,
            )
            for i, t in enumerate(texts)
        ]
        self.bm25 = Bm25Index.build(texts)
        self.vector_index = build_vector_index(self.vectors)
        self.multi_index = build_vector_index(self.multi_vectors)
        self.path = Path(f"gen-20260101-000000-{n}-synth00")
        self.manifest = type("M", (), {"n_chunks": n, "dim": 384, "multilingual_dim": 512})()
        self.queries = [" ".join(sentences[i].split()[:8]) for i in rng.integers(0, len(sentences), 200)]
        self.qvecs = synth_vectors(base, 200, seed + 7)

    def all_chunks(self):
        return [(c, "") for c in self._chunks]

    def as_new(self):
        """The generation as the store seam writes it (qa/index/store/protocol.py)."""
        from qa.index.store.manifest import Manifest
        from qa.index.store.protocol import NewGeneration

        n = len(self._chunks)
        counts = np.bincount(self.row_source, minlength=N_SOURCES)
        manifest = Manifest(
            model="synthetic",
            model_hash="",
            dim=384,
            chunking={},
            n_chunks=n,
            created=0.0,
            sources={s: {"chunks": int(c)} for s, c in zip(self.sources, counts, strict=False)},
            multilingual_dim=512,
        )
        return NewGeneration(
            self.path.name,
            manifest,
            (),
            tuple(self._chunks),
            ("",) * n,
            self.vectors,
            self.multi_vectors,
            self.cjk_rows,
            np.zeros(n, np.int64),
            np.full(n, -1, np.int64),
            (),
            np.zeros((0, 384), np.float32),
            {},
            self.bm25,
        )

    def chunks(self, rows):
        return [self._chunks[int(r)] for r in rows]


def _stores(gen: SynthGeneration, work: Path, engines: tuple[str, ...]) -> tuple[dict, dict]:
    from qa.index.store.faiss_passages import FaissPassages

    stores, publish_s = {}, {}
    for name in engines:
        t = time.perf_counter()
        if name == "faiss":
            stores[name] = FaissPassages(
                gen.vectors,
                gen.vector_index,
                gen.multi_vectors,
                gen.multi_index,
                gen.bm25,
                gen.sources,
                gen.row_source,
                gen.cjk_rows,
                gen,
            )
        else:
            from qa.index.store.qdrant import QdrantGenerations
            from qa.index.store.qdrant_embedded import EdgeEngine
            from qa.index.store.qdrant_server import ClientEngine

            engine = EdgeEngine(work / "edge") if name == "qdrant-edge" else ClientEngine(":memory:")
            gens = QdrantGenerations(engine, "bench")
            gens.make_current(gens.write(gen.as_new()))
            stores[name] = gens.open(gen.path.name)
        publish_s[name] = round(time.perf_counter() - t, 2)
    return stores, publish_s


CLIENT_MAX = 20_000  # qdrant-client's local mode is an exact Python scan; it warns above this many points


def backend_latency(n: int, engines: tuple[str, ...] | None = None, n_queries: int = 100) -> dict:
    """p50/p95 ms of the seam calls one search makes, per backend, over one synthetic generation of n.

    engines: default FAISS and the embedded Qdrant, and qdrant-client's local mode up to CLIENT_MAX passages.
    """
    from qa.index.store.protocol import RowFilter

    engines = engines or ("faiss", "qdrant-edge") + (("qdrant-client",) if n <= CLIENT_MAX else ())
    t = time.perf_counter()
    gen = SynthGeneration(n)
    prepare_s = time.perf_counter() - t
    with tempfile.TemporaryDirectory(prefix="qa-bench-backends-") as tmp:
        stores, publish_s = _stores(gen, Path(tmp), tuple(engines))
        calls = {e: {"dense": [], "dense_filtered": [], "lexical": [], "rows": [], "search_step": []} for e in engines}
        for i in range(n_queries):
            q, text = gen.qvecs[i % len(gen.qvecs)], gen.queries[i % len(gen.queries)]
            where = RowFilter((gen.sources[i % N_SOURCES],))
            for e, s in stores.items():
                t0 = time.perf_counter()
                _, rows = s.dense("dense", q, DEPTH)
                t1 = time.perf_counter()
                s.dense("dense", q, DEPTH, where)
                t2 = time.perf_counter()
                s.lexical(text, DEPTH)
                t3 = time.perf_counter()
                s.vectors("dense", rows)
                s.chunks(rows.tolist())
                t4 = time.perf_counter()
                for k, v in (
                    ("dense", t1 - t0),
                    ("dense_filtered", t2 - t1),
                    ("lexical", t3 - t2),
                    ("rows", t4 - t3),
                    ("search_step", (t1 - t0) + (t4 - t2)),
                ):
                    calls[e][k].append(v * 1000)
    return {
        "n": n,
        "prepare_s": round(prepare_s, 1),
        "publish_s": publish_s,
        "latency": {e: {k: summary(v) for k, v in c.items()} for e, c in calls.items()},
    }


def ray_overhead(n_texts: int = 64, batch_size: int = 32, rounds: int = 3) -> dict:
    """Seconds to embed n_texts passages plainly and through Ray Data on a local 2-CPU cluster.

    The two alternate, rounds times each (models loaded once on each side first), and the medians are
    compared, so that other load on the machine hits both alike; starting the cluster is timed apart.
    """
    import ray

    from bench.synth import corpus_sentences
    from qa.embed.embeddings import SentenceTransformerEmbedder
    from qa.index.ray_build import ray_factories

    sentences = corpus_sentences()
    texts = [" ".join(sentences[(4 * i + j) % len(sentences)] for j in range(4)) for i in range(n_texts)]
    plain = SentenceTransformerEmbedder(batch_size=batch_size)
    t = time.perf_counter()
    factory, _ = ray_factories(None, batch_size)  # what `qa index --ray` uses; starts a local cluster
    init_s = time.perf_counter() - t
    rayed = factory()
    plain_s, ray_s, diffs = [], [], []
    for _ in range(rounds):
        t = time.perf_counter()
        a = plain.embed(texts)
        plain_s.append(time.perf_counter() - t)
        t = time.perf_counter()
        b = rayed.embed(texts)
        ray_s.append(time.perf_counter() - t)
        diffs.append(float(np.abs(a - b).max()))
    ray.shutdown()
    p, r = statistics.median(plain_s), statistics.median(ray_s)
    return {
        "texts": n_texts,
        "rounds": rounds,
        "plain_s": round(p, 1),
        "ray_init_s": round(init_s, 1),
        "ray_embed_s": round(r, 1),
        "overhead": round(r / p - 1, 3),
        "max_abs_diff": max(diffs),
        "plain_runs_s": [round(x, 1) for x in plain_s],
        "ray_runs_s": [round(x, 1) for x in ray_s],
    }


def markdown(backends: list[dict], ray: dict | None) -> str:
    lines = [
        "## Storage backends (qa/index/store/)",
        "",
        "Per query, the seam calls one search makes over a synthetic generation (`bench/backends.py`): dense "
        f"top-{DEPTH}, the same filtered to one of {N_SOURCES} documents, BM25 top-{DEPTH}, then vectors and chunk "
        "rows of the candidates; p50 / p95 ms of single calls, backends interleaved.",
        "",
        "| passages | backend | publish s | dense | dense, 1 document | BM25 | rows by id | search step |",
        "|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    for b in backends:
        for e, lat in b["latency"].items():
            cells = [
                f"{lat[k]['p50_ms']:.2f} / {lat[k]['p95_ms']:.2f}"
                for k in ("dense", "dense_filtered", "lexical", "rows", "search_step")
            ]
            lines.append(f"| {b['n']:,} | {e} | {b['publish_s'][e]:.1f} | " + " | ".join(cells) + " |")
    if ray:
        lines += [
            "",
            "## Ray build overhead (local cluster, same 2 cores)",
            "",
            f"{ray['texts']} passages, median of {ray['rounds']} alternating runs: plain {ray['plain_s']} s; "
            f"through Ray Data {ray['ray_embed_s']} s ({ray['overhead']:+.0%}), plus {ray['ray_init_s']} s to "
            f"start the local cluster; largest vector difference {ray['max_abs_diff']:.1e}.",
        ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.backends", description=__doc__.splitlines()[0])
    p.add_argument("--sizes", type=int, nargs="*", default=[10_000, 100_000])
    p.add_argument("--engines", nargs="*", help="default: faiss qdrant-edge, and qdrant-client up to 20,000")
    p.add_argument("--queries", type=int, default=100)
    p.add_argument("--ray-texts", type=int, default=64, help="0: skip the Ray measurement")
    args = p.parse_args(argv)
    out = {"backends": [], "ray": None}
    for n in args.sizes:
        print(f"bench.backends: {n:,} passages ...", file=sys.stderr, flush=True)
        out["backends"].append(backend_latency(n, tuple(args.engines or ()) or None, args.queries))
    if args.ray_texts:
        print("bench.backends: ray ...", file=sys.stderr, flush=True)
        out["ray"] = ray_overhead(args.ray_texts)
    print(json.dumps(out, indent=1))
    print(markdown(out["backends"], out["ray"]), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
