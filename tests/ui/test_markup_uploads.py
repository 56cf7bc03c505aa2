"""Uploads of HTML, EPUB and DOCX files: accepted by name and content like any other document; fakes refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from ui.uploads import UploadRefused, safe_name, store

DOCS = Path("/work/shared/docs")


@pytest.mark.parametrize("name", ["debian-edu-manual.zh-cn.docx", "debian-edu-manual.zh-cn.epub", "debian-edu-manual.zh-cn.html"])
def test_the_book_in_each_format_is_stored_in_the_corpus(tmp_path, name):
    got = store(DOCS / name, name, tmp_path)
    assert (got.name, got.created) == (name, True)
    assert (tmp_path / name).read_bytes() == (DOCS / name).read_bytes()


def test_a_file_named_docx_that_is_no_zip_archive_is_refused(tmp_path):
    (tmp_path / "up").write_text("just text")
    with pytest.raises(UploadRefused, match=r"^not a DOCX file \(it is not a zip archive, as DOCX files are\)$"):
        store(tmp_path / "up", "report.docx", tmp_path / "corpus")
    assert safe_name("Report (final).DOCX") == "Report_final.docx"
