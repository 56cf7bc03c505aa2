"""ui.render: document and question text always escaped; the reply's structure."""

from __future__ import annotations

import qa
from ui import render

HOSTILE = 'Intro. <script>window.__pwned=1</script> and <img src=x onerror="window.__pwned=2"> end.'


def _hit(rank: int, text: str, start: int = 100, section: str | None = "1.3 Data <b>Governance</b>") -> qa.Hit:
    c = qa.Citation("doc<1>.txt", "Title & <i>more</i>", section, 2, start, start + len(text))
    return qa.Hit(rank, 0.5 / rank, text, c, f"c{rank}", 0.6, 1.0)


def test_reply_escapes_everything_and_highlights_the_answer_sentence():
    text = "First sentence here. " + HOSTILE
    hit = _hit(1, text)
    s = qa.AnswerSentence("First sentence here.", 1, 100, 120, 0.9)
    ans = qa.Answer("what <b>is</b> it?", True, (s,), (hit,), 0.9)
    out = render.answer_html(ans, lambda src, a, b: ("before <u>", text, "</u> after"))
    assert "<script" not in out and "<img" not in out and "<i>" not in out and "<b>Governance" not in out
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in out
    assert "&lt;img src=x onerror=&quot;window.__pwned=2&quot;&gt;" in out
    assert "Title &amp; &lt;i&gt;more&lt;/i&gt;" in out and "doc&lt;1&gt;.txt" in out
    assert '<mark class="qa-answer">First sentence here.</mark>' in out
    assert '<p class="qa-best">First sentence here. <span class="qa-ref">[1]</span></p>' in out
    assert "page 2" in out and "<details class=\"qa-context\">" in out and "before &lt;u&gt;" in out
    assert "\n" not in out  # one raw HTML block for the chat's Markdown renderer


def test_unsupported_reply_says_so_before_the_passages():
    hit = _hit(1, "Something unrelated entirely.")
    ans = qa.Answer("q", False, (qa.AnswerSentence("Something unrelated entirely.", 1, 100, 129, 0.1),), (hit,), 0.1)
    out = render.answer_html(ans)
    assert out.index("do not seem to answer") < out.index("qa-hits")
    assert "qa-answer-text" not in out
    none = render.answer_html(qa.Answer("q", False, (), (), 0.0))
    assert "do not answer" in none


def test_question_documents_and_report_are_escaped():
    assert render.question_html("<img src=x onerror=alert(1)>\nnext") == (
        '<div class="qa-question">&lt;img src=x onerror=alert(1)&gt;<br>next</div>')
    doc = qa.DocumentRecord("id", "<script>a.txt", "<b>T</b>", 3, 0, 0.0)
    table = render.documents_html([doc])
    assert "&lt;script&gt;a.txt" in table and "&lt;b&gt;T&lt;/b&gt;" in table
    report = render.build_report_html([("<x>.txt", "saved")], [("a<b>.pdf", "not a PDF")], None)
    assert "&lt;x&gt;.txt" in report and "a&lt;b&gt;.pdf" in report and "refused: not a PDF" in report
