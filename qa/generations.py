"""Index generations on disk: written complete in a temporary folder, then made current by one atomic rename.

Layout of an index folder: gen-*/ (complete generations), CURRENT (JSON naming the current and previous
generation; replaced atomically), tmp-gen-*/ and .CURRENT.* (leftovers of interrupted builds, removed by the
next build), .build.lock (held by the running build).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import threading
import time
from dataclasses import asdict
from pathlib import Path

import numpy as np

from .bm25 import Bm25Index
from .chunks import Chunk, embedding_text
from .duplicates import repeated_sections
from .vectors import build_vector_index, save_vector_index

CURRENT = "CURRENT"
# Data files up to this size are hashed in full on every load; bigger ones by size and sampled blocks.
FULL_HASH_BYTES = 32 * 1024 * 1024
SAMPLE_BLOCKS, SAMPLE_BYTES = 16, 64 * 1024

_SCHEMA = """
CREATE TABLE documents (doc_id TEXT, source TEXT PRIMARY KEY, title TEXT, text TEXT, n_pages INTEGER,
                        indexed_at REAL);
CREATE TABLE chunks (row INTEGER PRIMARY KEY, chunk_id TEXT, doc_id TEXT, source TEXT, title TEXT, section TEXT,
                     page INTEGER, start INTEGER, "end" INTEGER, text TEXT, n_tokens INTEGER, text_hash TEXT,
                     section_run INTEGER, repeat_group INTEGER);
CREATE TABLE refs (source TEXT, number INTEGER, text TEXT, start INTEGER, "end" INTEGER,
                   PRIMARY KEY (source, number));
CREATE TABLE sections (source TEXT, title TEXT, start INTEGER, "end" INTEGER, level INTEGER);
CREATE TABLE pages (source TEXT, number INTEGER, start INTEGER, "end" INTEGER);
CREATE TABLE words (word TEXT PRIMARY KEY, row INTEGER) WITHOUT ROWID;
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


def _sample_hash(path: Path) -> str:
    """Hash of a big file's size, head, tail and blocks spread between: cheap, and catches truncation."""
    size = path.stat().st_size
    h = hashlib.sha256(str(size).encode())
    with open(path, "rb") as f:
        for i in range(SAMPLE_BLOCKS + 1):
            f.seek(max(0, min(size - SAMPLE_BYTES, i * size // SAMPLE_BLOCKS)))
            h.update(f.read(SAMPLE_BYTES))
    return h.hexdigest()


def file_record(path: Path) -> dict:
    return {"size": path.stat().st_size, "sha256": _file_hash(path), "sample": _sample_hash(path)}


def check_file(path: Path, name: str, record) -> str | None:
    """Why a generation's data file does not match its manifest record, or None when it does."""
    if isinstance(record, str):  # older manifests kept only the digest
        record = {"sha256": record}
    if not isinstance(record, dict):
        return f"the manifest entry for {name} is malformed"
    try:
        size = path.stat().st_size
    except OSError:
        return f"{name} is missing"
    if "size" in record and size != record["size"]:
        return f"{name} is {size} bytes, the manifest says {record['size']} (truncated or overwritten)"
    if size > FULL_HASH_BYTES and record.get("sample"):
        return None if _sample_hash(path) == record["sample"] else f"{name} is damaged (content hash differs)"
    return None if _file_hash(path) == record.get("sha256") else f"{name} is damaged (content hash differs)"


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_generation(root: Path, *args, **kwargs) -> str:
    """Write a generation (see _write_generation); a failed write (full or read-only disk) leaves nothing behind."""
    before = set(root.glob("tmp-gen-*")) if root.is_dir() else set()
    try:
        return _write_generation(root, *args, **kwargs)
    except BaseException:
        for p in set(root.glob("tmp-gen-*")) - before:  # builds hold the lock: only this one writes here
            shutil.rmtree(p, ignore_errors=True)
        for p in root.glob(f".{CURRENT}.{os.getpid()}.*"):
            p.unlink(missing_ok=True)
        raise


def _write_generation(root: Path, manifest, docs: list, chunks: list[Chunk], vectors: np.ndarray,
                      indexed_at: dict[str, float], previous: str | None = None,
                      vocabulary: tuple[list[str], np.ndarray] | None = None,
                      multilingual: tuple[np.ndarray, np.ndarray] | None = None) -> str:
    """Write a complete generation in a temporary folder, rename it into place and make it current.

    multilingual: (vectors, is-Chinese flag) per chunk row, from the multilingual model.
    previous: the generation to keep as the fallback (default: the one current now). A crash before the
    pointer is replaced leaves the old pointer, and so the old index, in force.
    """
    root.mkdir(parents=True, exist_ok=True)
    name = f"gen-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}-{hashlib.sha256(os.urandom(8)).hexdigest()[:6]}"
    tmp = root / f"tmp-{name}"
    tmp.mkdir()
    db = sqlite3.connect(tmp / "chunks.sqlite")
    db.executescript(_SCHEMA)
    db.executemany("INSERT INTO documents VALUES (?,?,?,?,?,?)",
                   [(d.doc_id, d.source, d.title, d.text, len(d.pages), indexed_at[d.source]) for d in docs])
    runs, repeats = repeated_sections(chunks, vectors)
    db.executemany("INSERT INTO chunks VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                   [(i, c.chunk_id, c.doc_id, c.source, c.title, c.section, c.page, c.start, c.end, c.text,
                     c.n_tokens, text_hash(manifest.model_hash, embedding_text(c)), runs[i], repeats[i])
                    for i, c in enumerate(chunks)])
    db.executemany("INSERT OR IGNORE INTO refs VALUES (?,?,?,?,?)",
                   [(d.source, r.number, r.text, r.start, r.end) for d in docs for r in d.references])
    db.executemany("INSERT INTO sections VALUES (?,?,?,?,?)",
                   [(d.source, s.title, s.start, s.end, s.level) for d in docs for s in d.sections])
    db.executemany("INSERT INTO pages VALUES (?,?,?,?)",
                   [(d.source, p.number, p.start, p.end) for d in docs for p in d.pages])
    vocab, word_vectors = vocabulary or ([], np.zeros((0, vectors.shape[1]), np.float32))
    db.executemany("INSERT INTO words VALUES (?,?)", [(w, i) for i, w in enumerate(vocab)])
    db.commit()
    db.close()
    np.save(tmp / "words.npy", np.ascontiguousarray(word_vectors, dtype=np.float16), allow_pickle=False)
    np.save(tmp / "vectors.npy", np.ascontiguousarray(vectors, dtype=np.float32), allow_pickle=False)
    save_vector_index(build_vector_index(vectors), tmp / "vectors.faiss")
    if multilingual is not None:
        multi_vectors, cjk_rows = multilingual
        np.save(tmp / "multi.npy", np.ascontiguousarray(multi_vectors, dtype=np.float32), allow_pickle=False)
        np.save(tmp / "cjk_rows.npy", np.ascontiguousarray(cjk_rows, dtype=np.uint8), allow_pickle=False)
        save_vector_index(build_vector_index(multi_vectors), tmp / "multi.faiss")
    Bm25Index.build([embedding_text(c) for c in chunks]).save(tmp / "bm25")
    files = {p.relative_to(tmp).as_posix(): file_record(p) for p in sorted(tmp.rglob("*")) if p.is_file()}
    (tmp / "manifest.json").write_text(json.dumps(asdict(manifest) | {"files": files}, indent=1))
    _fsync_tree(tmp)
    os.rename(tmp, root / name)
    _fsync_dir(root)
    if previous is None:
        previous = read_pointer(root).get("current")
    _write_pointer(root, {"current": name, "previous": previous})
    return name


def _fsync_tree(folder: Path) -> None:
    for p in folder.rglob("*"):
        if p.is_file():
            with open(p, "rb") as f:
                os.fsync(f.fileno())
        elif p.is_dir():
            _fsync_dir(p)
    _fsync_dir(folder)


def read_pointer(root: Path) -> dict:
    try:
        pointer = json.loads((root / CURRENT).read_text())
    except (OSError, ValueError):
        return {}
    if not isinstance(pointer, dict):
        return {}
    return {k: v for k, v in pointer.items() if k in ("current", "previous") and _valid_name(v)}


def _valid_name(name: object) -> bool:
    return isinstance(name, str) and name.startswith("gen-") and "/" not in name and ".." not in name


def _write_pointer(root: Path, pointer: dict) -> None:
    tmp = root / f".{CURRENT}.{os.getpid()}.{threading.get_ident()}"
    tmp.write_text(json.dumps(pointer))
    with open(tmp, "rb") as f:
        os.fsync(f.fileno())
    os.replace(tmp, root / CURRENT)  # the one atomic step that makes a generation current
    _fsync_dir(root)


def prune(root: Path, keep: int) -> None:
    """Remove interrupted builds and generations beyond the newest `keep`; never the current or previous one.

    Only builds call this, under the build lock, so no other build is writing meanwhile. A reader still using
    a removed generation keeps working: its files stay readable through the handles it holds open.
    """
    pointer = read_pointer(root)
    protected = {pointer.get("current"), pointer.get("previous")} - {None}
    for p in root.glob("tmp-gen-*"):
        shutil.rmtree(p, ignore_errors=True)
    for p in root.glob(f".{CURRENT}.*"):
        p.unlink(missing_ok=True)
    others = sorted((p for p in root.glob("gen-*") if p.is_dir() and p.name not in protected),
                    key=lambda p: p.stat().st_mtime, reverse=True)
    for p in others[max(0, keep - len(protected)):]:
        shutil.rmtree(p, ignore_errors=True)


def pointer_token(root: Path) -> tuple:
    """Cheap value that changes whenever a new generation becomes current (the pointer names it)."""
    try:
        return ((root / CURRENT).read_bytes(),)
    except OSError:
        return ()
