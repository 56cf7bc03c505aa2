"""What real files become: extracted characters per byte of the file, characters and passages per file.

The measure behind the defaults of QA_MAX_TEXT_PER_BYTE, QA_MAX_TEXT_CHARS and QA_MAX_PASSAGES (qa/settings.py):
every document of ../shared/docs (PDF, EPUB, HTML, DOCX, the HTML folders' pages) and the review.
Usage: python -m bench.text_growth [--docs ../shared/docs] [--out results/text-growth]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from qa.embed import multilingual
from qa.embed.embeddings import load_tokenizer
from qa.ingest.chunking import chunk_document, tokenizer_counter
from qa.ingest.documents import load_document
from qa.ingest.files import collect_files
from qa.settings import PROJECT_DIR, Settings


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", default="../shared/docs")
    ap.add_argument("--out", default="results/text-growth")
    args = ap.parse_args()
    docs = Path(args.docs)
    settings = Settings(
        parse_timeout_s=600, max_text_per_byte=100_000, max_text_chars=2_000_000_000, max_passages=10_000_000
    )  # nothing refused: this measures what the limits are set from
    count = multilingual.chinese_aware_counter(tokenizer_counter(load_tokenizer(max_tokens=None)))
    files, _ = collect_files([docs, PROJECT_DIR / "corpus"], docs)
    rows = []
    for f in files:
        doc = load_document(f.path, docs, settings, source=f.source)
        size = f.path.stat().st_size
        rows.append(
            {
                "file": f.source,
                "bytes": size,
                "chars": len(doc.text),
                "chars_per_byte": round(len(doc.text) / size, 3),
                "passages": len(chunk_document(doc, count, settings)),
            }
        )
        print(rows[-1], flush=True)
    out = Path(args.out)
    out.with_suffix(".json").write_text(json.dumps(rows, indent=1) + "\n")
    top = sorted(rows, key=lambda r: -r["chars_per_byte"])
    lines = [
        f"# What files become ({len(rows)} files: ../shared/docs and the review)",
        "",
        "`python -m bench.text_growth` — extracted characters per byte of the file, characters and passages.",
        "",
        f"- most characters per byte: {top[0]['chars_per_byte']} ({top[0]['file']})",
        f"- most characters in one file: {max(r['chars'] for r in rows):,}",
        f"- most passages in one file: {max(r['passages'] for r in rows):,}",
        "",
        "| file | bytes | characters | per byte | passages |",
        "|---|---:|---:|---:|---:|",
    ]
    lines += [f"| {r['file']} | {r['bytes']:,} | {r['chars']:,} | {r['chars_per_byte']} | {r['passages']:,} |" for r in top]
    out.with_suffix(".md").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
