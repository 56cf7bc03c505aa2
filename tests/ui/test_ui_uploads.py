"""ui.uploads: safe names, content checks, never overwriting a different file."""

from __future__ import annotations

import pytest

from ui.uploads import Stored, UploadRefused, check_content, safe_name, store


@pytest.mark.parametrize(
    "given, expected",
    [
        ("report.pdf", "report.pdf"),
        ("../../etc/passwd.txt", "passwd.txt"),
        ("..\\..\\windows\\evil.md", "evil.md"),
        ("/abs/path/Notes.TXT", "Notes.txt"),
        ("..hidden.txt", "hidden.txt"),
        ("my report (final).pdf", "my_report_final.pdf"),
        ("<script>.txt", "script.txt"),
        (".txt", "document.txt"),
    ],
)
def test_safe_name_strips_folders_dots_and_odd_characters(given, expected):
    assert safe_name(given) == expected


@pytest.mark.parametrize("given", ["notes.exe", "archive.tar.gz", "noextension", "x.pdf.sh"])
def test_safe_name_refuses_other_types(given):
    with pytest.raises(UploadRefused, match="accepted"):
        safe_name(given)


def test_check_content():
    check_content(b"%PDF-1.4 ...", ".pdf")
    check_content("héllo wörld".encode(), ".txt")
    check_content("\ufeffbom".encode("utf-16"), ".md")
    with pytest.raises(UploadRefused, match="not a PDF"):
        check_content(b"hello, I am text", ".pdf")
    with pytest.raises(UploadRefused, match="binary content"):
        check_content(b"MZ\x90\x00\x03\x00", ".txt")
    with pytest.raises(UploadRefused, match="empty"):
        check_content(b"", ".txt")
    with pytest.raises(UploadRefused, match="limit"):
        check_content(b"x" * 101, ".txt", limit=100)


def test_store_keeps_existing_files_and_stays_in_the_corpus(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    up = tmp_path / "up.txt"
    up.write_text("first version")
    first = store(up, "../notes.txt", corpus)
    assert (first, first.message, first.said("zh")) == (
        Stored("notes.txt", True, "saved_as"),
        "saved as notes.txt",
        "已保存为 notes.txt",
    )
    same = store(up, "notes.txt", corpus)
    assert (same, same.message) == (Stored("notes.txt", False, "already_stored"), "already in the corpus with the same content")
    up.write_text("second version")
    other = store(up, "notes.txt", corpus)
    assert (other, other.message) == (
        Stored("notes-2.txt", True, "saved_renamed", "notes.txt"),
        "saved as notes-2.txt (a different notes.txt is already in the corpus)",
    )
    assert (corpus / "notes.txt").read_text() == "first version"
    assert (corpus / "notes-2.txt").read_text() == "second version"
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == ["notes-2.txt", "notes.txt", "up.txt"]


def test_store_refuses_by_content_and_size(tmp_path):
    corpus = tmp_path / "corpus"
    fake = tmp_path / "fake.pdf"
    fake.write_text("not really a pdf")
    with pytest.raises(UploadRefused, match="not a PDF"):
        store(fake, "fake.pdf", corpus)
    big = tmp_path / "big.txt"
    big.write_bytes(b"a" * 2048)
    with pytest.raises(UploadRefused, match="limit"):
        store(big, "big.txt", corpus, limit=1024)
    assert not corpus.exists() or not any(corpus.iterdir())
