"""Search: ranked hits with exact citations, source filters, retrieval modes, no near-duplicates, cited references."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import SEED, FakeEmbedder
from qa import Assistant, Citation, Settings
from qa.errors import InvalidSetting
from qa.ingest.documents import load_document
from qa.retrieve.hits import cited_numbers
from qa.retrieve.params import MODES

SEED_TITLE = (
    "Strategic Research on Information Technology Promoting the Modernization of National Governance: "
    "Postprint of the Academic Review from the S70th Xiangshan Science Conference"
)

OWLS = (
    "Owl Field Notes for Beginners\n\nHunting\n\nBarn owls hunt voles and mice at night, finding them by sound "
    "alone. Their facial discs funnel sound to offset ears.\n\nNesting\n\nBarn owls nest in hollow trees, "
    "church towers and old barns. A pair raises four to six owlets each spring.\n"
)
RIVERS = (
    "# A Short Guide to Rivers\n\n## Floods\n\nRivers flood when heavy rain meets saturated ground. The river "
    "Severn floods most winters.\n\n## Deltas\n\nA delta forms where a river drops its silt into the sea.\n"
)


@pytest.fixture(scope="module")
def seed_assistant(tmp_path_factory) -> Assistant:
    """The seed indexed with the fake embedder, shared by the tests that only need ranks and citations."""
    root = tmp_path_factory.mktemp("seed-fake")
    (root / "corpus").mkdir()
    shutil.copy(SEED, root / "corpus" / SEED.name)
    fake = FakeEmbedder()
    assistant = Assistant(
        Settings(corpus_dir=root / "corpus", index_dir=root / "index"), embedder=fake, build_embedder=lambda: fake
    )
    assistant.build_index()
    return assistant


@pytest.fixture
def two_docs(fake_assistant, corpus) -> Assistant:
    (corpus / "owls.txt").write_text(OWLS)
    (corpus / "rivers.md").write_text(RIVERS)
    fake_assistant.build_index()
    return fake_assistant


def _document_text(assistant: Assistant, source: str) -> str:
    return load_document(
        Path(assistant.settings.corpus_dir) / source, Path(assistant.settings.corpus_dir), assistant.settings
    ).text


def test_hits_are_ranked_and_cited_exactly(two_docs):
    hits = two_docs.search("Where do barn owls nest?", k=3)
    assert [h.rank for h in hits] == list(range(1, len(hits) + 1))
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    owls = _document_text(two_docs, "owls.txt")
    start = owls.index("Nesting")
    assert hits[0].citation == Citation("owls.txt", "Owl Field Notes for Beginners", "Nesting", None, start, len(owls))
    assert hits[0].text == owls[start:] == owls[hits[0].citation.start : hits[0].citation.end]


def test_markdown_hits_cite_their_heading(two_docs):
    hit = two_docs.search("Why do rivers flood?", k=1)[0]
    rivers = _document_text(two_docs, "rivers.md")
    start = rivers.index("## Floods")
    assert hit.citation == Citation("rivers.md", "A Short Guide to Rivers", "Floods", None, start, rivers.index("\n\n## Deltas"))
    assert hit.text == rivers[start : hit.citation.end]


def test_every_hit_span_maps_back_to_the_document_text(seed_assistant):
    text = load_document(SEED, SEED.parent, Settings()).text
    hits = seed_assistant.search("How many 5G base stations had China built by September 2023?", k=10)
    assert len(hits) == 10
    for h in hits:
        assert text[h.citation.start : h.citation.end] == h.text
        assert (h.citation.source, h.citation.title, h.citation.page) == (SEED.name, SEED_TITLE, None)
    assert "3.189 million" in hits[0].text and hits[0].citation.section == "1.3 Data Governance"


def test_sources_restrict_the_results(two_docs):
    assert {h.citation.source for h in two_docs.search("owls rivers nest flood", k=10)} == {"owls.txt", "rivers.md"}
    only = two_docs.search("Where do barn owls nest?", k=10, sources=["rivers.md"])
    assert only and {h.citation.source for h in only} == {"rivers.md"}
    assert [h.rank for h in only] == list(range(1, len(only) + 1))


@pytest.mark.parametrize("mode", MODES)
def test_every_mode_finds_the_answering_passage(seed_assistant, mode):
    hits = seed_assistant.search("How many 5G base stations had China built by September 2023?", k=5, mode=mode)
    assert [h.rank for h in hits] == [1, 2, 3, 4, 5]
    assert "3.189 million" in hits[0].text


def test_bm25_mode_scores_are_lexical_and_dense_mode_needs_no_shared_words(two_docs):
    bm25 = two_docs.search("silt", k=5, mode="bm25")
    assert [(h.citation.section, h.score == h.lexical) for h in bm25] == [("Deltas", True)]
    dense = two_docs.search("silt", k=5, mode="dense")
    assert len(dense) == two_docs.status().chunks and dense[0].citation.section == "Deltas"


def test_an_invalid_mode_names_the_valid_choices(two_docs):
    with pytest.raises(InvalidSetting, match=r"'fuzzy'.*valid choices: hybrid, dense, bm25"):
        two_docs.search("owls", mode="fuzzy")


@pytest.mark.parametrize("k", [0, -1, 51, 2.5])
def test_k_must_be_a_whole_number_up_to_max_k(two_docs, k):
    with pytest.raises(InvalidSetting, match="k must be a whole number from 1 to 50$"):
        two_docs.search("owls", k=k)


def test_an_unknown_source_is_named_not_searched_as_nothing(two_docs):
    with pytest.raises(InvalidSetting, match="sources names documents the index does not hold: nowhere.txt;"):
        two_docs.search("owls", sources=["nowhere.txt"])


def test_k_larger_than_the_index_returns_every_passage(fake_assistant, corpus):
    (corpus / "a.txt").write_text("Barn owls hunt voles at night.\n")
    (corpus / "b.txt").write_text("Rivers flood after heavy rain.\n")
    (corpus / "c.txt").write_text("Ferries cross the bay twice a day.\n")
    fake_assistant.build_index()
    hits = fake_assistant.search("owls rivers ferries", k=50)
    assert sorted(h.citation.source for h in hits) == ["a.txt", "b.txt", "c.txt"]
    assert [h.rank for h in hits] == [1, 2, 3]


def test_a_paragraph_in_two_files_takes_one_place(fake_assistant, corpus):
    para = (
        "The lighthouse keeper logged twelve storms in the first winter. Each storm was measured by its wind "
        "speed, its wave height and the hours it lasted. The keeper wrote every entry by lamplight in a leather "
        "book, and the book is now kept in the harbour museum beside the old brass lens."
    )
    (corpus / "keeper-log.txt").write_text(para + "\n")
    (corpus / "copy-of-keeper-log.txt").write_text(para + " Copied.\n")
    (corpus / "ferry.txt").write_text("The ferry captain crossed the bay twice a day in every winter storm.\n")
    fake_assistant.build_index()
    sources = [h.citation.source for h in fake_assistant.search("lighthouse keeper storms winter", k=5)]
    assert sources in (["keeper-log.txt", "ferry.txt"], ["copy-of-keeper-log.txt", "ferry.txt"])


@pytest.mark.parametrize(
    "text, numbers",
    [
        ("as shown [12].", [12]),
        ("as shown [6,7].", [6, 7]),
        ("as shown [6, 7].", [6, 7]),
        ("as shown [3-5].", [3, 4, 5]),
        ("as shown [3–5].", [3, 4, 5]),
        ("as shown [1, 3-5, 9].", [1, 3, 4, 5, 9]),
        ("first [2] then [1] and [2] again", [1, 2]),
        ("no citations here", []),
        ("a list [a, b] and a year (2020)", []),
    ],
)
def test_cited_numbers(text, numbers):
    assert cited_numbers(text) == numbers


def test_a_hit_that_cites_a_reference_carries_its_text(seed_assistant):
    seed = load_document(SEED, SEED.parent, Settings())
    hit = seed_assistant.search("IDex data trading system Beijing International Big Data Exchange privacy computing", k=1)[0]
    assert "[15]" in hit.text
    fifteenth = seed.references[14]
    assert fifteenth.number == 15
    assert fifteenth in hit.references
    assert [r.number for r in hit.references] == cited_numbers(hit.text)


def test_hits_without_citations_carry_no_references(two_docs):
    assert all(h.references == () for h in two_docs.search("owls", k=5))


@pytest.mark.model
@pytest.mark.parametrize(
    "question",
    [
        "What are the key areas of consensus of the S70th Xiangshan Science Conference?",
        "systematic summary of the conference reports three aspects of consensus",
    ],
)
def test_the_seeds_two_abstracts_never_take_two_places(real_assistant, question):
    seed = load_document(SEED, SEED.parent, Settings())
    first, second = [s for s in seed.sections if s.title == "Abstract"]
    hits = real_assistant.search(question, k=5)
    which = {
        ("first" if first.start <= h.citation.start < first.end else "second") for h in hits if h.citation.section == "Abstract"
    }
    assert len(which) <= 1
