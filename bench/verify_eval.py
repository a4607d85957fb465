"""Evaluate the packaged verify model on a simulated *eval* world (a seed not used to fit).

    python3 bench/verify_eval.py WORLD_DIR STORE [--params RISK_JSON]

Reports ROC AUC of risk_score, recall per tampering type and false-positive rate on genuine
applications at the documented default threshold, and calibration (ECE, reliability table).
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from pathlib import Path

import numpy as np

from skiptrace.locate.calibration import brier_score, expected_calibration_error
from skiptrace.verify.fit import gated_verifier, screen_world
from skiptrace.verify.model import load_params, risk_scores


def roc_auc(score: np.ndarray, y: np.ndarray) -> float:
    """Probability that a random tampered application outscores a random genuine one."""
    order = np.argsort(score, kind="stable")
    ranks = np.empty(len(score))
    sorted_scores = score[order]
    i = 0
    while i < len(score):  # average ranks over ties
        j = i
        while j + 1 < len(score) and sorted_scores[j + 1] == sorted_scores[i]:
            j += 1
        ranks[order[i : j + 1]] = (i + j) / 2 + 1
        i = j + 1
    pos = y == 1
    n_pos, n_neg = pos.sum(), (~pos).sum()
    return float((ranks[pos].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("world", type=Path)
    parser.add_argument("store", type=Path)
    parser.add_argument("--params", type=Path, help="a risk.json (default: the packaged one)")
    args = parser.parse_args()
    params = load_params(args.params)
    started = time.perf_counter()
    with gated_verifier(args.store, params) as verifier:
        labelled = screen_world(args.world, verifier)
    elapsed = time.perf_counter() - started
    s, y, types = labelled.screen, labelled.y, np.array(labelled.types)
    p = params.probability(s.x, s.given)
    scores = risk_scores(p)
    flagged = scores >= params.threshold
    genuine = y == 0
    print(f"applications {len(y)} ({int(y.sum())} tampered); screened in {elapsed:.1f} s")
    print(f"ROC AUC (risk_score) {roc_auc(scores.astype(float), y):.4f}")
    print(
        f"default threshold {params.threshold}: recall {flagged[y == 1].mean():.3f}, "
        f"FPR on genuine {flagged[genuine].mean():.4f}"
    )
    print("| tamper type | n | recall at threshold |\n| --- | ---: | ---: |")
    for kind, n in sorted(Counter(t for t in types if t).items()):
        print(f"| {kind} | {n} | {flagged[types == kind].mean():.3f} |")
    for fpr in (0.01, 0.02, 0.05):
        t = next(t for t in range(101) if np.mean(scores[genuine] >= t) <= fpr)
        print(f"at FPR <= {fpr:.0%}: threshold {t}, recall {np.mean(scores[y == 1] >= t):.3f}")
    print(f"ECE {expected_calibration_error(p, y):.4f}; Brier {brier_score(p, y):.4f}")
    print("| risk band | n | mean predicted | observed falsified |\n| --- | ---: | ---: | ---: |")
    for lo in range(0, 100, 10):
        band = (scores >= lo) & ((scores < lo + 10) if lo < 90 else (scores <= 100))
        if band.any():
            print(
                f"| {lo}-{lo + 9 if lo < 90 else 100} | {band.sum()} | {p[band].mean():.3f} "
                f"| {y[band].mean():.3f} |"
            )


if __name__ == "__main__":
    main()
