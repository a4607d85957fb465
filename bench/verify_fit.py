"""Fit the verify risk model on a simulated *fit* world and write the packaged parameters.

    python3 bench/verify_fit.py WORLD_DIR STORE [--threshold-fpr 0.015] [--out PATH]

The default review threshold is the lowest score whose false-positive rate on the fit
world's genuine applications is at most `--threshold-fpr`, measured on *out-of-fold* scores
(`--splits` random 2-fold splits of the fit world, FPR averaged over them): in-sample scores
are optimistic and put a fresh world's FPR above the target. Never run on the eval world.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from skiptrace.verify.features import FEATURE_NAMES
from skiptrace.verify.fit import gated_verifier, screen_world
from skiptrace.verify.model import (
    FITTED_FILE,
    VerifyParams,
    fit_params,
    risk_scores,
    save_params,
)


def cross_validated_loss(x: np.ndarray, given: np.ndarray, y: np.ndarray, l2: float) -> float:
    """Mean log-loss of 2-fold cross-validation on the fit world (chooses the L2 penalty)."""
    fold = np.arange(len(y)) % 2 == 0
    loss = 0.0
    for train in (fold, ~fold):
        params = fit_params(x[train], given[train], y[train], l2=l2)
        p = np.clip(params.probability(x[~train], given[~train]), 1e-6, 1 - 1e-6)
        loss -= float(np.sum(y[~train] * np.log(p) + (1 - y[~train]) * np.log(1 - p)))
    print(f"  l2 {l2:g}: 2-fold log-loss {loss / len(y):.4f}")
    return loss / len(y)


def out_of_fold_scores(
    x: np.ndarray, given: np.ndarray, y: np.ndarray, l2: float, splits: int
) -> np.ndarray:
    """(splits, n) risk scores, each application scored by a model fitted on the other half."""
    rng = np.random.default_rng(0)
    scores = np.zeros((splits, len(y)), dtype=int)
    for k in range(splits):
        fold = rng.random(len(y)) < 0.5
        for train in (fold, ~fold):
            params = fit_params(x[train], given[train], y[train], l2=l2)
            scores[k, ~train] = risk_scores(params.probability(x[~train], given[~train]))
    return scores


def wilson_upper(rate: float, n: int, z: float = 1.645) -> float:
    """One-sided 95% Wilson upper bound of a rate measured on `n` applications."""
    centre = rate + z * z / (2 * n)
    spread = z * np.sqrt(rate * (1 - rate) / n + z * z / (4 * n * n))
    return float((centre + spread) / (1 + z * z / n))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("world", type=Path)
    parser.add_argument("store", type=Path)
    parser.add_argument("--threshold-fpr", type=float, default=0.015)
    parser.add_argument("--splits", type=int, default=5)
    parser.add_argument("--out", type=Path, default=FITTED_FILE)
    parser.add_argument("--l2", type=float, nargs="+", default=[1.0, 0.3, 0.1, 0.03, 0.01])
    args = parser.parse_args()
    k = len(FEATURE_NAMES)
    blank = VerifyParams(list(FEATURE_NAMES), [0.0] * (k + 1), [0, 1], [0, 1], [0.0] * k)
    started = time.perf_counter()
    with gated_verifier(args.store, blank) as verifier:
        labelled = screen_world(args.world, verifier)
    s, y = labelled.screen, labelled.y
    l2 = min(args.l2, key=lambda value: cross_validated_loss(s.x, s.given, y, value))
    params = fit_params(s.x, s.given, y, l2=l2)
    genuine = y == 0
    oof = out_of_fold_scores(s.x, s.given, y, l2, args.splits)
    params.threshold = next(
        t for t in range(101) if np.mean(oof[:, genuine] >= t) <= args.threshold_fpr
    )
    in_sample = risk_scores(params.probability(s.x, s.given))
    in_sample_threshold = next(
        t for t in range(101) if np.mean(in_sample[genuine] >= t) <= args.threshold_fpr
    )
    flagged = oof >= params.threshold
    print(
        f"threshold {params.threshold} (in-sample rule: {in_sample_threshold}); out-of-fold "
        f"FPR {flagged[:, genuine].mean():.4f} (95% upper bound "
        f"{wilson_upper(flagged[:, genuine].mean(), int(genuine.sum())):.4f}), "
        f"recall {flagged[:, y == 1].mean():.3f}, "
        f"in-sample FPR {np.mean(in_sample[genuine] >= params.threshold):.4f}"
    )
    params.fitted_on |= {
        "world": str(args.world),
        "threshold_fpr": args.threshold_fpr,
        "threshold_rule": f"out-of-fold, {args.splits} random 2-fold splits",
        "l2": l2,
    }
    save_params(params, args.out)
    print(f"screened {len(y)} applications in {time.perf_counter() - started:.1f} s")
    for name, w in zip(FEATURE_NAMES, params.beta[1:], strict=True):
        print(f"  {name:28s} {w:+6.2f}")
    print(f"intercept {params.beta[0]:+.2f}; threshold {params.threshold}; wrote {args.out}")


if __name__ == "__main__":
    main()
