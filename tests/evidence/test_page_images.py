"""qa.evidence.page_images: a page rendered by pdfium in a child process, with every character's box."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from qa.errors import PageNotRendered
from qa.evidence.page_images import render_page
from support.pdfs import minimal_pdf

PDF = minimal_pdf([["Lighthouse Survey", "The Zorblax lighthouse was painted teal in 1987."], ["Second page text."]])
MEMORY = 2 * 1024**3


def test_a_page_is_rendered_with_its_characters_and_their_boxes():
    page = render_page(PDF, 1, 144, 30, MEMORY)
    assert (page.width, page.height, page.origin) == (612.0, 792.0, (0.0, 0.0))
    assert Image.open(io.BytesIO(page.png)).size == (1224, 1584)  # 144 dpi: two pixels per point
    assert page.chars == "Lighthouse Survey\r\nThe Zorblax lighthouse was painted teal in 1987."
    assert len(page.boxes) == len(page.chars)
    left, bottom, right, top = page.boxes[page.chars.index("Z")]
    assert 72 < left < right < 200 and 705 < bottom < top < 716  # on the second line's baseline, 14 pt below 720
    assert page.fraction((61.2, 712.8, 122.4, 792.0)) == pytest.approx((0.1, 0.0, 0.1, 0.1))
    assert render_page(PDF, 2, 72, 30, MEMORY).chars == "Second page text."


@pytest.mark.parametrize(
    "pdf, number, reason",
    [
        (PDF, 3, "the PDF has 2 pages, not a page 3"),
        (b"%PDF-1.4\nno structure at all\n", 1, "pdfium cannot open the PDF"),
    ],
    ids=["no such page", "damaged file"],
)
def test_a_page_that_cannot_be_rendered_says_why(pdf, number, reason):
    with pytest.raises(PageNotRendered) as err:
        render_page(pdf, number, 72, 30, MEMORY)
    assert str(err.value).startswith(reason)


def test_one_renderer_child_serves_page_after_page_and_is_replaced_after_a_timeout():
    from qa.evidence.page_images import Renderer

    renderer = Renderer(30, MEMORY)
    try:
        assert renderer.render(PDF, 2, 72).chars == "Second page text."
        child = renderer._proc
        assert renderer.render(PDF, 1, 72).chars.startswith("Lighthouse Survey")
        assert renderer._proc is child and child.poll() is None
        renderer.timeout_s = 0.001
        with pytest.raises(PageNotRendered) as err:
            renderer.render(PDF, 1, 72)
        assert str(err.value) == "rendering page 1 took longer than 0.001 s"
        assert child.poll() is not None  # killed
        renderer.timeout_s = 30
        assert renderer.render(PDF, 2, 72).chars == "Second page text."
        assert renderer._proc is not child
    finally:
        renderer.close()


@pytest.mark.parametrize("rotation", [0, 90, 180, 270])
def test_a_character_box_lands_on_its_glyph_however_the_page_is_turned(rotation):
    turned = PDF.replace(b"/MediaBox [0 0 612 792]", b"/MediaBox [0 0 612 792] /Rotate %d" % rotation, 1)
    page = render_page(turned, 1, 72, 30, MEMORY)
    assert (page.rotation, page.width, page.height) == (
        (rotation, 792.0, 612.0) if rotation in (90, 270) else (rotation, 612.0, 792.0)
    )
    image = Image.open(io.BytesIO(page.png)).convert("L")
    assert image.size == (int(page.width), int(page.height))
    left, top, width, height = page.fraction(page.boxes[page.chars.index("Z")])
    glyph = image.crop(
        (
            int(left * image.width),
            int(top * image.height),
            int((left + width) * image.width) + 1,
            int((top + height) * image.height) + 1,
        )
    )
    dark = sum(1 for v in glyph.tobytes() if v < 128)
    assert dark >= 15  # the Z's strokes, inside its box
    blank = image.crop((0, 0, 40, 40))
    assert all(v >= 250 for v in blank.tobytes())
