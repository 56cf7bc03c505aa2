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
from qa.index.reading import ReadAhead
from qa.index.stages import StageClock
from qa.ingest.chunking import PIPELINE_VERSION, Chunk, chunk_document, embedding_text, tokenizer_counter
from qa.ingest.documents import Document, content_hash
from qa.ingest.files import CorpusFile, Skipped, stamp_of
from qa.ingest.limits import check_passages
from qa.ingest.tokens import TokenCounter
from qa.settings import Settings


def text_hash(model_hash: str, text: str) -> str:
    """Embedding cache key: the same text under the same model has the same vector."""
    return hashlib.sha256(f"{model_hash}\x00{text}".encode()).hexdigest()[:24]


def chunking_of(settings: Settings) -> dict:
    """The chunking settings a generation records; vectors are reused only under the same ones."""
    return {
        "pipeline": PIPELINE_VERSION,
        "chunk_tokens": settings.chunk_tokens,
        "cjk_chunk_tokens": settings.cjk_chunk_tokens,
        "max_chunk_tokens": settings.max_chunk_tokens,
        "max_chunk_chars": settings.max_chunk_chars,
        "overlap_sentences": settings.overlap_sentences,
    }


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
    return Reuse(
        vectors,
        multi,
        words,
        documents,
        chunks,
        lambda key: base.stored_sentences.of_row(key_row[key]) if key in key_row else None,
    )


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


def plan(
    files: list[CorpusFile],
    skipped: list[Skipped],
    settings: Settings,
    base,
    reuse: Reuse,
    mhash: str,
    progress=None,
    clock: StageClock | None = None,
) -> Plan:
    """Load and chunk every new or changed file, keep what is unchanged; a bad file is skipped, never fatal.

    New and changed files are read ahead, two at a time (qa/index/reading.py), and taken in corpus order.
    """
    rows = _Rows(settings, base, reuse, clock or StageClock(), list(skipped))
    unchanged = [_unchanged(f, reuse, settings) for f in files]
    ahead = ReadAhead(files, [not u for u in unchanged], settings, progress)
    try:
        for i, f in enumerate(files):
            if progress:
                progress("load", i, len(files))
            got = rows.kept(f.source) if unchanged[i] else rows.read(f, ahead, i)
            if got is not None:
                rows.add(f, *got)
    finally:
        ahead.close()
    if progress:
        progress("load", len(files), len(files))
    return rows.plan(mhash)


class _Rows:
    """A plan as it is put together, document by document in corpus order."""

    def __init__(self, settings: Settings, base, reuse: Reuse, clock: StageClock, skipped: list[Skipped]):
        self.settings, self.base, self.reuse, self.clock = settings, base, reuse, clock
        self.skipped = skipped
        self.warnings = [base.warning] if base is not None and base.warning else []
        self.tokenizer: TokenCounter | None = None
        self.docs: list[Document] = []
        self.chunks: list[Chunk] = []
        self.added: list[str] = []
        self.updated: list[str] = []
        self.unchanged: list[str] = []
        self.seen_hashes: dict[str, str] = {}
        self.indexed_at: dict[str, float] = {}
        self.reading: list[tuple[str, int, int, float]] = []

    def kept(self, source: str) -> tuple[Document, list[Chunk], bool, bool]:
        """(document, chunks, fresh, kept_old) of an unchanged file: the generation before's."""
        return self.base.document(source), self.reuse.chunks[source], False, False

    def read(self, f: CorpusFile, ahead: ReadAhead, i: int) -> tuple[Document, list[Chunk], bool, bool] | None:
        """files[i] (f), new or changed, as read ahead and then chunked; on failure the version indexed before, or None."""
        tokenizer = self.tokenizer
        if tokenizer is None:  # outside the try: a missing model is the build's error, not a file's
            tokenizer = self.tokenizer = multilingual.chinese_aware_counter(tokenizer_counter(load_tokenizer(max_tokens=None)))
        try:
            with self.clock("read"):  # the wait for the read-ahead: the reading that chunking did not hide
                got = ahead.result(i)
            t_chunk = time.perf_counter()
            with self.clock("chunk"):
                chunks = chunk_document(got.document, tokenizer, self.settings)
            check_passages(len(chunks), self.settings)
            if got.document.pages:
                seconds = got.seconds + time.perf_counter() - t_chunk
                self.reading.append((f.source, len(got.document.pages), len(chunks), seconds))
            if not chunks:
                raise DocumentError("no text to index")
            return got.document, chunks, True, False
        except Exception as exc:  # a bad file never stops a build
            reason = str(exc) if isinstance(exc, DocumentError) else f"could not be read ({exc.__class__.__name__}: {exc})"
            self.skipped.append(Skipped(f.source, reason, stamp_of(f.path)))
            if f.source not in self.reuse.documents or f.source not in self.reuse.chunks:
                return None
            # Nothing already indexed is lost to a damaged replacement file.
            self.warnings.append(f"{f.source}: kept the previously indexed version")
            return self.base.document(f.source), self.reuse.chunks[f.source], False, True

    def add(self, f: CorpusFile, doc: Document, chunks: list[Chunk], fresh: bool, kept_old: bool) -> None:
        source = f.source
        if doc.doc_id in self.seen_hashes:
            self.skipped.append(
                Skipped(source, f"same content as {self.seen_hashes[doc.doc_id]} (indexed once)", stamp_of(f.path))
            )
            return
        self.seen_hashes[doc.doc_id] = source
        self.warnings.extend(f"{source}: {w}" for w in doc.warnings)
        old = self.reuse.documents.get(source)
        if kept_old:
            pass  # reported as skipped, with a warning
        elif old is None:
            self.added.append(source)
        else:
            (self.updated if old.doc_id != doc.doc_id else self.unchanged).append(source)
        self.indexed_at[source] = time.time() if fresh or old is None else old.indexed_at
        self.chunks.extend(chunks)
        self.docs.append(doc)

    def plan(self, mhash: str) -> Plan:
        if not self.chunks:
            why = "; ".join(f"{s.source}: {s.reason}" for s in self.skipped[:5])
            raise EmptyCorpus("nothing to index" + (f" ({why})" if why else "") + "; the existing index is unchanged")
        removed = sorted(set(self.reuse.documents) - {d.source for d in self.docs})
        keys = tuple(text_hash(mhash, embedding_text(c)) for c in self.chunks)
        return Plan(
            tuple(self.docs),
            tuple(self.chunks),
            keys,
            self.indexed_at,
            tuple(self.added),
            tuple(self.updated),
            tuple(removed),
            tuple(self.unchanged),
            tuple(self.skipped),
            tuple(self.warnings),
            tuple(self.reading),
        )


def _unchanged(f: CorpusFile, reuse: Reuse, settings: Settings) -> bool:
    """True when f was indexed before, its chunks can be reused and its bytes are the same."""
    old = reuse.documents.get(f.source)
    return old is not None and f.source in reuse.chunks and _same_content(f.path, old.doc_id, settings)


def _same_content(path: Path, doc_id: str, settings: Settings) -> bool:
    """True when the file still has the bytes it was indexed from."""
    try:
        return path.stat().st_size <= settings.max_file_bytes and content_hash(path.read_bytes()) == doc_id
    except OSError:
        return False
