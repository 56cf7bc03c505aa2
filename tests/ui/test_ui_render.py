"""ui.render: document and question text always escaped; the reply's structure."""

from __future__ import annotations

import html
import json

import pytest

import qa
from qa.present.markdown import answer_markdown
from ui import render

HOSTILE = 'Intro. <script>window.__pwned=1</script> and <img src=x onerror="window.__pwned=2"> end.'


def _hit(rank: int, text: str, start: int = 100, section: str | None = "1.3 Data <b>Governance</b>") -> qa.Hit:
    c = qa.Citation("doc<1>.txt", "Title & <i>more</i>", section, 2, start, start + len(text))
    return qa.Hit(rank, 0.5 / rank, text, c, f"c{rank}", 0.6, 1.0)


def test_reply_escapes_everything_and_highlights_the_answer_sentence():
    text = "First sentence here. " + HOSTILE
    hit = _hit(1, text)
    s = qa.answer.answers.AnswerSentence("First sentence here.", 1, 100, 120, 0.9)
    ans = qa.Answer("what <b>is</b> it?", "answered", (), "", (s,), (hit,), 0.9)
    out = render.answer_html(ans, lambda src, a, b: ("Intro. before <u>", text, "</u> after."))
    assert "<script" not in out and "<img" not in out and "<i>" not in out and "<b>Governance" not in out
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in out
    assert "&lt;img src=x onerror=&quot;window.__pwned=2&quot;&gt;" in out
    assert "Title &amp; &lt;i&gt;more&lt;/i&gt;" in out and "doc&lt;1&gt;.txt" in out
    assert '<mark class="qa-answer">First sentence here.</mark>' in out
    assert '<p class="qa-best">First sentence here. <span class="qa-ref">[1]</span></p>' in out
    assert "page 2" in out and '<details class="qa-context">' in out and "before &lt;u&gt;" in out
    assert "\n" not in out  # one raw HTML block for the chat's Markdown renderer


def test_a_partial_reply_says_what_is_missing_before_the_passages_marked_as_not_answering():
    hit = _hit(1, "The <drones> flew.")
    reason = "The documents mention the <drones>, but not which company."
    ans = qa.Answer(
        "q",
        "partial",
        ("which company",),
        reason,
        (qa.answer.answers.AnswerSentence("The <drones> flew.", 1, 100, 118, 0.1),),
        (hit,),
        0.1,
    )
    out = render.answer_html(ans)
    assert (
        '<p class="qa-unsupported qa-partial"><b>The documents mention the &lt;drones&gt;, but not which '
        "company.</b> No sentence is claimed as the answer: the passages below may answer it; read them to "
        "check.</p>"
    ) in out
    assert out.index("qa-partial") < out.index("qa-hits")
    assert '<li class="qa-hit qa-not-answering">' in out and "qa-answer-text" not in out
    assert "<mark" not in out  # no sentence is claimed, so none is highlighted
    none = render.answer_html(qa.Answer("q", "not_found", (), "The documents do not answer this.", (), (), 0.0))
    assert "do not answer" in none


def test_a_passage_over_a_page_break_shows_its_answer_page_and_range():
    c = qa.Citation("a.pdf", "T", None, 4, 0, 10, (3, 4))
    assert "page 4 (passage on pages 3–4)" in render.where(c)


def test_question_documents_and_report_are_escaped():
    assert render.question_html("<img src=x onerror=alert(1)>\nnext") == (
        '<div class="qa-question">&lt;img src=x onerror=alert(1)&gt;<br>next</div>'
    )
    doc = qa.DocumentRecord("id", "<script>a.txt", "<b>T</b>", 3, 0, 0.0)
    table = render.documents_html([doc])
    assert "&lt;script&gt;a.txt" in table and "&lt;b&gt;T&lt;/b&gt;" in table
    report = render.build_report_html([("<x>.txt", "saved")], [("a<b>.pdf", "not a PDF")], None)
    assert "<b>&lt;x&gt;.txt</b>: saved" in report
    assert f"<b>a&lt;b&gt;.pdf</b> was not added: not a PDF. Accepted: {', '.join(qa.SUPPORTED_SUFFIXES)}." in report


def test_a_pdf_hit_has_a_show_on_page_button_carrying_its_citation_and_a_labelled_score():
    hit = _hit(1, "A passage with a line\nbreak in the middle of a sentence.")
    out = render.answer_html(qa.Answer("q", "answered", (), "", (), (hit,), 0.5))
    request = html.escape(
        json.dumps({"source": "doc<1>.txt", "page": 2, "start": 100, "end": hit.citation.end, "rank": 1}), quote=True
    )
    assert f'<button type="button" class="qa-show-page" value="{request}">Show on page 2</button>' in out
    assert (hit.relevance, hit.match) == (0.75, "strong match")  # cosine 0.6
    assert (
        '<span class="qa-score qa-match-strong" title="relevance 0.75 of 1 (how closely the passage matches the '
        'question; the same scale in every search mode)">strong match</span>'
    ) in out
    assert '<div class="qa-passage">A passage with a line break in the middle of a sentence.</div>' in out


def test_a_text_hit_has_no_page_button():
    c = qa.Citation("notes.txt", "Notes", None, None, 0, 10)
    out = render.answer_html(
        qa.Answer(
            "q", "not_found", (), "The documents do not answer this.", (), (qa.Hit(1, 0.5, "Some text.", c, "c1", 0.1, 0.0),), 0.1
        )
    )
    assert "qa-show-page" not in out and ">weak match</span>" in out


def test_the_reply_carries_its_markdown_for_copy_with_sources_on_one_line():
    hit = _hit(1, "First sentence here. " + HOSTILE)
    ans = qa.Answer(
        "what?", "answered", (), "", (qa.answer.answers.AnswerSentence("First sentence here.", 1, 100, 120, 0.9),), (hit,), 0.9
    )
    out = render.answer_html(ans)
    md = html.escape(answer_markdown(ans), quote=True).replace("\n", "&#10;")
    words = html.escape(
        json.dumps({"copied": "Copied", "failed": "Copying failed: select the text instead", "label": "Copy with sources"}),
        quote=True,
    )
    assert (
        f'<div class="qa-tools"><button type="button" class="qa-copy-md" value="{words}" title="Copy the answer and '
        f'its numbered sources as Markdown">Copy with sources</button><pre class="qa-md">{md}</pre></div>'
    ) in out
    assert "\n" not in out and "<script" not in out


def test_the_documents_list_shows_pages_only_for_paged_documents_passages_and_a_remove_button():
    docs = [qa.DocumentRecord("id1", 'a"b.pdf', "Spec", 12, 4, 0.0), qa.DocumentRecord("id2", "n.txt", "N", 1, 0, 0.0)]
    table = render.documents_html(docs)
    assert table == (
        '<ul class="qa-docs"><li class="qa-doc"><div class="qa-doc-name"><b>a&quot;b.pdf</b> <span class="qa-doc-title">'
        'Spec</span></div><div class="qa-doc-facts">4 pages · 12 passages · indexed ?</div><button type="button" '
        'class="qa-remove" value="a&quot;b.pdf" title="Remove a&quot;b.pdf from the corpus and the index">Remove'
        '</button></li><li class="qa-doc"><div class="qa-doc-name"><b>n.txt</b> <span class="qa-doc-title">N</span>'
        '</div><div class="qa-doc-facts">1 passage · indexed ?</div><button type="button" class="qa-remove" '
        'value="n.txt" title="Remove n.txt from the corpus and the index">Remove</button></li></ul>'
    )


def test_the_status_is_one_plain_line_with_the_details_on_demand():
    status = qa.IndexStatus(generation="gen-1", model="m", dim=384, chunks=5708, documents=1, built=0.0, chunking={})
    assert render.status_html(status) == (
        '<div class="qa-status"><div><span class="qa-status-ok">Ready: 1 document, 5,708 passages, updated ?</span> '
        '<details class="qa-status-details"><summary>Details</summary>model m (384 dimensions), index generation gen-1'
        "</details></div></div>"
    )
    assert "就绪：1 个文档，5,708 个段落" in render.status_html(status, lang="zh")


def test_a_not_answered_reply_marks_no_sentence_in_its_passages():
    hit = _hit(1, "The drones flew.")
    sentence = qa.answer.answers.AnswerSentence("The drones flew.", 1, 100, 116, 0.1)
    out = render.answer_html(qa.Answer("q", "not_found", (), "Not answered.", (sentence,), (hit,), 0.1))
    assert "<mark" not in out and '<li class="qa-hit qa-not-answering">' in out


def test_the_catalogue_has_every_message_in_both_languages_with_the_same_placeholders():
    import string

    from qa.present import messages

    fields = {
        lang: {k: sorted(f for _, f, _, _ in string.Formatter().parse(v) if f) for k, v in table.items()}
        for lang, table in messages.CATALOGUE.items()
    }
    assert fields["zh"] == fields["en"]
    assert [messages.language(h) for h in ("zh-CN,zh;q=0.9", "zh-TW", "en-US,en;q=0.8", "", None, "zh_CN.UTF-8")] == [
        "zh",
        "zh",
        "en",
        "en",
        "en",
        "zh",
    ]
    assert [messages.count("en", "document", n) for n in (1, 4)] == ["1 document", "4 documents"]


def _answer(verdict: str, confidence: float = 0.9, reason: str = "", missing: tuple[str, ...] = ()) -> qa.Answer:
    hit = _hit(1, "The alpha project built 42 bridges. Each bridge was inspected.")
    s = qa.answer.answers.AnswerSentence("The alpha project built 42 bridges.", 1, 100, 135, 0.9)
    return qa.Answer("How many bridges?", verdict, missing, reason, (s,), (hit,), confidence)


def test_each_level_opens_its_reply_with_a_badge_of_its_own_and_only_an_answer_is_highlighted():
    answered = render.answer_html(_answer("answered", 0.923))
    assert answered.startswith(
        '<div class="qa-reply qa-reply-answered"><div class="qa-level"><span class="qa-level-badge">'
        '<span aria-hidden="true">✓</span> Answer</span> <span class="qa-confidence" title="The '
        'probability that the highlighted sentence is right, measured on held-out questions">'
        'confidence 92%</span></div><div class="qa-answer-text">'
    )
    assert answered.count('<mark class="qa-answer">') == 1
    partial = render.answer_html(_answer("partial", 0.4, "The documents mention bridges, but not their number."))
    assert partial.startswith(
        '<div class="qa-reply qa-reply-partial"><div class="qa-level"><span class="qa-level-badge">'
        '<span aria-hidden="true">?</span> May answer</span></div><p class="qa-unsupported '
        'qa-partial"><b>The documents mention bridges, but not their number.</b> No sentence'
    )
    assert "<mark" not in partial and "confidence" not in partial
    refused = render.answer_html(_answer("not_found", 0.1, "", ("the Mars bakery",)), lang="zh")
    assert refused.startswith(
        '<div class="qa-reply qa-reply-not-found"><div class="qa-level"><span class="qa-level-badge">'
        '<span aria-hidden="true">✗</span> 文档中没有</span></div><p class="qa-unsupported '
        'qa-not-found"><b>文档中没有找到：the Mars bakery</b> 下面是最接近的段落'
    )
    assert "<mark" not in refused


def test_a_citation_shows_section_and_page_with_the_character_span_only_on_hover():
    out = render.answer_html(_answer("answered"))
    assert (
        '<div class="qa-cite" title="chars 100–162"><b>[1]</b> <span class="qa-title">Title &amp; &lt;i&gt;more&lt;/i&gt;'
        '</span> · <span class="qa-section">section 1.3 Data &lt;b&gt;Governance&lt;/b&gt;</span> · <span class="qa-page">'
        'page 2</span> · <span class="qa-source">doc&lt;1&gt;.txt</span> · '
    ) in out
    assert "chars 100" not in out.replace('title="chars 100–162"', "")


def test_a_page_with_a_printed_label_is_cited_by_it_with_the_pdf_index_beside_it():
    c = qa.Citation("book.pdf", "Book", None, 59, 0, 10, None, "57")
    assert render.where(c) == (
        '<span class="qa-title">Book</span> · <span class="qa-page">page 57 (PDF page 59)</span> · '
        '<span class="qa-source">book.pdf</span>'
    )
    ranged = qa.Citation("book.pdf", "Book", None, 5, 0, 10, (4, 5), "iv", ("iii", "iv"))
    assert "第 iv 页（PDF 第 5 页；段落跨第 iii–iv 页）" in render.where(ranged, "zh")


def test_answer_sentences_from_list_items_carry_no_bullet_of_their_own():
    hit = _hit(1, "○ • First item.\n• Second item.")
    sentences = (
        qa.answer.answers.AnswerSentence("○ • First item.", 1, 100, 115, 0.9),
        qa.answer.answers.AnswerSentence("• Second item.", 1, 116, 130, 0.5),
    )
    out = render.answer_html(qa.Answer("q", "answered", (), "", sentences, (hit,), 0.9))
    assert '<p class="qa-best">First item. <span class="qa-ref">[1]</span></p>' in out
    assert '<ul class="qa-more"><li>Second item. <span class="qa-ref">[1]</span></li></ul>' in out


def test_the_context_excerpt_starts_and_ends_at_a_sentence_or_a_word():
    assert render.excerpt_before("te of 15%. The rate rose. Then ") == "The rate rose. Then "
    assert render.excerpt_before("ntinued with more words ") == "with more words "  # a word, when no sentence starts
    assert render.excerpt_after(" and so on. The next one beg") == " and so on."
    assert render.excerpt_after(" and so on without an end") == " and so on without an"
    assert render.excerpt_before("数据治理。这是上下文") == "这是上下文"
    hit = _hit(1, "The passage.")
    out = render.answer_html(
        _answer("answered"), lambda src, a, b: ("ate of 15%. Before it. ", "The passage.", " After it. Cut her")
    )
    assert '<div class="qa-context-text">…Before it. <mark class="qa-here">' in out and "After it.…</div>" in out
    assert "ate of" not in out and "Cut her" not in out and hit


def test_markdown_in_a_passage_reads_as_text_and_stays_escaped():
    text = "## Orchards <b>\n\nThe **beta** cooperative planted *700* `apple` trees; see [the map](http://x.org/m).\n- one\n- two"
    out = render.highlighted(text, [], markdown=True)
    assert out == (
        '<strong class="qa-md-heading">Orchards &lt;b&gt;</strong><br><br>The <strong>beta</strong> cooperative '
        "planted <em>700</em> <code>apple</code> trees; see the map.<br>• one<br>• two"
    )
    same = "window.__pwned = 1 and __x__, 2 * 3 * 4, text/x-diff:*.patch text/x-diff:*.diff"
    assert render.highlighted(same, [], markdown=True) == same
    assert render.highlighted("# a comment in a PDF, **as written**", []) == "# a comment in a PDF, **as written**"


def test_what_the_library_says_of_refused_and_skipped_files_reads_in_chinese(tmp_path, corpus, fake_embedder):
    from qa import Assistant, Settings
    from ui.uploads import UploadRefused, store

    (tmp_path / "up").write_bytes(b"")
    with pytest.raises(UploadRefused) as refused:
        store(tmp_path / "up", "notes.txt", tmp_path / "uploads")
    assert (str(refused.value), refused.value.reason("zh")) == ("empty file (0 bytes)", "空文件（0 字节）")

    (corpus / "fake.pdf").write_bytes(b"just text, no PDF")
    (corpus / "lighthouse.txt").write_text("The keeper lights the lamp at dusk.\n")
    assistant = Assistant(
        Settings(corpus_dir=corpus, index_dir=tmp_path / "index"), embedder=fake_embedder, build_embedder=lambda: fake_embedder
    )
    report = assistant.build_index()
    assert [(s.source, s.reason) for s in report.skipped] == [("fake.pdf", "not a PDF (the file does not start with %PDF-)")]
    html = render.build_report_html([], [], report, lang="zh")
    assert "不是 PDF（文件开头不是 %PDF-）" in html and "does not start" not in html
