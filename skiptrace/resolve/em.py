"""Expectation-maximisation of m and the match share over aggregated comparison vectors.

Runs on the distinct comparison vectors and their counts (a GROUP BY of the level columns),
so it costs milliseconds whatever the number of pairs. u stays fixed (from random pairs).
"""

from __future__ import annotations

import math

import numpy as np

from skiptrace.resolve.comparisons import Comparison
from skiptrace.resolve.model import ModelParams


def estimate_m_em(
    patterns: dict[str, np.ndarray],
    counts: np.ndarray,
    comparisons: tuple[Comparison, ...],
    u: dict[str, list[float]],
    *,
    max_iterations: int = 200,
    tolerance: float = 1e-7,
    prior: float = 0.1,
) -> tuple[ModelParams, np.ndarray]:
    """EM over distinct comparison vectors (``patterns``: level arrays, ``counts``).

    Returns the parameters (``prior`` = match share among these pairs) and the match
    posterior of each pattern. Deterministic: the start values are fixed.
    """
    counts = counts.astype(float)
    idx = {c.name: patterns[c.name].astype(np.int64) for c in comparisons}
    log_u = np.zeros(len(counts))
    for c in comparisons:
        table = np.log(np.asarray(u[c.name]))
        log_u += np.where(idx[c.name] >= 0, table[idx[c.name]], 0.0)
    m: dict[str, list[float]] = {}
    for c in comparisons:  # start: strong levels likely among matches
        start = 2.0 ** np.arange(len(c.levels) + 1)
        m[c.name] = list(start / start.sum())
    iteration = 0
    for iteration in range(1, max_iterations + 1):  # noqa: B007
        log_m = np.zeros(len(counts))
        for c in comparisons:
            table = np.log(np.asarray(m[c.name]))
            log_m += np.where(idx[c.name] >= 0, table[idx[c.name]], 0.0)
        log_odds = math.log(prior / (1 - prior)) + log_m - log_u
        post = 1.0 / (1.0 + np.exp(-np.clip(log_odds, -700, 700)))
        w = post * counts
        new_prior = float(w.sum() / counts.sum())
        delta = abs(new_prior - prior)
        for c in comparisons:
            i = idx[c.name]
            k = np.bincount(i[i >= 0], weights=w[i >= 0], minlength=len(c.levels) + 1) + 1e-3
            new_m = k / k.sum()
            delta = max(delta, float(np.abs(new_m - np.asarray(m[c.name])).max()))
            m[c.name] = list(new_m)
        prior = min(max(new_prior, 1e-9), 1 - 1e-9)
        if delta < tolerance:
            break
    return ModelParams(prior=prior, m=m, u=u, em_iterations=iteration), post
