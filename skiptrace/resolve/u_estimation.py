"""u probabilities: comparison level frequencies among random record pairs.

Random pairs are almost all non-matches, so the level frequencies of a seeded uniform sample
estimate u (the classic Fellegi-Sunter estimate, as in Splink).
"""

from __future__ import annotations

import duckdb
import numpy as np
import pyarrow as pa

from skiptrace.resolve.comparisons import Comparison, vectors_select_sql
from skiptrace.resolve.records import RECORDS_TABLE

SAMPLE_TABLE = "rs_random_pairs"
SHARE_TABLE = "rs_random_pairs_share"


def _level_counts(levels: np.ndarray, n_levels: int, weights: np.ndarray) -> np.ndarray:
    """Weighted counts of level values 0..n_levels (missing, -1, excluded)."""
    mask = levels >= 0
    return np.bincount(levels[mask], weights=weights[mask], minlength=n_levels + 1)


def sample_random_pairs(
    con: duckdb.DuckDBPyConnection, n_pairs: int, seed: int, link_only: bool
) -> int:
    """Create ``rs_random_pairs(id_l, id_r)``: a seeded uniform sample of record pairs.

    Pairs are drawn with replacement (duplicates are harmless for frequencies); in
    ``link_only`` mode pairs within one source are dropped, from a larger draw, so that
    ``n_pairs`` cross-source pairs remain when the sources are of similar size.
    """
    rows = con.execute(
        f"SELECT record_id{', source' if link_only else ''} FROM {RECORDS_TABLE} ORDER BY record_id"
    ).fetchnumpy()
    ids = rows["record_id"].astype(np.int64)
    rng = np.random.default_rng(seed)
    draw = 2 * n_pairs if link_only else n_pairs
    left = rng.integers(0, len(ids), draw)
    right = rng.integers(0, len(ids), draw)
    keep = left != right
    if link_only:
        codes = np.unique(np.asarray(rows["source"], dtype=object), return_inverse=True)[1]
        keep &= codes[left] != codes[right]
    left, right = left[keep][:n_pairs], right[keep][:n_pairs]
    lo = np.minimum(ids[left], ids[right])
    hi = np.maximum(ids[left], ids[right])
    con.register("rs_sample_arrow", pa.table({"id_l": lo, "id_r": hi}))
    con.execute(f"CREATE OR REPLACE TEMP TABLE {SAMPLE_TABLE} AS SELECT * FROM rs_sample_arrow")
    con.unregister("rs_sample_arrow")
    return len(lo)


def estimate_u(
    con: duckdb.DuckDBPyConnection,
    comparisons: tuple[Comparison, ...],
    *,
    n_pairs: int = 500_000,
    seed: int = 42,
    link_only: bool = False,
) -> tuple[dict[str, list[float]], int]:
    """u per level from random pairs (add-half smoothing for unseen levels).

    A comparison with ``u_share < 1`` (costly string similarities whose levels are common
    among random pairs) is estimated on that leading share of the sample only.
    """
    n = sample_random_pairs(con, n_pairs, seed, link_only)
    u: dict[str, list[float]] = {}
    for share in sorted({c.u_share for c in comparisons}):
        group = tuple(c for c in comparisons if c.u_share == share)
        cols = ", ".join(c.name for c in group)
        pairs = SAMPLE_TABLE
        if (size := max(1, int(n * share))) < n:
            # a table of the leading pairs: joining through a LIMIT subquery costs twice the CPU
            con.execute(
                f"CREATE OR REPLACE TEMP TABLE {SHARE_TABLE} AS "
                f"SELECT * FROM {SAMPLE_TABLE} LIMIT {size}"
            )
            pairs = SHARE_TABLE
        rows = con.execute(
            f"SELECT {cols}, count(*) FROM ({vectors_select_sql(group, pairs)}) "
            f"GROUP BY ALL ORDER BY ALL"
        ).fetchnumpy()
        counts = rows["count_star()"].astype(float)
        for c in group:
            k = _level_counts(rows[c.name].astype(np.int64), len(c.levels), counts) + 0.5
            u[c.name] = list(k / k.sum())
    return u, n
