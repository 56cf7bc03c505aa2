"""Answer-sentence vectors: each passage's sentences as MiniLM read them inside the passage, kept from the build.

A question's answer is one of its top passages' sentences, ranked by cosine with the question (qa.answer.answers).
Embedding those sentences at question time cost ~35 ms of a ~50 ms answer (results/bench.md); the build's forward
pass over each passage already holds every token's state, so each sentence's vector is pooled from it
(qa.embed.onnx.OnnxEmbedder.embed_spans) and stored: no text is embedded twice, and an answer embeds only its
question. The sentences are those of qa.ingest.chunking.sentence_spans over the passage's text, in order.

During a build the vectors are spilled to a scratch file block by block, so a large corpus's sentences (about six
per passage) never sit in memory; the generation's writer copies them out in row order as sentences.npy (float16)
with sentence_rows.npy ((first, count) per row). A row whose embedder could not pool spans (sentence-transformers,
Ray) has none, and answers embed its sentences as before.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import IO, Callable, Iterable, Iterator, Protocol, Sequence

import numpy as np

from qa.ingest.chunking import Chunk, sentence_spans

SENTENCES = "sentences.npy"
SENTENCE_ROWS = "sentence_rows.npy"

Lookup = Callable[[str], "np.ndarray | None"]  # text key -> the generation before's sentence vectors of that text


def answer_spans(chunk: Chunk, text: str) -> list[tuple[int, int]]:
    """The chunk's sentences as spans of text, the embedded text that ends with the chunk's own."""
    offset = len(text) - len(chunk.text)
    return [(offset + a, offset + b) for a, b in sentence_spans(chunk.text, 0, len(chunk.text))]


class SentenceVectors:
    """The sentence vectors of a generation's rows, spilled to a scratch file as they are computed."""

    def __init__(self, n_rows: int, dim: int = 384, folder: Path | None = None):
        self.dim = dim
        self.rows = np.zeros((n_rows, 2), np.int64)  # (first vector in the spill, count); count 0: none
        self.count = 0
        self._spill: IO[bytes] = tempfile.TemporaryFile(dir=folder, prefix="qa-sentences-")

    def put(self, row: int, vectors: np.ndarray) -> None:
        """Row's sentence vectors, in its sentences' order."""
        vectors = np.ascontiguousarray(vectors, np.float16).reshape(-1, self.dim)
        self._spill.seek(0, 2)
        self._spill.write(vectors.tobytes())
        self.rows[row] = (self.count, len(vectors))
        self.count += len(vectors)

    def share(self, row: int, like: int) -> None:
        """Row holds the same text as row `like`: the same vectors."""
        self.rows[row] = self.rows[like]

    def finish(self, keys: Sequence[str], first_row: dict[str, int], done: set[int], reuse: Lookup) -> None:
        """Fill every row not computed in this build: from the generation before, or from its text's first row."""
        for row, key in enumerate(keys):
            if row in done:
                continue
            if first_row[key] != row and first_row[key] in done:
                self.share(row, first_row[key])
            elif (old := reuse(key)) is not None:
                self.put(row, old)
                done.add(row)

    def row_vectors(self) -> Iterator[np.ndarray]:
        """Each row's sentence vectors (float16, (count, dim)), in row order, read from the spill."""
        width = 2 * self.dim
        for first, count in self.rows:
            self._spill.seek(int(first) * width)
            yield np.frombuffer(self._spill.read(int(count) * width), np.float16).reshape(int(count), self.dim)

    def write(self, folder: Path) -> None:
        """sentences.npy in row order and sentence_rows.npy, streamed from the spill."""
        save(folder, self, self.dim)

    def close(self) -> None:
        self._spill.close()


class SentenceRows(Protocol):
    """A generation's sentence vectors as a writer reads them: a build's spill, or a written generation's."""

    rows: np.ndarray  # (n_rows, 2): (first, count) of each row

    def row_vectors(self) -> Iterator[np.ndarray]: ...


def save(folder: Path, sentences: SentenceRows, dim: int) -> None:
    """Write sentences (vectors of dimension dim) into a generation's folder."""
    rows = sentences.rows
    write_sentences(folder, sentences.row_vectors(), len(rows), int(rows[:, 1].sum()), dim)


def write_sentences(folder: Path, rows: Iterable[np.ndarray], n_rows: int, total: int, dim: int) -> None:
    """sentences.npy (float16, (total, dim)) and sentence_rows.npy ((first, count) per row) from rows in order."""
    out_rows = np.zeros((n_rows, 2), np.int64)
    at = 0
    with open(folder / SENTENCES, "wb") as out:
        header = {"descr": np.lib.format.dtype_to_descr(np.dtype(np.float16)), "fortran_order": False, "shape": (total, dim)}
        np.lib.format.write_array_header_1_0(out, header)
        for row, vectors in enumerate(rows):
            out.write(np.ascontiguousarray(vectors, np.float16).tobytes())
            out_rows[row] = (at, len(vectors))
            at += len(vectors)
    if at != total:
        raise ValueError(f"{at} sentence vectors written, {total} expected")
    np.save(folder / SENTENCE_ROWS, out_rows, allow_pickle=False)


class StoredSentences:
    """A written generation's sentence vectors, memory-mapped: row -> its sentences' vectors, or None."""

    def __init__(self, folder: Path, n_rows: int):
        self.vectors = np.load(folder / SENTENCES, mmap_mode="r", allow_pickle=False)
        self.dim = int(self.vectors.shape[1]) if self.vectors.ndim == 2 else 0
        self.rows = np.load(folder / SENTENCE_ROWS, allow_pickle=False)
        if self.rows.shape != (n_rows, 2) or (n_rows and int(self.rows[:, 1].sum()) != len(self.vectors)):
            raise ValueError(
                f"sentence rows {self.rows.shape} disagree with {n_rows} rows and {len(self.vectors)} sentence vectors"
            )

    @staticmethod
    def present(folder: Path) -> bool:
        return (folder / SENTENCES).is_file() and (folder / SENTENCE_ROWS).is_file()

    def row_vectors(self) -> Iterator[np.ndarray]:
        """Each row's sentence vectors (float16), in row order: a local generation published elsewhere."""
        for first, count in self.rows:
            yield np.asarray(self.vectors[int(first) : int(first) + int(count)])

    def of_row(self, row: int) -> np.ndarray | None:
        first, count = (int(x) for x in self.rows[row])
        return np.asarray(self.vectors[first : first + count], np.float32) if count else None
