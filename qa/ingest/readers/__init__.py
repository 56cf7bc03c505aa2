"""The readers, one per file format, behind one interface (base.Reader); READERS is the one table of them."""

from __future__ import annotations

from qa.ingest.readers.base import Reader
from qa.ingest.readers.docx import DocxReader
from qa.ingest.readers.epub import EpubReader
from qa.ingest.readers.html import HtmlReader
from qa.ingest.readers.image import ImageReader
from qa.ingest.readers.odf import OdfReader
from qa.ingest.readers.pdf import PdfReader
from qa.ingest.readers.text import TextReader

# In this order, the suffixes are listed to a user whose file has none of them.
READERS: tuple[Reader, ...] = (TextReader(), PdfReader(), HtmlReader(), EpubReader(), DocxReader(), OdfReader(), ImageReader())
SUPPORTED_SUFFIXES = tuple(s for r in READERS for s in r.suffixes)
_BY_SUFFIX = {s: r for r in READERS for s in r.suffixes}


def reader_for(suffix: str) -> Reader | None:
    """The reader of files with a lower-case suffix (".pdf"), None for an unsupported one."""
    return _BY_SUFFIX.get(suffix)
