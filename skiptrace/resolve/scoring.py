"""Score candidate pairs: per-field match weights, total weight and match probability.

Vectorised over the comparison vectors with NumPy lookups; the per-field weights are kept
(``w_<comparison>`` columns) so every link can be explained.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pyarrow as pa

from skiptrace.resolve.comparisons import Comparison
from skiptrace.resolve.model import ModelParams
from skiptrace.resolve.term_frequencies import tf_adjustment, tf_table_name

SCORES_TABLE = "rs_scores"


def field_weights(
    comparisons: tuple[Comparison, ...], params: ModelParams, columns: dict[str, np.ndarray]
) -> dict[str, np.ndarray]:
    """Per-field match weights for level arrays (and ``tf_<column>`` frequency arrays)."""
    out: dict[str, np.ndarray] = {}
    for c in comparisons:
        levels = columns[c.name].astype(np.int64)
        w = params.weights(c.name)[levels + 1]
        for value, lv in zip(range(len(c.levels), 0, -1), c.levels, strict=True):
            if lv.tf and f"tf_{lv.tf}" in columns:
                tf = np.asarray(columns[f"tf_{lv.tf}"], dtype=float)
                adj = tf_adjustment(params.u[c.name][value], tf)
                w = w + np.where(levels == value, adj, 0.0)
        out[c.name] = w
    return out


def score_pairs(
    con: duckdb.DuckDBPyConnection,
    comparisons: tuple[Comparison, ...],
    params: ModelParams,
    vectors: str,
    *,
    min_probability: float = 0.0,
    table: str = SCORES_TABLE,
    batch_rows: int = 2_000_000,
) -> int:
    """Create ``table(id_l, id_r, match_weight, match_probability, w_<field>...)``.

    ``vectors`` is a table or a parenthesised query of comparison vectors; it is read in
    batches of ``batch_rows``, so memory stays bounded whatever the number of pairs. Only
    pairs with probability >= ``min_probability`` are kept. Returns the row count.
    """
    tf_cols = sorted({lv.tf for c in comparisons for lv in c.levels if lv.tf})
    joins = " ".join(
        f"LEFT JOIN {tf_table_name(col)} t_{col} ON t_{col}.value = v.tf_{col}" for col in tf_cols
    )
    tf_select = "".join(f", t_{col}.tf AS tf_{col}" for col in tf_cols)
    names = ", ".join(f"v.{c.name}" for c in comparisons)
    reader = con.execute(
        f"SELECT v.id_l, v.id_r, {names}{tf_select} FROM {vectors} v {joins}"
    ).to_arrow_reader(batch_rows)
    kept = [_score_batch(comparisons, params, batch, min_probability) for batch in reader]
    schema = pa.schema(
        [("id_l", pa.int64()), ("id_r", pa.int64())]
        + [(k, pa.float64()) for k in ("match_weight", "match_probability")]
        + [(f"w_{c.name}", pa.float64()) for c in comparisons]
    )
    scores = pa.Table.from_batches([b for b in kept if b.num_rows], schema=schema)
    con.register("rs_scores_arrow", scores)
    con.execute(f"CREATE OR REPLACE TEMP TABLE {table} AS SELECT * FROM rs_scores_arrow")
    con.unregister("rs_scores_arrow")
    return scores.num_rows


def _score_batch(
    comparisons: tuple[Comparison, ...],
    params: ModelParams,
    batch: pa.RecordBatch,
    min_probability: float,
) -> pa.RecordBatch:
    """The scored rows of one batch of comparison vectors at or above ``min_probability``."""
    fill = {name: batch.column(name).to_numpy(zero_copy_only=False) for name in batch.schema.names}
    fill = {k: v.astype(float) if k.startswith("tf_") else v for k, v in fill.items()}
    weights = field_weights(comparisons, params, fill)
    total = params.prior_weight() + sum(weights.values(), np.zeros(batch.num_rows))
    prob = 1.0 / (1.0 + np.exp2(-np.clip(total, -1000, 1000)))
    keep = prob >= min_probability
    data = {
        "id_l": fill["id_l"][keep],
        "id_r": fill["id_r"][keep],
        "match_weight": total[keep],
        "match_probability": prob[keep],
    }
    data.update({f"w_{k}": v[keep] for k, v in weights.items()})
    return pa.RecordBatch.from_pydict(data)
