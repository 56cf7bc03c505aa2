"""The embedder for questions: the checked ONNX export behind an explicit cache, else sentence-transformers."""

from __future__ import annotations

import threading
import warnings
from collections import OrderedDict
from pathlib import Path
from typing import Sequence

import numpy as np

from qa.embed.embeddings import Embedder, SentenceTransformerEmbedder
from qa.embed.onnx import OnnxEmbedder, check_onnx, export_for_questions


class CachedEmbedder:
    """An embedder that remembers its last `size` texts' vectors (size 0: no cache at all).

    A question is embedded once per ask, and the sentences of passages that answer many questions once per
    process. `clear()` forgets everything, so that evaluations and benchmarks time first-time texts.
    """

    def __init__(self, inner: Embedder, size: int = 4096):
        self.inner = inner
        self.size = size
        self.dim = getattr(inner, "dim", None)
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def clear(self) -> None:
        """Forget every cached vector."""
        with self._lock:
            self._cache.clear()

    def __len__(self) -> int:
        return len(self._cache)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        texts = list(texts)
        if not self.size:
            return self.inner.embed(texts)
        found: dict[str, np.ndarray] = {}
        with self._lock:
            for t in texts:
                v = self._cache.get(t)
                if v is not None:
                    self._cache.move_to_end(t)
                    found[t] = v
        fresh = [t for t in dict.fromkeys(texts) if t not in found]
        if fresh:
            vecs = self.inner.embed(fresh)
            found.update(zip(fresh, vecs, strict=False))
            with self._lock:
                self._cache.update(zip(fresh, vecs, strict=False))
                while len(self._cache) > self.size:
                    self._cache.popitem(last=False)
        if not texts:
            return self.inner.embed([])
        return np.vstack([found[t] for t in texts]).astype(np.float32, copy=False)


def query_embedder(index_root: Path, mhash: str, cache_size: int = 4096) -> CachedEmbedder:
    """The fastest embedder available for queries: the checked ONNX export, else sentence-transformers.

    A missing, unloadable or wrong ONNX file never stops answering: queries then use sentence-transformers
    (slower, same vectors) and a warning says so and how to restore the fast path.
    """
    path = export_for_questions(index_root, mhash)
    if path.exists():
        try:
            embedder = OnnxEmbedder(path)
            check_onnx(embedder, path)
            return CachedEmbedder(embedder, cache_size)
        except Exception as exc:  # a damaged export must not stop answering
            warnings.warn(
                f"ONNX model {path} cannot be used ({exc}); queries use sentence-transformers "
                f"(slower); delete the file and run `qa index` to export it again",
                stacklevel=2,
            )
    else:
        warnings.warn(
            f"no ONNX export of the model at {path}; queries use sentence-transformers (slower); run `qa index` to export it",
            stacklevel=2,
        )
    return CachedEmbedder(SentenceTransformerEmbedder(), cache_size)
