"""The FAISS backend: passages from a local generation (FAISS, bm25s, SQLite) and generation folders on disk."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from qa.errors import IndexNotFound
from qa.index.store.faiss_passages import FaissPassages
from qa.index.store.pointer import prune, read_pointer, write_pointer
from qa.index.store.protocol import NewGeneration
from qa.index.store.reader import Generation
from qa.index.store.writer import write_generation


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
        return Generation(self.root / name, model_hash=None).passages


def as_new(gen: Generation) -> NewGeneration:
    """A loaded local generation as a NewGeneration, to store it in another backend under the same name."""
    records = gen.documents()
    keyed = gen.all_chunks()
    vocab = gen.vocabulary()
    return NewGeneration(
        gen.name,
        gen.manifest,
        tuple(gen.document(r.source) for r in records),
        tuple(c for c, _ in keyed),
        tuple(k for _, k in keyed),
        np.asarray(gen.passages.dense_vectors, np.float32),
        np.asarray(gen.passages.multi_vectors, np.float32),
        np.asarray(gen.cjk_rows, bool),
        np.asarray(gen.section_run),
        np.asarray(gen.repeat_group),
        tuple(vocab),
        np.array(list(vocab.values()), np.float32).reshape(len(vocab), gen.manifest.dim),
        {r.source: r.indexed_at for r in records},
        gen.bm25,
        gen.stored_sentences,
    )
