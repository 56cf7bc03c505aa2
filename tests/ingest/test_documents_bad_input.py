"""Bad input: every unusable file is skipped with its name and reason while the rest is indexed."""

from __future__ import annotations

import os
import zlib
from pathlib import Path

import pytest

from qa import Assistant, Settings
from qa.errors import DocumentError
from qa.ingest import documents
from qa.ingest.documents import load_document
from qa.ingest.pdf.extract import extract_pages

GOOD = (
    "Harbour notes\n\nThe harbour master counted {n} ships in the spring. Most of them carried timber and "
    "grain from the northern ports. The records are kept in the town hall.\n"
)


def make_pdf(path: Path, pages: list[str], password: str | None = None, raw_content: bytes | None = None) -> Path:
    """A PDF with one text line per input line on each page (Helvetica), optionally encrypted (RC4-128)."""
    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject, StreamObject

    w = PdfWriter()
    font = w._add_object(
        DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Font"),
                NameObject("/Subtype"): NameObject("/Type1"),
                NameObject("/BaseFont"): NameObject("/Helvetica"),
            }
        )
    )
    for text in pages:
        page = w.add_blank_page(612, 792)
        if raw_content is not None:  # an already FlateDecode-compressed content stream
            stream = StreamObject()
            stream._data = raw_content
            stream[NameObject("/Filter")] = NameObject("/FlateDecode")
        else:
            lines = [ln.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") for ln in text.split("\n")]
            stream = DecodedStreamObject()
            stream.set_data(
                ("BT /F1 11 Tf 72 720 Td 14 TL " + " ".join(f"({ln}) Tj T*" for ln in lines) + " ET").encode("latin-1")
            )
        page[NameObject("/Contents")] = w._add_object(stream)
        page[NameObject("/Resources")] = DictionaryObject({NameObject("/Font"): DictionaryObject({NameObject("/F1"): font})})
    if password:
        w.encrypt(password, algorithm="RC4-128")
    w.write(str(path))
    return path


def _bomb(decompressed: int) -> bytes:
    """A content stream that inflates to `decompressed` bytes from a few hundred kilobytes."""
    line = b"BT /F1 11 Tf 72 720 Td (xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx) Tj ET\n" * 1000
    c = zlib.compressobj(9)
    return b"".join([c.compress(line) for _ in range(decompressed // len(line) + 1)] + [c.flush()])


def _reasons(report) -> dict[str, str]:
    return {s.source: s.reason for s in report.skipped}


def test_a_corpus_of_bad_files_indexes_the_good_ones_and_names_each_bad_one(tmp_path, corpus, fake_embedder):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text(GOOD.format(n=99).replace("harbour", "vault"))
    (corpus / "good.txt").write_text(GOOD.format(n=12))
    make_pdf(
        corpus / "good.pdf",
        ["Lighthouse report\nThe lamp burned oil until 1920.", "After 1920 the lamp was electric and visible for twenty miles."],
    )
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "random.pdf").write_bytes(os.urandom(4000))
    (corpus / "fake-header.pdf").write_bytes(b"%PDF-1.7\n" + os.urandom(4000))
    make_pdf(corpus / "encrypted.pdf", ["Locked text about the harbour."], password="s3cret")
    make_pdf(corpus / "scanned.pdf", ["", ""])  # pages with no text layer
    (corpus / "latin1.txt").write_bytes(
        "Café notes\n\nThe café near the quay served crêpes to sailors; "
        "its owner, Renée, kept a ledger of every crêpe sold.\n".encode("cp1252")
    )
    (corpus / "binary.txt").write_bytes(b"\x00\x01\x02binary\x00" * 100)
    (corpus / "whitespace.md").write_text("   \n\n\t\n")
    (corpus / "big.txt").write_text("Big notes\n\n" + "The tide rises and falls. " * 2000)
    (corpus / "second-copy.txt").write_text(GOOD.format(n=12))  # same bytes as good.txt
    (corpus / "link-to-good.txt").symlink_to(corpus / "good.txt")  # the same file twice
    (corpus / "loop.txt").symlink_to(corpus / "loop.txt")
    (corpus / "dangling.txt").symlink_to(corpus / "no-such-file.txt")
    (corpus / "leak.txt").symlink_to(outside / "secret.txt")
    (corpus / "sub").mkdir()
    (corpus / "sub" / "again").symlink_to(corpus, target_is_directory=True)  # a folder loop
    (corpus / "escape").symlink_to(outside, target_is_directory=True)
    os.mkfifo(corpus / "pipe.txt")  # reading it would block forever
    (corpus / "notes.docx").write_bytes(b"PK\x03\x04")
    (corpus / "notes.rtf").write_bytes(b"{\\rtf1 notes}")

    settings = Settings(corpus_dir=corpus, index_dir=tmp_path / "index", max_file_bytes=20_000)
    assistant = Assistant(settings, embedder=fake_embedder, build_embedder=lambda: fake_embedder)
    report = assistant.build_index()

    assert set(report.added) == {"good.txt", "good.pdf", "latin1.txt"}
    reasons = _reasons(report)
    expected = {
        "empty.txt": "empty file (0 bytes)",
        "random.pdf": "not a PDF",
        "fake-header.pdf": "not a readable PDF",
        "encrypted.pdf": "encrypted with a password",
        "scanned.pdf": "without a text layer",
        "binary.txt": "binary content",
        "whitespace.md": "no text found",
        "big.txt": "over the 0.0190735 MiB limit",
        "second-copy.txt": "same content as good.txt (indexed once)",
        "link-to-good.txt": "same file as good.txt (indexed once)",
        "loop.txt": "symbolic link loop",
        "dangling.txt": "broken symbolic link",
        "leak.txt": "symbolic link leads outside the corpus folder",
        "sub/again": "folder link loop",
        "escape": "symbolic link leads outside the corpus folder",
        "pipe.txt": "not a regular file",
        "notes.docx": "not a readable DOCX (a damaged zip archive",
        "notes.rtf": "unsupported file type .rtf",
    }
    for source, reason in expected.items():
        assert reason in reasons.get(source, ""), (source, reasons.get(source))
    assert set(reasons) == set(expected)
    assert any(w.startswith("latin1.txt: not UTF-8") for w in report.warnings)

    docs = {d.source: d for d in assistant.documents()}
    assert set(docs) == {"good.txt", "good.pdf", "latin1.txt"}
    assert "crêpe" in assistant.search("Who kept a ledger of crepes?", k=1)[0].text
    pdf_hit = assistant.search("When did the lamp become electric?", k=1)[0]
    assert pdf_hit.citation.source == "good.pdf" and pdf_hit.citation.page == 1
    assert all("vault" not in h.text for h in assistant.search("vault ships", k=10))


def test_a_pdf_that_outlasts_the_time_limit_is_skipped(tmp_path, corpus, fake_embedder):
    (corpus / "good.txt").write_text(GOOD.format(n=3))
    make_pdf(corpus / "slow.pdf", ["Any text at all."])
    settings = Settings(corpus_dir=corpus, index_dir=tmp_path / "index", pdf_timeout_s=0.001)
    report = Assistant(settings, embedder=fake_embedder, build_embedder=lambda: fake_embedder).build_index()
    assert report.added == ("good.txt",)
    assert "took longer than 0.001 s" in _reasons(report)["slow.pdf"]


def test_a_pdf_that_exhausts_the_memory_limit_is_skipped(tmp_path, corpus, fake_embedder):
    (corpus / "good.txt").write_text(GOOD.format(n=4))
    make_pdf(corpus / "bomb.pdf", ["x"], raw_content=_bomb(150 * 2**20))
    assert (corpus / "bomb.pdf").stat().st_size < 2 * 2**20
    settings = Settings(corpus_dir=corpus, index_dir=tmp_path / "index", pdf_memory_bytes=128 * 2**20)
    report = Assistant(settings, embedder=fake_embedder, build_embedder=lambda: fake_embedder).build_index()
    assert report.added == ("good.txt",)
    assert "needed more than 128 MiB of memory" in _reasons(report)["bomb.pdf"]


def test_the_pdf_child_reports_limits_and_damage_as_document_errors(tmp_path):
    ok = make_pdf(tmp_path / "ok.pdf", ["Page one text.", "Page two text."])
    pages, _ = extract_pages(ok, 60, 2**30)
    assert [p.strip() for p in pages] == ["Page one text.", "Page two text."]
    with pytest.raises(DocumentError, match="more than 16 MiB"):
        extract_pages(ok, 60, 16 * 2**20)  # the interpreter itself cannot start in 16 MiB
    with pytest.raises(DocumentError, match="not a readable PDF"):
        extract_pages(b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\ntrailer << >>\n", 60, 2**30)


def test_an_unreadable_file_is_skipped(tmp_path, corpus, fake_embedder, monkeypatch):
    (corpus / "good.txt").write_text(GOOD.format(n=5))
    locked = corpus / "locked.txt"
    locked.write_text(GOOD.format(n=6).replace("harbour", "archive"))
    locked.chmod(0)
    if os.geteuid() == 0:
        # Root reads any file whatever its mode: make opening it fail as it would for anyone else.
        real_open = open

        def guarded_open(file, *args, **kwargs):
            if Path(file) == locked:
                raise PermissionError(13, "Permission denied", str(file))
            return real_open(file, *args, **kwargs)

        monkeypatch.setattr(documents, "open", guarded_open, raising=False)
    settings = Settings(corpus_dir=corpus, index_dir=tmp_path / "index")
    report = Assistant(settings, embedder=fake_embedder, build_embedder=lambda: fake_embedder).build_index()
    assert report.added == ("good.txt",)
    assert _reasons(report) == {"locked.txt": "cannot read file (Permission denied)"}


def test_load_document_decodes_legacy_text_with_a_warning(tmp_path, corpus):
    path = corpus / "old.txt"
    path.write_bytes("Old notes\n\nThe \x93quoted\x94 word and the café.\n".encode("latin-1"))
    doc = load_document(path, corpus, Settings(corpus_dir=corpus))
    assert "café" in doc.text and doc.warnings == ("not UTF-8: decoded as Windows-1252",)
    utf16 = corpus / "wide.txt"
    utf16.write_bytes("Wide notes\n\nText saved as UTF-16 by an old editor.\n".encode("utf-16"))
    assert "UTF-16 by an old editor" in load_document(utf16, corpus, Settings(corpus_dir=corpus)).text


def test_a_file_that_grows_past_the_limit_while_read_is_refused(tmp_path, corpus, monkeypatch):
    path = corpus / "growing.txt"
    path.write_text("small")
    settings = Settings(corpus_dir=corpus, max_file_bytes=10)
    real_open = open

    def growing_open(file, *args, **kwargs):
        Path(file).write_text("now much longer than ten bytes")
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(documents, "open", growing_open, raising=False)
    with pytest.raises(DocumentError, match="over the"):
        load_document(path, corpus, settings)
