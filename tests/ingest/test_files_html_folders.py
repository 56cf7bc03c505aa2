"""A folder of HTML pages: one document per page; its stylesheets and images are no documents and no warnings."""

from __future__ import annotations

import shutil
from pathlib import Path

from qa.ingest.files import Skipped, collect_files

GUIDE = Path("/work/shared/docs/debian-install-guide.zh-cn")


def test_the_install_guide_is_one_document_per_page_and_its_assets_are_left_alone(tmp_path):
    files, skipped = collect_files([GUIDE], tmp_path / "corpus")
    assert len(files) == 84 and all(f.source.endswith(".html") for f in files)
    assert files[0].source == "debian-install-guide.zh-cn/apa.html"
    supported = ".txt, .md, .markdown, .pdf, .html, .htm, .xhtml, .epub, .docx, .odt, .odp, .png, .jpg, .jpeg"
    assert skipped == [
        Skipped(f"debian-install-guide.zh-cn/install.zh_CN.{k}.gz", f"unsupported file type .gz; supported: {supported}")
        for k in ("pdf", "txt")
    ]


def test_images_outside_a_folder_of_pages_are_documents_read_by_ocr(tmp_path):
    corpus = tmp_path / "corpus"
    (corpus / "site" / "img").mkdir(parents=True)
    (corpus / "photos").mkdir()
    (corpus / "site" / "index.html").write_text("<h1>Home</h1><p>Welcome to the harbour.</p>")
    shutil.copy(GUIDE / "images" / "note.png", corpus / "site" / "img" / "note.png")
    shutil.copy(GUIDE / "images" / "note.png", corpus / "photos" / "quay.png")
    files, skipped = collect_files([corpus], corpus)
    assert [f.source for f in files] == ["photos/quay.png", "site/index.html"]  # the page's own image is no document
    assert skipped == []
