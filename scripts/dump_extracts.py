"""Dump what ingest makes of every document, as canonical JSON: the proof that a refactor of qa/ingest changed nothing.

Every file of ../shared/docs and corpus/ goes through the public entry points (collect_files, load_document,
chunk_document); the dump holds each Document (title, text, sections, pages, references, warnings), each passage
(span, section, page, text, tokens), each refusal, and the refusal of each supported type's malformed bytes.
Usage: python scripts/dump_extracts.py OUT.json [--docs ../shared/docs] [--no-ocr]
Compare two dumps byte for byte (cmp before.json after.json).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
from pathlib import Path

from qa.embed import multilingual
from qa.embed.embeddings import load_tokenizer
from qa.errors import DocumentError
from qa.ingest.chunking import chunk_document, tokenizer_counter
from qa.ingest.documents import check_bytes, load_document
from qa.ingest.files import collect_files
from qa.ingest.readers import SUPPORTED_SUFFIXES
from qa.settings import PROJECT_DIR, Settings

# Bytes no supported type accepts as they are: each reader's refusal of them is part of its behaviour.
_MALFORMED = {
    "empty": b"",
    "garbage": b"garbage\x00\x01\x02",
    "zip": b"PK\x03\x04rest",
    "ole": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest",
    "utf16": "text".encode("utf-16"),
}


def refusals() -> dict[str, str]:
    """check_bytes' verdict on each kind of malformed bytes for each supported suffix and a few unsupported ones."""
    out = {}
    for suffix in (*SUPPORTED_SUFFIXES, ".xyz", "", ".PDF"):
        for name, data in _MALFORMED.items():
            try:
                check_bytes(data, suffix)
                out[f"{suffix} {name}"] = "accepted"
            except DocumentError as exc:
                out[f"{suffix} {name}"] = str(exc)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--docs", default=str(PROJECT_DIR.parent / "shared" / "docs"))
    ap.add_argument("--no-ocr", action="store_true", help="leave out the image files (read by OCR, slow)")
    args = ap.parse_args()
    settings = Settings(parse_timeout_s=600)
    count = multilingual.chinese_aware_counter(tokenizer_counter(load_tokenizer(max_tokens=None)))
    docs = Path(args.docs)
    files, skipped = collect_files([docs, PROJECT_DIR / "corpus"], docs)
    out: dict = {"skipped": [dataclasses.asdict(s) | {"stamp": None} for s in skipped], "refusals": refusals(), "documents": {}}
    for f in files:
        if args.no_ocr and f.path.suffix.lower() in (".png", ".jpg", ".jpeg"):
            continue
        t = time.perf_counter()
        try:
            doc = load_document(f.path, docs, settings, source=f.source)
        except DocumentError as exc:
            out["documents"][f.source] = {"refused": str(exc)}
            continue
        chunks = chunk_document(doc, count, settings)
        out["documents"][f.source] = {
            "document": dataclasses.asdict(doc),
            "passages": [
                {"id": c.chunk_id, "where": dataclasses.asdict(c.where), "text": c.text, "tokens": c.n_tokens} for c in chunks
            ],
        }
        print(
            f"{f.source}: {len(doc.text):,} characters, {len(chunks)} passages, {time.perf_counter() - t:.1f} s",
            file=sys.stderr,
            flush=True,
        )
    Path(args.out).write_text(json.dumps(out, ensure_ascii=False, indent=0, sort_keys=True) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
