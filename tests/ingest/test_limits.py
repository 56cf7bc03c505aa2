"""What one file may become is bounded: text per file (relative to its size and absolute) and passages per file.

Over a limit, the file is refused in one sentence naming the limit, and the rest of the corpus is indexed.
"""

from __future__ import annotations

import pytest

from qa import Assistant, Settings
from qa.errors import DocumentError
from qa.ingest.documents import load_document
from qa.ingest.limits import MIN_TEXT_LIMIT_CHARS, text_limit
from support.markup_files import spine_repeats

GOOD = (
    "Harbour notes\n\nThe harbour master counted 41 ships in the spring. Most of them carried timber and "
    "grain from the northern ports.\n"
)


def _build(tmp_path, corpus, fake_embedder, **settings) -> tuple[Assistant, list[str]]:
    """A build over corpus; the good file must answer; returns the `qa index` lines for skipped files."""
    (corpus / "good.txt").write_text(GOOD)
    assistant = Assistant(
        Settings(corpus_dir=corpus, index_dir=tmp_path / "index", **settings),
        embedder=fake_embedder,
        build_embedder=lambda: fake_embedder,
    )
    report = assistant.build_index()
    assert "good.txt" in report.added
    assert assistant.search("How many ships did the harbour master count?", k=1)[0].citation.source == "good.txt"
    return assistant, [f"skipped {s.source}: {s.reason}" for s in report.skipped]


def test_an_epub_listing_one_page_fifty_times_is_refused_while_read(tmp_path, corpus, fake_embedder):
    book = spine_repeats(corpus / "lamps.epub", 50)
    size = book.stat().st_size
    assert size < 8 * 1024  # a few KB that would become 50 MB of text
    _, said = _build(tmp_path, corpus, fake_embedder)
    assert said == [
        f"skipped lamps.epub: the EPUB's text grows past {MIN_TEXT_LIMIT_CHARS:,} characters, more than a "
        f"file of {size / 1024:.1f} KiB may become (20 characters per byte of the file, QA_MAX_TEXT_PER_BYTE); "
        "a part of it repeats or expands without bound"
    ]


def test_the_same_book_listing_its_page_once_is_read(tmp_path, corpus, fake_embedder):
    spine_repeats(corpus / "lamps.epub", 1)
    assistant, said = _build(tmp_path, corpus, fake_embedder)
    assert said == []
    assert assistant.search("Who polishes the great lens?", k=1)[0].citation.source == "lamps.epub"


def test_the_absolute_text_limit_names_its_setting(tmp_path, corpus):
    (corpus / "long.txt").write_text("The keeper wrote in the log. " * 5000)
    with pytest.raises(DocumentError) as refused:
        load_document(corpus / "long.txt", corpus, Settings(corpus_dir=corpus, max_text_chars=100_000))
    assert str(refused.value) == (
        "the text file's text grows past 100,000 characters, the most one file may become (QA_MAX_TEXT_CHARS)"
    )


def test_passages_per_file_are_bounded(tmp_path, corpus, fake_embedder):
    (corpus / "log.txt").write_text(
        "\n\n".join(
            f"Entry {i}. The keeper lit lamp number {i} at dusk and noted the wind from the {'north' if i % 2 else 'south'}."
            for i in range(400)
        )
    )
    _, said = _build(tmp_path, corpus, fake_embedder, max_passages=10)
    assert len(said) == 1 and said[0].startswith("skipped log.txt: the file makes ")
    assert said[0].endswith(" passages, over the limit of 10 for one file (QA_MAX_PASSAGES)")


def test_the_limit_is_relative_to_the_file_size_and_capped():
    settings = Settings(max_text_per_byte=20, max_text_chars=50_000_000)
    assert text_limit(3_500, settings, "EPUB").chars == MIN_TEXT_LIMIT_CHARS
    assert text_limit(1_000_000, settings, "EPUB").chars == 20_000_000
    assert text_limit(10_000_000, settings, "EPUB").chars == 50_000_000
