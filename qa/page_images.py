"""Page images of a PDF with the position of every character, rendered by pdfium in a child process.

Like text extraction (pdf_pages.py), rendering parses untrusted bytes with a C library, so it runs in a
child under a time and memory limit: a PDF that makes pdfium loop or crash costs one failed page view, never
the server. The child runs this file as a script (importing pypdfium2 and Pillow only), reads the PDF from
stdin, and writes JSON with the PNG and the characters with their boxes.
"""

from __future__ import annotations

import base64
import json
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

_PREFIX = "qa.page_images: "
_FAILED = 3


@dataclass(frozen=True)
class PageImage:
    """One rendered page: the PNG, the page size and each character with its box, in PDF points."""

    png: bytes
    width: float  # of the visible page (its crop box), in points
    height: float
    origin: tuple[float, float]  # the crop box's lower-left corner: boxes are relative to the media box
    chars: str  # the page's characters in pdfium's order (one per box)
    boxes: tuple[tuple[float, float, float, float], ...]  # (left, bottom, right, top) of each character

    def fraction(self, box: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
        """(left, top, width, height) of a box as fractions of the image, measured from its top-left corner."""
        left, bottom, right, top = box
        x0, y0 = self.origin
        return ((left - x0) / self.width, (y0 + self.height - top) / self.height,
                (right - left) / self.width, (top - bottom) / self.height)


def render_page(pdf: bytes, page: int, dpi: int, timeout_s: float, memory_bytes: int) -> PageImage:
    """Page `page` (1-based) of the PDF as a PageImage; raises PageNotRendered saying why it cannot be."""
    from .errors import PageNotRendered

    try:
        proc = subprocess.run(
            [sys.executable, "-I", str(Path(__file__).resolve()), str(int(page)), str(int(dpi)),
             str(int(memory_bytes))], input=pdf, capture_output=True, timeout=timeout_s)
    except subprocess.TimeoutExpired:
        raise PageNotRendered(f"rendering page {page} took longer than {timeout_s:g} s") from None
    except OSError as exc:
        raise PageNotRendered(f"the page renderer could not start ({exc})") from None
    if proc.returncode != 0:
        lines = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        reason = lines[-1] if lines else ""
        if reason.startswith(_PREFIX):
            reason = reason[len(_PREFIX):]
        elif proc.returncode < 0:
            reason = f"the page renderer crashed ({signal.Signals(-proc.returncode).name})"
        else:
            reason = f"the page renderer failed ({reason or f'exit code {proc.returncode}'})"
        raise PageNotRendered(reason)
    try:
        out = json.loads(proc.stdout)
        flat = out["boxes"]
        boxes = tuple(tuple(flat[i:i + 4]) for i in range(0, len(flat), 4))
        if len(boxes) != len(out["chars"]):
            raise ValueError("characters and boxes differ in number")
        return PageImage(base64.b64decode(out["png"]), float(out["width"]), float(out["height"]),
                         (float(out["origin"][0]), float(out["origin"][1])), out["chars"], boxes)
    except (ValueError, KeyError, TypeError, IndexError) as exc:
        raise PageNotRendered(f"the page renderer gave unreadable output ({exc})") from None


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
    if page.get_rotation():
        raise _Unusable("the page is rotated, which page view does not support yet")
    left, bottom, right, top = page.get_cropbox()
    image = page.render(scale=dpi / 72).to_pil()
    buf = io.BytesIO()
    image.save(buf, "PNG", compress_level=2)
    text = page.get_textpage()
    chars, boxes = [], []
    for i in range(text.count_chars()):
        code = raw.FPDFText_GetUnicode(text.raw, i)
        chars.append(chr(code) if 0 < code < 0x110000 and not 0xD800 <= code < 0xE000 else "\ufffd")
        try:
            boxes.extend(round(v, 2) for v in text.get_charbox(i))
        except pdfium.PdfiumError:
            boxes.extend((0.0, 0.0, 0.0, 0.0))
    return {"png": base64.b64encode(buf.getvalue()).decode("ascii"), "width": right - left,
            "height": top - bottom, "origin": [left, bottom], "chars": "".join(chars), "boxes": boxes}


def _main() -> None:
    import resource

    number, dpi, limit = (int(a) for a in sys.argv[1:4])
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    try:
        out = json.dumps(_render(sys.stdin.buffer.read(), number, dpi))
    except _Unusable as exc:
        print(f"{_PREFIX}{exc}", file=sys.stderr)
        sys.exit(_FAILED)
    except MemoryError:
        print(f"{_PREFIX}the page needs more memory than allowed (QA_PDF_MEMORY_BYTES)", file=sys.stderr)
        sys.exit(_FAILED)
    sys.stdout.write(out)


if __name__ == "__main__":
    _main()
