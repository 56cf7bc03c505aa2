"""The evidence on the page, in a real browser: the cited PDF page with the passage marked, readable passages,
Copy with sources, labelled scores in every mode, and removing a document.

Screenshots of each state go to tests/screenshots/ (git-ignored).
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from test_ui_browser import SHOTS, ask

import qa
from qa.present.markdown import answer_markdown
from qa.retrieve.relevance import LABELS
from support.pdfs import minimal_pdf
from support.ui_server import chat_page, running_app, writable_copy

pytestmark = [
    pytest.mark.browser,
    pytest.mark.model,
    pytest.mark.filterwarnings("ignore:.*no_silent_downcasting"),
    pytest.mark.filterwarnings("ignore:The copy keyword is deprecated"),
]

SPEC = Path(__file__).resolve().parents[1] / "data" / "heldout" / "shared-mime-info-spec.pdf"
WEIGHT = "What does the weight attribute of a glob element do?"
LIGHTHOUSE = "What colour was the Zorblax lighthouse painted?"
BUILD_TIMEOUT_MS = 240_000
INSIDE_A_SENTENCE = re.compile(r"[a-z,;]\n[a-z]")


@pytest.fixture(scope="module")
def server(real_index, tmp_path_factory):
    """The app over the review, the shared-mime-info PDF and a one-page survey PDF: (url, settings)."""
    settings = writable_copy(real_index, tmp_path_factory.mktemp("ui_evidence"))
    shutil.copy(SPEC, settings.corpus_dir / SPEC.name)
    (settings.corpus_dir / "lighthouse.pdf").write_bytes(
        minimal_pdf([["Lighthouse Survey", "The Zorblax lighthouse on Quenby Island was painted teal in 1987."]])
    )
    qa.Assistant(settings).build_index(wait=True)
    with running_app(qa.Assistant(settings)) as url:
        yield url, settings


@pytest.fixture
def page(browser, server):
    SHOTS.mkdir(exist_ok=True)
    with chat_page(browser, server[0], clipboard=True) as pg:
        yield pg


def _overlap(a: tuple, b: tuple) -> bool:
    """Whether two (left, top, right, bottom) boxes share some area."""
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _pdfium_boxes(page_number: int, phrases: list[str]) -> list[tuple]:
    """pypdfium2's boxes of each phrase's characters on the page, as (left, top, right, bottom) from its top left."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(SPEC))
    page = pdf[page_number - 1]
    height = page.get_size()[1]
    text = page.get_textpage()
    out = []
    for phrase in phrases:
        found = text.search(phrase, match_case=True).get_next()
        if found:
            index, count = found
            for i in range(index, index + count):
                left, bottom, right, top = text.get_charbox(i)
                if right > left:
                    out.append((left, height - top, right, height - bottom))
    pdf.close()
    return out


def test_show_on_page_marks_the_passage_where_pdfium_places_its_text(page):
    reply = ask(page, WEIGHT)
    hit = reply.locator("li.qa-hit", has_text="optional weight").first
    assert SPEC.name in hit.locator(".qa-cite").inner_text()
    button = hit.locator("button.qa-show-page")
    assert re.fullmatch(r"Show on page \d+", button.inner_text())
    request = json.loads(button.get_attribute("value"))
    page.screenshot(path=SHOTS / "evidence-01-show-on-page-button.png")

    button.click()
    view = page.locator("#pageview .qa-pageview")
    view.wait_for(timeout=30_000)
    img = view.locator("img.qa-page-img")
    page.wait_for_function("() => document.querySelector('#pageview img.qa-page-img')?.naturalWidth > 0")
    assert view.locator(".qa-page-title").inner_text() == (
        f"{SPEC.name}, page {request['page']}: passage [{request['rank']}] is marked"
    )
    width, height = float(view.get_attribute("data-width")), float(view.get_attribute("data-height"))
    frame = img.bounding_box()
    scale = width / frame["width"]  # PDF points per screen pixel
    marks = []
    for m in view.locator(".qa-page-mark").all():
        b = m.bounding_box()
        marks.append(
            (
                (b["x"] - frame["x"]) * scale,
                (b["y"] - frame["y"]) * scale,
                (b["x"] + b["width"] - frame["x"]) * scale,
                (b["y"] + b["height"] - frame["y"]) * scale,
            )
        )
    assert marks and abs(frame["height"] * scale - height) < 1
    # The passage's words, located by pdfium's own text search on that page, lie under the marks...
    passage = hit.locator(".qa-passage").inner_text()
    words = passage.split()
    phrases = [" ".join(words[i : i + 3]) for i in range(0, len(words) - 3, 3)]
    inside = _pdfium_boxes(request["page"], phrases)
    assert len(inside) > 100
    covered = [box for box in inside if any(_overlap(box, m) for m in marks)]
    assert len(covered) >= 0.95 * len(inside)
    # ...and the running header at the top of the page does not.
    header = _pdfium_boxes(request["page"], ["Shared MIME-info Database"])
    assert header and not any(_overlap(box, m) for box in header for m in marks)
    view.scroll_into_view_if_needed()
    page.screenshot(path=SHOTS / "evidence-02-page-with-the-passage-marked.png")

    page.locator("#pageview .qa-back").click()
    view.wait_for(state="detached")


def test_no_shown_passage_breaks_a_line_inside_a_sentence(page, server):
    raw = [h.text for h in qa.Assistant(server[1]).search(WEIGHT, k=5)]
    assert any(INSIDE_A_SENTENCE.search(t) for t in raw)  # the document text keeps the PDF's line breaks
    reply = ask(page, WEIGHT)
    reply.locator("details.qa-context summary").first.click()
    shown = reply.locator(".qa-passage, .qa-best, .qa-more li, .qa-context-text").all_inner_texts()
    assert len(shown) >= 6
    assert [t for t in shown if INSIDE_A_SENTENCE.search(t)] == []
    page.screenshot(path=SHOTS / "evidence-03-reflowed-passages.png")


def test_copy_with_sources_puts_the_answer_and_its_numbered_sources_on_the_clipboard(page, server):
    reply = ask(page, WEIGHT)
    button = reply.locator("button.qa-copy-md")
    assert button.inner_text() == "Copy with sources"
    button.click()
    page.wait_for_function("() => document.querySelector('#chat .qa-copy-md').textContent === 'Copied'")
    copied = page.evaluate("navigator.clipboard.readText()")
    expected = answer_markdown(qa.Assistant(server[1]).ask(WEIGHT, k=5))
    assert copied == expected
    assert re.match(re.escape(f"**{WEIGHT}**\n\n") + r"\*\*(Answer|May answer|Not in the documents)\*\*", copied)
    assert "There is also an optional weight attribute" in copied
    assert f"page 4, {SPEC.name}\n\n> " in copied
    page.screenshot(path=SHOTS / "evidence-04-copied-with-sources.png")


def test_scores_are_labelled_the_same_way_in_every_mode(page, server):
    seen: dict[str, dict[str, tuple[str, str]]] = {}
    for mode in ("hybrid", "dense", "bm25"):
        page.locator("#mode label", has_text=mode).click()
        reply = ask(page, WEIGHT)
        seen[mode] = {}
        for hit in reply.locator("li.qa-hit").all():
            score = hit.locator(".qa-score")
            number = re.fullmatch(
                r"relevance (\d\.\d\d) of 1 \(how closely the passage matches the question; "
                r"the same scale in every search mode\)",
                score.get_attribute("title"),
            )
            assert number, score.get_attribute("title")
            seen[mode][hit.locator(".qa-cite").get_attribute("title")] = (score.inner_text(), number.group(1))
        expected = {
            f"chars {h.citation.start}–{h.citation.end}": (h.match, f"{h.relevance:.2f}")
            for h in qa.Assistant(server[1]).search(WEIGHT, k=5, mode=mode)
        }
        assert seen[mode] == expected
        assert {label for label, _ in seen[mode].values()} <= set(LABELS)
        reply.scroll_into_view_if_needed()
        page.screenshot(path=SHOTS / f"evidence-05-scores-{mode}.png")
    for a, b in (("hybrid", "dense"), ("hybrid", "bm25"), ("dense", "bm25")):
        shared = set(seen[a]) & set(seen[b])
        assert shared, (a, b)
        assert {s: seen[a][s] for s in shared} == {s: seen[b][s] for s in shared}


def test_a_page_that_cannot_be_rendered_says_so_and_the_text_stays(page, server):
    (server[1].corpus_dir / "lighthouse.pdf").write_bytes(minimal_pdf([["Another survey altogether."]]))
    reply = ask(page, LIGHTHOUSE)
    hit = reply.locator("li.qa-hit", has_text="Zorblax").first
    hit.locator("button.qa-show-page").click()
    error = page.locator("#pageview .qa-page-error")
    error.wait_for(timeout=30_000)
    assert error.inner_text() == (
        "Page 1 of lighthouse.pdf cannot be shown: lighthouse.pdf has changed since it was "
        "indexed; rebuild the index to see its pages (the passage's text in the chat is "
        "unaffected)."
    )
    assert "painted teal in 1987" in hit.locator(".qa-passage").inner_text()
    page.screenshot(path=SHOTS / "evidence-06-page-cannot-be-rendered.png")


def test_removing_a_document_takes_it_out_of_the_answers_and_the_table(page, server):
    before = ask(page, LIGHTHOUSE)
    assert "lighthouse.pdf" in before.locator("li.qa-hit .qa-cite").first.inner_text()
    row = page.locator("#documents li.qa-doc", has_text="lighthouse.pdf")
    assert row.locator(".qa-doc-facts").inner_text().startswith("1 page · 1 passage · indexed ")
    row.locator("button.qa-remove").click()
    confirm = page.locator("#remove-confirm-box")
    confirm.wait_for(timeout=10_000)
    assert confirm.locator(".qa-remove-question").inner_text() == (
        "Remove lighthouse.pdf? Its file is deleted from the corpus folder and the index is rebuilt without it."
    )
    confirm.scroll_into_view_if_needed()
    page.screenshot(path=SHOTS / "evidence-07-remove-confirmation.png")
    page.locator("#remove-cancel").click()
    confirm.wait_for(state="hidden")
    assert (server[1].corpus_dir / "lighthouse.pdf").exists()

    row.locator("button.qa-remove").click()
    confirm.wait_for(timeout=10_000)
    page.locator("#remove-confirm").click()
    built = page.locator("#reports .qa-build")
    built.wait_for(timeout=BUILD_TIMEOUT_MS)
    assert "1 removed" in built.inner_text() and "0 added" in built.inner_text()
    assert page.locator("#documents li.qa-doc", has_text="lighthouse.pdf").count() == 0
    assert page.locator("#documents li.qa-doc", has_text=SPEC.name).count() == 1
    assert not (server[1].corpus_dir / "lighthouse.pdf").exists()
    page.locator("#documents").scroll_into_view_if_needed()
    page.screenshot(path=SHOTS / "evidence-08-document-removed.png")
    after = ask(page, LIGHTHOUSE)
    assert "lighthouse.pdf" not in " ".join(after.locator("li.qa-hit .qa-cite").all_inner_texts())
