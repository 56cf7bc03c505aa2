"""The fast query path: all-MiniLM-L6-v2 exported to ONNX, run with onnxruntime + tokenizers + numpy pooling.

An export carries a check file, the reference vectors of PROBE_TEXTS from the torch model; an export that does
not reproduce them is refused, so the fast path never gives other vectors than the build's.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import warnings
from pathlib import Path
from typing import Sequence

import numpy as np

from qa.embed.embeddings import load_tokenizer, model_dir, normalize

# Texts embedded when the ONNX export is made and again when it is loaded: a wrong or damaged export is refused.
PROBE_TEXTS = [
    "How many 5G base stations had China built?",
    "Smart justice systems reduced judges' workload by a third, according to the court reports.",
]
PROBE_MIN_COSINE = 0.9999


def onnx_threads(requested: int | None = None) -> int:
    """Threads per ONNX query: requested, else Settings.onnx_threads (QA_ONNX_THREADS), else (0) up to 2.

    Measured with `python -m bench.run` on 2 shared cores: on a quiet machine two threads embed a question
    1.6x and a batch of answer sentences 1.7x faster than one; while other programs keep the cores busy,
    one thread was as fast for questions and 1.3x faster for sentence batches (the two wait on each
    other). Set QA_ONNX_THREADS=1 on a machine that is usually busy or serves many requests at once.
    """
    if requested is None:
        from qa.settings import Settings

        requested = Settings.from_env().onnx_threads  # a bad value is an InvalidSetting, not ignored
    return requested or min(2, os.cpu_count() or 1)


def build_threads() -> int:
    """Threads for embedding a build's passages: every core (a build is one long batch job, unlike a question)."""
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


# Padded tokens per batch. onnxruntime keeps the largest buffers a run needed (its arena does not shrink), and a
# batch's attention grows with rows x tokens^2: 32 passages of 256 tokens took a build's embedding from 195 to
# 835 MB; batches of at most 1,024 tokens stay at 283 MB, at the same speed (3,000 passages of the shared manuals).
MAX_BATCH_TOKENS = 1024
# Rows per batch of a build: short texts (the vocabulary's words, a few tokens each) fill a batch by rows, not tokens;
# 256 words a batch embedded a build's vocabulary 1.2x faster than 32 (the token budget bounds longer texts).
BUILD_BATCH_ROWS = 256


class OnnxEmbedder:
    """The fast query path: onnxruntime + tokenizers + numpy mean pooling; no torch import.

    Texts are sorted by token length and run in batches of similar length, so short sentences are not
    padded to the longest one (the model's cost is proportional to padded tokens; the result is the same).
    It keeps no cache: qa/embed/query.py wraps it in one.
    """

    dim = 384

    def __init__(
        self, onnx_path: Path, folder: Path | None = None, threads: int | None = None, max_batch: int = 32, spin: bool = True
    ):
        import onnxruntime as ort

        opts = ort.SessionOptions()
        opts.intra_op_num_threads = threads or onnx_threads()
        opts.inter_op_num_threads = 1
        if not spin:
            # onnxruntime's threads busy-wait after each run, for the next one: a question's few runs gain from it,
            # but in a build the multilingual model runs between MiniLM's batches and those threads took its cores.
            opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self.session = ort.InferenceSession(str(onnx_path), opts, providers=["CPUExecutionProvider"])
        self.tokenizer = load_tokenizer(folder)
        self._inputs = {i.name for i in self.session.get_inputs()}
        self.max_batch = max_batch

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        return self.embed_spans(texts, [() for _ in texts])[0]

    def embed_spans(
        self, texts: Sequence[str], spans: Sequence[Sequence[tuple[int, int]]]
    ) -> tuple[np.ndarray, list[np.ndarray]]:
        """Each text's vector, and a vector for each of its character spans from the same forward pass.

        A span's vector is the mean of the model's states of the tokens inside it, read in the context of the
        whole text, normalized: a passage's answer sentences get vectors without embedding their text again.
        A span that no token falls in (cut off at the model's 256 tokens) gets a zero row.
        """
        texts = list(texts)
        spans = [list(s) for s in spans]
        out = np.empty((len(texts), self.dim), np.float32)
        pooled = [np.zeros((len(s), self.dim), np.float32) for s in spans]
        if not texts:
            return out, pooled
        encs = self.tokenizer.encode_batch(texts)
        lengths = [len(e.ids) for e in encs]
        order = sorted(range(len(texts)), key=lengths.__getitem__)
        i = 0
        while i < len(order):
            j, first = i + 1, lengths[order[i]]
            # Batch texts of similar length: at most ~25% (+8 tokens) of padding per row, MAX_BATCH_TOKENS in all.
            while (
                j < len(order)
                and j - i < self.max_batch
                and lengths[order[j]] <= first * 1.25 + 8
                and (j - i + 1) * lengths[order[j]] <= MAX_BATCH_TOKENS
            ):
                j += 1
            rows = order[i:j]
            hidden, mask = self._forward([encs[r] for r in rows])
            out[rows] = _mean_pool(hidden, mask)
            for n, r in enumerate(rows):
                if spans[r]:
                    pooled[r] = _span_pool(hidden[n, : lengths[r]], encs[r].offsets, spans[r])
            i = j
        return out, pooled

    def _forward(self, encs) -> tuple[np.ndarray, np.ndarray]:
        """The model's last hidden states of a batch, and its attention mask."""
        width = max(len(e.ids) for e in encs)
        ids = np.zeros((len(encs), width), np.int64)
        mask = np.zeros((len(encs), width), np.int64)
        for row, e in enumerate(encs):
            ids[row, : len(e.ids)] = e.ids
            mask[row, : len(e.ids)] = 1
        feeds = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self._inputs:
            feeds["token_type_ids"] = np.zeros_like(ids)
        return self.session.run(None, feeds)[0], mask


def _mean_pool(hidden: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """sentence-transformers' pooling: the mean of the unmasked tokens' states, normalized."""
    m = mask[:, :, None].astype(np.float32)
    return normalize((hidden * m).sum(axis=1) / np.maximum(m.sum(axis=1), 1e-9))


def _span_pool(hidden: np.ndarray, offsets, spans: Sequence[tuple[int, int]]) -> np.ndarray:
    """Normalized mean state of the tokens whose middle character lies in each span (special tokens have none)."""
    offs = np.asarray(offsets, np.float64).reshape(-1, 2)
    real = offs[:, 1] > offs[:, 0]
    middle = offs.mean(axis=1)
    bounds = np.asarray(spans, np.float64).reshape(-1, 2)
    inside = real[None, :] & (middle[None, :] >= bounds[:, :1]) & (middle[None, :] < bounds[:, 1:])
    sums = inside.astype(np.float32) @ hidden
    return normalize(sums / np.maximum(inside.sum(axis=1, keepdims=True), 1))


def export_onnx(target: Path, folder: Path | None = None) -> Path:
    """Export the model's transformer to ONNX (legacy exporter) with a dynamic batch and length."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import torch
    from transformers import AutoModel

    folder = folder or model_dir()
    # Eager attention exports as plain MatMul/Softmax, which onnxruntime runs faster on CPU than the
    # graph of the SDPA default, with the same vectors (bench/onnx_export.py, results/onnx-export.md).
    bert = AutoModel.from_pretrained(str(folder), attn_implementation="eager")
    bert.eval()

    class _Encoder(torch.nn.Module):  # keyword call: transformers' positional order changes between releases
        def __init__(self):
            super().__init__()
            self.bert = bert

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.bert(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids).last_hidden_state

    model = _Encoder().eval()  # a new Module starts in training mode: dropout would reach the export's check
    ids = torch.ones((2, 8), dtype=torch.long)
    target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".export-", dir=target.parent))
    tmp = work / target.name  # with its weights file beside it, as in the target folder
    try:
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            torch.onnx.export(
                model,
                (ids, torch.ones_like(ids), torch.zeros_like(ids)),
                str(work / "graph.onnx"),
                input_names=["input_ids", "attention_mask", "token_type_ids"],
                output_names=["last_hidden_state"],
                dynamic_axes={n: {0: "batch", 1: "tokens"} for n in ("input_ids", "attention_mask", "token_type_ids")}
                | {"last_hidden_state": {0: "batch", 1: "tokens"}},
                opset_version=17,
                dynamo=False,
            )
            # The reference: the torch model with sentence-transformers' pooling on the same tokens.
            tok = load_tokenizer(folder)
            ref = []
            for text in PROBE_TEXTS:
                enc = tok.encode(text)
                t_ids = torch.tensor([enc.ids])
                hidden = model(t_ids, torch.ones_like(t_ids), torch.zeros_like(t_ids))[0].numpy()
                ref.append(hidden.mean(axis=0))
        _weights_apart(work / "graph.onnx", tmp)
        vectors = normalize(np.vstack(ref))
        got = OnnxEmbedder(tmp, folder).embed(PROBE_TEXTS)
        worst = float((got * vectors).sum(axis=1).min())
        if worst < PROBE_MIN_COSINE:
            raise RuntimeError(f"the ONNX export disagrees with the torch model (cosine {worst:.6f})")
        probe = _probe_path(target)
        probe_tmp = probe.with_suffix(f".tmp{os.getpid()}")
        probe_tmp.write_text(json.dumps({"texts": PROBE_TEXTS, "vectors": vectors.round(6).tolist()}))
        os.replace(probe_tmp, probe)
        os.replace(work / weights_name(target), target.with_name(weights_name(target)))
        os.replace(tmp, target)  # last: the graph names its weights file, which is in place by now
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return target


def _weights_apart(graph: Path, target: Path) -> None:
    """Save graph as target with its weights in one file beside it (weights_name): onnxruntime maps that file
    instead of parsing 90 MB of protobuf, and a session opens in 0.08 s rather than 0.21 s (the same vectors)."""
    import onnx

    model = onnx.load(str(graph))
    onnx.save_model(model, str(target), save_as_external_data=True, all_tensors_to_one_file=True, location=weights_name(target))
    shutil.copymode(target, target.with_name(weights_name(target)))  # onnx makes it private; readable as the graph is


def weights_name(onnx_path: Path) -> str:
    """The name of the export's weights file, in the same folder."""
    return onnx_path.name + ".data"


# 2: exports carry a check file (PROBE_TEXTS' reference vectors); 3: eager attention; 4: weights in a file of their own
ONNX_FORMAT = 4


def onnx_path_for(index_root: Path, mhash: str) -> Path:
    """Where the ONNX export of the model with hash mhash is cached, beside the index generations."""
    return index_root / "models" / f"minilm-{mhash}-v{ONNX_FORMAT}.onnx"


def export_for_questions(index_root: Path, mhash: str) -> Path:
    """The export questions load: this format's, else one of format 3 an earlier version made (the same graph and
    weights, stored in one file; slower to open) until the next build exports this format."""
    path = onnx_path_for(index_root, mhash)
    older = path.with_name(f"minilm-{mhash}-v3.onnx")
    return older if not path.exists() and older.exists() else path


def fingerprints_path(index_root: Path) -> Path:
    """Where the weights' fingerprints are remembered between processes (embeddings.fingerprint), beside the exports."""
    return index_root / "models" / "fingerprints.json"


def _probe_path(onnx_path: Path) -> Path:
    return onnx_path.with_name(onnx_path.name + ".probe.json")


def check_onnx(embedder: "OnnxEmbedder", onnx_path: Path) -> None:
    """Raise ValueError unless the export reproduces the reference vectors saved when it was made."""
    try:
        probe = json.loads(_probe_path(onnx_path).read_text())
        texts, ref = list(probe["texts"]), np.asarray(probe["vectors"], np.float32)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ValueError(f"its check file is missing or unreadable ({exc})") from None
    got = embedder.embed(texts)
    worst = float((got * ref).sum(axis=1).min()) if len(ref) == len(got) else -1.0
    if worst < PROBE_MIN_COSINE:
        raise ValueError(f"its vectors disagree with the reference (cosine {worst:.4f})")
