"""Page texts and outline of a PDF, extracted in a child process under a time and memory limit.

A hostile or broken PDF can make a parser loop, recurse without end or allocate without bound. The child runs
this file as a script (pypdfium2 and pypdf only, not the qa package), caps its address space with RLIMIT_AS before
importing anything heavy, reads the PDF's bytes from stdin and writes one JSON line per page, then one with the
title and the outline; the parent kills it when the time limit passes and gets a DocumentError or the pages.
Text comes from pdfium, which keeps the spaces between words and the reading order; pypdf drops the spaces of
some PDFs (1,088 runs of 25+ letters in LinuxCNC's 61 pages, none with pdfium; results/pdf-text.md): a page whose
pdfium text holds such runs is read by pypdf too and the text with fewer runs per word is kept.
"""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

FAILED = 3  # the child's exit code for a PDF it could read but not use; stderr's last line says why
_PREFIX = "qa.ingest.pdf: "
_LONG_RUN = re.compile(r"[A-Za-z]{25,}")  # no English word is this long; glued words are
_WORD = re.compile(r"\w+")


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
    # Per page, its ruled tables (qa/ingest/pdf/tables.py): (start, end, rows), page text [start:end] the table's.
    tables: tuple[tuple[tuple[int, int, tuple[tuple[str, ...], ...]], ...], ...] = ()


def extract(pdf: bytes | Path, parse_timeout_s: float, parse_memory_bytes: int,
            on_page: Callable[[int, int], None] | None = None, max_text_chars: int | None = None, refusal: str = "",
            ocr: str | None = None, ocr_page_timeout_s: float = 60.0, image: bool = False) -> PdfText:
    """A PDF's text; a hostile file costs at most parse_timeout_s and parse_memory_bytes. on_page(done, total) per page.

    Pages past max_text_chars of text stop the child and refuse the file with the sentence refusal.
    ocr: the engine for pages without a text layer ("auto", "rapidocr", "tesseract", "off"; qa/ingest/pdf/ocr.py); each
    page read by OCR adds ocr_page_timeout_s to the time allowed. None: the text layer only, no word on scanned pages
    (the outline and navigation truth of qa/ops/pdf_truth.py). image: the bytes are one page's image (.png, .jpg)."""
    # The parent side only: the child runs this file alone, with nothing of qa on its path.
    from qa.errors import DocumentError
    from qa.ingest.pdf.deadline import Deadline
    from qa.ingest.pdf.ocr import scan_report
    from qa.ingest.pdf.tables import checked
    from qa.ingest.sandbox import failure_reason, timeout_reason

    data = pdf if isinstance(pdf, bytes) else Path(pdf).read_bytes()
    try:
        proc = subprocess.Popen([sys.executable, "-I", str(Path(__file__).resolve()), str(int(parse_memory_bytes)),
                                 ocr or "off", "image" if image else "pdf"],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    except OSError as exc:
        raise DocumentError(f"could not start the PDF parser ({exc})") from None
    assert proc.stdout is not None and proc.stderr is not None  # started with pipes
    stdout, stderr_pipe = proc.stdout, proc.stderr
    timer = Deadline(parse_timeout_s, proc.kill)
    err: list[bytes] = []
    feeder = threading.Thread(target=_feed, args=(proc, data), daemon=True)
    reader = threading.Thread(target=lambda: err.append(stderr_pipe.read()), daemon=True)
    for thread in (timer, feeder, reader):
        thread.start()
    pages: list[str] = []
    tables: list[tuple] = []
    ocr_pages: list[int] = []  # 1-based
    last: dict = {}
    chars = 0
    try:
        for line in stdout:  # one page per line: memory stays bounded by the text, progress moves per page
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
                pages.append(rec["text"])
                tables.append(checked(rec.get("tables"), len(rec["text"])))
                if rec.get("ocr"):
                    ocr_pages.append(len(pages))
                if on_page:
                    on_page(len(pages), int(rec.get("n", 0)) or len(pages))
            else:
                last = rec
        proc.wait()
    finally:
        timed_out = timer.fired and proc.returncode == -signal.SIGKILL
        timer.cancel()
        reader.join(5)
    if timed_out:
        raise DocumentError(timeout_reason("image" if image else "PDF", parse_timeout_s))
    stderr = b"".join(err).decode("utf-8", "replace")
    if proc.returncode != 0:
        raise DocumentError(failure_reason(stderr, proc.returncode, parse_memory_bytes, "PDF", _PREFIX))
    try:
        title = last["title"]
        outline = tuple(OutlineEntry(str(t), int(d), int(p)) for t, d, p in last["outline"])
        warnings = tuple(str(w) for w in last["warnings"])
        unread = int(last.get("ocr_needed", 0))
    except (KeyError, TypeError, ValueError) as exc:
        raise DocumentError(f"the PDF parser gave unreadable output ({exc})") from None
    try:
        if ocr is not None:
            warnings += scan_report(ocr_pages, last.get("ocr_engine"), unread, image, any(p.strip() for p in pages))
    except ValueError as exc:  # nothing to read without an engine: the sentence says how to enable OCR
        raise DocumentError(str(exc)) from None
    return PdfText(tuple(pages), title if isinstance(title, str) else None, outline, warnings,
                   tuple(tables) if any(tables) else ())


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


def glued_share(text: str) -> float:
    """Runs of 25+ ASCII letters per word: how many words an extractor glued together."""
    return len(_LONG_RUN.findall(text)) / max(1, len(_WORD.findall(text)))


class _Unusable(Exception):
    """The PDF can be opened but not used (encrypted, damaged)."""


def _outline(reader) -> list[list]:
    out: list[list] = []

    def walk(items, depth: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
                continue
            try:
                page = reader.get_destination_page_number(item)
            except Exception:  # a dangling bookmark is skipped, not fatal
                continue
            if page is not None and page >= 0 and getattr(item, "title", None):
                out.append([str(item.title), depth, page])

    try:
        walk(reader.outline, 0)
    except (MemoryError, RecursionError):
        raise
    except Exception:  # a damaged outline leaves the layout heuristics to find the sections
        return []
    return out


def _pypdf_page(reader, i: int) -> str:
    try:
        return reader.pages[i].extract_text() or ""
    except Exception:
        return ""


def _extract_image(data: bytes, ocr_choice: str) -> None:
    """One image file read as one page by OCR."""
    from ocr import read_image_file  # type: ignore[import-not-found]  # beside this file, on the child's path

    try:
        text, engine = read_image_file(data, ocr_choice, lambda: _say({"ocr_start": 1}))
    except ValueError as exc:
        raise _Unusable(str(exc)) from None
    _say({"n": 1, "text": text, "tables": [], "ocr": bool(engine)})
    _say({"title": None, "outline": [], "warnings": [], "ocr_needed": 0 if engine else 1, "ocr_engine": engine})


def _say(record: dict) -> None:
    sys.stdout.write(json.dumps(record) + "\n")
    sys.stdout.flush()  # the parent shows progress, and allows time, page by page


def _extract(data: bytes, ocr_choice: str = "off") -> None:
    import io
    import logging

    import pypdfium2 as pdfium
    from ocr import has_images  # type: ignore[import-not-found]  # beside this file, on the child's path
    from pypdf import PdfReader
    from tables import find_tables  # type: ignore[import-not-found]

    logging.disable(logging.WARNING)  # pypdf logs recoverable damage; the parent reports what matters
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                opened = reader.decrypt("")
            except Exception as exc:
                raise _Unusable(f"the PDF is encrypted and cannot be decrypted ({exc})") from None
            if not opened:
                raise _Unusable("the PDF is encrypted with a password")
        meta = reader.metadata
        title = str(meta.title).strip() if meta and meta.title else None
        outline = _outline(reader)
        doc = pdfium.PdfDocument(data)
        n = len(doc)
    except (_Unusable, MemoryError, RecursionError):
        raise
    except Exception as exc:  # the parsers raise many kinds of error on damaged files
        raise _Unusable(f"not a readable PDF ({exc.__class__.__name__}: {exc})") from None
    warnings = []
    ocr_needed = 0
    reader_engine: list = []  # [engine name, Reader] once a page needs OCR
    for i in range(n):
        tables: list = []
        scanned = False
        try:
            page = doc[i]
            textpage = page.get_textpage()
            text = textpage.get_text_range()
            try:
                tables = find_tables(page, textpage, text)
            except (MemoryError, RecursionError):
                raise
            except Exception:  # a table that cannot be made out stays the page's text
                tables = []
            if not text.strip() and has_images(page):  # a scanned page: its text is in its image
                if not reader_engine:
                    from ocr import DPI, Reader, available  # type: ignore[import-not-found]

                    engine = available(ocr_choice) if ocr_choice != "off" else None
                    reader_engine[:] = [engine, Reader(engine) if engine else None, DPI]
                engine, ocr_reader, dpi = reader_engine
                if ocr_reader is None:
                    ocr_needed += 1
                else:
                    _say({"ocr_start": i + 1})
                    text, scanned = ocr_reader.read(page.render(scale=dpi / 72).to_pil()), True
            textpage.close()
            page.close()
        except MemoryError:
            raise
        except Exception as exc:  # one unreadable page costs that page only
            warnings.append(f"page {i + 1} could not be read and was skipped ({exc.__class__.__name__})")
            text = ""
        if _LONG_RUN.search(text) and not scanned:
            other = _pypdf_page(reader, i)
            if glued_share(other) < glued_share(text):
                text, tables = other, []  # the tables' spans are pdfium's
        _say({"n": n, "text": text, "tables": tables, "ocr": scanned})
    _say({"title": title, "outline": outline, "warnings": warnings, "ocr_needed": ocr_needed,
          "ocr_engine": reader_engine[0] if reader_engine else None})


def _main() -> None:
    import resource

    limit = int(sys.argv[1])
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    sys.path.insert(0, str(Path(__file__).resolve().parent))  # tables.py and ocr.py; not the qa package
    ocr_choice = sys.argv[2] if len(sys.argv) > 2 else "off"
    try:
        if len(sys.argv) > 3 and sys.argv[3] == "image":
            _extract_image(sys.stdin.buffer.read(), ocr_choice)
        else:
            _extract(sys.stdin.buffer.read(), ocr_choice)
    except _Unusable as exc:
        print(f"{_PREFIX}{exc}", file=sys.stderr)
        sys.exit(FAILED)
    except RecursionError:
        print(f"{_PREFIX}the PDF is nested too deeply to parse", file=sys.stderr)
        sys.exit(FAILED)


if __name__ == "__main__":
    _main()
