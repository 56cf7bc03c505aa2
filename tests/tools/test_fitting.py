"""scripts/fitting.py: the one logistic fitter and fold splitter every fitting script uses."""

from __future__ import annotations

import numpy as np

from scripts.fitting import data_record, fit_logistic, fold_of


def test_the_fitter_separates_separable_classes_and_balances_them():
    x = np.array([[0.0], [0.1], [0.2], [0.8], [0.9], [1.0], [0.95], [0.85]])
    y = np.array([0, 0, 0, 1, 1, 1, 1, 1], dtype=float)
    coef, intercept = fit_logistic(x, y, l2=0.01)
    p = 1 / (1 + np.exp(-(x[:, 0] * coef[0] + intercept)))
    assert ((p >= 0.5) == (y == 1)).all() and coef[0] > 0


def test_more_regularisation_shrinks_the_coefficients():
    x = np.array([[0.0], [1.0], [0.2], [0.7]])
    y = np.array([0, 1, 0, 1], dtype=float)
    assert abs(fit_logistic(x, y, l2=10.0)[0][0]) < abs(fit_logistic(x, y, l2=0.1)[0][0])


def test_a_question_keeps_its_fold_whatever_else_is_fitted():
    questions = [f"question {i}?" for i in range(40)]
    folds = [fold_of(q, 5) for q in questions]
    assert folds == [fold_of(q, 5) for q in questions] and set(folds) == {0, 1, 2, 3, 4}


def test_a_data_record_names_each_file_with_its_hash(tmp_path):
    (tmp_path / "set.jsonl").write_text('{"id": "q1"}\n')
    assert data_record([tmp_path / "set.jsonl"], tmp_path) == [
        {"path": "set.jsonl", "sha256": "9b775bea6813dd9b7819468ae7516294ee8e0f91a38a04ff44a8cdc68effa741"}
    ]
