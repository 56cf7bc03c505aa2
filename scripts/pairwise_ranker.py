"""Pairwise logistic ranking with strength chosen out of fold: the models scripts/fit_chinese_ranking.py fits."""

from __future__ import annotations

import random

import numpy as np

FOLDS = 5
STRENGTHS = (0.1, 0.3, 1.0, 3.0, 10.0, 30.0)


def fit_pairwise(groups: list[tuple[np.ndarray, np.ndarray]], strength: float) -> np.ndarray:
    """Weights w such that w·x ranks the positives of each group above its negatives (logistic, L2)."""
    diffs = [p - n for x, y in groups for p in x[y] for n in x[~y]]
    if not diffs:
        return np.zeros(groups[0][0].shape[1])
    d = np.array(diffs)
    w = np.zeros(d.shape[1])
    for _ in range(50):
        p = 1 / (1 + np.exp(-(d @ w)))
        grad = -d.T @ (1 - p) / len(d) + w / (strength * len(d))
        hess = (d * (p * (1 - p))[:, None]).T @ d / len(d) + np.eye(d.shape[1]) / (strength * len(d))
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return w


def rank_of(x: np.ndarray, y: np.ndarray, w: np.ndarray | None) -> int | None:
    """1-based rank of the first positive when ordered by w·x (stable; None: as given), None when there is none."""
    order = np.arange(len(y)) if w is None else np.argsort(-(x @ w), kind="stable")
    return next((r for r, i in enumerate(order, start=1) if y[i]), None)


def folds(n: int) -> list[set[int]]:
    ids = list(range(n))
    random.Random(0).shuffle(ids)
    return [set(ids[f::FOLDS]) for f in range(FOLDS)]


def mrr(ranks) -> float:
    ranks = list(ranks)
    return sum(1 / r for r in ranks if r is not None and r <= 10) / len(ranks)


def choose(groups, strengths=STRENGTHS) -> tuple[float, dict[int, np.ndarray]]:
    """The strength with the best out-of-fold MRR, and each question's fold model under it."""
    best = None
    for s in strengths:
        models = {}
        for test in folds(len(groups)):
            w = fit_pairwise([g for i, g in enumerate(groups) if i not in test], s)
            models.update({i: w for i in test})
        score = mrr(rank_of(*groups[i], models[i]) for i in range(len(groups)))
        if best is None or score > best[0]:
            best = (score, s, models)
    return best[1], best[2]
