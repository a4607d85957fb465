"""Work priority: rank accounts by a score, highest first, ties in input order."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def priority_ranks(scores: Sequence[float | None] | np.ndarray) -> np.ndarray:
    """Rank 1..k of the rows with a score (highest first; equal scores keep input order).

    Rows whose score is None or NaN get rank 0: they are not worked (rejected, no hit,
    suppressed). Returns an int64 array aligned with `scores`.
    """
    values = np.asarray(scores, dtype=float)
    eligible = np.flatnonzero(~np.isnan(values))
    order = eligible[np.argsort(-values[eligible], kind="stable")]
    ranks = np.zeros(len(values), dtype=np.int64)
    ranks[order] = np.arange(1, len(order) + 1)
    return ranks
