"""Read-ahead: documents read two at a time, taken in corpus order, their pages shown one document at a time."""

from __future__ import annotations

from qa.index.reading import PageProgress
from qa.present.progress import Rates
from support.pdfs import minimal_pdf


def _recorder():
    events: list[tuple[str, int, int]] = []
    return events, lambda *e: events.append(e)


def test_pages_of_a_document_read_beside_another_are_shown_once_the_first_is_done():
    events, progress = _recorder()
    pages = PageProgress(progress)
    big, small = pages.reporter("big.pdf"), pages.reporter("small.pdf")
    assert big is not None and small is not None
    big(1, 3)
    small(1, 2)
    big(2, 3)
    small(2, 2)  # done while big.pdf is still shown: held
    big(3, 3)
    assert events == [("pages", 1, 3), ("pages", 2, 3), ("pages", 3, 3), ("pages", 2, 2)]


def test_a_document_that_fails_part_way_hands_the_pages_on():
    events, progress = _recorder()
    pages = PageProgress(progress)
    broken, next_one = pages.reporter("broken.pdf"), pages.reporter("next.pdf")
    assert broken is not None and next_one is not None
    broken(1, 9)
    next_one(1, 4)
    next_one(2, 4)
    pages.finished("broken.pdf")  # its reading raised after page 1
    next_one(3, 4)
    assert events == [("pages", 1, 9), ("pages", 2, 4), ("pages", 3, 4)]


def test_nobody_listening_means_no_page_callback():
    assert PageProgress(None).reporter("a.pdf") is None


SITES = ["north bank", "old mill", "ferry landing", "salt marsh", "lower weir", "reed beds"]


def _pdf(pages: int, word: str) -> bytes:
    """A PDF whose pages tell different things (lines repeated on every page would be running heads)."""
    texts = [
        f"At the {site} the {word} survey counted {3 * p + 1} channels in spring and {2 * p + 5} in autumn, and "
        f"compared the counts of page {p} with the maps of the {SITES[p - 2]} to find which channels move."
        for p, site in enumerate(SITES[:pages], 1)
    ]
    return minimal_pdf([[t[i : i + 80] for i in range(0, len(t), 80)] for t in texts])


def test_a_build_reads_documents_ahead_and_keeps_corpus_order_and_the_page_count(fake_assistant, corpus):
    (corpus / "a-small.pdf").write_bytes(_pdf(3, "harbour"))
    (corpus / "b-big.pdf").write_bytes(_pdf(6, "estuary"))
    (corpus / "c-notes.txt").write_text("The delta survey counted eleven channels in spring.\n")
    events, progress = _recorder()
    report = fake_assistant.build_index(progress=progress)

    rates = Rates(clock=lambda: 0.0)
    readings = [rates.update(*e) for e in events if e[0] == "pages"]
    assert readings[-1].count == 9  # every page of both PDFs counted once, whichever was read first
    gen = fake_assistant.generation(build_if_missing=False)
    sources = list(dict.fromkeys(c.source for c, _ in gen.all_chunks()))
    assert sources == sorted(s for s in sources) and {"a-small.pdf", "b-big.pdf", "c-notes.txt"} <= set(sources)
    assert sorted(r["source"] for r in report.timings["reading"]) == ["a-small.pdf", "b-big.pdf"]
