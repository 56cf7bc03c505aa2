"""The SQLite chunk store of a generation: chunk rows, documents (text, sections, pages, references), words."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from qa.index.store.protocol import DocumentRecord
from qa.ingest.chunking import Chunk
from qa.ingest.documents import Document, Page, Reference, Section

if TYPE_CHECKING:
    from qa.index.store.protocol import NewGeneration

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
CREATE INDEX chunks_id ON chunks (chunk_id);
"""
_CHUNK_COLUMNS = 'chunk_id, doc_id, source, title, section, page, start, "end", text, n_tokens'


def write_chunk_store(path: Path, new: "NewGeneration") -> None:
    """Write new's documents, chunk rows and word rows into a fresh SQLite file at path."""
    db = sqlite3.connect(path)
    try:
        db.executescript(_SCHEMA)
        db.executemany(
            "INSERT INTO documents VALUES (?,?,?,?,?,?)",
            [(d.doc_id, d.source, d.title, d.text, len(d.pages), new.indexed_at[d.source]) for d in new.docs],
        )
        db.executemany(
            "INSERT INTO chunks VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            [
                (
                    i,
                    c.chunk_id,
                    c.doc_id,
                    c.source,
                    c.title,
                    c.section,
                    c.page,
                    c.start,
                    c.end,
                    c.text,
                    c.n_tokens,
                    new.keys[i],
                    int(new.section_run[i]),
                    int(new.repeat_group[i]),
                )
                for i, c in enumerate(new.chunks)
            ],
        )
        db.executemany(
            "INSERT OR IGNORE INTO refs VALUES (?,?,?,?,?)",
            [(d.source, r.number, r.text, r.start, r.end) for d in new.docs for r in d.references],
        )
        db.executemany(
            "INSERT INTO sections VALUES (?,?,?,?,?)",
            [(d.source, s.title, s.start, s.end, s.level) for d in new.docs for s in d.sections],
        )
        db.executemany(
            "INSERT INTO pages VALUES (?,?,?,?)", [(d.source, p.number, p.start, p.end) for d in new.docs for p in d.pages]
        )
        db.executemany("INSERT INTO words VALUES (?,?)", [(w, i) for i, w in enumerate(new.words)])
        db.commit()
    finally:
        db.close()


class ChunkStore:
    """Read-only queries on a generation's chunks.sqlite, shared by reader threads."""

    def __init__(self, path: Path):
        # immutable: a generation never changes, so SQLite needs no locks or journal (and reads on after prune)
        self.db = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True, check_same_thread=False)
        self._lock = threading.Lock()

    def query(self, sql: str, args: tuple = ()) -> list:
        """Rows of one SQL query."""
        with self._lock:  # one SQLite connection shared by reader threads
            return self.db.execute(sql, args).fetchall()

    def count(self, table: str) -> int:
        """Rows in table."""
        return self.query(f"SELECT COUNT(*) FROM {table}")[0][0]

    def rows_per_source(self) -> dict[str, int]:
        """Chunk rows per document."""
        return dict(self.query("SELECT source, COUNT(*) FROM chunks GROUP BY source"))

    def row_columns(self) -> list[tuple[str, int, int]]:
        """(source, section_run, repeat_group) of every row, in row order."""
        return self.query("SELECT source, section_run, repeat_group FROM chunks ORDER BY row")

    def word_rows(self, words: list[str] | None = None) -> list[tuple[str, int]]:
        """(word, row in the word vectors) of those words the corpus has (None: every word)."""
        if words is None:
            return self.query("SELECT word, row FROM words")
        if not words:
            return []
        return self.query(f"SELECT word, row FROM words WHERE word IN ({','.join('?' * len(words))})", tuple(words))

    def rows_of(self, chunk_ids: list[str]) -> list[tuple[str, int]]:
        """(chunk_id, row) of those chunk ids the store has; an id shared by copies of one text gives its first row."""
        if not chunk_ids:
            return []
        got = self.query(
            f"SELECT chunk_id, MIN(row) FROM chunks WHERE chunk_id IN ({','.join('?' * len(chunk_ids))}) GROUP BY chunk_id",
            tuple(chunk_ids),
        )
        return [(cid, int(row)) for cid, row in got]

    def chunks(self, rows) -> list[Chunk]:
        """Chunks of rows, in the order given."""
        rows = [int(r) for r in rows]
        if not rows:
            return []
        got = self.query(f"SELECT row, {_CHUNK_COLUMNS} FROM chunks WHERE row IN ({','.join('?' * len(rows))})", tuple(rows))
        by_row = {r[0]: Chunk.of(*r[1:]) for r in got}
        return [by_row[r] for r in rows]

    def all_chunks(self) -> list[tuple[Chunk, str]]:
        """Every chunk with its embedding-cache key, in row order."""
        return [(Chunk.of(*r[:10]), r[10]) for r in self.query(f"SELECT {_CHUNK_COLUMNS}, text_hash FROM chunks ORDER BY row")]

    def documents(self) -> list[DocumentRecord]:
        """The indexed documents, by source."""
        got = self.query(
            "SELECT d.doc_id, d.source, d.title, COUNT(c.row), d.n_pages, d.indexed_at FROM documents d "
            "LEFT JOIN chunks c ON c.source = d.source GROUP BY d.source ORDER BY d.source"
        )
        return [DocumentRecord(*r) for r in got]

    def document_text(self, source: str) -> str | None:
        """The full repaired text of one indexed document."""
        got = self.query("SELECT text FROM documents WHERE source = ?", (source,))
        return got[0][0] if got else None

    def sections(self, source: str) -> list[tuple[str, int, int, int]]:
        """(title, start, end, level) of a document's sections."""
        return self.query('SELECT title, start, "end", level FROM sections WHERE source = ? ORDER BY start', (source,))

    def page_at(self, source: str, offset: int) -> int | None:
        """The 1-based page of a paged document holding the character at offset, else None."""
        # Pages left empty (a PDF's contents pages) start where the next one does: the last of them holds the text.
        got = self.query(
            "SELECT number FROM pages WHERE source = ? AND start <= ? ORDER BY start DESC, number DESC LIMIT 1", (source, offset)
        )
        return int(got[0][0]) if got else None

    def references(self, source: str, numbers: list[int]) -> list[Reference]:
        """Entries of a document's reference list by number."""
        if not numbers:
            return []
        got = self.query(
            f'SELECT number, text, start, "end" FROM refs WHERE source = ? AND number IN '
            f"({','.join('?' * len(numbers))}) ORDER BY number",
            (source, *numbers),
        )
        return [Reference(*r) for r in got]

    def document(self, source: str) -> Document:
        """An indexed document rebuilt from the index, without reading its file again."""
        got = self.query("SELECT doc_id, source, title, text FROM documents WHERE source = ?", (source,))
        if not got:
            raise KeyError(source)
        doc_id, source, title, text = got[0]
        sections = tuple(Section(*row) for row in self.sections(source))
        pages = tuple(
            Page(*row) for row in self.query('SELECT number, start, "end" FROM pages WHERE source = ? ORDER BY number', (source,))
        )
        refs = tuple(
            Reference(*row)
            for row in self.query('SELECT number, text, start, "end" FROM refs WHERE source = ? ORDER BY number', (source,))
        )
        return Document(doc_id, source, title, text, sections, pages, refs)

    def close(self) -> None:
        """Close the connection (readers holding the generation must be done)."""
        with self._lock:
            self.db.close()
