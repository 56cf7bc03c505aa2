"""The page labels a PDF prints ("xii", "57"), so that a citation names the page a reader finds in the document.

PDFs number their pages 1..n, but a book prints its own labels (roman numerals in the front matter, "1" on the
first chapter's page). pdfium reads the catalogue's /PageLabels; a PDF without them, or whose labels are its page
indices, gets none, and citations keep the index alone. The file has been read whole by the sandboxed reader when
it was indexed (qa/ingest/pdf/child.py); only its label tree is read here, once per file version.
"""

from __future__ import annotations

import threading
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

if TYPE_CHECKING:
    from qa.ingest.chunking import Citation

_MAX_LABEL = 40  # a label longer than this is not a page number a reader looks for
_cache: dict[tuple[str, int, int], tuple[str, ...]] = {}
_lock = threading.Lock()


def read_labels(path: str | Path) -> tuple[str, ...]:
    """The label of each page (index 0 = page 1), or () when the PDF has no labels that differ from its indices."""
    import pypdfium2

    try:
        doc = pypdfium2.PdfDocument(str(path))
    except (pypdfium2.PdfiumError, OSError):
        return ()
    try:
        labels = tuple(" ".join((doc.get_page_label(i) or "").split())[:_MAX_LABEL] for i in range(len(doc)))
    except pypdfium2.PdfiumError:
        return ()
    finally:
        doc.close()
    if not any(labels) or all(label in ("", str(i + 1)) for i, label in enumerate(labels)):
        return ()
    return labels


def page_labels(path: str | Path) -> tuple[str, ...]:
    """read_labels, remembered for this version of the file (its size and modification time)."""
    try:
        st = Path(path).stat()
    except OSError:
        return ()
    key = (str(path), st.st_mtime_ns, st.st_size)
    with _lock:
        if key in _cache:
            return _cache[key]
    labels = read_labels(path)
    with _lock:
        if len(_cache) > 256:  # a corpus changing all day: forget old versions rather than grow
            _cache.clear()
        _cache[key] = labels
    return labels


def _label(labels: Sequence[str], page: int | None) -> str | None:
    if page is None or not 1 <= page <= len(labels):
        return None
    return labels[page - 1] or None


def labelled(citation: "Citation", corpus_dir: str | Path) -> "Citation":
    """The citation with its page's printed label (and its range's) where the PDF's labels differ from the index."""
    if citation.page is None or not citation.source.lower().endswith(".pdf"):
        return citation
    labels = page_labels(Path(corpus_dir) / citation.source)
    label = _label(labels, citation.page)
    if label is None or label == str(citation.page):
        return citation
    ends = citation.page_range
    both = (_label(labels, ends[0]), _label(labels, ends[1])) if ends else (None, None)
    ranged = (both[0] or str(ends[0]), both[1] or str(ends[1])) if ends else None
    return replace(citation, page_label=label, page_range_labels=ranged)
