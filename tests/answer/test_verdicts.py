"""Verdicts: what a sentence holds of what the question asks, what is missing, and the decision."""

from __future__ import annotations

import numpy as np
import pytest

from qa.answer.verdict_model import FEATURES, SentenceWeights, VerdictModel, load_models
from qa.answer.verdicts import Checks, Matcher, decide, has_kind, mentioned_phrase, missing_items
from qa.embed.vocabulary import WordVectors
from qa.retrieve.shape import shape


def _matcher(question, fake_embedder):
    return Matcher(shape(question), lambda ws: np.ones(len(ws)), WordVectors(fake_embedder))


@pytest.mark.parametrize(
    "question, sentence, expected",
    [
        ("How many owls live in the mill?", "The mill holds 40 owls.", True),
        ("How many owls live in the mill?", "The mill was built in 1900 [12].", False),  # no number of owls
        ("How many owls live in the mill?", "Owls live in the mill [12].", False),  # a citation mark is no number
        ("What accuracy does the tool achieve?", "The tool reaches 95% accuracy.", True),
        ("What accuracy does the tool achieve?", "The tool answers within one second.", False),
        ("When did the law take effect?", "The law took effect in 2021.", True),
        ("When did the law take effect?", "The law protects data.", False),
        ("Who chaired the meeting?", "The meeting was chaired by Zhang Wei.", True),
        ("Who chaired the meeting?", "The meeting was chaired well.", False),
        ("Which ministry ran the survey?", "The survey was run by the ministry of water.", True),
        ("Which ministry ran the survey?", "The survey was completed in 2020.", False),
        ("Why do owls hunt at night?", "Anything at all.", True),
    ],
)
def test_has_kind(question, sentence, expected, fake_embedder):
    m = _matcher(question, fake_embedder)
    assert has_kind(sentence, shape(question), m.is_focus) is expected


def test_check_names_numbers_names_and_focus_the_passage_lacks(fake_embedder):
    q = "How many satellites did Beidou launch in 2015?"
    checks = _matcher(q, fake_embedder).check("Beidou launched 30 satellites in 2020.", "Beidou launched 30 satellites in 2020.")
    assert (checks.kind, checks.anchors, checks.focus, checks.names) == (True, ("2015",), (), ())
    other = _matcher("How many satellites did Galileo launch?", fake_embedder).check(
        "Beidou launched 30 rockets.", "Beidou launched 30 rockets."
    )
    assert (other.kind, other.focus, other.names) == (False, ("satellites",), ("galileo",))


def test_an_acronym_is_present_when_the_title_spells_it_out(fake_embedder):
    checks = _matcher("Who is the steward of the MPL?", fake_embedder).check(
        "The Foundation is the steward.", "The Foundation is the steward.", "", "Mozilla Public License"
    )
    assert checks.names == ()


def test_missing_items_say_what_the_question_asks_for():
    q = shape("Which company made the drones in 2021?")
    checks = Checks(False, ("2021",), ("company",), (), 0.5, 0.3, ("made",))
    assert missing_items(checks, q) == ("which company", "“2021”", "“made”")


@pytest.mark.parametrize(
    "probability_z, unmatched, cosine, label",
    [
        (5.0, 0.1, 0.6, "answered"),
        (-5.0, 0.2, 0.1, "partial"),  # most of the question's words are there
        (-5.0, 0.9, 0.4, "partial"),  # the passage is close to the question
        (-5.0, 0.9, 0.1, "not_found"),
    ],
)
def test_decide_grades_the_verdict(probability_z, unmatched, cosine, label):
    model = VerdictModel(SentenceWeights(), (0.0,) * len(FEATURES), probability_z, 0.5)
    q = shape("How many owls live in the mill?")
    checks = Checks(True, (), (), (), 0.0, unmatched, ())
    x = (0.0, cosine) + (0.0,) * (len(FEATURES) - 2)
    verdict = decide(
        q, "How many owls live in the mill?", checks, x, unmatched, {"owls": True, "live": True, "mill": True}, model
    )
    assert verdict.label == label
    if label == "partial":
        assert verdict.reason == "The documents mention owls live in the mill, but not what the question asks."


@pytest.mark.parametrize(
    "checks, reason",
    [
        (
            Checks(False, (), ("company",), (), 0.5, 0.3, ("manufactured", "used")),
            "The documents mention the drones and the Zhengzhou rescue, but not which company "
            "(nor the words “manufactured” or “used”).",
        ),
        (
            Checks(True, ("2021",), (), (), 0.5, 0.3, ()),
            "The documents mention the drones used in the Zhengzhou rescue, but not the word “2021”.",
        ),
    ],
)
def test_a_partial_reason_names_what_is_there_and_what_is_not_and_never_both(checks, reason):
    question = "Which company manufactured the drones used in the Zhengzhou rescue in 2021?"
    model = VerdictModel(SentenceWeights(), (0.0,) * len(FEATURES), -5.0, 0.5)
    present = {"company": False, "drones": True, "used": True, "zhengzhou": True, "rescue": True, "2021": False}
    x = (0.0, 0.9) + (0.0,) * (len(FEATURES) - 2)
    verdict = decide(shape(question), question, checks, x, 0.2, present, model)
    assert (verdict.label, verdict.reason) == ("partial", reason)


@pytest.mark.parametrize(
    "present, mentioned",
    [
        ({"drones": True, "used": True, "zhengzhou": True, "rescue": True}, "the drones used in the Zhengzhou rescue"),
        ({"drones": True, "zhengzhou": True, "rescue": True}, "the drones and the Zhengzhou rescue"),
        ({"company": True, "drones": True, "zhengzhou": True, "rescue": True}, "company and the Zhengzhou rescue"),  # two longest
        ({}, ""),
    ],
)
def test_the_reason_names_the_longest_runs_of_question_words_the_passages_hold(present, mentioned):
    assert mentioned_phrase("Which company manufactured the drones used in the Zhengzhou rescue?", present) == mentioned


def test_the_shipped_model_has_a_fold_model_for_every_fitted_question():
    models = load_models()
    assert len(models.full.coef) == len(FEATURES) and 0 < models.full.threshold <= 0.5
    assert models.fold_of and all(0 <= i < len(models.folds) for i in models.fold_of.values())
    assert models.held_out_for("How many data trading institutions did China have in 2015?") is not None
    assert models.held_out_for("a question nobody fitted on") is None


def test_words_match_by_sense_only_between_words_of_latin_letters():
    def alike(ws):  # every word means the same: any match below is by sense, unless it is by stem
        return np.ones((len(ws), 4), np.float32) / 2

    matcher = Matcher(shape("Which gateway does ipv6 traffic use?"), lambda ws: np.ones(len(ws)), alike)
    terms = list(matcher.terms)
    assert {"gateway", "ipv6", "traffic"} <= set(terms)

    def held(text):
        return {t for t, ok in zip(terms, matcher.present(text), strict=True) if ok}

    assert held("routers forward packets") == set(terms) - {"ipv6"}  # "ipv6" matches by its spelling only
    assert held("网关 8080 0,crossmnt") == set()  # no word there has a meaning MiniLM reads
    assert held("the ipv6 tables") >= {"ipv6"}
