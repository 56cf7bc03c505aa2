"""The three answer levels on a real document (the review), with the real models and the shipped level model."""

from __future__ import annotations

import pytest

from conftest import DEV_SET, DEV_UNANSWERABLE, seed_corpus
from qa import Assistant, Settings
from qa.answer.levels import load_levels
from qa.ops.evaluation import contains_answer, load_questions

# One paragraph of the review, as a Chinese reader's own copy would have it.
FIVE_G_ZH = (
    "数字基础设施\n\n截至2023年9月底，中国已建成318.9万个5G基站，5G移动电话用户达到7.37亿户。"
    "全国所有地级市城区都已实现5G网络覆盖。\n"
)


@pytest.mark.model
def test_a_question_the_review_answers_gets_its_sentence_as_the_answer(real_assistant):
    ans = real_assistant.ask("How many 5G base stations had China built by September 2023?")
    assert ans.verdict == "answered" and ans.supported and ans.reason == ""
    assert "3.189 million" in ans.sentences[0].text
    assert ans.confidence >= load_levels().full.threshold


@pytest.mark.model
def test_an_off_topic_question_is_not_in_the_documents(real_assistant):
    ans = real_assistant.ask("What is the boiling point of tungsten?")
    assert ans.verdict == "not_found" and not ans.supported
    assert ans.reason


@pytest.mark.model
def test_an_on_topic_question_without_the_fact_gets_passages_but_no_claimed_sentence(real_assistant):
    ans = real_assistant.ask("Which company supplied the servers for the national data trading platform?")
    assert ans.verdict in ("partial", "not_found") and not ans.supported
    assert ans.reason and ans.hits


@pytest.mark.model
@pytest.mark.parametrize("question", ["?!", "🙂🙂🙂", "……？"])
def test_a_question_without_words_is_never_answered(real_assistant, question):
    ans = real_assistant.ask(question)
    assert (ans.verdict, ans.sentences) == ("not_found", ())
    assert ans.reason == "The question has no words to look for; ask it in words."  # no words, so no language


@pytest.mark.model
def test_the_answer_is_in_the_questions_language_when_both_languages_hold_it(tmp_path):
    corpus = seed_corpus(tmp_path)
    (corpus / "5g-zh.txt").write_text(FIVE_G_ZH, encoding="utf-8")
    a = Assistant(Settings(corpus_dir=corpus, index_dir=tmp_path / "index"))
    a.build_index()
    zh = a.ask("截至2023年9月底，中国建成了多少个5G基站？")
    en = a.ask("How many 5G base stations had China built by the end of September 2023?")
    assert zh.sentences and "318.9万个5G基站" in zh.sentences[0].text
    assert en.sentences and "3.189 million" in en.sentences[0].text


@pytest.mark.model
@pytest.mark.xfail(
    strict=True,
    reason="measured: on the review, held out, mean confidence 0.23 against 0.59 of first "
    "sentences right; the confidence fitted on the manuals does not transfer to the review (issue 25, ended blocked)",
)
def test_the_confidence_is_calibrated_on_held_out_questions(real_assistant):
    """Each question judged by the fold model that never saw a question about the review: the confidence is, on
    average, the share of first sentences that hold the answer, higher confidence is right more often, and
    answers given with confidence 0.9 or more (if any) are right at least 85% of the time."""
    levels = load_levels()
    seen = []
    for q in load_questions(DEV_SET) + load_questions(DEV_UNANSWERABLE):
        model = levels.held_out_for(q.question)
        assert model is not None  # every development question was fitted on, so each has a held-out model
        ans = real_assistant.ask(q.question, level_model=model)
        if ans.sentences:
            seen.append((ans.confidence, bool(q.answers) and contains_answer(ans.sentences[0].text, q.answers), ans.supported))
    confidence = [c for c, _, _ in seen]
    right = [r for _, r, _ in seen]
    assert abs(sum(confidence) / len(seen) - sum(right) / len(seen)) <= 0.15
    ranked = sorted(seen, key=lambda s: -s[0])
    half = len(ranked) // 2
    assert sum(r for _, r, _ in ranked[:half]) >= sum(r for _, r, _ in ranked[half:])
    sure = [r for c, r, answered in seen if answered and c >= 0.9]
    assert not sure or sum(sure) / len(sure) >= 0.85
