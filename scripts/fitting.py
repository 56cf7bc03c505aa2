"""What every fitting script shares: one logistic fitter, one fold splitter, one record of what was fitted on."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float = 1.0, balanced: bool = True) -> tuple[np.ndarray, float]:
    """(coefficients, intercept) of an L2-regularised logistic regression by Newton's method.

    balanced weighs each class to half the total, so a set with few unanswerable questions still moves the fit;
    the intercept is not regularised.
    """
    xb = np.hstack([x, np.ones((len(x), 1))])
    if balanced:
        sw = np.where(y == 1, len(y) / (2 * max(y.sum(), 1)), len(y) / (2 * max((1 - y).sum(), 1)))
    else:
        sw = np.ones(len(y))
    beta = np.zeros(xb.shape[1])
    reg = np.eye(xb.shape[1]) * l2
    reg[-1, -1] = 0
    for _ in range(50):
        p = 1 / (1 + np.exp(-np.clip(xb @ beta, -30, 30)))
        grad = xb.T @ (sw * (p - y)) + reg @ beta
        hess = (xb * (sw * p * (1 - p))[:, None]).T @ xb + reg
        step = np.linalg.solve(hess, grad)
        beta -= step
        if np.abs(step).max() < 1e-8:
            break
    return beta[:-1], float(beta[-1])


def fold_of(key: str, k: int) -> int:
    """The fold (0..k-1) of a question, from its text: the same on every machine and run, whatever the order."""
    return int(hashlib.sha1(key.encode()).hexdigest(), 16) % k


def data_record(paths: list[Path], root: Path) -> list[dict]:
    """The data sets a fit read, each with its sha256, as a fitted file records them."""
    return [
        {
            "path": str(p.relative_to(root) if p.is_relative_to(root) else p.name),
            "sha256": hashlib.sha256(p.read_bytes()).hexdigest(),
        }
        for p in paths
    ]


def data_files(paths: list[Path], project: Path) -> list[dict]:
    """The sets with their sha256: the project's relative to it, ../shared's as "../shared/..."."""
    inside = [p for p in paths if p.resolve().is_relative_to(project)]
    outside = [d | {"path": f"../{d['path']}"} for d in data_record([p for p in paths if p not in inside], project.parent)]
    return data_record(inside, project) + outside
