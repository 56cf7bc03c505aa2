"""Index generations on disk: vectors, BM25, chunk rows in SQLite and a manifest, made current atomically."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from .bm25 import Bm25Index
from .chunks import Chunk, embedding_text
from .documents import Document, Page, Reference, Section
from .errors import IndexCorrupt, IndexNotFound
from .vectors import build_vector_index, load_vector_index, save_vector_index

FORMAT = 1
CURRENT = "CURRENT"
REBUILD_HINT = "rebuild it with: qa index --full"


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
    files: dict = field(default_factory=dict)  # data file name -> sha256
    format: int = FORMAT


_SCHEMA = """
CREATE TABLE documents (doc_id TEXT, source TEXT PRIMARY KEY, title TEXT, text TEXT, n_pages INTEGER,
                        indexed_at REAL);
CREATE TABLE chunks (row INTEGER PRIMARY KEY, chunk_id TEXT, doc_id TEXT, source TEXT, title TEXT, section TEXT,
                     page INTEGER, start INTEGER, "end" INTEGER, text TEXT, n_tokens INTEGER, text_hash TEXT);
CREATE TABLE refs (source TEXT, number INTEGER, text TEXT, start INTEGER, "end" INTEGER,
                   PRIMARY KEY (source, number));
CREATE TABLE sections (source TEXT, title TEXT, start INTEGER, "end" INTEGER, level INTEGER);
CREATE TABLE pages (source TEXT, number INTEGER, start INTEGER, "end" INTEGER);
CREATE INDEX chunks_source ON chunks (source);
"""


def text_hash(model_hash: str, text: str) -> str:
    """Embedding cache key: the same text under the same model has the same vector."""
    return hashlib.sha256(f"{model_hash}\x00{text}".encode()).hexdigest()[:24]


def _file_hash(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def write_generation(root: Path, manifest: Manifest, docs: list, chunks: list[Chunk], vectors: np.ndarray,
                     indexed_at: dict[str, float]) -> str:
    """Write a complete generation in a temporary folder, rename it into place and make it current."""
    root.mkdir(parents=True, exist_ok=True)
    name = f"gen-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}-{hashlib.sha256(os.urandom(8)).hexdigest()[:6]}"
    tmp = root / f"tmp-{name}"
    tmp.mkdir()
    db = sqlite3.connect(tmp / "chunks.sqlite")
    db.executescript(_SCHEMA)
    db.executemany("INSERT INTO documents VALUES (?,?,?,?,?,?)",
                   [(d.doc_id, d.source, d.title, d.text, len(d.pages), indexed_at[d.source]) for d in docs])
    db.executemany("INSERT INTO chunks VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                   [(i, c.chunk_id, c.doc_id, c.source, c.title, c.section, c.page, c.start, c.end, c.text,
                     c.n_tokens, text_hash(manifest.model_hash, embedding_text(c))) for i, c in enumerate(chunks)])
    db.executemany("INSERT OR IGNORE INTO refs VALUES (?,?,?,?,?)",
                   [(d.source, r.number, r.text, r.start, r.end) for d in docs for r in d.references])
    db.executemany("INSERT INTO sections VALUES (?,?,?,?,?)",
                   [(d.source, s.title, s.start, s.end, s.level) for d in docs for s in d.sections])
    db.executemany("INSERT INTO pages VALUES (?,?,?,?)",
                   [(d.source, p.number, p.start, p.end) for d in docs for p in d.pages])
    db.commit()
    db.close()
    np.save(tmp / "vectors.npy", np.ascontiguousarray(vectors, dtype=np.float32), allow_pickle=False)
    save_vector_index(build_vector_index(vectors), tmp / "vectors.faiss")
    Bm25Index.build([embedding_text(c) for c in chunks]).save(tmp / "bm25")
    files = {p.relative_to(tmp).as_posix(): _file_hash(p) for p in sorted(tmp.rglob("*")) if p.is_file()}
    (tmp / "manifest.json").write_text(json.dumps(asdict(manifest) | {"files": files}, indent=1))
    _fsync_tree(tmp)
    os.rename(tmp, root / name)
    previous = _read_pointer(root).get("current")
    _write_pointer(root, {"current": name, "previous": previous})
    return name


def _fsync_tree(folder: Path) -> None:
    for p in folder.rglob("*"):
        if p.is_file():
            with open(p, "rb") as f:
                os.fsync(f.fileno())


def _read_pointer(root: Path) -> dict:
    try:
        return json.loads((root / CURRENT).read_text())
    except (OSError, ValueError):
        return {}


def _write_pointer(root: Path, pointer: dict) -> None:
    tmp = root / f".{CURRENT}.{os.getpid()}.{threading.get_ident()}"
    tmp.write_text(json.dumps(pointer))
    with open(tmp, "rb") as f:
        os.fsync(f.fileno())
    os.replace(tmp, root / CURRENT)  # the one atomic step that makes a generation current


def prune(root: Path, keep: int) -> None:
    """Remove interrupted builds and generations older than the newest `keep`, never the current one."""
    pointer = _read_pointer(root)
    protected = {pointer.get("current"), pointer.get("previous")}
    for p in root.glob("tmp-gen-*"):
        shutil.rmtree(p, ignore_errors=True)
    for p in root.glob(f".{CURRENT}.*"):
        p.unlink(missing_ok=True)
    gens = sorted((p for p in root.glob("gen-*") if p.is_dir()), key=lambda p: p.stat().st_mtime, reverse=True)
    for p in gens[keep:]:
        if p.name not in protected:
            shutil.rmtree(p, ignore_errors=True)


def pointer_token(root: Path) -> tuple:
    """Cheap value that changes whenever a new generation becomes current."""
    try:
        st = (root / CURRENT).stat()
        return (st.st_mtime_ns, st.st_ino, st.st_size)
    except OSError:
        return ()


class Generation:
    """One loaded, read-only index generation; every query is answered from exactly one."""

    def __init__(self, path: Path, verify: bool = True):
        self.path = path
        try:
            self.manifest = Manifest(**json.loads((path / "manifest.json").read_text()))
        except (OSError, ValueError, TypeError) as exc:
            raise IndexCorrupt(f"{path}: unreadable manifest ({exc}); {REBUILD_HINT}") from None
        if self.manifest.format != FORMAT:
            raise IndexCorrupt(f"{path}: index format {self.manifest.format}, expected {FORMAT}; {REBUILD_HINT}")
        if verify:
            for name, digest in self.manifest.files.items():
                if not (path / name).is_file() or _file_hash(path / name) != digest:
                    raise IndexCorrupt(f"{path}: {name} is missing or damaged; {REBUILD_HINT}")
        try:
            self.db = sqlite3.connect(f"file:{path / 'chunks.sqlite'}?mode=ro", uri=True, check_same_thread=False)
            n_rows = self.db.execute("SELECT COUNT(*) FROM chunks").fetchone()[0]
            self.vectors = np.load(path / "vectors.npy", mmap_mode="r", allow_pickle=False)
            self.vector_index = load_vector_index(path / "vectors.faiss")
            self.bm25 = Bm25Index.load(path / "bm25", n_rows)
        except (OSError, ValueError, RuntimeError, sqlite3.Error) as exc:
            raise IndexCorrupt(f"{path}: cannot load ({exc}); {REBUILD_HINT}") from None
        m = self.manifest
        counts = {"manifest": m.n_chunks, "chunk rows": n_rows, "vectors": len(self.vectors),
                  "vector index": self.vector_index.ntotal}
        if len(set(counts.values())) != 1:
            raise IndexCorrupt(f"{path}: counts disagree ({counts}); {REBUILD_HINT}")
        if self.vectors.ndim != 2 or self.vectors.shape[1] != m.dim or self.vector_index.d != m.dim:
            raise IndexCorrupt(f"{path}: vector dimension is not the manifest's {m.dim}; {REBUILD_HINT}")
        self._lock = threading.Lock()
        self.sources = sorted(m.sources)
        position = {s: i for i, s in enumerate(self.sources)}
        self.row_source = np.array([position[s] for (s,) in self._query("SELECT source FROM chunks ORDER BY row")],
                                   dtype=np.int32)
        self.warning: str | None = None  # set when this generation stands in for a damaged newer one

    def _query(self, sql: str, args: tuple = ()) -> list:
        with self._lock:  # one SQLite connection shared by reader threads
            return self.db.execute(sql, args).fetchall()

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
            self.db.close()


def open_current(root: Path, verify: bool = True) -> Generation:
    """Load the current generation, falling back to the previous one if the current is damaged."""
    pointer = _read_pointer(root)
    if not pointer.get("current"):
        raise IndexNotFound(f"no index at {root}; build one with: qa index")
    errors: list[str] = []
    for key in ("current", "previous"):
        name = pointer.get(key)
        if not name:
            continue
        try:
            gen = Generation(root / name, verify=verify)
        except IndexCorrupt as exc:
            errors.append(str(exc))
            continue
        if errors:
            gen.warning = f"using the previous index generation: {errors[0]}"
        return gen
    raise IndexCorrupt("; ".join(errors) or f"{root}: no loadable generation; {REBUILD_HINT}")
