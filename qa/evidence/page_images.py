"""Page images of a PDF with the position of every character, rendered by pdfium in a child process.

Like text extraction (pdf_pages.py), rendering parses untrusted bytes with a C library, so it runs in a child
under a time and memory limit: a PDF that makes pdfium loop or crash costs one failed page view, never the
server. The child (this file run as a script, importing pypdfium2 and Pillow only) stays up between requests,
since starting Python and importing pdfium costs about as much as rendering a page; it is started on the
first request and started again after a failure. Requests are a JSON line then the PDF's bytes; answers one
JSON line with the PNG and the characters with their boxes, or the reason the page cannot be shown.
"""

from __future__ import annotations

import base64
import json
import os
import select
import signal
import subprocess
import sys
import threading
import time
import weakref
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class PageImage:
    """One rendered page: the PNG, the page size and each character with its box, in PDF points."""

    png: bytes
    width: float  # of the page as shown (its crop box, turned by its rotation), in points
    height: float
    origin: tuple[float, float]  # the crop box's lower-left corner: boxes are relative to the media box
    chars: str  # the page's characters in pdfium's order (one per box)
    boxes: tuple[tuple[float, float, float, float], ...]  # (left, bottom, right, top) of each, unrotated
    rotation: int = 0  # degrees clockwise the page is shown turned (its /Rotate)

    def fraction(self, box: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
        """(left, top, width, height) of a box as fractions of the image, measured from its top-left corner."""
        turned = self.rotation in (90, 270)
        w, h = (self.height, self.width) if turned else (self.width, self.height)  # the page before turning
        x0, y0 = self.origin
        left, bottom, right, top = box[0] - x0, box[1] - y0, box[2] - x0, box[3] - y0
        # (left, top, right, bottom) fractions of the image, for each way the page can be turned
        edges = {
            0: (left / w, 1 - top / h, right / w, 1 - bottom / h),
            90: (bottom / h, left / w, top / h, right / w),
            180: (1 - right / w, bottom / h, 1 - left / w, top / h),
            270: (1 - top / h, 1 - right / w, 1 - bottom / h, 1 - left / w),
        }[self.rotation]
        return edges[0], edges[1], edges[2] - edges[0], edges[3] - edges[1]


class Renderer:
    """The long-lived rendering child: one request at a time, killed when over time, restarted when needed."""

    def __init__(self, timeout_s: float, memory_bytes: int):
        self.timeout_s = timeout_s
        self.memory_bytes = memory_bytes
        self._proc: subprocess.Popen | None = None
        self._lock = threading.Lock()
        self._finalizer = weakref.finalize(self, Renderer._stop, [None])

    def render(self, pdf: bytes, page: int, dpi: int) -> PageImage:
        """Page `page` (1-based) of the PDF; raises PageNotRendered saying why it cannot be shown."""
        from qa.errors import PageNotRendered

        with self._lock:
            try:
                line = self._ask(pdf, page, dpi)
            except subprocess.TimeoutExpired:
                self.close()
                raise PageNotRendered(f"rendering page {page} took longer than {self.timeout_s:g} s") from None
            except OSError as exc:
                self.close()
                raise PageNotRendered(f"the page renderer could not run ({exc.strerror or exc})") from None
            if not line:  # the child died: out of memory, or pdfium crashed
                code = self._proc.wait() if self._proc else None
                self.close()
                why = f"crashed ({signal.Signals(-code).name})" if code and code < 0 else f"stopped (exit code {code})"
                raise PageNotRendered(f"the page renderer {why} on this page")
        return _parse(line)

    def _ask(self, pdf: bytes, page: int, dpi: int) -> bytes:
        if self._proc is None or self._proc.poll() is not None:
            self._proc = subprocess.Popen(
                [sys.executable, "-I", str(Path(__file__).resolve()), str(int(self.memory_bytes))],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
            )
            self._finalizer.detach()
            self._finalizer = weakref.finalize(self, Renderer._stop, [self._proc])
        proc = self._proc
        assert proc.stdin is not None and proc.stdout is not None  # started with pipes
        request = json.dumps({"page": int(page), "dpi": int(dpi), "size": len(pdf)}).encode() + b"\n"
        try:
            proc.stdin.write(request + pdf)
            proc.stdin.flush()
        except BrokenPipeError:
            return b""
        return _read_line(proc.stdout, time.monotonic() + self.timeout_s)

    def close(self) -> None:
        """Stop the child (a new one starts with the next request)."""
        Renderer._stop([self._proc])
        self._proc = None

    @staticmethod
    def _stop(procs: list) -> None:
        for proc in procs:
            if proc is not None and proc.poll() is None:
                proc.kill()
                proc.wait()


def _read_line(stream, deadline: float) -> bytes:
    """One line from the child's stdout, or TimeoutExpired when it does not come in time."""
    fd = stream.fileno()
    chunks: list[bytes] = []
    while True:
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([fd], [], [], left)[0]:
            raise subprocess.TimeoutExpired("page renderer", 0)
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            return b""
        chunks.append(chunk)
        if chunk.endswith(b"\n"):
            return b"".join(chunks)


def _parse(line: bytes) -> PageImage:
    from qa.errors import PageNotRendered

    try:
        out = json.loads(line)
        if "error" in out:
            raise PageNotRendered(str(out["error"]))
        flat = out["boxes"]
        boxes = tuple(tuple(flat[i : i + 4]) for i in range(0, len(flat), 4))
        if len(boxes) != len(out["chars"]):
            raise ValueError("characters and boxes differ in number")
        return PageImage(
            base64.b64decode(out["png"]),
            float(out["width"]),
            float(out["height"]),
            (float(out["origin"][0]), float(out["origin"][1])),
            out["chars"],
            boxes,
            int(out["rotation"]),
        )
    except (ValueError, KeyError, TypeError, IndexError) as exc:
        raise PageNotRendered(f"the page renderer gave unreadable output ({exc})") from None


def render_page(pdf: bytes, page: int, dpi: int, timeout_s: float, memory_bytes: int) -> PageImage:
    """One page rendered by a child of its own (which then stops); the app keeps a Renderer instead."""
    renderer = Renderer(timeout_s, memory_bytes)
    try:
        return renderer.render(pdf, page, dpi)
    finally:
        renderer.close()


class _Unusable(Exception):
    """The page cannot be rendered (no such page, damaged or encrypted file)."""


def _render(data: bytes, number: int, dpi: int) -> dict:
    import io

    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    try:
        doc = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise _Unusable(f"pdfium cannot open the PDF ({exc})") from None
    if not 1 <= number <= len(doc):
        raise _Unusable(f"the PDF has {len(doc)} pages, not a page {number}")
    page = doc[number - 1]
    # The visible box as pdfium renders it: get_cropbox() falls back to US Letter when the box is inherited
    # from the page tree (as in many A4 documents), which put every mark a line or more too high.
    left, bottom, right, top = page.get_bbox()
    rotation = page.get_rotation() % 360
    width, height = (top - bottom, right - left) if rotation in (90, 270) else (right - left, top - bottom)
    image = page.render(scale=dpi / 72).to_pil()
    buf = io.BytesIO()
    image.save(buf, "PNG", compress_level=1)
    text = page.get_textpage()
    chars: list[str] = []
    boxes: list[float] = []  # four numbers a character, flat
    for i in range(text.count_chars()):
        code = raw.FPDFText_GetUnicode(text.raw, i)
        chars.append(chr(code) if 0 < code < 0x110000 and not 0xD800 <= code < 0xE000 else "\ufffd")
        try:
            boxes.extend(round(v, 2) for v in text.get_charbox(i))
        except pdfium.PdfiumError:
            boxes.extend((0.0, 0.0, 0.0, 0.0))
    if not any(c.strip() for c in chars):
        chars, boxes = _scanned_chars(page, left, top)
    return {
        "png": base64.b64encode(buf.getvalue()).decode("ascii"),
        "width": width,
        "height": height,
        "origin": [left, bottom],
        "rotation": rotation,
        "chars": "".join(chars),
        "boxes": boxes,
    }


def _scanned_chars(page, left: float, top: float) -> tuple[list[str], list[float]]:
    """A scanned page's characters and boxes from OCR, as indexing read them (qa/ingest/pdf/ocr.py): each line's box
    shared out among its characters, so that a passage read by OCR is marked on the page; none without an engine."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "ingest" / "pdf"))
    from ocr import DPI, Reader, available, has_images  # type: ignore[import-not-found]

    engine = available("auto")
    if engine is None or not has_images(page):
        return [], []
    chars: list[str] = []
    boxes: list[float] = []
    scale = 72 / DPI
    for text, (x0, y0, x1, y1) in Reader(engine).lines(page.render(scale=DPI / 72).to_pil()):
        step = (x1 - x0) / max(1, len(text))
        for n, ch in enumerate(text):
            chars.append(ch)
            boxes.extend(
                (left + (x0 + n * step) * scale, top - y1 * scale, left + (x0 + (n + 1) * step) * scale, top - y0 * scale)
            )
        chars.append("\n")
        boxes.extend((0.0, 0.0, 0.0, 0.0))
    return chars, boxes


def _main() -> None:
    import resource

    limit = int(sys.argv[1])
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    while True:
        header = stdin.readline()
        if not header:
            return  # the parent has gone
        request = json.loads(header)
        data = stdin.read(request["size"])
        try:
            out = _render(data, request["page"], request["dpi"])
        except _Unusable as exc:
            out = {"error": str(exc)}
        except MemoryError:
            out = {"error": "the page needs more memory than allowed (QA_PARSE_MEMORY_BYTES)"}
        except Exception as exc:  # pdfium raises on damage it finds only while rendering
            out = {"error": f"pdfium could not render the page ({exc.__class__.__name__}: {exc})"}
        stdout.write(json.dumps(out).encode() + b"\n")
        stdout.flush()


if __name__ == "__main__":
    _main()
