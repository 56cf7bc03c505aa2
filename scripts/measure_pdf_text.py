"""Measure PDF text extractors (pypdfium2, pypdf plain, pypdf layout) on every PDF of a folder.

Per document and extractor: pages, seconds, letter runs of 25+ letters per 1,000 words (glued words), the
share of pages with such a run, and CJK characters separated by single spaces. Writes results/pdf-text.{md,json}.
Usage: python scripts/measure_pdf_text.py [../shared/docs] [--out results/pdf-text]
"""

from __future__ import annotations

import argparse
import json
import re
import time
from pathlib import Path

_LONG_RUN = re.compile(r"[^\W\d_]{25,}")
_WORD = re.compile(r"\w+")
_SPACED_CJK = re.compile(r"[\u4e00-\u9fff] [\u4e00-\u9fff]")


def _pdfium(path: Path) -> list[str]:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(path))
    out = []
    for i in range(len(doc)):
        page = doc[i]
        tp = page.get_textpage()
        out.append(tp.get_text_range())
        tp.close()
        page.close()
    doc.close()
    return out


def _pypdf(path: Path, mode: str) -> list[str]:
    import logging

    from pypdf import PdfReader

    logging.disable(logging.WARNING)
    return [p.extract_text(extraction_mode=mode) or "" for p in PdfReader(str(path)).pages]


EXTRACTORS = {"pdfium": _pdfium, "pypdf-plain": lambda p: _pypdf(p, "plain"), "pypdf-layout": lambda p: _pypdf(p, "layout")}


def _ascii_letters_only(run: str) -> bool:
    return run.isascii()


def measure(pages: list[str]) -> dict:
    """Glued-word and spaced-CJK figures of a document's page texts."""
    words = sum(len(_WORD.findall(p)) for p in pages) or 1
    runs = [r for p in pages for r in _LONG_RUN.findall(p) if _ascii_letters_only(r)]
    glued_pages = sum(any(r.isascii() for r in _LONG_RUN.findall(p)) for p in pages)
    return {
        "pages": len(pages),
        "words": words,
        "long_runs": len(runs),
        "long_runs_per_1000_words": round(1000 * len(runs) / words, 2),
        "pages_with_long_run": round(glued_pages / max(1, len(pages)), 3),
        "spaced_cjk": sum(len(_SPACED_CJK.findall(p)) for p in pages),
    }


def write(rows: list[dict], out: str, docs: str) -> None:
    """results/pdf-text.{json,md} of the rows so far (written after each row: pypdf is slow on long PDFs)."""
    Path(out + ".json").write_text(json.dumps(rows, indent=1) + "\n")
    head = "| document | extractor | pages | s | runs of 25+ letters | per 1,000 words | pages with one | spaced CJK |"
    lines = [f"Written by: `python scripts/measure_pdf_text.py {docs}`", "", head, "|" + "---|" * 8]
    lines += [
        f"| {r['document']} | {r['extractor']} | {r['pages']} | {r['seconds']} | {r['long_runs']} "
        f"| {r['long_runs_per_1000_words']} | {r['pages_with_long_run']} | {r['spaced_cjk']} |"
        for r in rows
    ]
    Path(out + ".md").write_text("\n".join(lines) + "\n")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("docs", nargs="?", default="../shared/docs")
    ap.add_argument("--out", default="results/pdf-text")
    args = ap.parse_args()
    rows = []
    for pdf in sorted(Path(args.docs).glob("*.pdf")):
        for name, fn in EXTRACTORS.items():
            t = time.perf_counter()
            pages = fn(pdf)
            rows.append({"document": pdf.name, "extractor": name, "seconds": round(time.perf_counter() - t, 1), **measure(pages)})
            print(json.dumps(rows[-1]), flush=True)
            write(rows, args.out, args.docs)


if __name__ == "__main__":
    main()
