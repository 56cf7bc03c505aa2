"""What a PDF question's answer should come with, from the PDF itself: its outline entry, its navigation pages.

The eval's "page" field says where the answer is; the outline entry holding it is the last outline heading
before the answer on that page (qa/ingest/pdf/outline.py locates the headings), never a hand-made label.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from qa.ingest.pdf import navigation
from qa.ingest.pdf.document_text import compose, page_texts
from qa.ingest.pdf.extract import extract
from qa.ingest.pdf.outline import PATH_SEPARATOR, heading_matches


@dataclass(frozen=True)
class PdfTruth:
    """A PDF's navigation pages (1-based) and its outline headings in its text."""

    navigation: frozenset[int]
    raw: str
    page_starts: tuple[int, ...]
    headings: tuple[tuple[int, int, str, int], ...]

    def entry_at(self, page: int, answers: tuple[str, ...]) -> str | None:
        """The outline title of the entry holding the answer on the 1-based page (None: no entry before it)."""
        if not 1 <= page <= len(self.page_starts) or not self.headings:
            return None
        a = self.page_starts[page - 1]
        b = self.page_starts[page] if page < len(self.page_starts) else len(self.raw)
        at = a
        for ans in answers:
            m = re.compile(r"\s+".join(map(re.escape, ans.split())), re.I).search(self.raw, a, b)
            if m:
                at = m.start()
                break
        before = [h for h in self.headings if h[0] <= at]
        if not before:  # the answer text was not found and the page's first heading comes after its start
            before = [h for h in self.headings if a <= h[0] < b][:1]
        return before[-1][2].split(PATH_SEPARATOR)[-1] if before else None


def pdf_truth(path: Path, timeout_s: float = 300, memory_bytes: int = 2 * 1024**3) -> PdfTruth:
    """Navigation pages and located outline headings of one PDF, read as indexing reads it."""
    pdf = extract(path, timeout_s, memory_bytes)
    nav = navigation.navigation_pages(page_texts(pdf))
    text = compose(pdf)
    return PdfTruth(frozenset(i + 1 for i in nav), text.raw, tuple(text.page_starts), tuple(text.headings))


def same_section(label: str | None, title: str | None) -> bool:
    """True when a passage's section label names the outline entry (its last part, numbered or not)."""
    if not label or not title:
        return False
    last = label.split(" [")[0].split(PATH_SEPARATOR)[-1]
    return heading_matches(last, title)


def truths(corpus: Path, names: set[str]) -> dict[str, PdfTruth]:
    """PdfTruth of each named PDF found in the corpus folder, by file name."""
    out = {}
    for name in sorted(names):
        found = next(iter(sorted(Path(corpus).rglob(name))), None)
        if found is not None and found.suffix.lower() == ".pdf":
            out[name] = pdf_truth(found)
    return out
