"""One question answered in a new process, for cold-start timing; prints its peak memory on stderr.

python -m bench.cold_ask QUESTION            # `qa ask QUESTION`, as the console script runs it
python -m bench.cold_ask --plain QUESTION    # the same ask with sentence-transformers for queries
python -m bench.cold_ask --parts QUESTION    # JSON: seconds to import qa, open the index, load ONNX, ask
"""

from __future__ import annotations

import argparse
import json
import time

from bench.measure import report_peak


def parts(question: str) -> dict:
    """Seconds of each step of a cold ask, through qa's public calls."""
    t0 = time.perf_counter()
    import qa
    import qa.cli  # noqa: F401  (the console script imports it too)

    t1 = time.perf_counter()
    a = qa.Assistant()
    gen = a.generation(build_if_missing=False)
    t2 = time.perf_counter()
    a.query_embedder(gen)
    t3 = time.perf_counter()
    a.ask(question)
    t4 = time.perf_counter()
    return {"import_qa": t1 - t0, "open_generation": t2 - t1, "onnx_session": t3 - t2, "first_ask": t4 - t3}


def plain_ask(question: str) -> str:
    """The plain stack's cold ask: qa with sentence-transformers on torch embedding the question."""
    from qa import Assistant
    from qa.embed.embeddings import SentenceTransformerEmbedder

    ans = Assistant(embedder=SentenceTransformerEmbedder()).ask(question)
    return "\n".join([s.text for s in ans.sentences] + [h.text for h in ans.hits])


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.cold_ask", description=__doc__.splitlines()[0])
    p.add_argument("question")
    how = p.add_mutually_exclusive_group()
    how.add_argument("--plain", action="store_true")
    how.add_argument("--parts", action="store_true")
    args = p.parse_args(argv)
    code = 0
    if args.parts:
        print(json.dumps(parts(args.question)))
    elif args.plain:
        print(plain_ask(args.question))
    else:
        from qa.cli import main as qa_main

        code = qa_main(["ask", args.question])
    report_peak()
    return code


if __name__ == "__main__":
    raise SystemExit(main())
