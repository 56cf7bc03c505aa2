"""Text of page images by OCR, in the PDF child: pages without a text layer and image files (.png, .jpg).

Engines (measured in bench/ocr_engines.py, results/ocr-engines.md): Debian's tesseract-ocr with chi_sim, and
rapidocr-onnxruntime, whose wheel ships the PP-OCRv4 Chinese/English models (the `ocr` extra). "auto" takes the
first one installed. Lines are put in reading order (top to bottom, a row's pieces left to right). Imports only the engine,
numpy and Pillow: the child runs it with nothing of qa on its path.
"""

from __future__ import annotations

import shutil
import subprocess
from typing import Any

# Tesseract first: on real manual pages it read more accurately, faster and in a tenth of the memory
# (results/ocr-engines.md); rapidocr is what a pip-only install can have (the `ocr` extra).
ENGINES = ("tesseract", "rapidocr")
DPI = 200  # between 150 and 300 dpi, which read equally well on real pages (results/ocr-engines.md)
HOW_TO_ENABLE = (
    "install an OCR engine to read them: pip install 'qa-cited[ocr]' (rapidocr-onnxruntime), "
    "or apt-get install tesseract-ocr tesseract-ocr-chi-sim"
)


def available(choice: str) -> str | None:
    """The engine to use for choice ("auto", "rapidocr", "tesseract", "off"), or None when it is not installed."""
    for engine in ENGINES if choice == "auto" else (choice,):
        if engine == "rapidocr":
            try:
                import rapidocr_onnxruntime  # noqa: F401
            except ImportError:
                continue
            return engine
        if engine == "tesseract" and shutil.which("tesseract"):
            return engine
    return None


class Reader:
    """One engine, loaded once for all the pages of a file."""

    def __init__(self, engine: str):
        self.engine = engine
        self._rapid: Any = None
        # Tesseract's languages, chosen on the first page and kept for the file's other pages: Chinese pages read
        # with chi_sim alone (accuracy 0.979 against 0.969 with chi_sim+eng, in two thirds of the time), English
        # ones with chi_sim+eng (0.991 against 0.970 with chi_sim alone); measured on 6 and 4 answer pages of
        # debian-edu-manual.zh-cn.pdf and octave.pdf scanned at 150 dpi.
        self.languages: str | None = None

    def read(self, image) -> str:
        """The text of a PIL image, its lines in reading order."""
        if self.engine == "rapidocr":
            return in_reading_order(self._rapidocr(image))
        return self._tesseract(image)

    def lines(self, image) -> list[tuple[str, tuple[float, float, float, float]]]:
        """Each line of text with its box in pixels (left, top, right, bottom), in reading order: what "Show on
        page" marks on a page that has no characters of its own."""
        if self.engine == "rapidocr":
            pieces = self._rapidocr(image)
            return [(t, (x, top, right, bottom)) for top, bottom, x, t, right in sorted(pieces)]
        tsv = self._tesseract_output(image, "tsv")
        words: dict[tuple[str, ...], list] = {}
        for row in tsv.splitlines()[1:]:
            f = row.split("\t")
            if len(f) == 12 and f[0] == "5" and f[11].strip():
                left, top, width, height = (float(v) for v in f[6:10])
                words.setdefault(tuple(f[1:5]), []).append((f[11], (left, top, left + width, top + height)))
        out = []
        for ws in words.values():
            box = (min(b[0] for _, b in ws), min(b[1] for _, b in ws), max(b[2] for _, b in ws), max(b[3] for _, b in ws))
            out.append((_tidy_tesseract(" ".join(w for w, _ in ws)), box))
        return out

    def _rapidocr(self, image) -> list[tuple[float, float, float, str, float]]:
        """(top, bottom, left, text, right) of each piece of text rapidocr found."""
        import numpy as np

        if self._rapid is None:
            from rapidocr_onnxruntime import RapidOCR

            self._rapid = RapidOCR()
        result, _ = self._rapid(np.asarray(image.convert("RGB")))
        out = []
        for box, text, _score in result or []:
            xs, ys = [p[0] for p in box], [p[1] for p in box]
            out.append((min(ys), max(ys), min(xs), text, max(xs)))
        return out

    def _tesseract(self, image) -> str:
        return _tidy_tesseract(self._tesseract_output(image, "txt"))

    def _tesseract_output(self, image, output: str) -> str:
        """Tesseract's output ("txt" or "tsv") for image, in the file's languages, chosen on its first page."""
        import io

        buf = io.BytesIO()
        image.convert("L").save(buf, format="PNG")
        if self.languages is None:
            first = _run_tesseract(buf.getvalue(), "chi_sim+eng", "txt")
            self.languages = "chi_sim" if mostly_chinese(first) else "chi_sim+eng"
            if output == "txt" and self.languages == "chi_sim+eng":
                return first
        return _run_tesseract(buf.getvalue(), self.languages, output)


def _run_tesseract(png: bytes, languages: str, output: str) -> str:
    command = ["tesseract", "stdin", "stdout", "-l", languages, "--psm", "3"] + (["tsv"] if output == "tsv" else [])
    got = subprocess.run(command, input=png, capture_output=True, check=False)
    if got.returncode != 0:
        raise RuntimeError(f"tesseract failed ({got.stderr.decode('utf-8', 'replace').strip()[-200:]})")
    return got.stdout.decode("utf-8", "replace")


def mostly_chinese(text: str) -> bool:
    """True when most of text's letters are Chinese characters."""
    cjk = sum(1 for c in text if "\u3400" <= c <= "\u9fff")
    latin = sum(1 for c in text if c.isascii() and c.isalpha())
    return cjk > latin


def in_reading_order(boxes: list) -> str:
    """Lines top to bottom; pieces (top, bottom, left, text, ...) whose vertical extents overlap by half are one row,
    read left to right."""
    rows: list[list[tuple[float, float, float, str]]] = []
    for box in sorted(boxes):
        top, bottom = box[0], box[1]
        row = rows[-1] if rows else None
        if row is not None:
            r_top, r_bottom = min(b[0] for b in row), max(b[1] for b in row)
            overlap = min(bottom, r_bottom) - max(top, r_top)
            if overlap >= 0.5 * min(bottom - top, r_bottom - r_top):
                row.append(box)
                continue
        rows.append([box])
    return "\n".join(" ".join(b[3] for b in sorted(row, key=lambda b: b[2])) for row in rows)


MAX_IMAGE_PIXELS = 80_000_000  # an A0 poster at 300 dpi is 140 M; a page at 300 dpi is 9 M


def read_image_file(data: bytes, choice: str, starting) -> tuple[str, str | None]:
    """(text, engine) of an image file; engine None and no text when none is installed. ValueError: unreadable."""
    import io

    from PIL import Image

    Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS
    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except Image.DecompressionBombError as exc:
        raise ValueError(f"the image is too large to read ({exc})") from None
    except (MemoryError, RecursionError):
        raise
    except Exception as exc:  # Pillow raises many kinds of error on damaged images
        raise ValueError(f"not a readable image ({exc.__class__.__name__}: {exc})") from None
    engine = available(choice) if choice != "off" else None
    if engine is None:
        return "", None
    starting()
    return Reader(engine).read(image), engine


def has_images(page) -> bool:
    """True for a PDF page that draws at least one image (a scan), false for a blank page."""
    import pypdfium2.raw as pdfium_c

    return any(True for _ in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=2))


def _tidy_tesseract(text: str) -> str:
    """Tesseract's text with the spaces it puts between Chinese characters taken out."""
    import re

    cjk = "\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef"
    return re.sub(f"(?<=[{cjk}]) (?=[{cjk}])", "", text).strip()


def scan_report(read: list[int], engine: str | None, unread: int, image: bool, any_text: bool) -> tuple[str, ...]:
    """The build's warnings for pages read by OCR (1-based numbers) and pages left unread for want of an engine;
    ValueError when nothing could be read: the one sentence saying how to enable OCR."""
    out = []
    if read:
        s = "s" * (len(read) > 1)
        out.append(f"read {len(read)} page{s} without a text layer by OCR ({engine}): {'pp.' if s else 'p.'} {_ranges(read)}")
    if unread and not any_text:
        what = "the image is an image" if image else f"the PDF's {unread} page{'s' * (unread > 1)} are images"
        raise ValueError(f"no text found: {what} without a text layer; " + HOW_TO_ENABLE)
    if unread:
        out.append(f"{unread} page{'s' * (unread > 1)} without a text layer left unread; " + HOW_TO_ENABLE)
    return tuple(out)


def _ranges(pages: list[int]) -> str:
    out, start = [], pages[0]
    for a, b in zip(pages, [*pages[1:], -1], strict=True):
        if b != a + 1:
            out.append(f"{start}" if start == a else f"{start}–{a}")
            start = b
    return ", ".join(out)
