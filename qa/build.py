"""Index builds: collect corpus files, reuse what is unchanged, embed what is new, write a generation."""

from __future__ import annotations

import fcntl
import os
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

import numpy as np

from . import index as store
from .chunks import Chunk, chunk_document, tokenizer_counter
from .documents import SUPPORTED_SUFFIXES, Document, content_hash, load_document
from .embeddings import MODEL_NAME, Embedder, load_tokenizer, model_hash
from .errors import BuildInProgress, CorpusNotFound, DocumentError, EmptyCorpus, IndexCorrupt, IndexNotFound
from .settings import Settings

# Progress callback: (stage, done, total); stages are "load", "embed", "write".
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class Skipped:
    """A file a build could not use, and why."""

    source: str
    reason: str


@dataclass(frozen=True)
class BuildReport:
    """What a build did, file by file."""

    generation: str
    added: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()
    skipped: tuple[Skipped, ...] = ()
    warnings: tuple[str, ...] = ()
    n_chunks: int = 0
    n_embedded: int = 0
    seconds: float = 0.0
    timings: dict = field(default_factory=dict)


@contextmanager
def build_lock(root: Path, wait: bool) -> Iterator[None]:
    """Exclusive right to build in root; a second builder waits or is told one is running."""
    root.mkdir(parents=True, exist_ok=True)
    with open(root / ".build.lock", "a+") as f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            raise BuildInProgress(f"another build of {root} is running; try again when it has finished") from None
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def collect_files(paths: Iterable[Path], corpus_root: Path) -> tuple[list[Path], list[Skipped]]:
    """Supported files under paths, each once; links leading outside the corpus or in loops are skipped."""
    found: dict[Path, Path] = {}
    skipped: list[Skipped] = []
    root = corpus_root.resolve()

    def consider(p: Path, inside: bool) -> None:
        try:
            real = p.resolve(strict=True)
        except (OSError, RuntimeError):
            skipped.append(Skipped(p.name, "broken or looping symbolic link"))
            return
        if inside and p.is_symlink() and not real.is_relative_to(root):
            skipped.append(Skipped(p.name, "symbolic link leads outside the corpus folder"))
            return
        if p.suffix.lower() in SUPPORTED_SUFFIXES:
            found.setdefault(real, p)
        elif not p.name.startswith("."):
            skipped.append(Skipped(_rel(p, corpus_root), f"unsupported file type {p.suffix or '(none)'}"))

    for given in paths:
        given = Path(given)
        if not given.exists():
            raise CorpusNotFound(f"{given} does not exist")
        if given.is_file():
            consider(given, inside=False)
            continue
        seen_dirs = {given.resolve()}
        for dirpath, dirnames, filenames in os.walk(given, followlinks=True):
            d = Path(dirpath)
            for name in list(dirnames):
                real = (d / name).resolve()
                if name.startswith(".") or real in seen_dirs or not real.is_relative_to(root):
                    if not name.startswith("."):
                        why = "directory link loop" if real in seen_dirs else "link leads outside the corpus folder"
                        skipped.append(Skipped(_rel(d / name, corpus_root), why))
                    dirnames.remove(name)
                else:
                    seen_dirs.add(real)
            for name in sorted(filenames):
                if not name.startswith("."):
                    consider(d / name, inside=True)
    return sorted(found.values(), key=lambda p: _rel(p, corpus_root)), skipped


def _rel(p: Path, root: Path) -> str:
    try:
        return p.absolute().relative_to(root.absolute()).as_posix()
    except ValueError:
        return p.name


def build(paths: list[Path], settings: Settings, embedder_factory: Callable[[], Embedder], full: bool = False,
          progress: Progress | None = None, wait: bool = False) -> BuildReport:
    """Build a new index generation from paths, re-embedding only chunk texts not embedded before."""
    t0 = time.perf_counter()
    root = settings.index_path
    with build_lock(root, wait):
        store.prune(root, settings.keep_generations)
        files, skipped = collect_files(paths, Path(settings.corpus_dir))
        mhash = model_hash()
        chunking = {"chunk_tokens": settings.chunk_tokens, "max_chunk_tokens": settings.max_chunk_tokens,
                    "max_chunk_chars": settings.max_chunk_chars, "overlap_sentences": settings.overlap_sentences}
        previous = _previous(root, mhash, chunking, full)
        prev_docs = {r.source: r for r in previous.documents()} if previous else {}
        prev_chunks: dict[str, list[tuple[Chunk, str]]] = {}
        cache: dict[str, np.ndarray] = {}
        if previous:
            for row, (chunk, key) in enumerate(previous.all_chunks()):
                prev_chunks.setdefault(chunk.source, []).append((chunk, key))
                cache[key] = previous.vectors[row]
        tokenizer = tokenizer_counter(load_tokenizer(max_tokens=None))
        docs: list[Document] = []
        all_chunks: list[Chunk] = []
        added, updated, unchanged, warnings = [], [], [], []
        seen_hashes: dict[str, str] = {}
        indexed_at: dict[str, float] = {}
        t_load = time.perf_counter()
        for i, path in enumerate(files):
            source = _rel(path, Path(settings.corpus_dir))
            if progress:
                progress("load", i, len(files))
            old = prev_docs.get(source)
            if old and source in prev_chunks and _same_content(path, old.doc_id, settings):
                doc, fresh = previous.document(source), False
            else:
                try:
                    doc, fresh = load_document(path, Path(settings.corpus_dir), settings), True
                except DocumentError as exc:
                    skipped.append(Skipped(source, str(exc)))
                    if old and source in prev_chunks:
                        # Nothing already indexed is lost to a damaged replacement file.
                        warnings.append(f"{source}: kept the previously indexed version")
                        doc, fresh = previous.document(source), False
                    else:
                        continue
            if doc.doc_id in seen_hashes:
                skipped.append(Skipped(source, f"same content as {seen_hashes[doc.doc_id]} (indexed once)"))
                continue
            seen_hashes[doc.doc_id] = source
            warnings.extend(f"{source}: {w}" for w in doc.warnings)
            if fresh:
                (updated if old else added).append(source)
                all_chunks.extend(chunk_document(doc, tokenizer, settings))
                indexed_at[source] = time.time()
            else:
                if not any(s.source == source for s in skipped):
                    unchanged.append(source)
                all_chunks.extend(c for c, _ in prev_chunks[source])
                indexed_at[source] = old.indexed_at
            docs.append(doc)
        if progress:
            progress("load", len(files), len(files))
        if not all_chunks:
            why = "; ".join(f"{s.source}: {s.reason}" for s in skipped[:5])
            raise EmptyCorpus("nothing to index" + (f" ({why})" if why else "") + "; the existing index is unchanged")
        t_embed = time.perf_counter()
        keys = [store.text_hash(mhash, c.text) for c in all_chunks]
        todo = sorted({k: c.text for k, c in zip(keys, all_chunks) if k not in cache}.items())
        if todo:
            embedder = embedder_factory()
            vecs = embedder.embed([t for _, t in todo])
            cache.update(zip((k for k, _ in todo), vecs))
        vectors = np.vstack([cache[k] for k in keys]).astype(np.float32)
        t_write = time.perf_counter()
        if progress:
            progress("write", 0, 1)
        manifest = store.Manifest(
            model=MODEL_NAME, model_hash=mhash, dim=int(vectors.shape[1]), chunking=chunking,
            sources={d.source: {"sha256": d.doc_id, "chunks": sum(c.source == d.source for c in all_chunks)}
                     for d in docs},
            n_chunks=len(all_chunks), created=time.time())
        name = store.write_generation(root, manifest, docs, all_chunks, vectors, indexed_at)
        store.prune(root, settings.keep_generations)
        if progress:
            progress("write", 1, 1)
        t_end = time.perf_counter()
        removed = sorted(set(prev_docs) - {d.source for d in docs})
        return BuildReport(name, tuple(added), tuple(updated), tuple(removed), tuple(unchanged), tuple(skipped),
                           tuple(warnings), len(all_chunks), len(todo), t_end - t0,
                           {"load_chunk": t_embed - t_load, "embed": t_write - t_embed, "write": t_end - t_write})


def _previous(root: Path, mhash: str, chunking: dict, full: bool):
    """The current generation, when its chunks and vectors may be reused."""
    if full:
        return None
    try:
        gen = store.open_current(root)
    except (IndexNotFound, IndexCorrupt):
        return None
    if gen.manifest.model_hash != mhash or gen.manifest.chunking != chunking:
        return None
    return gen


def _same_content(path: Path, doc_id: str, settings: Settings) -> bool:
    """True when the file still has the bytes it was indexed from."""
    try:
        return path.stat().st_size <= settings.max_file_bytes and content_hash(path.read_bytes()) == doc_id
    except OSError:
        return False
