"""Pages without a text layer and image files: read by OCR when an engine is installed (the `ocr` extra), otherwise
one sentence saying how to enable it; a mixed PDF reads its text pages as before."""

from __future__ import annotations

import io

import pytest

from qa.errors import DocumentError
from qa.ingest.documents import load_document
from qa.ingest.pdf.ocr import HOW_TO_ENABLE, Reader, available, in_reading_order, mostly_chinese
from qa.settings import Settings
from support.pdfs import minimal_pdf
from support.shared_docs import DOCS, needs_docs

ENGINE = available("auto")
needs_ocr = pytest.mark.skipif(ENGINE is None, reason="no OCR engine installed (pip install '.[ocr]')")
needs_tesseract = pytest.mark.skipif(available("tesseract") is None, reason="tesseract is not installed")
# The two tests that compare a scanned page's words with its text layer word for word ask for tesseract, the engine
# chosen for accuracy (results/ocr-engines.md): rapidocr, the pip-only fallback, runs words of this page together
# ("fromsettimefmt.Thisfunctionisvalidonly") at the 200 dpi the reader renders scans at.


def _page_image(pdf: str, page: int, dpi: int):
    import pypdfium2 as pdfium

    return pdfium.PdfDocument(DOCS / pdf)[page - 1].render(scale=dpi / 72).to_pil().convert("L")


def _scanned_pdf(images) -> bytes:
    """An image-only PDF, as a scanner writes one: each page one picture, no text layer."""
    buf = io.BytesIO()
    images[0].save(buf, format="PDF", save_all=True, append_images=images[1:], resolution=150)
    return buf.getvalue()


def _text_page_image():
    from PIL import Image, ImageDraw

    image = Image.new("L", (900, 200), 255)
    ImageDraw.Draw(image).text((20, 80), "The keeper lit the lamp at dusk.", fill=0, font_size=40)
    return image


def test_pieces_of_one_row_are_read_left_to_right_and_rows_top_to_bottom():
    boxes = [(100, 120, 300, "Kerosene"), (10, 30, 10, "Fuel"), (102, 121, 10, "Whale oil"), (12, 31, 300, "Range")]
    assert in_reading_order(boxes) == "Fuel Range\nWhale oil Kerosene"


def test_a_scanned_pdf_without_an_engine_says_how_to_enable_ocr(tmp_path):
    (tmp_path / "scan.pdf").write_bytes(_scanned_pdf([_text_page_image(), _text_page_image()]))
    with pytest.raises(DocumentError) as refused:
        load_document(tmp_path / "scan.pdf", tmp_path, Settings(ocr="off"))
    assert str(refused.value) == "no text found: the PDF's 2 pages are images without a text layer; " + HOW_TO_ENABLE


def test_an_image_without_an_engine_says_how_to_enable_ocr_and_a_fake_image_is_refused(tmp_path):
    _text_page_image().save(tmp_path / "note.png")
    (tmp_path / "fake.jpg").write_bytes(b"The keeper lit the lamp.")
    with pytest.raises(DocumentError) as refused:
        load_document(tmp_path / "note.png", tmp_path, Settings(ocr="off"))
    assert str(refused.value) == "no text found: the image is an image without a text layer; " + HOW_TO_ENABLE
    with pytest.raises(DocumentError) as fake:
        load_document(tmp_path / "fake.jpg", tmp_path, Settings(ocr="off"))
    assert str(fake.value) == "not a JPG image (its first bytes are not a JPG signature)"


def test_a_mixed_pdf_reads_its_text_pages_and_names_the_pages_left_unread(tmp_path):
    import pypdfium2 as pdfium

    text = pdfium.PdfDocument(minimal_pdf([["The harbour master counted 41 ships."]]))
    scan = pdfium.PdfDocument(_scanned_pdf([_text_page_image()]))
    text.import_pages(scan)
    text.save(tmp_path / "mixed.pdf")
    doc = load_document(tmp_path / "mixed.pdf", tmp_path, Settings(ocr="off"))
    assert doc.text == "The harbour master counted 41 ships."
    assert doc.warnings == ("1 page without a text layer left unread; " + HOW_TO_ENABLE,)


@needs_ocr
def test_an_image_is_read_by_ocr(tmp_path):
    _text_page_image().save(tmp_path / "note.png")
    doc = load_document(tmp_path / "note.png", tmp_path, Settings())
    assert doc.text == "The keeper lit the lamp at dusk."
    assert [p.number for p in doc.pages] == [1]


@needs_tesseract
@needs_docs
@pytest.mark.slow
def test_a_scanned_page_of_a_real_manual_reads_like_its_text_layer_with_progress(tmp_path):
    (tmp_path / "scan.pdf").write_bytes(_scanned_pdf([_page_image("gnuplot.pdf", 40, 150)]))
    seen = []
    doc = load_document(tmp_path / "scan.pdf", tmp_path, Settings(), on_page=lambda done, total: seen.append((done, total)))
    assert seen == [(1, 1)]
    assert doc.warnings == (f"read 1 page without a text layer by OCR ({ENGINE}): p. 1",)
    # From the page's text layer.
    for phrase in ("produces a sequence of pseudo-random numbers between", "Random number generator"):
        assert phrase in doc.text


@needs_tesseract
@needs_docs
@pytest.mark.slow
def test_show_on_page_marks_the_same_lines_on_the_scan_as_on_the_text_pdf(tmp_path):
    from qa.evidence.page_images import render_page
    from qa.evidence.page_marks import passage_boxes

    scan = _scanned_pdf([_page_image("gnuplot.pdf", 40, 150)])
    (tmp_path / "scan.pdf").write_bytes(scan)
    doc = load_document(tmp_path / "scan.pdf", tmp_path, Settings())
    start = doc.text.rfind("\n", 0, doc.text.index("produces a sequence of pseudo-random")) + 1
    passage = doc.text[start : doc.text.index("(1991).", start) + 7]  # three lines of the page
    scanned = render_page(scan, 1, 100, 300, 2**31)
    original = render_page((DOCS / "gnuplot.pdf").read_bytes(), 40, 100, 300, 2**31)
    got = passage_boxes(scanned.chars, scanned.boxes, passage)
    want = passage_boxes(original.chars, original.boxes, passage)
    assert len(got) == len(want) == 3
    for g, w in zip(got, want, strict=True):  # each marked line where the text layer has it, within 3 points
        assert abs((g[1] + g[3]) / 2 - (w[1] + w[3]) / 2) < 3 and abs(g[0] - w[0]) < 6


@needs_tesseract
@needs_docs
@pytest.mark.slow
def test_tesseract_reads_a_chinese_file_with_chinese_alone_and_an_english_one_with_both():
    chinese, english = Reader("tesseract"), Reader("tesseract")
    text = chinese.read(_page_image("debian-edu-manual.zh-cn.pdf", 10, 200))
    english.read(_page_image("gnuplot.pdf", 40, 200))
    assert (chinese.languages, english.languages) == ("chi_sim", "chi_sim+eng")
    assert mostly_chinese(text) and "Debian Edu" in text


def test_a_page_is_chinese_when_most_of_its_letters_are():
    assert (mostly_chinese("安装 Debian Edu 系统的全部步骤如下所示"), mostly_chinese("apt install debian-edu-config 配置")) == (
        True,
        False,
    )
