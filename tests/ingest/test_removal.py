"""Assistant.remove_document: the file leaves the corpus, the index is rebuilt without it."""

from __future__ import annotations

import pytest

from qa.errors import DocumentNotRemoved


@pytest.fixture
def two_docs(fake_assistant, corpus):
    (corpus / "owls.txt").write_text("Owl Notes\n\nBarn owls hunt voles at night.\n")
    (corpus / "sub").mkdir()
    (corpus / "sub" / "swifts.txt").write_text("Swift Notes\n\nSwifts sleep on the wing.\n")
    fake_assistant.build_index()
    return fake_assistant


def test_a_removed_document_leaves_the_corpus_the_index_and_the_answers(two_docs, corpus):
    report = two_docs.remove_document("sub/swifts.txt")
    assert (report.removed, report.added, report.unchanged, report.n_embedded) == (("sub/swifts.txt",), (), ("owls.txt",), 0)
    assert not (corpus / "sub" / "swifts.txt").exists()
    assert [d.source for d in two_docs.documents()] == ["owls.txt"]
    assert {h.citation.source for h in two_docs.search("Where do swifts sleep?")} == {"owls.txt"}


@pytest.mark.parametrize(
    "source, reason",
    [
        ("nope.txt", "nope.txt is not an indexed document"),
        ("../owls.txt", "../owls.txt is not an indexed document"),
    ],
)
def test_only_indexed_documents_can_be_removed(two_docs, corpus, source, reason):
    with pytest.raises(DocumentNotRemoved) as err:
        two_docs.remove_document(source)
    assert str(err.value) == reason
    assert (corpus / "owls.txt").exists()


@pytest.mark.parametrize(
    "source, reason",
    [
        ("../outside.txt", "'../outside.txt' is not a file name inside the corpus folder"),
        ("/etc/passwd", "'/etc/passwd' is not a file name inside the corpus folder"),
        ("", "'' is not a file name inside the corpus folder"),
    ],
)
def test_names_leading_out_of_the_corpus_are_refused(corpus, source, reason):
    from qa.ingest.removal import remove_file

    (corpus.parent / "outside.txt").write_text("keep me")
    with pytest.raises(DocumentNotRemoved) as err:
        remove_file(corpus, source)
    assert str(err.value) == reason
    assert (corpus.parent / "outside.txt").read_text() == "keep me"
