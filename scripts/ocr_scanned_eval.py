"""A scanned copy of a real manual against its text PDF: the pages that hold the answers of its question set, as a
text PDF and as an image-only PDF (each page rendered in grey at 150 dpi, as a scanner would), each indexed alone
and asked the set's answerable questions. R@5 / MRR@10 of both, and how long OCR took.

    apt-get install tesseract-ocr tesseract-ocr-chi-sim   # or pip install '.[ocr]'
    python -m scripts.ocr_scanned_eval [--manual NAME.pdf] [--copy text|scan]   # writes results/ocr-scanned-eval.{md,json}

A run limited by --manual or --copy replaces its rows in results/ocr-scanned-eval.json and keeps the others.

Only the answer pages are indexed (a whole manual takes hours of OCR on the shared 2-core machine), so retrieval is
easier than over the whole book for both copies alike: the comparison is the gap between them.
"""

from __future__ import annotations

import io
import json
import os
import tempfile
import time
from dataclasses import replace
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import pypdfium2 as pdfium  # noqa: E402

from qa import Assistant, Settings  # noqa: E402
from qa.ops.evaluation import evaluate, load_questions  # noqa: E402

DOCS = Path(__file__).resolve().parent.parent.parent / "shared" / "docs"
EVAL = DOCS.parent / "eval"
OUT = Path(__file__).resolve().parent.parent / "results"
SETS = {
    "LinuxCNC_Getting_Started_zh_CN.pdf": "linuxcnc-zh.jsonl",
    "debian-edu-manual.zh-cn.pdf": "debian-edu-zh.jsonl",
    "octave.pdf": "octave.jsonl",
}
DPI = 150


def copies(name: str, pages: list[int], root: Path) -> tuple[Path, Path]:
    """(text corpus, scanned corpus), each one PDF of the given 1-based pages under the manual's own name."""
    src = pdfium.PdfDocument(DOCS / name)
    text = pdfium.PdfDocument.new()
    text.import_pages(src, [p - 1 for p in pages])
    (root / "text").mkdir(parents=True)
    text.save(root / "text" / name)
    images = [src[p - 1].render(scale=DPI / 72).to_pil().convert("L") for p in pages]
    (root / "scan").mkdir()
    buf = io.BytesIO()
    images[0].save(buf, format="PDF", save_all=True, append_images=images[1:], resolution=DPI)
    (root / "scan" / name).write_bytes(buf.getvalue())
    return root / "text", root / "scan"


def main(argv: list[str]) -> None:
    manual = argv[argv.index("--manual") + 1] if "--manual" in argv else None
    only = argv[argv.index("--copy") + 1] if "--copy" in argv else None
    saved = OUT / "ocr-scanned-eval.json"
    report = json.loads(saved.read_text()) if saved.exists() and (manual or only) else []
    for name, qset in SETS.items():
        if manual and name != manual:
            continue
        questions = [q for q in load_questions(EVAL / qset) if q.answers]
        pages = sorted({q.page for q in questions if q.page})
        renumber = {p: i + 1 for i, p in enumerate(pages)}
        questions = [replace(q, page=renumber.get(q.page)) for q in questions]
        root = Path(tempfile.mkdtemp())
        for kind, corpus in zip(("text", "scan"), copies(name, pages, root), strict=True):
            if only and kind != only:
                continue
            report = [r for r in report if (r["manual"], r["copy"]) != (name, kind)]
            settings = Settings(corpus_dir=corpus, index_dir=root / f"index-{kind}", parse_timeout_s=600)
            assistant = Assistant(settings)
            t0 = time.perf_counter()
            built = assistant.build_index()
            seconds = time.perf_counter() - t0
            row = next(r for r in evaluate(assistant, questions, modes=("hybrid",)) if r.group == "answerable")
            report.append(
                {
                    "manual": name,
                    "copy": kind,
                    "pages": len(pages),
                    "questions": row.n,
                    "r_at_5": round(row.recall_at_5, 3),
                    "mrr_at_10": round(row.mrr_at_10, 3),
                    "build_s": round(seconds, 1),
                    "warnings": list(built.warnings),
                }
            )
            print(report[-1], flush=True)
            saved.write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n")
    lines = [
        "# A scanned copy of a real manual against its text PDF",
        "",
        "Command: `python -m scripts.ocr_scanned_eval` (OCR engine: the first installed, named in the warnings; "
        f"pages rendered in grey at {DPI} dpi into an image-only PDF; hybrid search; 2-core shared machine).",
        "",
        "| manual | copy | pages | questions | R@5 | MRR@10 | build s |",
        "|---|---|---|---|---|---|---|",
    ]
    lines += [
        f"| {r['manual']} | {r['copy']} | {r['pages']} | {r['questions']} | {r['r_at_5']} | {r['mrr_at_10']} | {r['build_s']} |"
        for r in report
    ]
    lines += ["", "Only the pages holding the answers are indexed; the gap between the two copies is the measure."]
    lines += ["", "Build warnings of the scanned copies:", ""] + [
        f"- {r['manual']}: {'; '.join(r['warnings'])}" for r in report if r["copy"] == "scan"
    ]
    (OUT / "ocr-scanned-eval.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
