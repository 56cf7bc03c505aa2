"""Image files (.png, .jpg): read by OCR in the PDF child (qa/ingest/pdf/ocr.py), as a document of one page."""

from __future__ import annotations

from dataclasses import dataclass

from qa.errors import DocumentError
from qa.ingest.limits import TextLimit
from qa.ingest.pdf.document_text import read_image
from qa.ingest.readers.base import Extract, OnPage
from qa.settings import Settings

_MAGIC = {".png": (b"\x89PNG\r\n\x1a\n",), ".jpg": (b"\xff\xd8\xff",), ".jpeg": (b"\xff\xd8\xff",)}


@dataclass(frozen=True)
class ImageReader:
    """.png, .jpg and .jpeg files."""

    suffixes: tuple[str, ...] = (".png", ".jpg", ".jpeg")

    def name(self, suffix: str) -> str:
        """What a user calls the file."""
        return f"{suffix[1:].upper()} image"

    def check(self, data: bytes, suffix: str) -> None:
        """Refuse a file without its format's signature."""
        if not data.startswith(_MAGIC[suffix]):
            raise DocumentError(f"not a {suffix[1:].upper()} image (its first bytes are not a {suffix[1:].upper()} signature)")

    def read(self, data: bytes, suffix: str, settings: Settings, limit: TextLimit, on_page: OnPage | None = None) -> Extract:
        """The image's text, as one page. limit is not applied: OCR reads one image of at most MAX_IMAGE_PIXELS
        (qa/ingest/pdf/ocr.py), whose text is far below any text limit."""
        img = read_image(data, settings)
        return Extract(img.raw, img.warnings, page_starts=img.page_starts)
