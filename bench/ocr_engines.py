"""OCR engines on real manual pages rendered as scans: rapidocr-onnxruntime (PP-OCRv4 ONNX models in its wheel) and
Debian's tesseract-ocr (eng, chi_sim). Accuracy against each page's text layer, seconds per page, peak memory.

    apt-get install tesseract-ocr tesseract-ocr-chi-sim
    pip install rapidocr-onnxruntime "pillow<13"
    python -m bench.ocr_engines   # writes results/ocr-engines.{md,json}

Accuracy is 1 - character error rate: the edit distance between the OCR text and the text layer (pdfium), both
NFKC-normalised with all whitespace removed (reading order differences cost edits), over the text layer's length.
Each engine runs in a child process per resolution so that its peak resident memory (ru_maxrss) is its own.
"""

from __future__ import annotations

import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
import unicodedata
from pathlib import Path

DOCS = Path(__file__).resolve().parent.parent.parent / "shared" / "docs"
OUT = Path(__file__).resolve().parent.parent / "results"
PAGES = [
    ("gnuplot.pdf", 40, "en"),
    ("octave.pdf", 200, "en"),
    ("debian-edu-manual.zh-cn.pdf", 13, "zh"),
    ("debian-edu-manual.zh-cn.pdf", 41, "zh"),
]
DPIS = (150, 300)
ENGINES = ("rapidocr", "tesseract")


def norm(s: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", s))


def distance(a: str, b: str) -> int:
    """Levenshtein distance (two rows; pages are a few thousand characters)."""
    if len(a) < len(b):
        a, b = b, a
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def render(name: str, page: int, dpi: int, path: Path) -> str:
    """Save the page as a PNG at dpi; return its text layer."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(DOCS / name)
    p = doc[page - 1]
    p.render(scale=dpi / 72).to_pil().convert("L").save(path)
    return p.get_textpage().get_text_range()


def run_engine(engine: str, images: list[tuple[str, str]]) -> list[dict]:
    """OCR each image in this process with the product's reader (qa/ingest/pdf/ocr.py); text and seconds per image."""
    from PIL import Image

    from qa.ingest.pdf.ocr import Reader

    reader = Reader(engine)
    out = []
    for n, (img, _lang) in enumerate(images):
        t = time.perf_counter()
        text = reader.read(Image.open(img))
        out.append({"text": text, "s": time.perf_counter() - t, "first": n == 0})  # the first includes model loading
    peak = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    for r in out:
        r["peak_mib"] = peak / 1024
    return out


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--engine":  # the child: python -m bench.ocr_engines --engine E list.json
        images = json.loads(Path(sys.argv[3]).read_text())
        print(json.dumps(run_engine(sys.argv[2], images)))
        return
    tmp = Path(tempfile.mkdtemp())
    rows = []
    for dpi in DPIS:
        images, truths = [], []
        for name, page, lang in PAGES:
            path = tmp / f"{Path(name).stem}-{page}-{dpi}.png"
            truths.append(render(name, page, dpi, path))
            images.append((str(path), lang))
        (tmp / "list.json").write_text(json.dumps(images))
        for engine in ENGINES:
            got = subprocess.run(
                [sys.executable, "-m", "bench.ocr_engines", "--engine", engine, str(tmp / "list.json")],
                capture_output=True,
                text=True,
                check=True,
                cwd=Path(__file__).resolve().parent.parent,
                env={**os.environ, "OMP_NUM_THREADS": "2"},
            )
            results = json.loads(got.stdout.strip().splitlines()[-1])
            for (name, page, lang), truth, r in zip(PAGES, truths, results, strict=True):
                t, o = norm(truth), norm(r["text"])
                acc = 1 - distance(o, t) / max(1, len(t))
                rows.append(
                    {
                        "engine": engine,
                        "dpi": dpi,
                        "doc": name,
                        "page": page,
                        "lang": lang,
                        "chars": len(t),
                        "accuracy": round(acc, 4),
                        "s": round(r["s"], 2),
                        "first": r["first"],
                        "peak_mib": round(r["peak_mib"]),
                    }
                )
                print(rows[-1], flush=True)
    (OUT / "ocr-engines.json").write_text(json.dumps(rows, indent=1) + "\n")
    lines = [
        "# OCR engines on real manual pages rendered as scans",
        "",
        "Command: `python -m bench.ocr_engines` (rapidocr-onnxruntime 1.4.4, PP-OCRv4 models of its wheel; Debian "
        "tesseract-ocr 5.3.0 with chi_sim+eng; both through qa/ingest/pdf/ocr.py's Reader; pages rendered in grey by "
        "pypdfium2; 2-core shared machine, "
        "one run). Accuracy = 1 - character error rate against the page's text layer, whitespace removed.",
        "",
        "| engine | dpi | language | pages | accuracy (mean) | s / page (median) | pages / s | peak MiB |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for engine in ENGINES:
        for dpi in DPIS:
            for lang in ("en", "zh"):
                sel = [r for r in rows if r["engine"] == engine and r["dpi"] == dpi and r["lang"] == lang]
                secs = sorted(r["s"] for r in sel)
                med = secs[len(secs) // 2]
                lines.append(
                    f"| {engine} | {dpi} | {lang} | {len(sel)} | {sum(r['accuracy'] for r in sel) / len(sel):.3f} | "
                    f"{med:.2f} | {1 / med:.2f} | {max(r['peak_mib'] for r in sel)} |"
                )
    lines += ["", "Per page:", "", "| engine | dpi | page | accuracy | s |", "|---|---|---|---|---|"]
    lines += [f"| {r['engine']} | {r['dpi']} | {r['doc']} p. {r['page']} | {r['accuracy']:.3f} | {r['s']} |" for r in rows]
    (OUT / "ocr-engines.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
