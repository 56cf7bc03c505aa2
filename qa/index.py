"""Reading the index: the current generation (vectors, BM25, chunk rows in SQLite), checked against its manifest."""

from __future__ import annotations

import json
import sqlite3
import threading
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .bm25 import Bm25Index
from .chunks import Chunk
from .documents import Document, Page, Reference, Section
from .errors import IndexCorrupt, IndexNotFound, IndexOutdated
from .generations import (CURRENT, FULL_HASH_BYTES, check_file, pointer_token, prune, read_pointer, text_hash,
                          write_generation)
from .vectors import load_vector_index

__all__ = ["CURRENT", "FULL_HASH_BYTES", "DocumentRecord", "Generation", "Manifest", "open_current",
           "pointer_token", "prune", "text_hash", "write_generation"]

FORMAT = 4  # 2: chunk rows carry section_run and repeat_group; 3: the vocabulary's word vectors;
# 4: a second vector set from the multilingual model (multi.npy, multi.faiss) and which rows are Chinese
REBUILD_HINT = "rebuild it with: qa index --full"
INSTALLED = "installed"  # open_current's default: check against the installed embedding model


@dataclass(frozen=True)
class DocumentRecord:
    """What the index knows of one indexed file."""

    doc_id: str
    source: str
    title: str
    n_chunks: int
    n_pages: int
    indexed_at: float


@dataclass(frozen=True)
class Manifest:
    """What a generation was built from and with; checked on every load."""

    model: str
    model_hash: str
    dim: int
    chunking: dict
    sources: dict  # source -> {"sha256": doc_id, "chunks": n}
    n_chunks: int
    created: float
    files: dict = field(default_factory=dict)  # data file name -> {"size", "sha256", "sample"}
    format: int = FORMAT
    multilingual_model: str = ""
    multilingual_hash: str = ""
    multilingual_dim: int = 0


class Generation:
    """One loaded, read-only index generation; every query is answered from exactly one."""

    def __init__(self, path: Path, verify: bool = True, model_hash: str | None = None):
        """Load and check the generation in path; any mismatch or damage raises IndexCorrupt naming it.

        verify: check data files against the manifest (sizes always; content hashes in full up to
        FULL_HASH_BYTES, sampled above). model_hash: the installed model's, which must have built it.
        """
        self.path = path
        self.warning: str | None = None  # set when this generation stands in for a damaged newer one
        self._lock = threading.Lock()
        self.db = None
        try:
            self._load(verify, model_hash)
        except IndexCorrupt:
            self.close()
            raise
        except Exception as exc:  # whatever a damaged file makes a library raise, the reader gets one error
            self.close()
            raise self._corrupt(f"cannot be loaded ({exc.__class__.__name__}: {exc})") from None

    def _corrupt(self, reason: str) -> IndexCorrupt:
        return IndexCorrupt(f"index generation {self.path.name} in {self.path.parent}: {reason}; {REBUILD_HINT}")

    def _load(self, verify: bool, model_hash: str | None) -> None:
        path = self.path
        try:
            raw = json.loads((path / "manifest.json").read_text())
            self.manifest = m = Manifest(**raw)
        except FileNotFoundError:
            raise self._corrupt("manifest.json is missing") from None
        except (OSError, ValueError, TypeError) as exc:
            raise self._corrupt(f"manifest.json is unreadable ({exc})") from None
        if m.format != FORMAT:
            if isinstance(m.format, int) and m.format < FORMAT:
                raise IndexOutdated(f"index generation {path.name} in {path.parent}: "
                                    f"it was built by an older version (index format {m.format}) without the "
                                    f"multilingual vectors that Chinese questions and documents need; this version "
                                    f"reads format {FORMAT}; {REBUILD_HINT}")
            raise self._corrupt(f"index format {m.format!r}, this version reads {FORMAT}")
        if not (isinstance(m.n_chunks, int) and isinstance(m.dim, int) and isinstance(m.sources, dict)
                and isinstance(m.files, dict)):
            raise self._corrupt("manifest.json has fields of the wrong type")
        if model_hash and m.model_hash != model_hash:
            raise self._corrupt(f"it was built with model {m.model} (weights {m.model_hash}) but the installed "
                                f"model's weights are {model_hash}")
        if verify:
            if not m.files:
                raise self._corrupt("the manifest lists no data files")
            for name, record in m.files.items():
                why = check_file(path / name, name, record)
                if why:
                    raise self._corrupt(why)
        for name in ("chunks.sqlite", "vectors.npy", "vectors.faiss", "words.npy", "multi.npy", "multi.faiss",
                     "cjk_rows.npy"):
            if not (path / name).is_file():
                raise self._corrupt(f"{name} is missing")
        # immutable: a generation never changes, so SQLite needs no locks or journal (and reads on after prune)
        self.db = sqlite3.connect(f"file:{path / 'chunks.sqlite'}?mode=ro&immutable=1", uri=True,
                                  check_same_thread=False)
        n_rows = self.db.execute("SELECT COUNT(*) FROM chunks").fetchone()[0]
        self.vectors = np.load(path / "vectors.npy", mmap_mode="r", allow_pickle=False)
        self.words = np.load(path / "words.npy", mmap_mode="r", allow_pickle=False)
        self.vector_index = load_vector_index(path / "vectors.faiss")
        self.multi_vectors = np.load(path / "multi.npy", mmap_mode="r", allow_pickle=False)
        self.multi_index = load_vector_index(path / "multi.faiss")
        self.cjk_rows = np.load(path / "cjk_rows.npy", allow_pickle=False).astype(bool)
        self.bm25 = Bm25Index.load(path / "bm25", n_rows)
        counts = {"manifest": m.n_chunks, "chunk rows": n_rows, "vectors": len(self.vectors),
                  "vector index": self.vector_index.ntotal, "multilingual vectors": len(self.multi_vectors),
                  "multilingual index": self.multi_index.ntotal, "Chinese row flags": len(self.cjk_rows)}
        if len(set(counts.values())) != 1:
            raise self._corrupt("the number of chunks disagrees between files (" +
                                ", ".join(f"{k} {v}" for k, v in counts.items()) + ")")
        if self.vectors.ndim != 2 or self.vectors.shape[1] != m.dim or self.vector_index.d != m.dim:
            raise self._corrupt(f"vectors have dimension {self.vectors.shape[1:]} / {self.vector_index.d}, "
                                f"the manifest says {m.dim}")
        n_words = self.db.execute("SELECT COUNT(*) FROM words").fetchone()[0]
        if self.words.ndim != 2 or len(self.words) != n_words or (n_words and self.words.shape[1] != m.dim):
            raise self._corrupt(f"word vectors {self.words.shape} disagree with {n_words} words of dimension {m.dim}")
        if (self.multi_vectors.ndim != 2 or self.multi_vectors.shape[1] != m.multilingual_dim
                or self.multi_index.d != m.multilingual_dim):
            raise self._corrupt(f"multilingual vectors have dimension {self.multi_vectors.shape[1:]} / "
                                f"{self.multi_index.d}, the manifest says {m.multilingual_dim}")
        if self.vectors.dtype != np.float32:
            raise self._corrupt(f"vectors are {self.vectors.dtype}, expected float32")
        per_source = dict(self.db.execute("SELECT source, COUNT(*) FROM chunks GROUP BY source").fetchall())
        expected = {s: (v or {}).get("chunks") if isinstance(v, dict) else None for s, v in m.sources.items()}
        if per_source != expected:
            bad = sorted(set(per_source.items()) ^ set(expected.items()))[:3]
            raise self._corrupt(f"chunk rows per document disagree with the manifest ({bad})")
        self.sources = sorted(m.sources)
        position = {s: i for i, s in enumerate(self.sources)}
        rows = self._query("SELECT source, section_run, repeat_group FROM chunks ORDER BY row")
        self.row_source = np.array([position[r[0]] for r in rows], dtype=np.int32)
        # Which section copy each row is in, and which copies repeat one another (search shows one copy).
        self.section_run = np.array([r[1] for r in rows], dtype=np.int64)
        self.repeat_group = np.array([r[2] for r in rows], dtype=np.int64)

    def _query(self, sql: str, args: tuple = ()) -> list:
        with self._lock:  # one SQLite connection shared by reader threads
            return self.db.execute(sql, args).fetchall()

    def word_vectors(self, words: list[str]) -> dict[str, np.ndarray]:
        """Stored vectors of those words that occur in the corpus."""
        if not words:
            return {}
        got = self._query(f"SELECT word, row FROM words WHERE word IN ({','.join('?' * len(words))})", tuple(words))
        if not got:
            return {}
        vecs = np.asarray(self.words[[r for _, r in got]], dtype=np.float32)
        return {w: v for (w, _), v in zip(got, vecs)}

    def vocabulary(self) -> dict[str, np.ndarray]:
        """Every stored word vector (builds reuse them)."""
        got = self._query("SELECT word, row FROM words")
        vecs = np.asarray(self.words[[r for _, r in got]], dtype=np.float32) if got else []
        return {w: v for (w, _), v in zip(got, vecs)}

    def chunks(self, rows) -> list[Chunk]:
        """Chunks for vector rows, in the order given."""
        rows = [int(r) for r in rows]
        if not rows:
            return []
        got = self._query(
            f"SELECT row, chunk_id, doc_id, source, title, section, page, start, \"end\", text, n_tokens "
            f"FROM chunks WHERE row IN ({','.join('?' * len(rows))})", tuple(rows))
        by_row = {r[0]: Chunk(*r[1:]) for r in got}
        return [by_row[r] for r in rows]

    def all_chunks(self) -> list[tuple[Chunk, str]]:
        """Every chunk with its embedding-cache key, in row order."""
        got = self._query("SELECT chunk_id, doc_id, source, title, section, page, start, \"end\", text, n_tokens, "
                          "text_hash FROM chunks ORDER BY row")
        return [(Chunk(*r[:10]), r[10]) for r in got]

    def documents(self) -> list[DocumentRecord]:
        """The indexed documents, by source."""
        got = self._query("SELECT d.doc_id, d.source, d.title, COUNT(c.row), d.n_pages, d.indexed_at FROM documents d "
                          "LEFT JOIN chunks c ON c.source = d.source GROUP BY d.source ORDER BY d.source")
        return [DocumentRecord(*r) for r in got]

    def document_text(self, source: str) -> str | None:
        """The full repaired text of one indexed document."""
        got = self._query("SELECT text FROM documents WHERE source = ?", (source,))
        return got[0][0] if got else None

    def sections(self, source: str) -> list[tuple[str, int, int, int]]:
        """(title, start, end, level) of a document's sections."""
        return self._query('SELECT title, start, "end", level FROM sections WHERE source = ? ORDER BY start', (source,))

    def page_at(self, source: str, offset: int) -> int | None:
        """The 1-based page of a paged document holding the character at offset, else None."""
        got = self._query('SELECT number FROM pages WHERE source = ? AND start <= ? ORDER BY start DESC LIMIT 1',
                          (source, offset))
        return int(got[0][0]) if got else None

    def references(self, source: str, numbers: list[int]) -> list[Reference]:
        """Entries of a document's reference list by number."""
        if not numbers:
            return []
        got = self._query(f'SELECT number, text, start, "end" FROM refs WHERE source = ? AND number IN '
                          f"({','.join('?' * len(numbers))}) ORDER BY number", (source, *numbers))
        return [Reference(*r) for r in got]

    def document(self, source: str) -> Document:
        """An indexed document rebuilt from the index, without reading its file again."""
        got = self._query("SELECT doc_id, source, title, text FROM documents WHERE source = ?", (source,))
        if not got:
            raise KeyError(source)
        doc_id, source, title, text = got[0]
        sections = tuple(Section(*row) for row in self.sections(source))
        pages = tuple(Page(*row) for row in self._query(
            'SELECT number, start, "end" FROM pages WHERE source = ? ORDER BY number', (source,)))
        refs = tuple(Reference(*row) for row in self._query(
            'SELECT number, text, start, "end" FROM refs WHERE source = ? ORDER BY number', (source,)))
        return Document(doc_id, source, title, text, sections, pages, refs)

    def close(self) -> None:
        with self._lock:
            if self.db is not None:
                self.db.close()


def open_current(root: Path, verify: bool = True, model_hash: str | None = INSTALLED,
                 warn: bool = True) -> Generation:
    """Load the current generation, falling back to the previous one if the current is damaged.

    model_hash: the model the index must have been built with; INSTALLED (the default) means the installed
    model, None skips the check. Raises IndexNotFound when nothing was ever built, IndexCorrupt naming every
    cause when no generation loads. Standing in with an earlier generation sets its .warning and, with warn,
    issues it as a RuntimeWarning too (the CLI prints those).
    """
    if model_hash == INSTALLED:
        model_hash = _installed_model_hash()
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
        names += [p.name for p in sorted((p for p in root.glob("gen-*") if p.is_dir()),
                                         key=lambda p: p.stat().st_mtime, reverse=True)]
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


def _installed_model_hash() -> str | None:
    try:
        from .embeddings import model_hash

        return model_hash()
    except Exception:  # no bundled model here: the query embedder will say so itself
        return None
