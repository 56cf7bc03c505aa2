"""Reading speed and peak memory of one long PDF: pages and passages per second, as `qa index` reads it.

Usage: python -m bench.pdf_read [../shared/docs/octave.pdf] [--out results/pdf-read]
Peak memory is the largest resident set of the PDF child process and of this process (getrusage).
"""

from __future__ import annotations

import argparse
import json
import resource
import time
from pathlib import Path

from qa.embed import multilingual
from qa.embed.embeddings import load_tokenizer
from qa.ingest.chunking import chunk_document, tokenizer_counter
from qa.ingest.documents import load_document
from qa.settings import Settings


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("pdf", nargs="?", default="../shared/docs/octave.pdf")
    ap.add_argument("--out", default="results/pdf-read")
    args = ap.parse_args()
    pdf = Path(args.pdf)
    settings = Settings.from_env()
    count = multilingual.chinese_aware_counter(tokenizer_counter(load_tokenizer(max_tokens=None)))
    moments: list[float] = []
    t0 = time.perf_counter()
    doc = load_document(pdf, pdf.parent, settings, on_page=lambda done, total: moments.append(time.perf_counter()))
    t_read = time.perf_counter()
    chunks = chunk_document(doc, count, settings)
    t_end = time.perf_counter()
    gaps = [b - a for a, b in zip(moments, moments[1:], strict=False)]
    row = {
        "document": pdf.name,
        "pages": len(doc.pages),
        "passages": len(chunks),
        "read_s": round(t_read - t0, 1),
        "chunk_s": round(t_end - t_read, 1),
        "pages_per_s": round(len(doc.pages) / (t_end - t0), 1),
        "passages_per_s": round(len(chunks) / (t_end - t0), 1),
        "progress_reports": len(moments),
        "longest_gap_between_pages_s": round(max(gaps, default=0), 2),
        "child_peak_rss_mib": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1),
        "parent_peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "pdf_memory_limit_mib": settings.parse_memory_bytes // 2**20,
        "warnings": list(doc.warnings),
    }
    Path(args.out + ".json").write_text(json.dumps(row, indent=1, ensure_ascii=False) + "\n")
    lines = [
        f"Written by: `python -m bench.pdf_read {args.pdf}` (reading and chunking, no embedding)",
        "",
        "| " + " | ".join(k for k in row if k != "warnings") + " |",
        "|" + "---|" * (len(row) - 1),
        "| " + " | ".join(str(v) for k, v in row.items() if k != "warnings") + " |",
        "",
        *(f"- warning: {w}" for w in doc.warnings),
    ]
    Path(args.out + ".md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
