"""qa.ingest.back_matter: references, citation lines, licences and affiliations are kept but marked as back matter."""

from __future__ import annotations

import pytest

from conftest import SEED
from qa.ingest.back_matter import is_back_matter, is_back_matter_section, is_back_matter_text
from qa.ingest.chunking import chunk_document
from qa.ingest.documents import load_document
from qa.settings import Settings
from support.shared_docs import document, needs_docs


def _words(texts):
    return [len(t.split()) for t in texts]


@pytest.mark.parametrize(
    "label, expected",
    [
        ("References [17]", True),
        ("Bibliography", True),
        ("Legal Section › GNU Free Documentation License", True),
        ("G GNU GENERAL PUBLIC LICENSE", True),
        ("Concept Index", True),
        ("附录 › 参考文献", True),
        ("I Gnuplot › Copyright", True),
        ("4 Shell Builtin Commands › 4.2 Bash Builtin Commands", False),
        ("Licensing the index of a database", False),
        (None, False),
    ],
)
def test_a_section_is_back_matter_when_its_title_or_chapter_names_it(label, expected):
    assert is_back_matter_section(label) is expected


def test_citation_and_affiliation_lines_are_back_matter_and_body_text_is_not():
    assert is_back_matter_text("Citation Format: Zhang C, Duan W Y, et al. Strategic research. 2024, 39(1): 143-151")
    assert is_back_matter_text("¹Institutes of Science and Development, Chinese Academy of Sciences, Beijing 100190")
    assert not is_back_matter_text("The author argues that data governance needs new institutions.")


def test_the_review_keeps_its_references_resolvable_and_marks_them_and_its_citation_line():
    doc = load_document(SEED, SEED.parent, Settings())
    chunks = chunk_document(doc, _words, Settings())
    refs = [c for c in chunks if (c.section or "").startswith("References [")]
    assert refs and all(c.back_matter for c in refs)
    assert len(doc.references) == len(refs)  # every entry is still its own passage for "[17]" to resolve to
    citation = next(c for c in chunks if "Citation Format:" in c.text)
    assert citation.back_matter and is_back_matter(None, "Citation Format: Zhang C, et al.")
    body = [c for c in chunks if "5G base stations" in c.text]
    assert body and not any(c.back_matter for c in body)


@needs_docs
def test_a_manual_s_licence_is_back_matter_and_its_chapters_are_not():
    doc = document("LinuxCNC_Getting_Started_zh_CN.pdf")
    chunks = chunk_document(doc, _words, Settings())
    licence = [c for c in chunks if c.section == "Legal Section › GNU Free Documentation License"]
    assert licence and all(c.back_matter for c in licence)
    assert not any(c.back_matter for c in chunks if (c.section or "").startswith("Getting LinuxCNC"))
