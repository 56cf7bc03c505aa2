"""The pairwise ranker behind the Chinese ranking fits: it learns which evidence puts answers first."""

from __future__ import annotations

import numpy as np

from scripts.pairwise_ranker import choose, fit_pairwise, folds, mrr, rank_of


def test_rank_of_is_the_first_answer_s_rank_in_the_given_or_the_weighted_order():
    x, y = np.array([[0.1], [0.9], [0.5]]), np.array([False, False, True])
    assert rank_of(x, y, None) == 3 and rank_of(x, y, np.array([1.0])) == 2 and rank_of(x, y, np.array([-1.0])) == 2
    assert rank_of(x, np.zeros(3, bool), None) is None


def test_mrr_counts_ranks_up_to_10_and_none_as_zero():
    assert mrr([1, 2, None, 11]) == (1 + 0.5) / 4


def test_the_fitted_weights_favour_the_feature_that_marks_answers():
    rng = np.random.default_rng(0)
    groups = []
    for _ in range(10):
        x = rng.random((6, 2))
        y = np.zeros(6, bool)
        y[np.argmax(x[:, 1])] = True  # the second feature marks the answer; the first is noise
        groups.append((x, y))
    w = fit_pairwise(groups, 10.0)
    assert w[1] > 0 and abs(w[0]) < w[1]
    strength, models = choose(groups)
    # Each question ranked by the fold model that did not see it: the answer first in 9 of 10 (0.1: the
    # strength whose fold models do best).
    assert strength == 0.1 and sorted(models) == list(range(10))
    assert [rank_of(*groups[i], models[i]) for i in range(10)] == [1, 1, 1, 1, 1, 1, 1, 3, 1, 1]


def test_folds_split_every_question_into_exactly_one_fold():
    parts = folds(12)
    assert len(parts) == 5 and sorted(i for p in parts for i in p) == list(range(12))
