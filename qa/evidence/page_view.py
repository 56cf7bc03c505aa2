"""Page views: a cited PDF page as an image with the passage's text marked, rendered lazily, cached per generation."""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

from qa.errors import PageNotRendered
from qa.evidence.page_images import PageImage, Renderer
from qa.evidence.page_marks import Box, passage_boxes
from qa.ingest.documents import content_hash
from qa.settings import Settings

CACHED_PAGES = 24  # about 5 MB of PNG


@dataclass(frozen=True)
class PageView:
    """A cited page: its image, its size, and the boxes (PDF points) around the passage's text on it."""

    source: str
    page: int
    png: bytes
    width: float
    height: float
    marks: tuple[Box, ...]  # (left, bottom, right, top) per marked line; () when the text was not found
    image: PageImage

    def mark_fractions(self) -> tuple[tuple[float, float, float, float], ...]:
        """Each mark as (left, top, width, height) fractions of the image, from its top-left corner."""
        return tuple(self.image.fraction(m) for m in self.marks)


class PageViews:
    """Renders cited pages on first request and keeps the latest ones, keyed by index generation."""

    def __init__(self, settings: Settings, capacity: int = CACHED_PAGES):
        self.settings = settings
        self.capacity = capacity
        self._images: OrderedDict[tuple, PageImage] = OrderedDict()
        self._lock = threading.Lock()
        self._renderer = Renderer(settings.parse_timeout_s, settings.parse_memory_bytes)

    def view(self, gen, source: str, page: int, start: int, end: int) -> PageView:
        """The page of `source` (as indexed in gen) with the part of text[start:end] on it marked."""
        try:
            doc = gen.document(source)
        except KeyError:
            raise PageNotRendered(f"{source} is not in the index, so its pages cannot be shown") from None
        if not doc.pages:
            raise PageNotRendered(f"{source} is not a PDF, so it has no pages to show")
        span = next((p for p in doc.pages if p.number == page), None)
        if span is None:
            raise PageNotRendered(f"{source} has no page {page} in the index")
        passage = doc.text[max(start, span.start) : min(end, span.end)]
        image = self._image(gen.name, doc.doc_id, source, page)
        marks = passage_boxes(image.chars, image.boxes, passage)
        return PageView(source, page, image.png, image.width, image.height, marks, image)

    def _image(self, generation: str, doc_id: str, source: str, page: int) -> PageImage:
        key = (generation, doc_id, source, page)
        with self._lock:
            if key in self._images:
                self._images.move_to_end(key)
                return self._images[key]
        image = self._renderer.render(self._pdf_bytes(source, doc_id), page, self.settings.page_dpi)
        with self._lock:
            # Pages of an older generation are never asked for again once a newer one is current.
            for old in [k for k in self._images if k[0] != generation]:
                del self._images[old]
            self._images[key] = image
            while len(self._images) > self.capacity:
                self._images.popitem(last=False)
        return image

    def _pdf_bytes(self, source: str, doc_id: str) -> bytes:
        corpus = Path(self.settings.corpus_dir).resolve()
        path = (corpus / source).resolve()
        if not path.is_relative_to(corpus) or not path.is_file():
            raise PageNotRendered(f"{source} is not in the corpus folder any more, so its page cannot be shown")
        try:
            if path.stat().st_size > self.settings.max_file_bytes:
                raise PageNotRendered(f"{source} is over the file size limit (QA_MAX_FILE_BYTES)")
            data = path.read_bytes()
        except OSError as exc:
            raise PageNotRendered(f"{source} cannot be read ({exc.strerror or exc})") from None
        if content_hash(data) != doc_id:
            raise PageNotRendered(f"{source} has changed since it was indexed; rebuild the index to see its pages")
        return data
