"""The page for everyday use, in a real browser at desktop (1440×1000) and phone (390×844) sizes, in English and
Chinese: every control reachable, a readable page view with zoom, copy controls that copy text, plain counts,
uploads that say what happened, examples from the documents, and no English on the Chinese page.

Screenshots of each size and language go to tests/screenshots/ (git-ignored).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from test_ui_browser import ANSWER_TIMEOUT_MS, SHOTS, ask

import qa
from support.ui_server import running_app, writable_copy

pytestmark = [
    pytest.mark.browser,
    pytest.mark.model,
    pytest.mark.filterwarnings("ignore:.*no_silent_downcasting"),
    pytest.mark.filterwarnings("ignore:The copy keyword is deprecated"),
]

SPEC = Path(__file__).resolve().parents[1] / "data" / "heldout" / "shared-mime-info-spec.pdf"
WEIGHT = "What does the weight attribute of a glob element do?"
UNANSWERED_ZH = "火星上的第一家面包店是哪一年开业的？"
SIZES = {"desktop": {"width": 1440, "height": 1000}, "phone": {"width": 390, "height": 844}}
LOCALES = {"en": "en-US", "zh": "zh-CN"}
CONTROLS = (
    "button, input:not([type=hidden]), textarea, select, summary, a[href], [role=button], [role=slider], "
    "label:has(input[type=checkbox]), label:has(input[type=radio])"
)


@pytest.fixture(scope="module")
def server(real_index, tmp_path_factory):
    """The app over the review and the shared-mime-info PDF: (url, settings)."""
    settings = writable_copy(real_index, tmp_path_factory.mktemp("ui_everyday"))
    shutil.copy(SPEC, settings.corpus_dir / SPEC.name)
    qa.Assistant(settings).build_index(wait=True)
    with running_app(qa.Assistant(settings)) as url:
        yield url, settings


def open_page(browser, url: str, size: str, lang: str):
    """A new browser context of that size and language on the chat page, loaded and showing a ready index."""
    context = browser.new_context(viewport=SIZES[size], locale=LOCALES[lang], device_scale_factor=2 if size == "phone" else 1)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=url)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(url, wait_until="load")
    page.locator("#status .qa-status-ok").wait_for(timeout=30_000)
    page.locator("#examples .qa-example").first.wait_for(timeout=10_000)
    return context, page, errors


@pytest.fixture(params=[(s, g) for s in SIZES for g in LOCALES], ids=lambda p: f"{p[0]}-{p[1]}")
def view(request, browser, server):
    """(page, size, lang) for each size and language; no JavaScript error may happen on it."""
    SHOTS.mkdir(exist_ok=True)
    size, lang = request.param
    context, page, errors = open_page(browser, server[0], size, lang)
    yield page, size, lang
    context.close()
    assert not errors, f"JavaScript errors in the page: {errors}"


OUTSIDE = """(sel) => {
  const vw = document.documentElement.clientWidth;
  const out = [];
  for (const el of document.querySelectorAll(sel)) {
    const r = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    if (!r.width || !r.height || style.visibility === 'hidden' || el.closest('[hidden], .hidden')) continue;
    if (r.left < -1 || r.right > vw + 1) out.push(`${el.tagName} ${el.id || el.className} ${Math.round(r.left)}-${Math.round(r.right)} of ${vw}`);
  }
  return out;
}"""

HIDDEN_UNDER = """(el) => {
  el.scrollIntoView({block: 'center', inline: 'nearest', behavior: 'instant'});
  const r = el.getBoundingClientRect();
  const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
  return hit && (el === hit || el.contains(hit) || hit.contains(el)) ? '' : (hit ? hit.tagName + ' ' + hit.className : 'nothing');
}"""


def test_every_control_is_inside_the_width_and_can_be_clicked(view):
    page, size, lang = view
    ask(page, WEIGHT if lang == "en" else "glob 元素的 weight 属性有什么作用？")
    assert page.evaluate("document.documentElement.scrollWidth") <= SIZES[size]["width"]
    assert page.evaluate(OUTSIDE, CONTROLS) == []
    # one scroll for the page: nothing in the chat scrolls on its own
    assert (
        page.evaluate("""() => [...document.querySelectorAll('#chat, #chat *')].filter(e =>
        e.scrollHeight > e.clientHeight + 2 && /(auto|scroll)/.test(getComputedStyle(e).overflowY)).length""")
        == 0
    )
    covered = []
    for el in page.locator(CONTROLS).all():
        if not el.is_visible() or el.evaluate("e => e.type === 'file'"):
            continue
        hidden = el.evaluate(HIDDEN_UNDER)
        if hidden:
            covered.append((el.evaluate("e => e.outerHTML.slice(0, 80)"), hidden))
    assert covered == []
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(SHOTS / f"everyday-{size}-{lang}.png"), full_page=True)


def test_show_on_page_is_readable_zooms_and_keeps_the_readers_place(view):
    page, size, lang = view
    reply = ask(page, WEIGHT)
    button = reply.locator(".qa-show-page").first
    button.scroll_into_view_if_needed()
    before = page.evaluate("window.scrollY")
    button.click()
    img = page.locator("#pageview .qa-page-img")
    img.wait_for(timeout=ANSWER_TIMEOUT_MS)
    page.wait_for_function("() => document.querySelector('#pageview .qa-page-img').complete")
    width = img.bounding_box()["width"]
    if size == "phone":
        assert width >= SIZES["phone"]["width"] - 20  # the whole width, less the scroll bar
    else:
        assert width >= page.locator("#chat").bounding_box()["width"]
    natural = page.evaluate("document.querySelector('#pageview .qa-page-img').naturalWidth")
    assert natural >= 1.5 * width or size == "phone"  # sharp on a 2x screen (the phone is 2x: checked below)
    if size == "phone":
        assert natural >= 2 * SIZES["phone"]["width"]
    mark = page.locator("#pageview .qa-page-mark").first
    page.wait_for_timeout(300)  # the mark is scrolled to once the image has loaded
    scroller = page.locator("#pageview .qa-page-scroll").bounding_box()
    box = mark.bounding_box()
    assert scroller["y"] <= box["y"] and box["y"] + box["height"] <= scroller["y"] + scroller["height"]
    page.screenshot(path=str(SHOTS / f"everyday-page-{size}-{lang}.png"))
    page.locator("#pageview .qa-zoom[value=in]").click()
    wider = img.bounding_box()["width"]
    page.locator("#pageview .qa-zoom[value=out]").click()
    page.locator("#pageview .qa-zoom[value=out]").click()
    narrower = img.bounding_box()["width"]
    assert narrower < width < wider
    box = mark.bounding_box()
    scroller = page.locator("#pageview .qa-page-scroll").bounding_box()
    assert scroller["y"] <= box["y"] and box["y"] + box["height"] <= scroller["y"] + scroller["height"]
    page.locator("#pageview .qa-back").click()
    assert page.locator("#pageview .qa-pageview").count() == 0
    assert abs(page.evaluate("window.scrollY") - before) < 5  # back where the reader was
    assert button.is_visible()


def test_the_copy_controls_put_plain_text_on_the_clipboard_never_html(view):
    page, size, lang = view
    if (size, lang) != ("desktop", "en"):
        pytest.skip("the clipboard is the same at every size and language")
    reply = ask(page, WEIGHT)
    copies = page.locator("#chat button[aria-label*=opy], #chat button[title*=opy], #chat .qa-copy-md")
    assert copies.count() == 1  # gradio's own copy buttons (which copied the reply's HTML) are gone
    copies.first.click()
    page.wait_for_function("() => document.querySelector('#chat .qa-copy-md').textContent === 'Copied'")
    text = page.evaluate("navigator.clipboard.readText()")
    assert WEIGHT in text and "[1]" in text
    assert re.findall(r"</?[a-z][a-z0-9]*[ >/]", text) == []
    assert reply.locator(".qa-copy-md").inner_text() == "Copied"


# What a Chinese page may show in Latin letters: what the documents and the user wrote.
NOT_INTERFACE = (
    ".qa-best, .qa-more, .qa-passage, .qa-title, .qa-section, .qa-source, .qa-context, .qa-md, .qa-question, .qa-example, "
    ".qa-doc-name, .qa-page-title, .qa-status-details, #sources label, .qa-refs, .qa-unsupported b"
)


VISIBLE_TEXT = """(skip) => {
  const out = [];
  const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walk.nextNode(); node; node = walk.nextNode()) {
    const el = node.parentElement;
    if (!el || el.closest(skip + ', script, style') || !el.checkVisibility({visibilityProperty: true})) continue;
    if (/[A-Za-z]{2,}/.test(node.textContent)) out.push(node.textContent + ' @' + el.tagName + '.' + el.className);
  }
  for (const el of document.querySelectorAll('[placeholder], [title], [aria-label]')) {
    if (el.closest(skip) || !el.checkVisibility({visibilityProperty: true})) continue;
    for (const a of ['placeholder', 'title', 'aria-label']) {
      const said = el.getAttribute(a);
      // a chat message is labelled with its own text, checked above as text
      if (said && !(a === 'aria-label' && said === el.innerText.trim().slice(0, 500))) out.push(said + ' @' + a);
    }
  }
  return out.join(' |');
}"""


def test_the_chinese_page_shows_no_english_interface_text(browser, server):
    context, page, errors = open_page(browser, server[0], "desktop", "zh")
    try:
        ask(page, UNANSWERED_ZH)
        ask(page, "glob 元素的 weight 属性有什么作用？")
        text = page.evaluate(VISIBLE_TEXT, NOT_INTERFACE)
        names = page.evaluate(
            "() => [...document.querySelectorAll('.qa-doc-name b, .qa-doc-title, .qa-title, .qa-source')]"
            ".map(e => e.innerText.trim())"
        )
        for name in sorted(set(names), key=len, reverse=True):
            text = text.replace(name, " ")
        allowed = {"MiB", "Markdown", *(s.lstrip(".") for s in qa.SUPPORTED_SUFFIXES)}  # the accepted file types
        where = [part for part in text.split(" |") if set(re.findall(r"[A-Za-z]{2,}", part.split(" @")[0])) - allowed]
        assert where == [], "\n".join(where)
    finally:
        context.close()
    assert not errors


def test_a_chinese_question_that_is_not_answered_gets_its_reason_in_chinese(browser, server):
    context, page, _ = open_page(browser, server[0], "desktop", "zh")
    try:
        reply = ask(page, UNANSWERED_ZH)
        reason = reply.locator(".qa-unsupported").inner_text()
        assert re.search(r"[\u4e00-\u9fff]", reason.split("下面是最接近的段落")[0])
    finally:
        context.close()


def test_examples_come_from_the_documents_sections_and_are_asked_on_click(view):
    page, size, lang = view
    if size != "desktop":
        pytest.skip("the examples are the same at every size")
    examples = page.locator("#examples .qa-example")
    assert 1 <= examples.count() <= 4
    first = examples.first.inner_text()
    examples.first.click()
    page.locator("#chat .qa-question", has_text=first).wait_for(timeout=ANSWER_TIMEOUT_MS)
    page.locator("#chat .qa-reply").first.wait_for(timeout=ANSWER_TIMEOUT_MS)


def test_a_refused_file_is_named_with_what_is_accepted_until_dismissed(view, tmp_path):
    page, size, lang = view
    if size != "phone":
        pytest.skip("the upload report is the same at every size")
    bad = tmp_path / "tool.exe"
    bad.write_bytes(b"MZ\x90\x00")
    page.locator("#upload input[type=file]").set_input_files(str(bad))
    item = page.locator("#reports li", has_text="tool.exe")
    item.wait_for(timeout=30_000)
    said = item.inner_text()
    assert all(suffix in said for suffix in qa.SUPPORTED_SUFFIXES)
    ask(page, WEIGHT)  # a toast would have gone by the time an answer comes; the report stays
    assert item.is_visible()
    page.locator("#reports .qa-dismiss").first.click()
    assert page.locator("#reports li").count() == 0


COVERED = """() => {
  const s = document.querySelector('#status .qa-status');
  const r = s.getBoundingClientRect();
  const hit = document.elementFromPoint(r.left + 20, r.top + r.height / 2);
  return s.contains(hit) ? '' : (hit ? hit.tagName + ' ' + hit.className : 'nothing');
}"""


def test_an_upload_says_what_it_is_doing_without_covering_the_status(view, tmp_path):
    page, size, lang = view
    if (size, lang) != ("desktop", "en"):
        pytest.skip("the progress is drawn the same way at every size and language")
    notes = tmp_path / f"harbour-notes-{size}-{lang}.txt"
    notes.write_text(
        "Harbour Notes\n\n"
        + " ".join(
            f"The harbour master logged ship number {i} arriving from port {i % 17} with {i * 3} crates of tea."
            for i in range(400)
        )
    )
    page.locator("#upload input[type=file]").set_input_files(str(notes))
    page.locator("#status .qa-status-note").wait_for(timeout=30_000)
    assert "Rebuilding the index" in page.locator("#status").inner_text()
    page.locator("#status .qa-status").scroll_into_view_if_needed()
    assert page.evaluate(COVERED) == ""
    page.screenshot(path=str(SHOTS / "everyday-upload-progress.png"))
    page.locator("#reports .qa-build").wait_for(timeout=240_000)
    assert page.locator("#reports li", has_text=notes.name).first.inner_text().startswith(f"{notes.name}: saved as")
    assert page.evaluate(COVERED) == ""
