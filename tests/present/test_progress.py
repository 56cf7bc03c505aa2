"""Build progress: pages read and passages embedded are counted separately, each with its rate and time left."""

from __future__ import annotations

import io

from qa.present.progress import ConsoleBar, Rates, Reading
from support.pdfs import minimal_pdf

PARAGRAPH = (
    "The {n} survey of the river delta counted {k} channels. Each channel was measured twice, in spring "
    "and in autumn, and the two counts were compared to find which channels move."
)


class Clock:
    """A clock that moves only when told to: rates and times left without timing anything."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _pdf(pages: int) -> bytes:
    return minimal_pdf(
        [[PARAGRAPH.format(n=f"page {p}", k=p + 3)[i : i + 80] for i in range(0, 200, 80)] for p in range(1, pages + 1)]
    )


def test_a_build_reports_pages_read_and_passages_embedded_as_separate_stages(fake_assistant, corpus):
    (corpus / "delta.pdf").write_bytes(_pdf(3))
    (corpus / "notes.txt").write_text("\n\n".join(PARAGRAPH.format(n=i, k=i) for i in range(6)) + "\n")
    events: list[tuple[str, int, int]] = []
    report = fake_assistant.build_index(progress=lambda *e: events.append(e))

    pages = [(d, t) for s, d, t in events if s == "pages"]
    passages = [(d, t) for s, d, t in events if s == "passages"]
    assert pages == [(1, 3), (2, 3), (3, 3)]  # one report per page of the one PDF
    assert passages[-1] == (report.n_embedded, report.n_embedded) and report.n_embedded == report.n_chunks
    assert [d for d, _ in passages] == sorted(d for d, _ in passages)
    assert events.index(("pages", 3, 3)) < events.index(("passages", *passages[0]))  # read, then embedded


def test_each_stage_has_its_own_count_rate_and_time_left():
    clock = Clock()
    rates = Rates(clock)
    rates.update("pages", 1, 10)
    clock.now += 4.0
    assert rates.update("pages", 5, 10) == Reading("pages", "pages", 5, 10, 5, 1.0, 5.0)  # 4 pages in 4 s
    clock.now += 2.0
    rates.update("pages", 10, 10)
    clock.now += 1.0
    # A second PDF: its own pages out of its own total, and the pages read in all go on counting.
    second = rates.update("pages", 2, 4)
    assert (second.done, second.total, second.count) == (2, 4, 12)
    rates.update("passages", 0, 300)
    clock.now += 10.0
    passages = rates.update("passages", 100, 300)
    assert (passages.unit, passages.count, passages.per_second, passages.seconds_left) == ("passages", 100, 10.0, 20.0)


def test_the_console_shows_pages_and_passages_on_their_own_lines():
    clock, out = Clock(), io.StringIO()
    bar = ConsoleBar(out, every=0.0, clock=clock)
    for page in range(1, 4):
        clock.now += 0.5
        bar("pages", page, 3)
    bar("passages", 0, 40)
    clock.now += 2.0
    bar("passages", 20, 40)
    clock.now += 2.0
    bar("passages", 40, 40)
    lines = [line.split("\r")[-1].split("] ", 1)[1].rstrip() for line in out.getvalue().split("\n") if line]
    assert lines == ["Reading pages 3/3, 2.0 pages/s", "Embedding passages 40/40, 10.0 passages/s"]
    assert "Embedding passages 20/40, 10.0 passages/s, about 2 s left" in out.getvalue()
