"""Answer levels: which candidate is shown first, how sure the reply is, and when it may claim an answer."""

from __future__ import annotations

import numpy as np
import pytest

from qa import Citation, Hit
from qa.answer.answers import Candidate
from qa.answer.levels import CONFIDENCE_FEATURES, FEATURES, Choice, LevelModel, choose, features, has_words, level, load_levels
from qa.answer.verdicts import Checks
from qa.retrieve.query import Query
from qa.retrieve.shape import shape
from qa.text import is_cjk

CHECKS = Checks(True, (), (), (), 0.0, 0.0, ())


def _query(text: str) -> Query:
    return Query(text, is_cjk(text), shape(text), text)


def _candidate(text: str, rank: int = 1, dense: float = 0.7) -> Candidate:
    hit = Hit(rank, 1.0, text, Citation("a.txt", "A", None, None, 0, len(text)), f"c{rank}", dense, 1.0)
    return Candidate(text, hit, 0, len(text), 0.5, 0.6, CHECKS, 1.0)


def _model(**weights: float) -> LevelModel:
    """A model whose sentence log-odds are the given features' weighted sum, its confidence the first logit."""
    coef = tuple(weights.get(f, 0.0) for f in FEATURES)
    return LevelModel(coef, 0.0, (1.0,) + (0.0,) * (len(CONFIDENCE_FEATURES) - 1), 0.0, 0.5)


@pytest.mark.parametrize(
    "text, expected",
    [("?!…", False), ("🙂🙂", False), ("— ¿? —", False), ("", False), ("What is IDex?", True), ("5G?", True), ("什么？", True)],
)
def test_a_question_needs_a_letter_a_digit_or_a_chinese_character(text, expected):
    assert has_words(text) is expected


def test_features_are_one_row_per_candidate_in_the_declared_order():
    found = [_candidate("The lamp was lit at dusk by the keeper.", 1), _candidate("It rained.", 2)]
    x = features(_query("Who lit the lamp?"), found)
    assert x.shape == (2, len(FEATURES))
    col = dict(zip(FEATURES, x[1], strict=True))
    assert (col["route_first"], col["route_rank"], col["hit_rank"], col["short"]) == (0.0, 0.5, 0.5, 1.0)


def test_the_sentence_model_decides_which_candidate_comes_first():
    found = [_candidate("The keeper lit it.", 1), _candidate("The lamp was lit at dusk by the keeper of the light.", 2)]
    choice = choose(_query("Who lit the lamp?"), found, _model(short=-3.0))
    assert [c.text for c in choice.candidates] == [found[1].text, found[0].text]


def test_a_sentence_in_the_questions_language_wins_when_nearly_as_likely():
    english = _candidate("The keeper lights the lamp every evening at dusk.", 2)
    chinese = _candidate("守塔人每天黄昏点亮灯塔的灯。", 1)
    found = [chinese, english]
    near = choose(_query("When does the keeper light the lamp?"), found, _model(route_first=0.5))
    far = choose(_query("When does the keeper light the lamp?"), found, _model(route_first=3.0))
    assert near.candidates[0] is english and far.candidates[0] is chinese
    assert choose(_query("守塔人什么时候点灯？"), [english, chinese], _model(route_first=0.5)).candidates[0] is chinese


def test_an_answer_needs_the_threshold_and_more_than_a_weak_match():
    c = [_candidate("The keeper lights the lamp at dusk.")]
    model = LevelModel(threshold=0.8)
    assert level(Choice(c, 0.85, False), model, "partial") == "answered"
    assert level(Choice(c, 0.79, False), model, "answered") == "partial"
    assert level(Choice(c, 0.95, True), model, "answered") == "partial"
    assert level(Choice(c, 0.5, False), model, "not_found") == "not_found"
    assert level(Choice([], 0.0, True), model, "not_found") == "not_found"


def test_a_weak_match_passage_is_flagged():
    weak = choose(_query("Who lit the lamp?"), [_candidate("The keeper lit the lamp.", dense=0.05)], _model())
    strong = choose(_query("Who lit the lamp?"), [_candidate("The keeper lit the lamp.", dense=0.9)], _model())
    assert (weak.weak, strong.weak) == (True, False)


def test_the_confidence_is_the_calibrated_probability_of_the_first_sentence():
    choice = choose(_query("Who lit the lamp?"), [_candidate("The keeper lit the lamp.")], _model(route_first=2.0))
    assert choice.confidence == pytest.approx(1 / (1 + np.exp(-2.0)), abs=1e-3)


def test_the_shipped_model_reads_the_declared_features_and_has_a_fold_per_document():
    models = load_levels()
    assert len(models.full.coef) == len(FEATURES) and len(models.full.conf_coef) == len(CONFIDENCE_FEATURES)
    assert 0.0 < models.full.threshold <= 1.0
    assert len(models.folds) >= 3 and all(models.held_out_for(q) is not None for q in models.fold_of)
