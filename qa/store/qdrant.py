"""The Qdrant backend: each index generation a collection (dense named vectors, a sparse BM25 vector, a payload).

A point is one chunk row: its id is the row, its vectors are "dense" (MiniLM), "multi" (the multilingual
model) and "bm25" (the row's BM25 term weights, taken from the local generation's bm25s index, so that a
query's dot product with it is exactly its BM25 score), its payload the chunk (source, chunk id, text,
offsets, section, page, ...) and whether it is Chinese (cjk: 1 or 0; qdrant-edge-py 0.9 matches no
boolean values). Payload indexes on source and cjk back the filters.
A pointer (a collection alias on a server; a pointer file for the embedded engine) makes one current.

Engines (qa/store/qdrant_engines.py): qdrant-client for a server or cluster (QA_QDRANT_URL, QA_QDRANT_API_KEY;
"local:PATH" or ":memory:" use the client's local mode), qdrant-edge-py for the embedded engine
(QA_QDRANT_PATH). Any failure to reach, authenticate or find a collection is a BackendUnavailable naming it.
"""

from __future__ import annotations

import atexit
import threading
from collections import Counter
from typing import TYPE_CHECKING, Sequence

import numpy as np

from ..bm25 import Bm25Index, terms
from ..chunks import Chunk
from ..errors import BackendUnavailable, InvalidSetting
from ..vectors import EXACT_MAX_ROWS
from .protocol import EMPTY, VECTOR_SETS, NewGeneration, RowFilter, ranked

if TYPE_CHECKING:
    from ..settings import Settings

SPARSE = "bm25"
BATCH = 256  # points per upsert
_CHUNK_FIELDS = ("chunk_id", "doc_id", "source", "title", "section", "page", "start", "end", "text", "n_tokens")
_engines: dict[tuple, object] = {}
_engines_lock = threading.Lock()


def connect(settings: "Settings") -> "QdrantGenerations":
    """The generations in the configured Qdrant (one engine per address and process), checked reachable."""
    from . import qdrant_engines

    if settings.qdrant_url:
        key = ("client", settings.qdrant_url, settings.qdrant_api_key, settings.qdrant_shards, settings.qdrant_replicas)
        make = lambda: qdrant_engines.ClientEngine(settings.qdrant_url, settings.qdrant_api_key or None,  # noqa: E731
                                                   shards=settings.qdrant_shards, replicas=settings.qdrant_replicas)
    else:
        key = ("edge", str(settings.qdrant_path))
        make = lambda: qdrant_engines.EdgeEngine(settings.qdrant_path)  # noqa: E731
    with _engines_lock:
        engine = _engines.get(key)
        if engine is None:
            engine = _engines[key] = make()
    return QdrantGenerations(engine, settings.qdrant_collection, settings.keep_generations)


def forget_engines() -> None:
    """Close every open engine (tests; a process that changes its settings)."""
    with _engines_lock:
        for engine in _engines.values():
            engine.close()
        _engines.clear()


atexit.register(forget_engines)  # closed before the interpreter tears down what the clients' own cleanup needs


def sparse_rows(bm25: Bm25Index) -> list[tuple[np.ndarray, np.ndarray]]:
    """Each row's BM25 term weights (term ids, weights) from a bm25s score matrix."""
    scores = bm25.retriever.scores
    data, indices, indptr = (np.asarray(scores[k]) for k in ("data", "indices", "indptr"))
    n = bm25.n
    term = np.repeat(np.arange(len(indptr) - 1, dtype=np.int64), np.diff(indptr))
    order = np.argsort(indices, kind="stable")
    bounds = np.searchsorted(indices[order], np.arange(n + 1))
    return [(term[order[a:b]], data[order[a:b]].astype(np.float32)) for a, b in zip(bounds[:-1], bounds[1:])]


def query_sparse(bm25: Bm25Index, query: str) -> tuple[list[int], list[float]]:
    """The query's BM25 sparse vector: each known term's id with how often it occurs (bm25s sums repeats)."""
    vocab = bm25.retriever.vocab_dict
    counts = Counter(vocab[t] for t in terms(query) if t in vocab)
    ids = sorted(counts)
    return [int(i) for i in ids], [float(counts[i]) for i in ids]


class QdrantGenerations:
    """Generations stored as Qdrant collections named <prefix>-<generation>; a pointer names the current one."""

    def __init__(self, engine, prefix: str, keep: int = 2):
        self.engine = engine
        self.prefix = prefix
        self.keep = max(2, keep)

    def collection(self, name: str) -> str:
        return f"{self.prefix}-{name}"

    def generations(self) -> list[str]:
        head = f"{self.prefix}-"
        return sorted(c[len(head):] for c in self.engine.collections() if c.startswith(head + "gen-"))

    def write(self, new: NewGeneration) -> str:
        name = new.name
        coll = self.collection(name)
        if coll in self.engine.collections():  # an interrupted earlier publish of the same generation
            self.engine.drop(coll)
        dims = {"dense": new.manifest.dim, "multi": new.manifest.multilingual_dim}
        self.engine.create(coll, dims, SPARSE)
        sparse = sparse_rows(new.bm25)
        cjk = np.asarray(new.cjk_rows, bool)
        chunks = new.chunks
        for a in range(0, len(chunks), BATCH):
            rows = range(a, min(a + BATCH, len(chunks)))
            dense = np.asarray(new.vectors[a:rows.stop], np.float32)
            multi = np.asarray(new.multi_vectors[a:rows.stop], np.float32)
            self.engine.upsert(coll, [
                (r, {"dense": dense[r - a].tolist(), "multi": multi[r - a].tolist()},
                 (sparse[r][0].tolist(), sparse[r][1].tolist()),
                 {f: getattr(chunks[r], f) for f in _CHUNK_FIELDS} | {"row": r, "cjk": int(cjk[r])})
                for r in rows])
        self.engine.finish(coll)
        return name

    def current(self) -> str | None:
        return self.engine.get_pointer(self.prefix).get("current")

    def make_current(self, name: str) -> None:
        if self.collection(name) not in self.engine.collections():
            raise BackendUnavailable(f"{self.engine.where}: collection {self.collection(name)} does not exist; "
                                     "publish it with: qa index")
        before = self.engine.get_pointer(self.prefix)
        previous = before.get("current") if before.get("current") != name else before.get("previous")
        self.engine.set_pointer(self.prefix, self.collection(name), name,
                                self.collection(previous) if previous else None, previous)
        keep = {name, previous}
        for old in [g for g in self.generations() if g not in keep][: max(0, len(self.generations()) - self.keep)]:
            self.engine.drop(self.collection(old))

    def open(self, name: str) -> "QdrantPassages":
        coll = self.collection(name)
        if coll not in self.engine.collections():
            raise BackendUnavailable(f"{self.engine.where}: collection {coll} (index generation {name}) does not "
                                     "exist; publish it with: qa index (the local index is unchanged)")
        return QdrantPassages(self.engine, coll)


class QdrantPassages:
    """One generation's passages in a Qdrant collection (a PassageStore, qa/store/protocol.py)."""

    def __init__(self, engine, collection: str):
        self.engine = engine
        self.collection = collection
        self.n = engine.count(collection)
        self._gen = None  # the local generation, for the BM25 vocabulary (set by BackedGeneration users)

    def bind(self, gen) -> "QdrantPassages":
        """Use gen's BM25 vocabulary to turn questions into sparse vectors."""
        self._gen = gen
        return self

    def dense(self, vector_set, qvec, k, where: RowFilter | None = None):
        if vector_set not in VECTOR_SETS:
            raise InvalidSetting(f"vector set {vector_set!r}; valid choices: {', '.join(VECTOR_SETS)}")
        if k <= 0 or self.n == 0:
            return np.zeros(0, np.float32), np.zeros(0, np.int64)
        got = self.engine.query(self.collection, vector_set, np.asarray(qvec, np.float32).tolist(), k, where,
                                exact=self.n <= EXACT_MAX_ROWS)
        return _scored(got)

    def lexical(self, query, k, where: RowFilter | None = None):
        ids, weights = query_sparse(self._gen.bm25, query)
        if not ids or k <= 0 or self.n == 0:
            return np.zeros(0, np.float32), np.zeros(0, np.int64)
        return _scored(self.engine.query(self.collection, SPARSE, (ids, weights), k, where, exact=True))

    def vectors(self, vector_set, rows: Sequence[int]):
        rows = [int(r) for r in rows]
        if not rows:
            dim = self.engine.dims(self.collection)[vector_set]
            return np.zeros((0, dim), np.float32)
        got = {r: v for r, v, _ in self.engine.retrieve(self.collection, rows, vector_set, payload=False)}
        return np.asarray([got[r] for r in rows], np.float32)

    def chunks(self, rows: Sequence[int]) -> list[Chunk]:
        rows = [int(r) for r in rows]
        if not rows:
            return []
        got = {r: p for r, _, p in self.engine.retrieve(self.collection, rows, None, payload=True)}
        return [Chunk(**{f: got[r][f] for f in _CHUNK_FIELDS}) for r in rows]


def _scored(got: list[tuple[int, float]]) -> tuple[np.ndarray, np.ndarray]:
    return ranked(np.array([s for _, s in got], np.float32), np.array([r for r, _ in got], np.int64))
