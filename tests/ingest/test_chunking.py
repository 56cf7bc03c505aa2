"""Chunks: exact spans, model-token limits, section boundaries, one chunk per reference, sentence splitting."""

from __future__ import annotations

import pytest

from conftest import SEED
from qa.embed.embeddings import load_tokenizer
from qa.ingest.chunking import Chunk, chunk_document, embedding_text, is_heading_line, sentence_spans, tokenizer_counter
from qa.ingest.documents import Document, load_document, parse_text
from qa.settings import Settings

SETTINGS = Settings()


@pytest.fixture(scope="module")
def tokenizer():
    return load_tokenizer(max_tokens=None)


@pytest.fixture(scope="module")
def count(tokenizer):
    return tokenizer_counter(tokenizer)


@pytest.fixture(scope="module")
def seed() -> Document:
    return load_document(SEED, SEED.parent, SETTINGS)


@pytest.fixture(scope="module")
def seed_chunks(seed, count) -> list[Chunk]:
    return chunk_document(seed, count, SETTINGS)


def test_every_chunk_is_exactly_its_span_of_the_document(seed, seed_chunks):
    assert len(seed_chunks) > 40
    for c in seed_chunks:
        assert seed.text[c.start : c.end] == c.text
        assert (c.doc_id, c.source, c.title, c.page) == (seed.doc_id, seed.source, seed.title, None)
        assert c.text == c.text.strip()


def test_chunks_fit_the_model_in_real_tokens_and_the_character_bar(seed_chunks, tokenizer):
    for c in seed_chunks:
        real = len(tokenizer.encode(c.text).ids)  # with the two special tokens
        assert real <= 256 and c.n_tokens == real - 2 <= SETTINGS.max_chunk_tokens
        assert len(c.text) <= SETTINGS.max_chunk_chars <= 1200


def test_chunks_never_cross_a_section_boundary(seed, seed_chunks):
    starts = {s.start for s in seed.sections}
    for c in seed_chunks:
        assert not any(c.start < b < c.end for b in starts), c.text[:60]
        section = seed.section_at(c.start)
        assert (c.section or "").split(" [")[0] == (section.title if section else "")


def test_chunks_are_labelled_with_their_section(seed_chunks):
    by_text = {c.section for c in seed_chunks if "3.189 million" in c.text}
    assert by_text == {"1.3 Data Governance"}
    assert seed_chunks[0].section is None  # the preamble before the first heading


def test_each_reference_entry_is_one_chunk(seed, seed_chunks):
    refs = [c for c in seed_chunks if c.section and c.section.startswith("References")]
    assert [c.section for c in refs] == [f"References [{n}]" for n in range(1, 25)]
    assert [(c.start, c.end, c.text) for c in refs] == [(r.start, r.end, r.text) for r in seed.references]


def test_heading_only_sections_produce_no_chunk(seed, seed_chunks):
    titles = {s.title for s in seed.sections}
    assert [c.text for c in seed_chunks if c.text in titles] == []


HEADING_ONLY = {
    "numbered": ("1.1 Scope\n\n1.1.1 Terms Used\n\nOwls hunt mice at night.\n", False),
    "unnumbered": ("Overview\n\nKey Findings\n\nOwls hunt mice at night.\n", False),
    "dotted": ("1. Introduction\n\n1.1 Scope\n\nOwls hunt mice at night.\n", False),
    "markdown": ("# Owls\n\n## Habits\n\n### Hunting\n\nOwls hunt mice at night.\n", True),
    "setext": ("1. Introduction\n===============\n\n1.1 Scope\n---------\n\nOwls hunt mice at night.\n", False),
}


def _heading_only_case(name, count):
    text, markdown = HEADING_ONLY[name]
    doc = parse_text(text, "owls.md" if markdown else "owls.txt", "d", markdown=markdown)
    assert len(doc.sections) >= 2
    return [(c.section, c.text) for c in chunk_document(doc, count, SETTINGS)], doc.sections[-1]


@pytest.mark.parametrize("name", ["numbered", "unnumbered", "dotted"])
def test_a_heading_with_no_body_produces_no_chunk(name, count):
    chunks, last = _heading_only_case(name, count)
    assert chunks == [(last.title, HEADING_ONLY[name][0][last.start :].strip())]


@pytest.mark.parametrize("name", ["markdown", "setext"])
def test_a_heading_with_no_body_produces_no_chunk_in_other_heading_styles(name, count):
    chunks, last = _heading_only_case(name, count)
    assert chunks == [(last.title, HEADING_ONLY[name][0][last.start :].strip())]


def test_embedding_text_prefixes_the_section_label(seed_chunks):
    body = next(c for c in seed_chunks if c.section == "1.3 Data Governance" and not c.text.startswith("1.3"))
    assert embedding_text(body) == "1.3 Data Governance\n" + body.text
    top = next(c for c in seed_chunks if c.text.startswith("1.3 Data Governance"))
    assert embedding_text(top) == top.text  # the heading is already there
    ref = next(c for c in seed_chunks if c.section == "References [8]")
    assert embedding_text(ref) == "References\n" + ref.text  # the label without the entry number
    assert embedding_text(seed_chunks[0]) == seed_chunks[0].text  # no section


def test_chunk_ids_are_content_hashes_stable_across_runs(seed, count):
    first = chunk_document(seed, count, SETTINGS)
    again = chunk_document(load_document(SEED, SEED.parent, SETTINGS), count, SETTINGS)
    assert [c.chunk_id for c in first] == [c.chunk_id for c in again]
    assert len({c.chunk_id for c in first}) == len(first)
    assert all(len(c.chunk_id) == 16 and int(c.chunk_id, 16) >= 0 for c in first)
    moved = parse_text("New first line.\n\n" + seed.text, seed.source, seed.doc_id)
    assert {c.chunk_id for c in chunk_document(moved, count, SETTINGS)}.isdisjoint({c.chunk_id for c in first})


def test_no_chunk_lies_inside_another(seed_chunks):
    inside = [
        (b.section, b.start, b.end)
        for a in seed_chunks
        for b in seed_chunks
        if a is not b and a.start <= b.start and b.end <= a.end
    ]
    assert inside == []


def test_a_sentence_longer_than_the_limit_is_split_under_it(count, tokenizer):
    long_sentence = "The " + " ".join(f"word{i}" for i in range(400)) + " ends here."
    doc = parse_text("Intro text.\n\n" + long_sentence + " A short one follows.\n", "long.txt", "d")
    chunks = chunk_document(doc, count, SETTINGS)
    assert len(chunks) > 2
    for c in chunks:
        assert doc.text[c.start : c.end] == c.text
        assert len(tokenizer.encode(c.text).ids) - 2 <= SETTINGS.max_chunk_tokens
        assert len(c.text) <= SETTINGS.max_chunk_chars
    covered = " ".join(c.text for c in chunks)
    assert all(f"word{i} " in covered for i in range(399))  # nothing lost at the cuts


def test_a_long_word_run_without_spaces_is_still_cut(count):
    doc = parse_text("Data.\n\n" + "x" * 5000 + ".\n", "blob.txt", "d")
    chunks = chunk_document(doc, count, SETTINGS)
    assert all(len(c.text) <= SETTINGS.max_chunk_chars and c.n_tokens <= SETTINGS.max_chunk_tokens for c in chunks)
    covered = set().union(*(range(c.start, c.end) for c in chunks))
    assert covered >= set(range(doc.text.index("x"), doc.text.index("x") + 5000))


def test_smaller_settings_make_more_smaller_chunks(seed, count, seed_chunks):
    small = chunk_document(seed, count, Settings(chunk_tokens=64, max_chunk_tokens=128, max_chunk_chars=500))
    assert len(small) > len(seed_chunks)
    assert all(c.n_tokens <= 128 and len(c.text) <= 500 for c in small)


# --- sentence_spans --------------------------------------------------------------------------------------------


def _sentences(text: str) -> list[str]:
    return [text[a:b] for a, b in sentence_spans(text, 0, len(text))]


@pytest.mark.parametrize(
    "text, sentences",
    [
        ("Zhang et al. found this. Next one.", ["Zhang et al. found this.", "Next one."]),
        ("Many tools, e.g. courts and police, use it. They help.", ["Many tools, e.g. courts and police, use it.", "They help."]),
        ("That is, i.e. the courts. Fine.", ["That is, i.e. the courts.", "Fine."]),
        ("This was shown before [12]. Then more came.", ["This was shown before [12].", "Then more came."]),
        ("This was shown [3, 4]. Then more.", ["This was shown [3, 4].", "Then more."]),
        (
            "China built 3.189 million base stations. That is a lot.",
            ["China built 3.189 million base stations.", "That is a lot."],
        ),
        ("这是第一句。这是第二句。", ["这是第一句。", "这是第二句。"]),
        # A short Title Case line above a PDF paragraph is a unit of its own; a wrapped line filling the width is not.
        (
            "Lighthouse Survey\nThe Zorblax lighthouse on Quenby Island was painted teal in 1987.",
            ["Lighthouse Survey", "The Zorblax lighthouse on Quenby Island was painted teal in 1987."],
        ),
        (
            "The policies adopted across the whole of the United States\nGovernment were announced in a statement.",
            ["The policies adopted across the whole of the United States\nGovernment were announced in a statement."],
        ),
        ("2.2 Data Sources\nWe collected data. It was big.", ["2.2 Data Sources", "We collected data.", "It was big."]),
        ("2.2. Data sources\nWe collected data.", ["2.2. Data sources", "We collected data."]),
        ("## Methods\nWe collected data.", ["## Methods", "We collected data."]),
        ("First paragraph ends here\n\nSecond paragraph starts.", ["First paragraph ends here", "Second paragraph starts."]),
        ("A list:\n- one item\n- two item", ["A list:", "- one item", "- two item"]),
        ("He met Dr. Smith today. Fine.", ["He met Dr. Smith today.", "Fine."]),
        ("The U.S. economy grew. Next.", ["The U.S. economy grew.", "Next."]),
        ("Is it true? Yes it is! Good.", ["Is it true?", "Yes it is!", "Good."]),
        ("He said “it works.” Then left.", ["He said “it works.”", "Then left."]),
        ("See Fig. 3 for it. Next sentence.", ["See Fig. 3 for it.", "Next sentence."]),
        ("A wrapped\nline goes on. End.", ["A wrapped\nline goes on.", "End."]),
        ("version 2.0 is out. ok", ["version 2.0 is out. ok"]),  # lowercase after a full stop starts no sentence
    ],
    ids=[
        "et-al",
        "e.g.",
        "i.e.",
        "citation",
        "citation-list",
        "decimal",
        "cjk",
        "pdf-title-line",
        "wrapped-line",
        "heading-above",
        "dotted-heading",
        "markdown-heading",
        "paragraphs",
        "list",
        "Dr.",
        "initials",
        "?!",
        "quote",
        "Fig.",
        "wrapped",
        "lowercase",
    ],
)
def test_sentence_spans(text, sentences):
    assert _sentences(text) == sentences


@pytest.mark.parametrize(
    "text, sentences",
    [
        ("1. Main Progress and Achievements", ["1. Main Progress and Achievements"]),
        ("1. Collect the data. Then clean it.", ["1. Collect the data.", "Then clean it."]),
    ],
    ids=["standalone-heading", "list-item"],
)
def test_sentence_spans_keep_a_leading_number_with_its_sentence(text, sentences):
    assert _sentences(text) == sentences


def test_sentence_spans_are_offsets_into_the_whole_text():
    text = "Skip this. Alpha one. Beta two.\n\nGamma three."
    start = text.index("Alpha")
    assert list(sentence_spans(text, start, len(text))) == [
        (start, start + 10),
        (text.index("Beta"), text.index("Beta") + 9),
        (text.index("Gamma"), len(text)),
    ]


@pytest.mark.parametrize(
    "line, expected",
    [
        ("1.3 Data Governance", True),
        ("2.2. Data sources", True),
        ("## Methods", True),
        ("3.189 million base stations were built.", False),
        ("Abstract", False),
        ("We collected data", False),
    ],
)
def test_is_heading_line(line, expected):
    assert is_heading_line(line) is expected
