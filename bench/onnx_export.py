"""MiniLM's ONNX export with SDPA attention (transformers' default) against eager attention, on the same texts.

    python -m bench.onnx_export [--rounds 5]

Exports the installed model both ways into a scratch folder (torch, in this process), then times onnxruntime on
three workloads, alternating the two exports round by round so that a busy machine slows both alike: a build's
passages (60-180-word windows of the review), its vocabulary (single words) and a question's answer sentences
(groups of 9). Reports the median seconds of each and the least cosine between the two exports' vectors. Writes
results/onnx-export.{md,json}.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

from bench.measure import PROJECT

RESULTS = PROJECT / "results"


def _export(target: Path, attention: str) -> None:
    import torch
    from transformers import AutoModel

    from qa.embed.embeddings import model_dir

    bert = AutoModel.from_pretrained(str(model_dir()), attn_implementation=attention).eval()

    class _Encoder(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.bert = bert

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.bert(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids).last_hidden_state

    ids = torch.ones((2, 8), dtype=torch.long)
    names = ("input_ids", "attention_mask", "token_type_ids")
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            _Encoder().eval(),
            (ids, torch.ones_like(ids), torch.zeros_like(ids)),
            str(target),
            input_names=list(names),
            output_names=["last_hidden_state"],
            dynamic_axes={n: {0: "batch", 1: "tokens"} for n in (*names, "last_hidden_state")},
            opset_version=17,
            dynamo=False,
        )


def workloads() -> dict[str, list[list[str]]]:
    """name -> batches of texts: passages, words, answer-sentence groups, all from the review."""
    from qa.embed.vocabulary import corpus_words
    from qa.ingest.chunking import sentence_spans

    text = (PROJECT / "corpus" / "it-and-national-governance-review.txt").read_text(encoding="utf-8")
    words = text.split()
    rng = np.random.default_rng(0)
    passages, i = [], 0
    while i < len(words) and len(passages) < 300:
        n = int(rng.integers(60, 180))
        passages.append(" ".join(words[i : i + n]))
        i += n
    sentences = [text[a:b] for a, b in sentence_spans(text, 0, len(text)) if len(text[a:b].split()) >= 3]
    groups = [list(rng.choice(sentences, 9)) for _ in range(40)]
    return {"passages": [passages], "words": [corpus_words([text])], "answer sentences (9)": groups}


def measure(rounds: int) -> dict:
    from qa.embed.onnx import OnnxEmbedder, build_threads

    loads = workloads()
    with tempfile.TemporaryDirectory() as tmp:
        paths = {a: Path(tmp) / f"{a}.onnx" for a in ("sdpa", "eager")}
        for attention, path in paths.items():
            _export(path, attention)
        models = {a: OnnxEmbedder(p, threads=build_threads()) for a, p in paths.items()}
        times: dict[str, dict[str, list[float]]] = {a: {w: [] for w in loads} for a in models}
        vectors: dict[str, dict[str, np.ndarray]] = {a: {} for a in models}
        for _ in range(rounds):
            for attention, model in models.items():
                for name, batches in loads.items():
                    t0 = time.perf_counter()
                    out = [model.embed(b) for b in batches]
                    times[attention][name].append((time.perf_counter() - t0) / len(batches))
                    vectors[attention][name] = np.vstack(out)
    rows = []
    for name, batches in loads.items():
        sdpa, eager = (statistics.median(times[a][name]) for a in ("sdpa", "eager"))
        cos = float((vectors["sdpa"][name] * vectors["eager"][name]).sum(axis=1).min())
        texts = sum(len(b) for b in batches) // len(batches)
        rows.append({"workload": name, "texts per call": texts, "sdpa_s": sdpa, "eager_s": eager, "min_cosine": cos})
    return {"rounds": rounds, "threads": build_threads(), "rows": rows}


def markdown(result: dict) -> str:
    lines = [
        "# MiniLM's ONNX export: SDPA against eager attention",
        "",
        f"`python -m bench.onnx_export --rounds {result['rounds']}` ({result['threads']} threads; medians of "
        f"{result['rounds']} alternating rounds, seconds per call). The least cosine between the two exports' vectors "
        "of every text shows they are the same model.",
        "",
        "| workload | texts per call | SDPA export s | eager export s | speed-up | least cosine |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for r in result["rows"]:
        lines.append(
            f"| {r['workload']} | {r['texts per call']} | {r['sdpa_s']:.4f} | {r['eager_s']:.4f} | "
            f"{r['sdpa_s'] / r['eager_s']:.2f}x | {r['min_cosine']:.7f} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.onnx_export", description=__doc__.splitlines()[0])
    p.add_argument("--rounds", type=int, default=5)
    args = p.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    result = measure(args.rounds)
    (RESULTS / "onnx-export.json").write_text(json.dumps(result, indent=2) + "\n")
    (RESULTS / "onnx-export.md").write_text(markdown(result))
    print(markdown(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
