"""The Qdrant backend: each index generation a collection (dense named vectors, a sparse BM25 vector, a payload)
and a side collection with the rest of the generation (qa/index/store/qdrant_generation.py), so that app servers
answer from Qdrant alone.

A point is one chunk row: its id is the row, its vectors are "dense" (MiniLM), "multi" (the multilingual
model) and "bm25" (the row's BM25 term weights, taken from the build's bm25s index, so that a query's dot
product with it is exactly its BM25 score), its payload the chunk (source, chunk id, text, offsets, section,
page, ...), its de-duplication attributes and whether it is Chinese (cjk: 1 or 0; qdrant-edge-py 0.9 matches
no boolean values). Payload indexes on source and cjk back the filters.
A pointer (a collection alias on a server; a pointer file for the embedded engine) makes one current.

Engines: qdrant-client for a server or cluster (qa/index/store/qdrant_server.py: QA_QDRANT_URL, QA_QDRANT_API_KEY;
"local:PATH" or ":memory:" use the client's local mode), qdrant-edge-py for the embedded engine
(qa/index/store/qdrant_embedded.py: QA_QDRANT_PATH). Any failure to reach, authenticate or find a collection is a
BackendUnavailable naming it.
"""

from __future__ import annotations

import atexit
import threading
from collections import Counter
from typing import TYPE_CHECKING, Callable, Sequence

import numpy as np

from qa.errors import BackendUnavailable, InvalidSetting
from qa.index.bm25 import Bm25Index, terms
from qa.index.store.protocol import EMPTY, VECTOR_SETS, NewGeneration, RowFilter, ranked
from qa.index.vectors import EXACT_MAX_ROWS
from qa.ingest.chunking import Chunk

if TYPE_CHECKING:
    from qa.index.store.qdrant_embedded import EdgeEngine
    from qa.index.store.qdrant_server import ClientEngine
    from qa.settings import Settings

SPARSE = "bm25"
BATCH = 256  # points per upsert
_CHUNK_FIELDS = ("chunk_id", "doc_id", "source", "title", "section", "page", "start", "end", "text", "n_tokens")
_engines: dict[tuple, "EdgeEngine | ClientEngine"] = {}
_engines_lock = threading.Lock()


def connect(settings: "Settings") -> "QdrantGenerations":
    """The generations in the configured Qdrant (one engine per address and process), checked reachable."""
    from qa.index.store.qdrant_embedded import EdgeEngine
    from qa.index.store.qdrant_server import ClientEngine

    key: tuple
    make: Callable[[], EdgeEngine | ClientEngine]
    if settings.qdrant_url:
        key = ("client", settings.qdrant_url, settings.qdrant_api_key, settings.qdrant_shards, settings.qdrant_replicas)
        make = lambda: ClientEngine(  # noqa: E731
            settings.qdrant_url, settings.qdrant_api_key or None, shards=settings.qdrant_shards, replicas=settings.qdrant_replicas
        )
    else:
        key = ("edge", str(settings.qdrant_path))
        make = lambda: EdgeEngine(settings.qdrant_path)  # noqa: E731
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
    """Each row's BM25 term weights (term ids, weights) from the index's score matrix."""
    data, indices, indptr = bm25.data, bm25.indices, bm25.indptr
    n = bm25.n
    term = np.repeat(np.arange(len(indptr) - 1, dtype=np.int64), np.diff(indptr))
    order = np.argsort(indices, kind="stable")
    bounds = np.searchsorted(indices[order], np.arange(n + 1))
    return [(term[order[a:b]], data[order[a:b]].astype(np.float32)) for a, b in zip(bounds[:-1], bounds[1:], strict=True)]


def query_sparse(vocab: dict[str, int], query: str) -> tuple[list[int], list[float]]:
    """The query's BM25 sparse vector: each known term's id with how often it occurs (bm25s sums repeats)."""
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
        """The passages' collection of generation name."""
        return f"{self.prefix}-{name}"

    def side(self, name: str) -> str:
        """The side collection of generation name (manifest, documents, row attributes, terms, words)."""
        return f"{self.prefix}-side-{name}"

    def generations(self) -> list[str]:
        head = f"{self.prefix}-"
        return sorted(c[len(head) :] for c in self.engine.collections() if c.startswith(head + "gen-"))

    def write(self, new: NewGeneration) -> str:
        """The side collection, then the passages' (whose completion marks the generation written)."""
        from qa.index.store.qdrant_generation import write_side

        coll, side = self.collection(new.name), self.side(new.name)
        existing = self.engine.collections()
        for c in (coll, side):
            if c in existing:  # an interrupted earlier write of the same generation
                self.engine.drop(c)
        write_side(self.engine, side, new)
        self.engine.create(
            coll,
            {"dense": new.manifest.dim, "multi": new.manifest.multilingual_dim},
            SPARSE,
            {"source": "keyword", "cjk": "integer"},
        )
        sparse = sparse_rows(new.bm25)
        chunks = new.chunks
        for a in range(0, len(chunks), BATCH):
            rows = range(a, min(a + BATCH, len(chunks)))
            dense = np.asarray(new.vectors[a : rows.stop], np.float32)
            multi = np.asarray(new.multi_vectors[a : rows.stop], np.float32)
            self.engine.upsert(
                coll,
                [
                    (
                        r,
                        {"dense": dense[r - a].tolist(), "multi": multi[r - a].tolist()},
                        (sparse[r][0].tolist(), sparse[r][1].tolist()),
                        {f: getattr(chunks[r], f) for f in _CHUNK_FIELDS}
                        | {
                            "row": r,
                            "cjk": int(new.cjk_rows[r]),
                            "section_run": int(new.section_run[r]),
                            "repeat_group": int(new.repeat_group[r]),
                        },
                    )
                    for r in rows
                ],
            )
        self.engine.finish(coll)
        return new.name

    def current(self) -> str | None:
        return self.engine.get_pointer(self.prefix).get("current")

    def _check(self, name: str) -> None:
        have = self.engine.collections()
        for coll in (self.collection(name), self.side(name)):
            if coll not in have:
                raise BackendUnavailable(
                    f"{self.engine.where}: collection {coll} (index generation {name}) does not "
                    "exist; publish it with: QA_BACKEND=qdrant qa index (the local index is "
                    "unchanged)"
                )

    def make_current(self, name: str) -> None:
        self._check(name)
        before = self.engine.get_pointer(self.prefix)
        previous = before.get("current") if before.get("current") != name else before.get("previous")
        self.engine.set_pointer(
            self.prefix, self.collection(name), name, self.collection(previous) if previous else None, previous
        )
        keep = {name, previous}
        names = self.generations()
        for old in [g for g in names if g not in keep][: max(0, len(names) - self.keep)]:
            self.engine.drop(self.collection(old))
            self.engine.drop(self.side(old))
        # Side collections of writes interrupted before their passages' collection (names sort by time).
        head, written = self.side(""), set(self.generations())
        for coll in self.engine.collections():
            if coll.startswith(head) and coll[len(head) :] not in written and coll[len(head) :] < name:
                self.engine.drop(coll)

    def open_generation(self, name: str, model_hash: str | None):
        """Generation name as app servers serve it, from Qdrant alone (qa/index/store/qdrant_generation.py)."""
        from qa.index.store.qdrant_generation import QdrantGeneration

        self._check(name)
        return QdrantGeneration(self, name, model_hash)

    def open(self, name: str) -> "QdrantPassages":
        """The passages of generation name (its BM25 terms read from the side collection)."""
        from qa.index.store.qdrant_generation import read_terms

        self._check(name)
        self.engine.count(self.collection(name))  # the passages' shard first: its errors name the generation
        return self.passages(name, read_terms(self.engine, self.side(name))[0])

    def passages(self, name: str, vocab) -> "QdrantPassages":
        """The passages of generation name, searched with the BM25 vocabulary vocab."""
        return QdrantPassages(self.engine, self.collection(name), vocab)


class QdrantPassages:
    """One generation's passages in a Qdrant collection (a PassageStore, qa/index/store/protocol.py)."""

    def __init__(self, engine, collection: str, vocab: dict[str, int]):
        self.engine = engine
        self.collection = collection
        self.vocab = vocab  # BM25 term -> sparse index, to turn questions into sparse vectors
        self.n = engine.count(collection)

    def dense(self, vector_set, qvec, k, where: RowFilter | None = None):
        if vector_set not in VECTOR_SETS:
            raise InvalidSetting(f"vector set {vector_set!r}; valid choices: {', '.join(VECTOR_SETS)}")
        if k <= 0 or self.n == 0:
            return EMPTY
        got = self.engine.query(
            self.collection, vector_set, np.asarray(qvec, np.float32).tolist(), k, where, exact=self.n <= EXACT_MAX_ROWS
        )
        return _scored(got)

    def lexical(self, query, k, where: RowFilter | None = None):
        ids, weights = query_sparse(self.vocab, query)
        if not ids or k <= 0 or self.n == 0:
            return EMPTY
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
        return [Chunk.of(**{f: got[r][f] for f in _CHUNK_FIELDS}) for r in rows]


def _scored(got: list[tuple[int, float]]) -> tuple[np.ndarray, np.ndarray]:
    return ranked(np.array([s for _, s in got], np.float32), np.array([r for r, _ in got], np.int64))
