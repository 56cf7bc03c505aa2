"""The FAISS backend: passages from a local generation (FAISS, bm25s, SQLite) and generation folders on disk."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from qa.errors import IndexNotFound, InvalidSetting
from qa.index.vectors import search_vectors
from qa.index.store.pointer import prune, read_pointer, write_pointer
from qa.index.store.protocol import EMPTY, VECTOR_SETS, NewGeneration, RowFilter, ranked
from qa.index.store.reader import Generation
from qa.index.store.writer import write_generation


class FaissPassages:
    """The local generation's passages: FAISS vector indexes, bm25s and the SQLite chunk rows."""

    def __init__(self, gen: Generation):
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
            return EMPTY
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

    def write(self, new: NewGeneration) -> str:
        return write_generation(self.root, new)

    def current(self) -> str | None:
        return read_pointer(self.root).get("current")

    def make_current(self, name: str, previous: str | None = None) -> None:
        """Point CURRENT at name; previous (default: the one current now) stays as the fallback."""
        if not (self.root / name / "manifest.json").is_file():
            raise IndexNotFound(f"index generation {name} is not in {self.root}")
        if previous is None:
            pointer = read_pointer(self.root)
            previous = pointer.get("current") if pointer.get("current") != name else pointer.get("previous")
        write_pointer(self.root, {"current": name, "previous": previous})
        prune(self.root, self.keep)

    def open(self, name: str) -> FaissPassages:
        if not (self.root / name).is_dir():
            raise IndexNotFound(f"index generation {name} is not in {self.root}")
        return FaissPassages(Generation(self.root / name, model_hash=None))


def as_new(gen: Generation) -> NewGeneration:
    """A loaded local generation as a NewGeneration, to store it in another backend under the same name."""
    records = gen.documents()
    keyed = gen.all_chunks()
    vocab = gen.vocabulary()
    return NewGeneration(
        gen.path.name, gen.manifest, tuple(gen.document(r.source) for r in records), tuple(c for c, _ in keyed),
        tuple(k for _, k in keyed), np.asarray(gen.vectors, np.float32), np.asarray(gen.multi_vectors, np.float32),
        np.asarray(gen.cjk_rows, bool), np.asarray(gen.section_run), np.asarray(gen.repeat_group), tuple(vocab),
        np.array(list(vocab.values()), np.float32).reshape(len(vocab), gen.manifest.dim),
        {r.source: r.indexed_at for r in records}, gen.bm25)
