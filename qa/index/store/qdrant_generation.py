"""A generation served from Qdrant alone: its side collection holds what the passages' collection does not.

The side collection <prefix>-side-<generation> has, as points with a "kind" payload field (keyword-indexed):
- "manifest": the manifest JSON and the document catalogue (source, title, pages, when indexed);
- "part": per-row attributes (document, section copy, repeat group, Chinese) and the BM25 vocabulary with each
  term's document frequency, as base64 arrays in parts of PART_ROWS;
- "document": one per document: its text, sections, pages and reference list (looked up by source);
- "word": one per vocabulary word, its vector as the dense vector "word" (looked up by word).
An app server loads the manifest and parts when a generation becomes current (a few small requests) and asks
for documents and words as questions need them; nothing is read from the local index folder.
"""

from __future__ import annotations

import base64
import json
from collections import OrderedDict
from dataclasses import astuple

import numpy as np

from qa.errors import BackendUnavailable
from qa.index.bm25 import idf
from qa.index.store.manifest import parse_manifest
from qa.index.store.protocol import DocumentRecord, NewGeneration
from qa.ingest.chunking import Chunk
from qa.ingest.documents import Document, Page, Reference, Section

PART_ROWS = 50_000  # rows (or terms) per "part" point: a few hundred kB of payload each
SENTENCE_PART_ROWS = 500  # rows per part of answer-sentence vectors: about 2 MB of payload each
BATCH = 256
DOCUMENT_CACHE = 64  # documents kept in memory per generation (page numbers and references of hits)


def _b64(array: np.ndarray, dtype: str) -> str:
    return base64.b64encode(np.ascontiguousarray(array, dtype=dtype).tobytes()).decode("ascii")


def _array(text: str, dtype: str) -> np.ndarray:
    return np.frombuffer(base64.b64decode(text), dtype=dtype)


def write_side(engine, coll: str, new: NewGeneration) -> None:
    """Create and fill the side collection of new."""
    engine.create(
        coll, {"word": new.manifest.dim}, None, {"kind": "keyword", "part": "keyword", "source": "keyword", "word": "keyword"}
    )
    catalogue = [[d.source, d.doc_id, d.title, len(d.pages), new.indexed_at[d.source]] for d in new.docs]
    manifest: dict[str, object] = {"kind": "manifest", "manifest": new.manifest.to_json(), "documents": json.dumps(catalogue)}
    points: list[tuple[int, dict, None, dict[str, object]]] = [(0, {}, None, manifest)]  # JSON text: floats come back exact
    sources = {s: i for i, s in enumerate(sorted(new.manifest.sources))}
    row_source = np.array([sources[c.source] for c in new.chunks], np.int64)
    for a in range(0, max(len(new.chunks), 1), PART_ROWS):
        points.append(
            (
                len(points),
                {},
                None,
                {
                    "kind": "part",
                    "part": "rows",
                    "start": a,
                    "data": {
                        "source": _b64(row_source[a : a + PART_ROWS], "<i8"),
                        "cjk": _b64(new.cjk_rows[a : a + PART_ROWS], "u1"),
                        "section_run": _b64(new.section_run[a : a + PART_ROWS], "<i8"),
                        "repeat_group": _b64(new.repeat_group[a : a + PART_ROWS], "<i8"),
                    },
                },
            )
        )
    vocab = new.bm25.vocab
    terms = sorted(vocab, key=vocab.__getitem__)
    ids = np.array([vocab[t] for t in terms], np.int64)
    known = new.bm25.document_frequencies()
    df = np.zeros(len(ids), np.int64)  # bm25s also lists a term its score matrix lacks (the empty one)
    df[ids < len(known)] = known[ids[ids < len(known)]]
    for a in range(0, max(len(terms), 1), PART_ROWS):
        points.append(
            (
                len(points),
                {},
                None,
                {
                    "kind": "part",
                    "part": "terms",
                    "start": a,
                    "data": {
                        "terms": terms[a : a + PART_ROWS],
                        "ids": _b64(ids[a : a + PART_ROWS], "<i8"),
                        "df": _b64(df[a : a + PART_ROWS], "<i8"),
                    },
                },
            )
        )
    for d in new.docs:
        points.append(
            (
                len(points),
                {},
                None,
                {
                    "kind": "document",
                    "source": d.source,
                    "document": json.dumps(
                        {
                            "doc_id": d.doc_id,
                            "title": d.title,
                            "text": d.text,
                            "sections": [astuple(s) for s in d.sections],
                            "pages": [astuple(p) for p in d.pages],
                            "references": [astuple(r) for r in d.references],
                        }
                    ),
                },
            )
        )
    points += _sentence_parts(new, len(points))
    first_word = len(points)
    # Rounded as the local generation stores them (float16), so that both backends give the same answers.
    for i, (w, v) in enumerate(zip(new.words, np.asarray(new.word_vectors, np.float16).astype(np.float32), strict=True)):
        points.append((first_word + i, {"word": v.tolist()}, None, {"kind": "word", "word": w}))
    for a in range(0, len(points), BATCH):
        engine.upsert(coll, points[a : a + BATCH])
    engine.finish(coll)


def _sentence_parts(new: NewGeneration, first_id: int) -> list:
    """The answer-sentence vectors as parts of SENTENCE_PART_ROWS rows: chunk ids, counts, float16 vectors."""
    if new.sentences is None:
        return []
    out: list = []
    ids: list[str] = []
    counts: list[int] = []
    vectors: list[bytes] = []
    for row, (chunk, vecs) in enumerate(zip(new.chunks, new.sentences.row_vectors(), strict=True)):
        ids.append(chunk.chunk_id)
        counts.append(len(vecs))
        vectors.append(np.ascontiguousarray(vecs, np.float16).tobytes())
        if len(ids) == SENTENCE_PART_ROWS or row == len(new.chunks) - 1:
            data = {
                "ids": ids,
                "counts": _b64(np.array(counts), "<i8"),
                "vectors": base64.b64encode(b"".join(vectors)).decode("ascii"),
            }
            out.append((first_id + len(out), {}, None, {"kind": "part", "part": "sentences", "start": row, "data": data}))
            ids, counts, vectors = [], [], []
    return out


def read_sentences(engine, coll: str, dim: int) -> dict[str, np.ndarray]:
    """chunk id -> its answer-sentence vectors (float16), as write_side stored them."""
    out: dict[str, np.ndarray] = {}
    for data in _parts(engine, coll, "sentences"):
        counts = _array(data["counts"], "<i8")
        vectors = _array(data["vectors"], "<f2").reshape(-1, dim)
        at = 0
        for cid, n in zip(data["ids"], counts.tolist(), strict=True):
            if n:
                out.setdefault(cid, vectors[at : at + n])
            at += n
    return out


def _parts(engine, coll: str, part: str) -> list[dict]:
    got = [p for _, _, p in engine.scroll(coll, {"kind": "part", "part": part})]
    return [p["data"] for p in sorted(got, key=lambda p: p["start"])]


def read_terms(engine, coll: str) -> tuple[dict[str, int], np.ndarray]:
    """(BM25 term -> sparse index, document frequency by sparse index) of a generation."""
    vocab: dict[str, int] = {}
    frequencies: dict[int, int] = {}
    for data in _parts(engine, coll, "terms"):
        ids, df = _array(data["ids"], "<i8"), _array(data["df"], "<i8")
        vocab.update(zip(data["terms"], ids.tolist(), strict=True))
        frequencies.update(zip(ids.tolist(), df.tolist(), strict=True))
    df = np.zeros(max(frequencies, default=-1) + 1, np.int64)
    df[list(frequencies)] = list(frequencies.values())
    return vocab, df


class Terms:
    """The generation's BM25 vocabulary as answering reads it: idf of words, as bm25.Bm25Index.idf gives."""

    def __init__(self, vocab: dict[str, int], df: np.ndarray, n: int):
        self.vocab, self.df, self.n = vocab, df, n

    def idf(self, words) -> np.ndarray:
        """Inverse document frequency of terms; terms the corpus lacks get the highest weight."""
        return idf(words, self.vocab, self.df, self.n)


class QdrantGeneration:
    """One generation read from Qdrant alone: a ServingGeneration (protocol.py), as a local one is."""

    warning = None  # Qdrant keeps no damaged generations to stand in for

    def __init__(self, generations, name: str, model_hash: str | None):
        """Load generation name's manifest (checked against model_hash), row attributes and terms."""
        self.generations, self.engine, self.side = generations, generations.engine, generations.side(name)
        self.name = name
        where = f"{name} in {self.engine.where}"
        got = self.engine.scroll(self.side, {"kind": "manifest"})
        if not got:
            raise BackendUnavailable(
                f"index generation {where}: its side collection {self.side} has no manifest; "
                "publish it again with: QA_BACKEND=qdrant qa index --full"
            )
        head = got[0][2]
        self.manifest = parse_manifest(head["manifest"], where, model_hash)
        self._records = [
            DocumentRecord(doc_id, source, title, self.manifest.sources[source]["chunks"], n_pages, at)
            for source, doc_id, title, n_pages, at in json.loads(head["documents"])
        ]
        self.sources = sorted(self.manifest.sources)
        rows = _parts(self.engine, self.side, "rows")
        column = lambda key, dtype: np.concatenate([_array(p[key], dtype) for p in rows])  # noqa: E731
        self.row_source = column("source", "<i8").astype(np.int32)
        self.cjk_rows = column("cjk", "u1").astype(bool)
        self.section_run, self.repeat_group = column("section_run", "<i8"), column("repeat_group", "<i8")
        vocab, df = read_terms(self.engine, self.side)
        self.bm25 = Terms(vocab, df, self.manifest.n_chunks)
        self.passages = generations.passages(name, vocab)
        if not (len(self.row_source) == self.passages.n == self.manifest.n_chunks):
            raise BackendUnavailable(
                f"index generation {where}: {self.passages.n} passages and "
                f"{len(self.row_source)} row attributes, the manifest says "
                f"{self.manifest.n_chunks}; publish it again with: QA_BACKEND=qdrant qa index --full"
            )
        self._documents: OrderedDict[str, Document | None] = OrderedDict()
        self._sentences: dict[str, np.ndarray] | None = None

    def chunks(self, rows) -> list[Chunk]:
        """Chunks for rows, in the order given."""
        return self.passages.chunks(rows)

    def documents(self) -> list[DocumentRecord]:
        """The indexed documents, by source."""
        return sorted(self._records, key=lambda r: r.source)

    def _document(self, source: str) -> Document | None:
        if source in self._documents:
            self._documents.move_to_end(source)
            return self._documents[source]
        got = self.engine.scroll(self.side, {"kind": "document", "source": source})
        doc = None
        if got:
            d = json.loads(got[0][2]["document"])
            refs: dict[int, Reference] = {}
            for r in d["references"]:
                refs.setdefault(r[0], Reference(*r))  # one entry per number, the first, as the local store keeps
            doc = Document(
                d["doc_id"],
                source,
                d["title"],
                d["text"],
                tuple(sorted((Section(*s) for s in d["sections"]), key=lambda s: s.start)),
                tuple(sorted((Page(*p) for p in d["pages"]), key=lambda p: p.number)),
                tuple(refs[n] for n in sorted(refs)),
            )
        self._documents[source] = doc
        while len(self._documents) > DOCUMENT_CACHE:
            self._documents.popitem(last=False)
        return doc

    def document(self, source: str) -> Document:
        """An indexed document, as the build stored it."""
        doc = self._document(source)
        if doc is None:
            raise KeyError(source)
        return doc

    def section_titles(self, source: str) -> list[str]:
        """A document's section titles in order (the document is cached, as every read of it is)."""
        doc = self._document(source)
        return [s.title for s in doc.sections] if doc else []

    def document_text(self, source: str) -> str | None:
        """The full repaired text of one indexed document."""
        doc = self._document(source)
        return doc.text if doc else None

    def page_at(self, source: str, offset: int) -> int | None:
        """The 1-based page of a paged document holding the character at offset, else None."""
        doc = self._document(source)
        pages = [p for p in (doc.pages if doc else ()) if p.start <= offset]
        return max(pages, key=lambda p: (p.start, p.number)).number if pages else None  # empty pages: the last

    def references(self, source: str, numbers: list[int]) -> list[Reference]:
        """Entries of a document's reference list by number."""
        doc = self._document(source)
        wanted = set(numbers)
        return [r for r in (doc.references if doc else ()) if r.number in wanted]

    def word_vectors(self, words: list[str]) -> dict[str, np.ndarray]:
        """Stored vectors of those words that occur in the corpus."""
        if not words:
            return {}
        got = self.engine.scroll(self.side, {"kind": "word", "word": list(words)}, vector="word")
        return {p["word"]: np.asarray(v, np.float32) for _, v, p in got}

    def sentence_vectors(self, chunk_ids: list[str]) -> dict[str, np.ndarray]:
        """Answer-sentence vectors of those passages that have them, read from the side collection once."""
        if self._sentences is None:
            self._sentences = read_sentences(self.engine, self.side, self.manifest.dim)
        return {c: self._sentences[c].astype(np.float32) for c in chunk_ids if c in self._sentences}

    def close(self) -> None:
        """Nothing to release: the engine is shared by the process."""
