"""Reading the index: the current local generation, checked against its manifest, with fallback to the previous."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np

from qa.errors import IndexCorrupt, IndexNotFound, IndexOutdated
from qa.index.bm25 import Bm25Index
from qa.index.sentence_vectors import StoredSentences
from qa.index.store.chunks import ChunkStore
from qa.index.store.faiss_passages import FaissPassages
from qa.index.store.manifest import REBUILD_HINT, check_file, corrupt, installed_model_hash, read_manifest
from qa.index.store.pointer import CURRENT, pointer_token, read_pointer
from qa.index.store.protocol import DocumentRecord
from qa.index.vectors import load_vector_index
from qa.ingest.chunking import Chunk
from qa.ingest.documents import Document, Reference

INSTALLED = "installed"  # open_current's default: check against the installed embedding model
_DATA = ("chunks.sqlite", "vectors.npy", "vectors.faiss", "words.npy", "multi.npy", "multi.faiss", "cjk_rows.npy")


class Generation:
    """One loaded, read-only index generation; every query is answered from exactly one."""

    def __init__(self, path: Path, verify: bool = True, model_hash: str | None = None):
        """Load and check the generation in path; any mismatch or damage raises IndexCorrupt naming it.

        verify: check data files against the manifest (sizes always; content hashes in full up to
        FULL_HASH_BYTES, sampled above). model_hash: the installed model's, which must have built it.
        """
        self.path = path
        self.warning: str | None = None  # set when this generation stands in for a damaged newer one
        self.store: ChunkStore = None  # type: ignore[assignment]  # set by _load; None only while failing
        self.stored_sentences: StoredSentences | None = None
        try:
            self.manifest = read_manifest(path, model_hash)
            self._check_files(verify)
            self._load()
        except IndexCorrupt:
            self.close()
            raise
        except Exception as exc:  # whatever a damaged file makes a library raise, the reader gets one error
            self.close()
            raise self._corrupt(f"cannot be loaded ({exc.__class__.__name__}: {exc})") from None

    def _corrupt(self, reason: str) -> IndexCorrupt:
        return corrupt(f"{self.path.name} in {self.path.parent}", reason)

    def _check_files(self, verify: bool) -> None:
        if verify:
            if not self.manifest.files:
                raise self._corrupt("the manifest lists no data files")
            for name, record in self.manifest.files.items():
                why = check_file(self.path / name, name, record)
                if why:
                    raise self._corrupt(why)
        for name in _DATA:
            if not (self.path / name).is_file():
                raise self._corrupt(f"{name} is missing")

    def _load(self) -> None:
        path = self.path
        self.store = store = ChunkStore(path / "chunks.sqlite")
        n_rows = store.count("chunks")
        vectors = np.load(path / "vectors.npy", mmap_mode="r", allow_pickle=False)
        self.words = np.load(path / "words.npy", mmap_mode="r", allow_pickle=False)
        vector_index = load_vector_index(path / "vectors.faiss")
        multi_vectors = np.load(path / "multi.npy", mmap_mode="r", allow_pickle=False)
        multi_index = load_vector_index(path / "multi.faiss")
        self.cjk_rows = np.load(path / "cjk_rows.npy", allow_pickle=False).astype(bool)
        self.bm25 = Bm25Index.load(path / "bm25", n_rows)
        self._check_shapes(n_rows, store.count("words"), vectors, vector_index, multi_vectors, multi_index)
        self._set_rows(store.rows_per_source(), store.row_columns())
        # Generations made before answer-sentence vectors have none: answers embed their sentences instead.
        self.stored_sentences = StoredSentences(path, n_rows) if StoredSentences.present(path) else None
        self.passages = FaissPassages(
            vectors, vector_index, multi_vectors, multi_index, self.bm25, self.sources, self.row_source, self.cjk_rows, store
        )

    def _check_shapes(self, n_rows: int, n_words: int, vectors, vector_index, multi_vectors, multi_index) -> None:
        m = self.manifest
        counts = {
            "manifest": m.n_chunks,
            "chunk rows": n_rows,
            "vectors": len(vectors),
            "vector index": vector_index.ntotal,
            "multilingual vectors": len(multi_vectors),
            "multilingual index": multi_index.ntotal,
            "Chinese row flags": len(self.cjk_rows),
        }
        if len(set(counts.values())) != 1:
            raise self._corrupt(
                "the number of chunks disagrees between files (" + ", ".join(f"{k} {v}" for k, v in counts.items()) + ")"
            )
        if vectors.ndim != 2 or vectors.shape[1] != m.dim or vector_index.d != m.dim:
            raise self._corrupt(f"vectors have dimension {vectors.shape[1:]} / {vector_index.d}, the manifest says {m.dim}")
        if self.words.ndim != 2 or len(self.words) != n_words or (n_words and self.words.shape[1] != m.dim):
            raise self._corrupt(f"word vectors {self.words.shape} disagree with {n_words} words of dimension {m.dim}")
        if multi_vectors.ndim != 2 or multi_vectors.shape[1] != m.multilingual_dim or multi_index.d != m.multilingual_dim:
            raise self._corrupt(
                f"multilingual vectors have dimension {multi_vectors.shape[1:]} / "
                f"{multi_index.d}, the manifest says {m.multilingual_dim}"
            )
        if vectors.dtype != np.float32:
            raise self._corrupt(f"vectors are {vectors.dtype}, expected float32")

    def _set_rows(self, per_source: dict[str, int], rows: list[tuple[str, int, int]]) -> None:
        expected = {s: (v or {}).get("chunks") if isinstance(v, dict) else None for s, v in self.manifest.sources.items()}
        if per_source != expected:
            bad = sorted(set(per_source.items()) ^ set(expected.items()))[:3]
            raise self._corrupt(f"chunk rows per document disagree with the manifest ({bad})")
        self.sources = sorted(self.manifest.sources)
        position = {s: i for i, s in enumerate(self.sources)}
        self.row_source = np.array([position[r[0]] for r in rows], dtype=np.int32)
        # Which section copy each row is in, and which copies repeat one another (search shows one copy).
        self.section_run = np.array([r[1] for r in rows], dtype=np.int64)
        self.repeat_group = np.array([r[2] for r in rows], dtype=np.int64)

    @property
    def name(self) -> str:
        """The generation's name: its folder's."""
        return self.path.name

    @property
    def db(self):
        """The SQLite connection of the chunk store (read-only)."""
        return self.store.db

    def word_vectors(self, words: list[str]) -> dict[str, np.ndarray]:
        """Stored vectors of those words that occur in the corpus."""
        got = self.store.word_rows(words)
        vecs = np.asarray(self.words[[r for _, r in got]], dtype=np.float32) if got else np.zeros((0, 0), np.float32)
        return {w: v for (w, _), v in zip(got, vecs, strict=True)}

    def sentence_vectors(self, chunk_ids: list[str]) -> dict[str, np.ndarray]:
        """Answer-sentence vectors of those passages that have them (qa/index/sentence_vectors.py)."""
        stored = self.stored_sentences
        if stored is None:
            return {}
        found = {cid: stored.of_row(row) for cid, row in self.store.rows_of(chunk_ids)}
        return {cid: v for cid, v in found.items() if v is not None}

    def vocabulary(self) -> dict[str, np.ndarray]:
        """Every stored word vector (builds reuse them)."""
        got = self.store.word_rows()
        vecs = np.asarray(self.words[[r for _, r in got]], dtype=np.float32) if got else np.zeros((0, 0), np.float32)
        return {w: v for (w, _), v in zip(got, vecs, strict=True)}

    def chunks(self, rows) -> list[Chunk]:
        """Chunks for vector rows, in the order given."""
        return self.store.chunks(rows)

    def all_chunks(self) -> list[tuple[Chunk, str]]:
        """Every chunk with its embedding-cache key, in row order."""
        return self.store.all_chunks()

    def documents(self) -> list[DocumentRecord]:
        """The indexed documents, by source."""
        return self.store.documents()

    def document_text(self, source: str) -> str | None:
        """The full repaired text of one indexed document."""
        return self.store.document_text(source)

    def page_at(self, source: str, offset: int) -> int | None:
        """The 1-based page of a paged document holding the character at offset, else None."""
        return self.store.page_at(source, offset)

    def references(self, source: str, numbers: list[int]) -> list[Reference]:
        """Entries of a document's reference list by number."""
        return self.store.references(source, numbers)

    def document(self, source: str) -> Document:
        """An indexed document rebuilt from the index, without reading its file again."""
        return self.store.document(source)

    def section_titles(self, source: str) -> list[str]:
        """A document's section titles in order, read without its text."""
        return [row[0] for row in self.store.sections(source)]

    def close(self) -> None:
        """Release the chunk store's connection."""
        if self.store is not None:
            self.store.close()


def open_current(root: Path, verify: bool = True, model_hash: str | None = INSTALLED, warn: bool = True) -> Generation:
    """Load the current generation, falling back to the previous one if the current is damaged.

    model_hash: the model the index must have been built with; INSTALLED (the default) means the installed
    model (ModelUnavailable when it cannot be read), None skips the check. Raises IndexNotFound when nothing
    was ever built, IndexCorrupt naming every cause when no generation loads. Standing in with an earlier
    generation sets its .warning and, with warn, issues it as a RuntimeWarning too (the CLI prints those).
    """
    if model_hash == INSTALLED:
        model_hash = installed_model_hash(root)
    for _ in range(3):  # a build may make another generation current (and prune) while this one loads
        before = pointer_token(root)
        try:
            gen = _open(root, verify, model_hash)
            break
        except IndexCorrupt:
            if pointer_token(root) == before:
                raise
    else:
        gen = _open(root, verify, model_hash)
    if gen.warning and warn:
        warnings.warn(gen.warning, RuntimeWarning, stacklevel=2)
    return gen


def _open(root: Path, verify: bool, model_hash: str | None) -> Generation:
    pointer = read_pointer(root)
    names = [pointer.get("current"), pointer.get("previous")]
    errors: list[str] = []
    if not pointer.get("current"):
        if not (root / CURRENT).exists():
            raise IndexNotFound(f"no index at {root}; build one with: qa index")
        # A damaged pointer: try what it still names, then the generations on disk, newest first.
        errors.append(f"{root / CURRENT} is damaged")
        names += [
            p.name for p in sorted((p for p in root.glob("gen-*") if p.is_dir()), key=lambda p: p.stat().st_mtime, reverse=True)
        ]
    outdated = []
    for name in dict.fromkeys(n for n in names if n):
        try:
            gen = Generation(root / name, verify=verify, model_hash=model_hash)
        except IndexCorrupt as exc:
            errors.append(str(exc))
            outdated.append(isinstance(exc, IndexOutdated))
            continue
        if errors:
            gen.warning = f"using an earlier index generation ({name}) because {errors[0]}"
        return gen
    if outdated and all(outdated):
        raise IndexOutdated(errors[0])
    raise IndexCorrupt("; ".join(errors) or f"{root}: no loadable index generation; {REBUILD_HINT}")
