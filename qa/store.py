"""The storage seam: the calls search and build make on an index generation's passages, one small interface.

A passage store answers, for one generation: dense top-k over a named vector set and lexical (BM25) top-k,
both under a row filter (documents, and which rows are Chinese); the vectors and chunk rows of given rows.
Backends write a generation and make one current, keeping the previous one. Fusion, de-duplication and
answers stay above this seam (qa/search.py, qa/answers.py), so results do not depend on the backend.

Backends: "faiss" (the local generation itself, FaissPassages) and "qdrant" (qa/qdrant_store.py: a Qdrant
server or cluster through qdrant-client, or the embedded engine through qdrant-edge-py). Rows are the
generation's chunk rows (0..n-1) in every backend.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, Sequence

import numpy as np

from .errors import IndexNotFound, InvalidSetting
from .vectors import search_vectors

if TYPE_CHECKING:
    from .chunks import Chunk
    from .index import Generation
    from .settings import Settings

VECTOR_SETS = ("dense", "multi")  # MiniLM's vectors; the multilingual model's
BACKENDS = ("faiss", "qdrant")


@dataclass(frozen=True)
class RowFilter:
    """Which rows a top-k may return: of these documents only (None: all), Chinese or not (None: either)."""

    sources: tuple[str, ...] | None = None
    cjk: bool | None = None


class PassageStore(Protocol):
    """One generation's passages, as search reads them."""

    def dense(self, vector_set: str, qvec: np.ndarray, k: int,
              where: RowFilter | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(scores, rows) of the k rows with the highest inner product with qvec, best first."""

    def lexical(self, query: str, k: int, where: RowFilter | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(BM25 scores, rows) of the k best-matching rows with a positive score, best first."""

    def vectors(self, vector_set: str, rows: Sequence[int]) -> np.ndarray:
        """The stored vectors of rows, in the order given."""

    def chunks(self, rows: Sequence[int]) -> "list[Chunk]":
        """The chunk rows of rows, in the order given."""


class GenerationWriter(Protocol):
    """Where generations are published and one of them is made current."""

    def write(self, gen: "Generation") -> str:
        """Store a complete local generation under its name (not yet current); returns the name."""

    def make_current(self, name: str) -> None:
        """Make a written generation current, keeping the one current before it as the previous one."""

    def current(self) -> str | None:
        """The current generation's name, or None."""

    def generations(self) -> list[str]:
        """Names of the generations stored."""

    def open(self, name: str) -> PassageStore:
        """The passages of a stored generation; a missing one is a BackendError naming it."""


_EMPTY = (np.zeros(0, np.float32), np.zeros(0, np.int64))
TIE_DECIMALS = 6  # scores equal to this many decimals are ties, ranked by row: the same order in every backend


def ranked(scores: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(scores, rows) best first, ties (engines round differently in the last bit) broken by the lower row."""
    scores, rows = np.asarray(scores, np.float32), np.asarray(rows, np.int64)
    order = np.lexsort((rows, -np.round(scores.astype(np.float64), TIE_DECIMALS)))
    return scores[order], rows[order]


class FaissPassages:
    """The local generation's passages: FAISS vector indexes, bm25s and the SQLite chunk rows."""

    def __init__(self, gen: "Generation"):
        self.gen = gen

    def row_mask(self, where: RowFilter | None) -> np.ndarray | None:
        """Boolean mask of the rows where allows, or None when it allows every row."""
        if where is None or (where.sources is None and where.cjk is None):
            return None
        mask = np.ones(len(self.gen.row_source), bool)
        if where.sources is not None:
            wanted = [i for i, s in enumerate(self.gen.sources) if s in set(where.sources)]
            mask &= np.isin(self.gen.row_source, wanted)
        if where.cjk is not None:
            mask &= self.gen.cjk_rows if where.cjk else ~self.gen.cjk_rows
        return mask

    def _set(self, vector_set: str):
        if vector_set == "dense":
            return self.gen.vectors, self.gen.vector_index
        if vector_set == "multi":
            return self.gen.multi_vectors, self.gen.multi_index
        raise InvalidSetting(f"vector set {vector_set!r}; valid choices: {', '.join(VECTOR_SETS)}")

    def dense(self, vector_set, qvec, k, where=None):
        index = self._set(vector_set)[1]
        mask = self.row_mask(where)
        allowed = None if mask is None else np.flatnonzero(mask)  # filtered inside FAISS
        if (allowed is not None and not len(allowed)) or index.ntotal == 0 or k <= 0:
            return _EMPTY
        scores, rows = search_vectors(index, qvec, k, allowed=allowed)
        keep = rows >= 0
        return ranked(scores[keep], rows[keep])

    def lexical(self, query, k, where=None):
        mask = self.row_mask(where)
        return ranked(*self.gen.bm25.search(query, k, None if mask is None else mask.astype(np.float32)))

    def vectors(self, vector_set, rows):
        vectors = self._set(vector_set)[0]
        rows = np.asarray(rows, dtype=np.int64)
        return np.asarray(vectors[rows], dtype=np.float32) if len(rows) else np.zeros((0, vectors.shape[1]), np.float32)

    def chunks(self, rows):
        return self.gen.chunks(rows)


class LocalGenerations:
    """The FAISS backend's generations: folders in the index root, made current by the CURRENT pointer."""

    def __init__(self, root: Path, keep: int = 2):
        self.root = Path(root)
        self.keep = keep

    def generations(self) -> list[str]:
        return sorted(p.name for p in self.root.glob("gen-*") if (p / "manifest.json").is_file())

    def write(self, gen: "Generation") -> str:
        """A generation written elsewhere is copied in whole (a build writes its own in place)."""
        from .generations import _fsync_tree

        name = gen.path.name
        if Path(gen.path).resolve().parent != self.root.resolve():
            tmp = self.root / f"tmp-{name}"
            shutil.copytree(gen.path, tmp)
            _fsync_tree(tmp)
            os.rename(tmp, self.root / name)
        return name

    def current(self) -> str | None:
        from .generations import read_pointer

        return read_pointer(self.root).get("current")

    def make_current(self, name: str) -> None:
        from .generations import _write_pointer, prune, read_pointer

        if not (self.root / name / "manifest.json").is_file():
            raise IndexNotFound(f"index generation {name} is not in {self.root}")
        pointer = read_pointer(self.root)
        previous = pointer.get("current") if pointer.get("current") != name else pointer.get("previous")
        _write_pointer(self.root, {"current": name, "previous": previous})
        prune(self.root, self.keep)

    def open(self, name: str) -> FaissPassages:
        from .index import Generation

        if not (self.root / name).is_dir():
            raise IndexNotFound(f"index generation {name} is not in {self.root}")
        return FaissPassages(Generation(self.root / name, model_hash=None))


class BackedGeneration:
    """A local generation whose passage queries go to another backend's copy of the same generation.

    Document-level data (documents, sections, pages, references, the vocabulary) still comes from the
    local generation; dense and lexical top-k, vectors and chunk rows come from the backend.
    """

    def __init__(self, local: "Generation", passages: PassageStore):
        self._local = local
        self.passages = passages

    def __getattr__(self, name):
        return getattr(self._local, name)


def passages_of(gen) -> PassageStore:
    """The passage store search should use for gen."""
    store = getattr(gen, "passages", None)
    return store if store is not None else FaissPassages(gen)


def check_backend(settings: "Settings") -> None:
    """Raise InvalidSetting unless the backend settings name a usable backend."""
    if settings.backend not in BACKENDS:
        raise InvalidSetting(f"QA_BACKEND={settings.backend!r}; valid choices: {', '.join(BACKENDS)}")
    if settings.backend == "qdrant" and not (settings.qdrant_url or settings.qdrant_path):
        raise InvalidSetting("QA_BACKEND=qdrant needs QA_QDRANT_URL (a server or cluster) or QA_QDRANT_PATH "
                             "(the embedded engine)")


def writer(settings: "Settings") -> GenerationWriter | None:
    """The backend generations are published to besides the local index (None: the local index only)."""
    check_backend(settings)
    if settings.backend == "faiss":
        return None
    from .qdrant_store import connect

    return connect(settings)


def serving(settings: "Settings", gen: "Generation"):
    """gen as search should see it: itself for FAISS, else backed by the backend's copy of it."""
    w = writer(settings)
    return gen if w is None else BackedGeneration(gen, w.open(gen.path.name).bind(gen))


def publish(settings: "Settings", gen: "Generation", w: GenerationWriter | None = None) -> None:
    """Store a newly built local generation in the backend and make it current there (FAISS: nothing to do)."""
    w = w or writer(settings)
    if w is None:
        return
    w.make_current(w.write(gen))
