"""The storage seam: what search and build ask of an index backend, one small interface.

A passage store answers, for one generation: dense top-k over a named vector set and lexical (BM25) top-k,
both under a row filter (documents, and which rows are Chinese); the vectors and chunk rows of given rows.
A generation store writes a built generation and makes one current, keeping the previous one. Fusion,
de-duplication and answers stay above this seam (qa/retrieve/search.py, qa/answer/answers.py), so results do not depend on
the backend. Rows are the generation's chunk rows (0..n-1) in every backend.

Backends: qa/index/store/faiss_backend.py (the local generation folders) and qa/index/store/qdrant.py (a Qdrant server or
cluster through qdrant-client, or the embedded engine through qdrant-edge-py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, Sequence

import numpy as np

if TYPE_CHECKING:
    from qa.index.bm25 import Bm25Index
    from qa.index.sentence_vectors import SentenceRows
    from qa.index.store.manifest import Manifest
    from qa.ingest.chunking import Chunk
    from qa.ingest.documents import Document, Reference

VECTOR_SET_OF_MODEL = {"minilm": "dense", "multilingual": "multi"}  # whose vectors each named set holds
VECTOR_SETS = tuple(VECTOR_SET_OF_MODEL.values())
TIE_DECIMALS = 6  # scores equal to this many decimals are ties, ranked by row: the same order in every backend


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
class RowFilter:
    """Which rows a top-k may return: of these documents only (None: all), Chinese or not (None: either)."""

    sources: tuple[str, ...] | None = None
    cjk: bool | None = None


@dataclass(frozen=True, eq=False)
class NewGeneration:
    """A built generation in memory: everything a backend stores, row i of each array being chunks[i]."""

    name: str
    manifest: "Manifest"  # its files are filled in by the writer that stores them
    docs: "tuple[Document, ...]"
    chunks: "tuple[Chunk, ...]"
    keys: tuple[str, ...]  # each row's embedding-cache key (text hash)
    vectors: np.ndarray  # MiniLM, float32 (n, dim)
    multi_vectors: np.ndarray  # the multilingual model, float32 (n, multilingual dim)
    cjk_rows: np.ndarray  # bool (n,): the row's text is Chinese
    section_run: np.ndarray  # int64 (n,): which copy of its section the row is in
    repeat_group: np.ndarray  # int64 (n,): rows of sections that repeat one another share a group (-1: none)
    words: tuple[str, ...]  # the corpus vocabulary
    word_vectors: np.ndarray  # float32 (len(words), dim)
    indexed_at: dict  # source -> when its current content was first indexed
    bm25: "Bm25Index"
    sentences: "SentenceRows | None" = None  # each row's answer-sentence vectors (qa/index/sentence_vectors.py)


class PassageStore(Protocol):
    """One generation's passages, as search reads them."""

    def dense(self, vector_set: str, qvec: np.ndarray, k: int, where: RowFilter | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(scores, rows) of the k rows with the highest inner product with qvec, best first."""

    def lexical(self, query: str, k: int, where: RowFilter | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(BM25 scores, rows) of the k best-matching rows with a positive score, best first."""

    def vectors(self, vector_set: str, rows: Sequence[int] | np.ndarray) -> np.ndarray:
        """The stored vectors of rows, in the order given."""

    def chunks(self, rows: Sequence[int] | np.ndarray) -> "list[Chunk]":
        """The chunk rows of rows, in the order given."""


class GenerationStore(Protocol):
    """Where generations are written and one of them is made current."""

    def write(self, new: NewGeneration) -> str:
        """Store a complete generation under its name, not yet current; returns the name."""

    def make_current(self, name: str) -> None:
        """Make a written generation current, keeping the one current before it as the previous one."""

    def current(self) -> str | None:
        """The current generation's name, or None."""

    def generations(self) -> list[str]:
        """Names of the generations stored."""

    def open(self, name: str) -> PassageStore:
        """The passages of a stored generation; a missing one is an error naming it."""


class TermStatistics(Protocol):
    """The lexical index's statistics answering weighs question words by."""

    def idf(self, words: Sequence[str]) -> np.ndarray:
        """Inverse document frequency of terms; terms the corpus lacks get the highest weight."""


class ServingGeneration(Protocol):
    """One generation as search and answers read it: the local reader (reader.Generation) or Qdrant's
    (qdrant_generation.QdrantGeneration). Read-only, so that each backend may hold its own kinds of value."""

    @property
    def name(self) -> str:
        """The generation's name (gen-...)."""

    @property
    def manifest(self) -> "Manifest": ...

    @property
    def warning(self) -> str | None:
        """Set when it stands in for a damaged newer generation."""

    @property
    def passages(self) -> PassageStore:
        """Its passages: filtered top-k, vectors and chunk rows."""

    @property
    def sources(self) -> list[str]:
        """The indexed documents' source names, sorted."""

    @property
    def row_source(self) -> np.ndarray:
        """Each row's position in sources."""

    @property
    def cjk_rows(self) -> np.ndarray:
        """Which rows hold Chinese text."""

    @property
    def section_run(self) -> np.ndarray:
        """Rows of one section run share a number (near-duplicate checks)."""

    @property
    def repeat_group(self) -> np.ndarray:
        """Rows of repeated sections (an abstract in two translations) share a number; -1: none."""

    @property
    def bm25(self) -> TermStatistics:
        """The lexical index's term statistics; the lexical search itself is passages.lexical."""

    def documents(self) -> list[DocumentRecord]:
        """The indexed documents, by source name."""

    def document(self, source: str) -> "Document":
        """One indexed document, whole."""

    def section_titles(self, source: str) -> list[str]:
        """A document's section titles in order ([] for one not indexed)."""

    def document_text(self, source: str) -> str | None:
        """A document's text, or None when it is not indexed."""

    def page_at(self, source: str, offset: int) -> int | None:
        """The 1-based page holding a character offset of a document, or None without pages."""

    def references(self, source: str, numbers: list[int]) -> "list[Reference]":
        """A document's reference entries of the given numbers."""

    def word_vectors(self, words: list[str]) -> dict[str, np.ndarray]:
        """The vectors of those words that are in the corpus vocabulary."""

    def sentence_vectors(self, chunk_ids: list[str]) -> dict[str, np.ndarray]:
        """Answer-sentence vectors, chunk id -> (its sentences, dim), of those passages that have them."""

    def close(self) -> None:
        """Release files and connections."""


def ranked(scores: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(scores, rows) best first, ties (engines round differently in the last bit) broken by the lower row."""
    scores, rows = np.asarray(scores, np.float32), np.asarray(rows, np.int64)
    order = np.lexsort((rows, -np.round(scores.astype(np.float64), TIE_DECIMALS)))
    return scores[order], rows[order]


EMPTY = (np.zeros(0, np.float32), np.zeros(0, np.int64))
