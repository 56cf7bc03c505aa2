"""Writing a local index generation: every file in a temporary folder, then one atomic rename into place.

The folder holds chunks.sqlite (qa/index/store/chunks.py), vectors.npy/.faiss (MiniLM), multi.npy/.faiss (the
multilingual model), cjk_rows.npy, words.npy (the vocabulary's vectors), bm25/ and manifest.json (last,
listing every other file's hashes). It becomes current only through qa/index/store/pointer.py's CURRENT.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

from qa.index.sentence_vectors import save as save_sentences
from qa.index.store.chunks import write_chunk_store
from qa.index.store.manifest import file_record
from qa.index.store.pointer import CURRENT, fsync_dir, fsync_tree
from qa.index.store.protocol import NewGeneration
from qa.index.vectors import build_vector_index, save_vector_index


def new_name() -> str:
    """A fresh generation name: sortable by time, unique across processes."""
    return f"gen-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}-{hashlib.sha256(os.urandom(8)).hexdigest()[:6]}"


def write_generation(root: Path, new: NewGeneration) -> str:
    """Write new as the folder root/new.name, complete or not at all; it is not made current here.

    A failed write (full or read-only disk) leaves nothing behind; a crash leaves a tmp-gen-* folder that the
    next build removes, and readers never look at.
    """
    root.mkdir(parents=True, exist_ok=True)
    tmp = root / f"tmp-{new.name}"
    try:
        _write_files(tmp, new)
        fsync_tree(tmp)
        os.rename(tmp, root / new.name)
        fsync_dir(root)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)  # builds hold the lock: only this one writes here
        for p in root.glob(f".{CURRENT}.{os.getpid()}.*"):
            p.unlink(missing_ok=True)
        raise
    return new.name


def _save(path: Path, array: np.ndarray, dtype) -> None:
    np.save(path, np.ascontiguousarray(array, dtype=dtype), allow_pickle=False)


def _write_files(tmp: Path, new: NewGeneration) -> None:
    tmp.mkdir()
    write_chunk_store(tmp / "chunks.sqlite", new)
    _save(tmp / "words.npy", new.word_vectors, np.float16)
    _save(tmp / "vectors.npy", new.vectors, np.float32)
    save_vector_index(build_vector_index(new.vectors), tmp / "vectors.faiss")
    _save(tmp / "multi.npy", new.multi_vectors, np.float32)
    _save(tmp / "cjk_rows.npy", new.cjk_rows, np.uint8)
    if new.sentences is not None:
        save_sentences(tmp, new.sentences, new.manifest.dim)
    save_vector_index(build_vector_index(new.multi_vectors), tmp / "multi.faiss")
    new.bm25.save(tmp / "bm25")
    files = {p.relative_to(tmp).as_posix(): file_record(p) for p in sorted(tmp.rglob("*")) if p.is_file()}
    (tmp / "manifest.json").write_text(replace(new.manifest, files=files).to_json())
