"""The NumPy fitting kernels: logistic IRLS, isotonic maps, ECE and Brier."""

from __future__ import annotations

import numpy as np
import pytest

from skiptrace.locate.calibration import (
    apply_isotonic,
    brier_score,
    expected_calibration_error,
    fit_isotonic,
    fit_logistic,
    predict_logistic,
    sigmoid,
)


def test_logistic_recovers_known_coefficients() -> None:
    rng = np.random.default_rng(3)
    x = rng.normal(size=(20_000, 2))
    truth = np.array([-0.5, 2.0, -1.0])
    y = rng.random(20_000) < sigmoid(truth[0] + x @ truth[1:])
    beta = fit_logistic(x, y, l2=0.0)
    assert np.allclose(beta, truth, atol=0.08)
    assert predict_logistic(beta, np.array([[1.0, 0.0]]))[0] > 0.7


def test_sigmoid_is_stable_at_extremes() -> None:
    values = sigmoid(np.array([-1000.0, 0.0, 1000.0]))
    assert np.all(np.isfinite(values))
    assert values.tolist() == pytest.approx([0.0, 0.5, 1.0])


def _naive_isotonic(p: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Obviously-correct PAV on sorted data: repeatedly merge the first violating pair."""
    order = np.argsort(p, kind="stable")
    blocks = [[float(v)] for v in y[order]]
    merged = True
    while merged:
        merged = False
        for i in range(len(blocks) - 1):
            if np.mean(blocks[i]) >= np.mean(blocks[i + 1]):
                blocks[i] += blocks.pop(i + 1)
                merged = True
                break
    return np.array([np.mean(b) for b in blocks for _ in b])


@pytest.mark.parametrize("seed", range(25))
def test_isotonic_matches_naive_pav(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 40))
    p = rng.permutation(n) / n  # distinct scores: one fitted value per score
    y = (rng.random(n) < p).astype(float)
    knots, values = fit_isotonic(p, y)
    assert np.all(np.diff(values) >= 0) and np.all(np.diff(knots) > 0)
    fitted = apply_isotonic(knots, values, np.sort(p))
    assert np.allclose(fitted, _naive_isotonic(p, y))


def test_ece_separates_calibrated_from_overconfident() -> None:
    rng = np.random.default_rng(5)
    p = rng.random(50_000)
    y = rng.random(50_000) < p
    assert expected_calibration_error(p, y) < 0.01
    assert expected_calibration_error(np.ones_like(p), y) == pytest.approx(1 - y.mean())
    assert brier_score(p, y) == pytest.approx(np.mean((p - y) ** 2))
