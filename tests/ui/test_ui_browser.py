"""The web chat in a real browser: Playwright driving Debian's chromium against the app on a free port.

Screenshots of each step go to tests/screenshots/ (git-ignored).
"""

from __future__ import annotations

from pathlib import Path

import pytest

import qa
from support.pdfs import minimal_pdf
from support.ui_server import chat_page, running_app, writable_copy

pytestmark = [
    pytest.mark.browser,
    pytest.mark.model,
    pytest.mark.filterwarnings("ignore:.*no_silent_downcasting"),
    pytest.mark.filterwarnings("ignore:The copy keyword is deprecated"),
]

SHOTS = Path(__file__).resolve().parents[1] / "screenshots"
BUILD_TIMEOUT_MS = 240_000
ANSWER_TIMEOUT_MS = 60_000

HOSTILE_TXT = (
    "Quokka Field Notes\n\nThe ranger team counted 48 adult quokkas on Rottnest Island this spring. "
    "<script>window.__pwned = 1</script> Visitors must never feed the quokkas. "
    '<img src=x onerror="window.__pwned = 2"> The rangers meet at the lighthouse at dawn.\n'
)


@pytest.fixture(scope="module")
def server(real_index, tmp_path_factory):
    """The app over a writable copy of the real index: its URL."""
    with running_app(qa.Assistant(writable_copy(real_index, tmp_path_factory.mktemp("ui_browser")))) as url:
        yield url


@pytest.fixture
def page(browser, server):
    SHOTS.mkdir(exist_ok=True)
    with chat_page(browser, server) as pg:
        yield pg


def ask(page, question: str):
    """Type the question, press Enter, and return the new reply once it is shown."""
    replies = page.locator("#chat .qa-reply, #chat .qa-error")
    before = replies.count()
    box = page.locator("#question textarea")
    box.fill(question)
    box.press("Enter")
    page.wait_for_function(
        "n => document.querySelectorAll('#chat .qa-reply, #chat .qa-error').length > n", arg=before, timeout=ANSWER_TIMEOUT_MS
    )
    page.wait_for_timeout(400)  # the page scrolls the chat to the new question
    return replies.nth(before)


def upload(page, path: Path):
    """Add a file through the upload box and wait for the report naming it."""
    page.locator("#upload input[type=file]").set_input_files(str(path))
    report = page.locator("#reports li", has_text=path.name).first
    report.wait_for(timeout=BUILD_TIMEOUT_MS)
    return page.locator("#reports")


def test_ask_idex_shows_the_cited_passage_with_the_answer_highlighted(page):
    assert page.locator("#question textarea").get_attribute("maxlength") == "2000"
    reply = ask(page, "What is IDex?")
    hit = reply.locator("li.qa-hit", has_text="Beijing International Big Data Exchange").first
    assert hit.is_visible()
    cite = hit.locator(".qa-cite").inner_text()
    assert "section 1.3" in cite and "it-and-national-governance-review.txt" in cite and "match" in cite
    # "What is IDex?" matches its passage only weakly, so the reply shows passages that may answer, without a
    # highlight (qa/answer/levels.py); a highlight appears only in a reply that claims an answer.
    mark = hit.locator(".qa-passage mark.qa-answer")
    answered = reply.get_attribute("class").split().count("qa-reply-answered") == 1
    assert mark.count() == (1 if answered else 0)
    assert reply.locator("li.qa-hit").count() == 5
    page.screenshot(path=SHOTS / "01-idex-cited-passage.png")

    hit.locator("details.qa-context summary").click()
    context = hit.locator("details.qa-context .qa-context-text")
    assert context.is_visible() and "Beijing International Big Data Exchange" in context.inner_text()
    assert len(context.inner_text()) > len(hit.locator(".qa-passage").inner_text())
    context.scroll_into_view_if_needed()
    page.screenshot(path=SHOTS / "02-idex-passage-in-context.png")

    follow = ask(page, "How many 5G base stations had China built by September 2023?")
    assert "5G base stations" in follow.locator("li.qa-hit").first.inner_text()
    assert "3.189 million" in follow.locator(".qa-passage mark.qa-answer").first.inner_text()  # an answer, marked
    assert page.locator("#chat .qa-reply").count() == 2  # the follow-up goes into the same chat
    page.screenshot(path=SHOTS / "03-follow-up-question.png")


def test_upload_a_pdf_and_get_an_answer_from_it(page, tmp_path):
    pdf = tmp_path / "lighthouse survey.pdf"
    pdf.write_bytes(
        minimal_pdf(
            [
                [
                    "Lighthouse Survey",
                    "The Zorblax lighthouse on Quenby Island was painted teal in 1987.",
                    "Its keeper, Mara Ostrander, logged 312 storms in her first decade there.",
                ]
            ]
        )
    )
    report = upload(page, pdf)
    report.locator(".qa-build").wait_for(timeout=BUILD_TIMEOUT_MS)
    assert "saved as lighthouse_survey.pdf" in report.inner_text()
    assert "1 added" in report.locator(".qa-build").inner_text()
    assert page.locator("#documents li.qa-doc", has_text="lighthouse_survey.pdf").count() == 1
    assert "2 documents" in page.locator("#status").inner_text()
    page.screenshot(path=SHOTS / "04-pdf-uploaded-and-indexed.png")

    reply = ask(page, "What colour was the Zorblax lighthouse painted?")
    top = reply.locator("li.qa-hit").first
    assert "lighthouse_survey.pdf" in top.locator(".qa-cite").inner_text()
    assert "page 1" in top.locator(".qa-cite").inner_text()
    assert "painted teal in 1987" in top.locator(".qa-passage").inner_text()  # marked when the reply is an answer
    page.screenshot(path=SHOTS / "05-answer-from-the-uploaded-pdf.png")


def test_rebuild_shows_progress_while_the_chat_keeps_answering(page, tmp_path):
    survey = tmp_path / "district-survey.txt"
    survey.write_text(
        "District Survey\n\n"
        + "\n\n".join(
            f"District {i} of the survey counted {i * 7} wells and {i * 3 + 1} schools along river {i}." for i in range(3000)
        )
    )
    page.locator("#upload input[type=file]").set_input_files(str(survey))
    page.locator("#working [role=progressbar]").wait_for(timeout=60_000)  # drawn above the status, not over it
    assert "Rebuilding the index" in page.locator("#status").inner_text()
    page.screenshot(path=SHOTS / "06-rebuild-progress.png")
    reply = ask(page, "What is IDex?")
    assert "Beijing International Big Data Exchange" in reply.locator("li.qa-hit").first.inner_text()
    assert page.locator("#reports .qa-build").count() == 0, "the answer waited for the rebuild"
    page.screenshot(path=SHOTS / "07-answer-during-rebuild.png")
    page.locator("#reports .qa-build").wait_for(timeout=BUILD_TIMEOUT_MS)
    assert page.locator("#documents li.qa-doc", has_text="district-survey.txt").count() == 1
    reply = ask(page, "How many wells did district 41 count?")
    assert "district-survey.txt" in reply.locator("li.qa-hit .qa-cite").first.inner_text()


def test_a_hostile_document_renders_as_text_and_runs_nothing(page, tmp_path):
    notes = tmp_path / "quokka-notes.txt"
    notes.write_text(HOSTILE_TXT)
    upload(page, notes).locator(".qa-build").wait_for(timeout=BUILD_TIMEOUT_MS)
    reply = ask(page, 'How many adult quokkas were counted? <img src=x onerror="window.__pwned = 3">')
    question = page.locator("#chat .qa-question").last
    assert question.inner_text() == 'How many adult quokkas were counted? <img src=x onerror="window.__pwned = 3">'
    top = reply.locator("li.qa-hit").first
    text = top.locator(".qa-passage").inner_text()
    assert "<script>window.__pwned = 1</script>" in text
    assert '<img src=x onerror="window.__pwned = 2">' in text
    assert "quokka-notes.txt" in top.locator(".qa-cite").inner_text()
    page.wait_for_timeout(500)  # give any injected handler the chance to fire
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.locator("#chat script, #chat img[src='x'], #documents script, #reports script").count() == 0
    top.scroll_into_view_if_needed()
    page.screenshot(path=SHOTS / "08-hostile-text-shown-as-characters.png")


def test_upload_errors_are_named_and_the_controls_work(page, tmp_path):
    fake = tmp_path / "fake.pdf"
    fake.write_text("I am plain text pretending to be a PDF.")
    report = upload(page, fake)
    assert "fake.pdf was not added: not a PDF" in report.inner_text()
    page.screenshot(path=SHOTS / "09-upload-refused-by-content.png")

    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4\nthis is no PDF structure at all\n")
    report = upload(page, broken)
    report.locator(".qa-build").wait_for(timeout=BUILD_TIMEOUT_MS)
    assert "broken.pdf was not indexed:" in report.inner_text()
    assert "removed again" in report.inner_text()
    page.screenshot(path=SHOTS / "10-upload-not-indexed-named.png")

    page.locator("#sources label", has_text="lighthouse_survey.pdf").click()
    page.locator("#k input[type=number]").fill("2")
    page.locator("#k input[type=number]").press("Enter")
    reply = ask(page, "What is IDex?")
    cites = reply.locator("li.qa-hit .qa-cite")
    assert cites.count() == 1 and "lighthouse_survey.pdf" in cites.first.inner_text()
    page.locator("#sources label", has_text="lighthouse_survey.pdf").click()
    reply = ask(page, "What is IDex?")
    assert reply.locator("li.qa-hit").count() == 2
    assert "Beijing International Big Data Exchange" in reply.locator("li.qa-hit").first.inner_text()

    page.locator("#rebuild").click()
    page.locator("#reports .qa-build").wait_for(timeout=BUILD_TIMEOUT_MS)
    assert "0 added" in page.locator("#reports .qa-build").inner_text()
    assert "Ready: " in page.locator("#status").inner_text()
    page.screenshot(path=SHOTS / "11-rebuild-report.png")
