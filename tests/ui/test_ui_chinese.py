"""The page with Chinese: questions, answer sentences and passages shown as written, in a CJK font."""

from __future__ import annotations

from dataclasses import replace

from ui import render
from ui.assets import asset


def test_a_chinese_answer_is_highlighted_inside_its_passage_as_written(fake_assistant, corpus):
    (corpus / "zh.txt").write_text("灯塔\n\n灯塔在夜间为船只引航。守塔人每天黄昏点亮灯。\n")
    # The reply taken as an answer: the highlight, not the level (the fake models' passages are weak matches,
    # which never make an answer), is what this test is about.
    ans = replace(fake_assistant.ask("守塔人每天什么时候点亮灯？"), verdict="answered")
    best = ans.sentences[0]
    page = render.answer_html(ans) + render.question_html(ans.question)
    assert best.text in ("灯塔在夜间为船只引航。", "守塔人每天黄昏点亮灯。")
    assert f'<mark class="qa-answer">{best.text}</mark>' in page
    assert "守塔人每天什么时候点亮灯？" in page
    c = ans.hits[0].citation
    assert fake_assistant.context(c.source, c.start, c.end)[1] == ans.hits[0].text


def test_the_font_stack_names_common_cjk_fonts():
    assert all(font in asset("page.css") for font in ('"PingFang SC"', '"Microsoft YaHei"', '"Noto Sans CJK SC"'))
