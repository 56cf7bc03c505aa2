"""Web pages without their menus: navigation lists, sidebars, banners and footers are no text of the page; its
title, headings and the links inside its main content stay."""

from __future__ import annotations

from pathlib import Path

from qa import Assistant, Settings
from qa.ingest.documents import load_document
from qa.ingest.markup.blocks import Block
from qa.ingest.markup.html import read_html

DOCS = Path("/work/shared/docs")
MENU = "".join(f'<li><a href="/p/{i}">Menu item {i} Products</a></li>' for i in range(300))


def test_a_menu_heavy_page_keeps_only_its_text():
    page = (
        f"<html><head><title>Lamp oil</title></head><body><div class='menu'><ul>{MENU}</ul></div>"
        "<h1>Lamp oil</h1><p>Kerosene burns cleaner than whale oil and reaches <a href='/range'>18 miles</a>.</p>"
        "<ul><li><a href='/a'>Whale oil</a></li><li><a href='/b'>Kerosene</a></li></ul></body></html>"
    )
    title, blocks = read_html(page.encode())
    assert (title, blocks) == (
        "Lamp oil",
        [
            Block("heading", "Lamp oil", 1),
            Block("para", "Kerosene burns cleaner than whale oil and reaches 18 miles."),
            Block("para", "Whale oil"),
            Block("para", "Kerosene"),
        ],
    )  # two links in a list are text, not a menu


def test_banner_sidebar_and_footer_go_and_the_banners_heading_stays():
    page = (
        "<body><header><h1>Harbour Lights</h1><ul><li><a href='/'>Home</a></li><li><a href='/s'>Shop</a></li></ul>"
        "</header><aside><h2>Related</h2><p>Our sister site sells rope.</p></aside>"
        "<main><article><header><p>Posted 3 May</p></header><h2>The quay</h2><p>Rebuilt in stone after the storm of "
        "1881.</p><footer><p>Filed under: quays</p></footer></article></main>"
        "<footer><p>© 2024 Harbour Lights. All rights reserved.</p></footer></body>"
    )
    _, blocks = read_html(page.encode())
    assert blocks == [
        Block("heading", "Harbour Lights", 1),
        Block("para", "Posted 3 May"),
        Block("heading", "The quay", 2),
        Block("para", "Rebuilt in stone after the storm of 1881."),
        Block("para", "Filed under: quays"),
    ]


def test_links_inside_the_marked_main_content_are_its_text():
    options = "".join(f"<li><a href='#o{i}'>tcp-option-{i}</a></li>" for i in range(6))
    page = (
        f"<body><div role='navigation'><ul>{MENU}</ul></div><div role='main'><h1>Migration</h1>"
        f"<p>These options were removed:</p><ul>{options}</ul></div></body>"
    )
    _, blocks = read_html(page.encode())
    assert blocks == [
        Block("heading", "Migration", 1),
        Block("para", "These options were removed:"),
        *[Block("para", f"tcp-option-{i}") for i in range(6)],
    ]


def _site_page(title: str, text: str) -> str:
    sidebar = "".join(f'<li><a href="p{i}.html">Chapter {i}: keeping the light</a></li>' for i in range(8))
    return (
        f"<html><head><title>{title}</title></head><body><div class='header'><a href='index.html'>Harbour manual</a> | "
        f"<a href='p1.html'>Next</a> | <a href='p0.html'>Previous</a> | <a href='search.html'>Search</a> | "
        f"<a href='about.html'>About</a></div><div class='sidebar'><h3>Chapters</h3><ul>{sidebar}</ul></div>"
        f"<div class='content'><h1>{title}</h1><p>{text}</p></div></body></html>"
    )


def test_a_folder_of_pages_with_a_repeated_sidebar_is_indexed_without_it(tmp_path, corpus, fake_embedder):
    pages = {
        "p1.html": ("Lamps", "The keeper trims the wick every four hours."),
        "p2.html": ("Fuel", "Kerosene replaced whale oil around 1860."),
        "p3.html": ("Fog", "The fog signal sounds twice a minute in fog."),
    }
    (corpus / "manual").mkdir()
    for name, (title, text) in pages.items():
        (corpus / "manual" / name).write_text(_site_page(title, text))
    assert [load_document(corpus / "manual" / n, corpus, Settings()).text for n in pages] == [
        "Chapters\n\nLamps\n\nThe keeper trims the wick every four hours.\n",
        "Chapters\n\nFuel\n\nKerosene replaced whale oil around 1860.\n",
        "Chapters\n\nFog\n\nThe fog signal sounds twice a minute in fog.\n",
    ]
    assistant = Assistant(
        Settings(corpus_dir=corpus, index_dir=tmp_path / "index"), embedder=fake_embedder, build_embedder=lambda: fake_embedder
    )
    assistant.build_index()
    hits = assistant.search("chapter keeping the light harbour manual search about", k=10)
    assert hits and not any("keeping the light" in h.text or "Harbour manual" in h.text for h in hits)


def test_the_shared_html_manuals_lose_only_their_footer(tmp_path):
    if not DOCS.is_dir():
        import pytest

        pytest.skip(f"the shared manuals are not here ({DOCS})")
    page = load_document(DOCS / "knot-dns" / "requirements.html", DOCS, Settings())
    assert "© Copyright" not in page.text and "Created using Sphinx" not in page.text
    assert "3 times the size of the zone in the plain-text format" in page.text
    assert page.text.startswith("Requirements¶\n\nHardware¶\n\n")
