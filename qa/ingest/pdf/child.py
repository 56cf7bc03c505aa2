"""The PDF child: a PDF's (or an image's) pages read under a memory limit, one JSON line per page to stdout.

Run as a script by extract.py (pypdfium2 and pypdf only, not the qa package, on its path: this folder, for
ruled_tables.py, aligned_tables.py and ocr.py); it caps its address space with RLIMIT_AS before importing anything
heavy, reads the bytes from stdin and writes one JSON line per page, then one with the title and the outline. Text
comes from pdfium, which keeps the spaces between words and the reading order; pypdf drops the spaces of some PDFs
(1,088 runs of 25+ letters in LinuxCNC's 61 pages, none with pdfium; results/pdf-text.md): a page whose pdfium text
holds such runs is read by pypdf too and the text with fewer runs per word is kept.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

FAILED = 3  # the child's exit code for a PDF it could read but not use; stderr's last line says why
PREFIX = "qa.ingest.pdf: "
_LONG_RUN = re.compile(r"[A-Za-z]{25,}")  # no English word is this long; glued words are
_WORD = re.compile(r"\w+")


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


def _open(data: bytes) -> tuple:
    """(pypdf reader, metadata title, outline, pdfium document, pages) of a PDF; _Unusable when it cannot be read."""
    import io

    import pypdfium2 as pdfium
    from pypdf import PdfReader

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
    return reader, title, outline, doc, n


class _PageReader:
    """Reads a PDF's pages one by one: text, tables (ruled and set without rules), OCR of scanned pages, the warnings
    of unreadable ones.

    The OCR engine starts at the first scanned page; without one, scanned pages are counted (ocr_needed)."""

    def __init__(self, doc, ocr_choice: str, finders: tuple, has_images) -> None:
        self.doc, self.ocr_choice, self.has_images = doc, ocr_choice, has_images
        self.find_ruled, self.find_aligned, self.columns = finders  # ruled_tables, aligned_tables, its Columns
        self.warnings: list[str] = []
        self.ocr_needed = 0
        self.engine: list = []  # [engine name, Reader, dpi] once a page needs OCR

    def page(self, i: int) -> tuple[str, list, bool]:
        """(text, tables, read by OCR) of page i; one unreadable page costs that page only."""
        tables: list = []
        scanned = False
        try:
            page = self.doc[i]
            textpage = page.get_textpage()
            text = textpage.get_text_range()
            tables = self._tables(page, textpage, text)
            if not text.strip() and self.has_images(page):  # a scanned page: its text is in its image
                text, scanned = self._ocr(page, i, text)
            textpage.close()
            page.close()
        except MemoryError:
            raise
        except Exception as exc:
            self.warnings.append(f"page {i + 1} could not be read and was skipped ({exc.__class__.__name__})")
            text = ""
        return text, tables, scanned

    def _tables(self, page, textpage, text: str) -> list:
        """The page's ruled tables, then its tables set without rules where no ruled one is."""
        ruled = _guarded(self.find_ruled, page, textpage, text)
        return ruled + _guarded(self.find_aligned, textpage, text, self.columns, [(a, b) for a, b, _ in ruled])

    def _ocr(self, page, i: int, text: str) -> tuple[str, bool]:
        if not self.engine:
            from ocr import DPI, Reader, available  # type: ignore[import-not-found]

            engine = available(self.ocr_choice) if self.ocr_choice != "off" else None
            self.engine[:] = [engine, Reader(engine) if engine else None, DPI]
        _, ocr_reader, dpi = self.engine
        if ocr_reader is None:
            self.ocr_needed += 1
            return text, False
        _say({"ocr_start": i + 1})
        return ocr_reader.read(page.render(scale=dpi / 72).to_pil()), True


def _guarded(find, *args) -> list:
    try:
        return find(*args)
    except (MemoryError, RecursionError):
        raise
    except Exception:  # a table that cannot be made out stays the page's text
        return []


def _extract(data: bytes, ocr_choice: str = "off") -> None:
    import logging

    from aligned_tables import Columns  # type: ignore[import-not-found]
    from aligned_tables import find_tables as find_aligned  # type: ignore[import-not-found]
    from ocr import has_images  # type: ignore[import-not-found]  # beside this file, on the child's path
    from ruled_tables import find_tables  # type: ignore[import-not-found]

    logging.disable(logging.WARNING)  # pypdf logs recoverable damage; the parent reports what matters
    reader, title, outline, doc, n = _open(data)
    pages = _PageReader(doc, ocr_choice, (find_tables, find_aligned, Columns()), has_images)
    for i in range(n):
        text, tables, scanned = pages.page(i)
        if _LONG_RUN.search(text) and not scanned:
            other = _pypdf_page(reader, i)
            if glued_share(other) < glued_share(text):
                text, tables = other, []  # the tables' spans are pdfium's
        _say({"n": n, "text": text, "tables": tables, "ocr": scanned})
    _say(
        {
            "title": title,
            "outline": outline,
            "warnings": pages.warnings,
            "ocr_needed": pages.ocr_needed,
            "ocr_engine": pages.engine[0] if pages.engine else None,
        }
    )


def _main() -> None:
    import resource

    limit = int(sys.argv[1])
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    sys.path.insert(0, str(Path(__file__).resolve().parent))  # the table finders and ocr.py; not the qa package
    ocr_choice = sys.argv[2] if len(sys.argv) > 2 else "off"
    try:
        if len(sys.argv) > 3 and sys.argv[3] == "image":
            _extract_image(sys.stdin.buffer.read(), ocr_choice)
        else:
            _extract(sys.stdin.buffer.read(), ocr_choice)
    except _Unusable as exc:
        print(f"{PREFIX}{exc}", file=sys.stderr)
        sys.exit(FAILED)
    except RecursionError:
        print(f"{PREFIX}the PDF is nested too deeply to parse", file=sys.stderr)
        sys.exit(FAILED)


if __name__ == "__main__":
    _main()
