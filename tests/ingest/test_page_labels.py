"""qa.ingest.pdf.page_labels: a citation names the page label a PDF prints, beside the PDF's own page index."""

from __future__ import annotations

import qa
from qa.ingest.pdf.page_labels import labelled, page_labels, read_labels
from support.pdfs import minimal_pdf
from support.shared_docs import DOCS, needs_docs

LABELS = "<< /Nums [0 << /S /r >> 2 << /S /D >>] >>"  # i, ii, then 1, 2, …


def test_a_pdf_with_labels_gives_each_page_its_printed_label(tmp_path):
    book = tmp_path / "book.pdf"
    book.write_bytes(minimal_pdf([["a"], ["b"], ["c"], ["d"]], LABELS))
    assert read_labels(book) == ("i", "ii", "1", "2")
    assert page_labels(book) == ("i", "ii", "1", "2")


def test_a_pdf_without_labels_or_whose_labels_are_its_indices_gives_none(tmp_path):
    plain = tmp_path / "plain.pdf"
    plain.write_bytes(minimal_pdf([["a"], ["b"]]))
    same = tmp_path / "same.pdf"
    same.write_bytes(minimal_pdf([["a"], ["b"]], "<< /Nums [0 << /S /D >>] >>"))
    assert read_labels(plain) == () and read_labels(same) == ()
    assert read_labels(tmp_path / "missing.pdf") == ()
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4 nothing else")
    assert read_labels(broken) == ()


def test_a_citation_takes_the_label_only_where_it_differs_from_the_index(tmp_path):
    (tmp_path / "book.pdf").write_bytes(minimal_pdf([["a"], ["b"], ["c"], ["d"]], LABELS))
    cite = qa.Citation("book.pdf", "Book", None, 4, 0, 10, (3, 4))
    assert labelled(cite, tmp_path) == qa.Citation("book.pdf", "Book", None, 4, 0, 10, (3, 4), "2", ("1", "2"))
    assert labelled(cite, tmp_path).shown_page == "2"
    text = qa.Citation("notes.txt", "Notes", None, None, 0, 10)
    assert labelled(text, tmp_path) == text and text.shown_page is None
    assert qa.Citation("book.pdf", "Book", None, 3, 0, 10).shown_page == "3"
    assert labelled(cite, tmp_path).to_dict()["page_range_labels"] == ["1", "2"]


@needs_docs
def test_the_octave_manual_prints_roman_front_matter_and_its_own_numbers():
    labels = read_labels(DOCS / "octave.pdf")
    assert labels[:3] == ("T-1", "T-2", "i") and labels[20:23] == ("5", "6", "7")
    assert read_labels(DOCS / "gnuplot.pdf") == ()  # no labels: citations keep the index
