"""Page texts and outline of a PDF, extracted in a child process (child.py) under a time and memory limit.

A hostile or broken PDF can make a parser loop, recurse without end or allocate without bound. The child caps its
address space before importing anything heavy and streams one JSON line per page, then one with the title and the
outline; the parent kills it when the time limit passes and gets a DocumentError or the pages.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from qa.errors import DocumentError
from qa.ingest.pdf.child import PREFIX
from qa.ingest.pdf.deadline import Deadline
from qa.ingest.pdf.ocr import scan_report
from qa.ingest.pdf.ruled_tables import checked
from qa.ingest.sandbox import failure_reason, timeout_reason

_CHILD = Path(__file__).resolve().parent / "child.py"


@dataclass(frozen=True)
class OutlineEntry:
    """One bookmark of a PDF's outline: its title as written, depth (0 = top) and 0-based destination page."""

    title: str
    depth: int
    page: int


@dataclass(frozen=True)
class PdfText:
    """What the child read: page texts, metadata title, outline and the pages it could not read."""

    pages: tuple[str, ...]
    title: str | None
    outline: tuple[OutlineEntry, ...] = ()
    warnings: tuple[str, ...] = ()
    # Per page, its tables (ruled_tables.py, aligned_tables.py): (start, end, rows), page text [start:end] the table's;
    # an empty first row: the table has no header row.
    tables: tuple[tuple[tuple[int, int, tuple[tuple[str, ...], ...]], ...], ...] = ()


def extract(
    pdf: bytes | Path,
    parse_timeout_s: float,
    parse_memory_bytes: int,
    on_page: Callable[[int, int], None] | None = None,
    max_text_chars: int | None = None,
    refusal: str = "",
    ocr: str | None = None,
    ocr_page_timeout_s: float = 60.0,
    image: bool = False,
) -> PdfText:
    """A PDF's text; a hostile file costs at most parse_timeout_s and parse_memory_bytes. on_page(done, total) per page.

    Pages past max_text_chars of text stop the child and refuse the file with the sentence refusal.
    ocr: the engine for pages without a text layer ("auto", "rapidocr", "tesseract", "off"; qa/ingest/pdf/ocr.py); each
    page read by OCR adds ocr_page_timeout_s to the time allowed. None: the text layer only, no word on scanned pages
    (the outline and navigation truth of qa/ops/pdf_truth.py). image: the bytes are one page's image (.png, .jpg)."""
    data = pdf if isinstance(pdf, bytes) else Path(pdf).read_bytes()
    try:
        proc = subprocess.Popen(
            [sys.executable, "-I", str(_CHILD), str(int(parse_memory_bytes)), ocr or "off", "image" if image else "pdf"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
    except OSError as exc:
        raise DocumentError(f"could not start the PDF parser ({exc})") from None
    assert proc.stdout is not None and proc.stderr is not None  # started with pipes
    stderr_pipe = proc.stderr
    timer = Deadline(parse_timeout_s, proc.kill)
    err: list[bytes] = []
    feeder = threading.Thread(target=_feed, args=(proc, data), daemon=True)
    reader = threading.Thread(target=lambda: err.append(stderr_pipe.read()), daemon=True)
    for thread in (timer, feeder, reader):
        thread.start()
    try:
        got = _read_records(proc, timer, ocr_page_timeout_s, max_text_chars, refusal, on_page)
        proc.wait()
    finally:
        timed_out = timer.fired and proc.returncode == -signal.SIGKILL
        timer.cancel()
        reader.join(5)
    if timed_out:
        raise DocumentError(timeout_reason("image" if image else "PDF", parse_timeout_s))
    stderr = b"".join(err).decode("utf-8", "replace")
    if proc.returncode != 0:
        raise DocumentError(failure_reason(stderr, proc.returncode, parse_memory_bytes, "PDF", PREFIX))
    return _pdf_text(got, ocr, image)


@dataclass(frozen=True)
class _Records:
    """What the child wrote: page texts, their tables, the 1-based pages read by OCR, and its last record."""

    pages: list[str]
    tables: list[tuple]
    ocr_pages: list[int]
    last: dict


def _read_records(
    proc: subprocess.Popen,
    timer: Deadline,
    ocr_page_timeout_s: float,
    max_text_chars: int | None,
    refusal: str,
    on_page: Callable[[int, int], None] | None,
) -> _Records:
    """The child's records as they come, page by page; the child is killed once the text passes max_text_chars."""
    assert proc.stdout is not None  # started with a pipe
    got = _Records([], [], [], {})
    chars = 0
    for line in proc.stdout:  # one page per line: memory stays bounded by the text, progress moves per page
        try:
            rec = json.loads(line)
        except ValueError:
            rec = {}
        if rec.get("ocr_start"):
            timer.extend(ocr_page_timeout_s)  # a page is being read by OCR: it is allowed its own time
        elif isinstance(rec.get("text"), str):
            chars += len(rec["text"])
            if max_text_chars is not None and chars > max_text_chars:
                proc.kill()
                proc.wait()
                raise DocumentError(refusal)
            got.pages.append(rec["text"])
            got.tables.append(checked(rec.get("tables"), len(rec["text"])))
            if rec.get("ocr"):
                got.ocr_pages.append(len(got.pages))
            if on_page:
                on_page(len(got.pages), int(rec.get("n", 0)) or len(got.pages))
        else:
            got.last.clear()
            got.last.update(rec)
    return got


def _pdf_text(got: _Records, ocr: str | None, image: bool) -> PdfText:
    """The PdfText of the records of a child that finished; DocumentError when its last record is unreadable."""
    last, pages, tables = got.last, got.pages, got.tables
    try:
        title = last["title"]
        outline = tuple(OutlineEntry(str(t), int(d), int(p)) for t, d, p in last["outline"])
        warnings = tuple(str(w) for w in last["warnings"])
        unread = int(last.get("ocr_needed", 0))
    except (KeyError, TypeError, ValueError) as exc:
        raise DocumentError(f"the PDF parser gave unreadable output ({exc})") from None
    try:
        if ocr is not None:
            warnings += scan_report(got.ocr_pages, last.get("ocr_engine"), unread, image, any(p.strip() for p in pages))
    except ValueError as exc:  # nothing to read without an engine: the sentence says how to enable OCR
        raise DocumentError(str(exc)) from None
    return PdfText(
        tuple(pages), title if isinstance(title, str) else None, outline, warnings, tuple(tables) if any(tables) else ()
    )


def extract_pages(pdf: bytes | Path, parse_timeout_s: float, parse_memory_bytes: int) -> tuple[list[str], str | None]:
    """(page texts, metadata title) of a PDF; a hostile file costs at most parse_timeout_s and parse_memory_bytes."""
    got = extract(pdf, parse_timeout_s, parse_memory_bytes)
    return list(got.pages), got.title


def _feed(proc: subprocess.Popen, data: bytes) -> None:
    try:
        assert proc.stdin is not None  # started with a pipe
        proc.stdin.write(data)
        proc.stdin.close()
    except OSError:  # the child died early; its exit status says why
        pass
