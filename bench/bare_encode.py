"""The bare model on a build's texts in a new process: seconds to import, load and encode, as JSON.

    python -m bench.bare_encode TEXTS.json [--batch-size 32]

What a build is compared with: sentence-transformers' own encode on the same texts and batch size.
"""

from __future__ import annotations

import argparse
import json
import time

from bench.measure import report_peak


def bare_encode(texts_file: str, batch_size: int) -> dict:
    """Seconds of each step: importing sentence-transformers, loading the bundled model, encoding."""
    t0 = time.perf_counter()
    from sentence_transformers import SentenceTransformer

    from qa.embed.embeddings import model_dir

    t1 = time.perf_counter()
    model = SentenceTransformer(str(model_dir()), device="cpu")
    t2 = time.perf_counter()
    with open(texts_file, encoding="utf-8") as f:
        texts = json.load(f)
    t3 = time.perf_counter()
    model.encode(texts, batch_size=batch_size, normalize_embeddings=True, show_progress_bar=False)
    t4 = time.perf_counter()
    return {"import": t1 - t0, "load": t2 - t1, "encode": t4 - t3}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.bare_encode", description=__doc__.splitlines()[0])
    p.add_argument("texts")
    p.add_argument("--batch-size", type=int, default=32)
    args = p.parse_args(argv)
    print(json.dumps(bare_encode(args.texts, args.batch_size)))
    report_peak()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
