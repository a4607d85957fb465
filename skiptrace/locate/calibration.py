"""Small, dependency-free model fitting over NumPy: logistic regression (IRLS), isotonic maps,
and the calibration metrics the benchmarks report (ECE, Brier)."""

from __future__ import annotations

import numpy as np


def sigmoid(z: np.ndarray) -> np.ndarray:
    """The logistic function, stable for large |z|."""
    return np.exp(-np.logaddexp(0.0, -np.asarray(z, dtype=float)))


def fit_logistic(
    x: np.ndarray, y: np.ndarray, l2: float = 1e-2, iterations: int = 50
) -> np.ndarray:
    """Coefficients `[intercept, *weights]` of an L2-regularised logistic regression (IRLS).

    The intercept is not penalised. `x` is (n, k), `y` is 0/1 of length n.
    """
    x1 = np.column_stack([np.ones(len(x)), np.asarray(x, dtype=float)])
    y = np.asarray(y, dtype=float)
    beta = np.zeros(x1.shape[1])
    penalty = np.full(x1.shape[1], l2)
    penalty[0] = 0.0
    for _ in range(iterations):
        p = sigmoid(x1 @ beta)
        w = np.clip(p * (1 - p), 1e-9, None)
        gradient = x1.T @ (y - p) - penalty * beta
        hessian = (x1 * w[:, None]).T @ x1 + np.diag(penalty)
        step = np.linalg.solve(hessian, gradient)
        beta += step
        if np.max(np.abs(step)) < 1e-8:
            break
    return beta


def predict_logistic(beta: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Probabilities of a model fitted by `fit_logistic`."""
    return sigmoid(beta[0] + np.asarray(x, dtype=float) @ beta[1:])


def fit_isotonic(p: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A non-decreasing map (knots x, values y) from scores to frequencies (pool adjacent
    violators): flat over each pooled block, linear between blocks; see `apply_isotonic`."""
    order = np.argsort(p, kind="stable")
    xs, ys = np.asarray(p, dtype=float)[order], np.asarray(y, dtype=float)[order]
    values: list[float] = []
    weights: list[float] = []
    lows: list[float] = []
    highs: list[float] = []
    for x, v in zip(xs, ys, strict=True):
        values.append(v)
        weights.append(1.0)
        lows.append(x)
        highs.append(x)
        while len(values) > 1 and values[-2] >= values[-1]:
            w = weights[-2] + weights[-1]
            values[-2] = (values[-2] * weights[-2] + values[-1] * weights[-1]) / w
            weights[-2] = w
            highs[-2] = highs[-1]
            del values[-1], weights[-1], lows[-1], highs[-1]
    knots: list[float] = []
    levels: list[float] = []
    for lo, hi, value in zip(lows, highs, values, strict=True):
        knots.extend((lo, hi) if hi > lo else (lo,))
        levels.extend((value, value) if hi > lo else (value,))
    return np.array(knots), np.array(levels)


def apply_isotonic(knots: np.ndarray, values: np.ndarray, p: np.ndarray) -> np.ndarray:
    """Interpolate the isotonic map at `p` (flat beyond the end knots)."""
    return np.interp(np.asarray(p, dtype=float), knots, values)


def expected_calibration_error(p: np.ndarray, y: np.ndarray, bins: int = 10) -> float:
    """ECE: the count-weighted mean |mean(p) - mean(y)| over equal-width probability bins."""
    p, y = np.asarray(p, dtype=float), np.asarray(y, dtype=float)
    if len(p) == 0:
        return 0.0
    index = np.minimum((p * bins).astype(int), bins - 1)
    total = 0.0
    for b in range(bins):
        mask = index == b
        if mask.any():
            total += mask.sum() * abs(p[mask].mean() - y[mask].mean())
    return float(total / len(p))


def brier_score(p: np.ndarray, y: np.ndarray) -> float:
    """Mean squared error of probabilities against 0/1 outcomes."""
    p, y = np.asarray(p, dtype=float), np.asarray(y, dtype=float)
    return float(np.mean((p - y) ** 2)) if len(p) else 0.0
