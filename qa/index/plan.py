"""Build plans: which documents and chunks a build indexes, and which vectors it can take from the generation before."""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

from qa.embed import multilingual
from qa.embed.embeddings import load_tokenizer
from qa.errors import DocumentError, EmptyCorpus
from qa.index.stages import StageClock
from qa.ingest.chunking import PIPELINE_VERSION, Chunk, chunk_document, embedding_text, tokenizer_counter
from qa.ingest.documents import Document, content_hash, load_document
from qa.ingest.files import CorpusFile, Skipped, stamp_of
from qa.ingest.limits import check_passages
from qa.settings import Settings


def text_hash(model_hash: str, text: str) -> str:
    """Embedding cache key: the same text under the same model has the same vector."""
    return hashlib.sha256(f"{model_hash}\x00{text}".encode()).hexdigest()[:24]


def chunking_of(settings: Settings) -> dict:
    """The chunking settings a generation records; vectors are reused only under the same ones."""
    return {"pipeline": PIPELINE_VERSION, "chunk_tokens": settings.chunk_tokens,
            "cjk_chunk_tokens": settings.cjk_chunk_tokens, "max_chunk_tokens": settings.max_chunk_tokens,
            "max_chunk_chars": settings.max_chunk_chars, "overlap_sentences": settings.overlap_sentences}


@dataclass(frozen=True)
class Reuse:
    """What the generation before offers a build: vectors by text key, word vectors, its documents."""

    vectors: dict  # text key -> MiniLM vector
    multi_vectors: dict  # text key -> multilingual vector (only when the same multilingual model made them)
    words: dict  # word -> vector
    documents: dict  # source -> DocumentRecord
    chunks: dict  # source -> its chunks, in row order
    sentences: Callable[[str], "np.ndarray | None"] = lambda key: None  # text key -> its answer-sentence vectors


def reusable(base, full: bool, chunking: dict, multi_hash: str) -> Reuse:
    """What base (the loadable generation before, or None) lets this build skip; full=True: nothing."""
    documents = {r.source: r for r in base.documents()} if base else {}
    vectors: dict[str, np.ndarray] = {}
    multi: dict[str, np.ndarray] = {}
    chunks: dict[str, list[Chunk]] = {}
    key_row: dict[str, int] = {}
    if base is not None and not full and base.manifest.chunking == chunking:
        same_multi = base.manifest.multilingual_hash == multi_hash != "custom"
        # A generation without answer-sentence vectors (made before them) has its MiniLM pass redone once.
        stored = base.stored_sentences
        for row, (chunk, key) in enumerate(base.all_chunks()):
            chunks.setdefault(chunk.source, []).append(chunk)
            if stored is not None:
                vectors[key] = base.passages.dense_vectors[row]
                key_row.setdefault(key, row)
            if same_multi:
                multi[key] = base.passages.multi_vectors[row]
    words = base.vocabulary() if base is not None and not full else {}  # same model: reusable
    if not key_row:
        return Reuse(vectors, multi, words, documents, chunks)
    return Reuse(vectors, multi, words, documents, chunks,
                 lambda key: base.stored_sentences.of_row(key_row[key]) if key in key_row else None)


@dataclass(frozen=True)
class Plan:
    """The documents and chunk rows of the generation to build, and how they compare with the one before."""

    docs: tuple[Document, ...]
    chunks: tuple[Chunk, ...]
    keys: tuple[str, ...]  # each row's embedding-cache key
    indexed_at: dict  # source -> when its current content was first indexed
    added: tuple[str, ...]
    updated: tuple[str, ...]
    removed: tuple[str, ...]
    unchanged: tuple[str, ...]
    skipped: tuple[Skipped, ...]
    warnings: tuple[str, ...]
    reading: tuple[tuple[str, int, int, float], ...] = ()  # (source, pages, passages, seconds) per PDF read


def plan(files: list[CorpusFile], skipped: list[Skipped], settings: Settings, base, reuse: Reuse, mhash: str,
         progress=None, clock: StageClock | None = None) -> Plan:
    """Load and chunk every new or changed file, keep what is unchanged; a bad file is skipped, never fatal."""
    clock = clock or StageClock()
    warnings = [base.warning] if base is not None and base.warning else []
    skipped = list(skipped)
    tokenizer = None
    docs: list[Document] = []
    all_chunks: list[Chunk] = []
    added: list[str] = []
    updated: list[str] = []
    unchanged: list[str] = []
    seen_hashes: dict[str, str] = {}
    indexed_at: dict[str, float] = {}
    reading: list[tuple[str, int, int, float]] = []
    for i, f in enumerate(files):
        source = f.source
        if progress:
            progress("load", i, len(files))
        old = reuse.documents.get(source)
        kept = old is not None and source in reuse.chunks
        kept_old = False
        if old is not None and kept and _same_content(f.path, old.doc_id, settings):
            doc, chunks, fresh = base.document(source), reuse.chunks[source], False
        else:
            if tokenizer is None:  # outside the try: a missing model is the build's error, not a file's
                tokenizer = multilingual.chinese_aware_counter(tokenizer_counter(load_tokenizer(max_tokens=None)))
            try:
                t_read = time.perf_counter()
                # A long PDF moves the bar page by page.
                on_page = (lambda done, total: progress("pages", done, total)) if progress else None
                with clock("read"):
                    doc = load_document(f.path, Path(settings.corpus_dir), settings, source=source, on_page=on_page)
                with clock("chunk"):
                    chunks, fresh = chunk_document(doc, tokenizer, settings), True
                check_passages(len(chunks), settings)
                if doc.pages:
                    reading.append((source, len(doc.pages), len(chunks), time.perf_counter() - t_read))
                if not chunks:
                    raise DocumentError("no text to index")
            except Exception as exc:  # a bad file never stops a build
                reason = str(exc) if isinstance(exc, DocumentError) else \
                    f"could not be read ({exc.__class__.__name__}: {exc})"
                skipped.append(Skipped(source, reason, stamp_of(f.path)))
                if not kept:
                    continue
                # Nothing already indexed is lost to a damaged replacement file.
                warnings.append(f"{source}: kept the previously indexed version")
                doc, chunks, fresh, kept_old = base.document(source), reuse.chunks[source], False, True
        if doc.doc_id in seen_hashes:
            skipped.append(Skipped(source, f"same content as {seen_hashes[doc.doc_id]} (indexed once)", stamp_of(f.path)))
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
    removed = sorted(set(reuse.documents) - {d.source for d in docs})
    keys = tuple(text_hash(mhash, embedding_text(c)) for c in all_chunks)
    return Plan(tuple(docs), tuple(all_chunks), keys, indexed_at, tuple(added), tuple(updated), tuple(removed),
                tuple(unchanged), tuple(skipped), tuple(warnings), tuple(reading))


def _same_content(path: Path, doc_id: str, settings: Settings) -> bool:
    """True when the file still has the bytes it was indexed from."""
    try:
        return path.stat().st_size <= settings.max_file_bytes and content_hash(path.read_bytes()) == doc_id
    except OSError:
        return False

