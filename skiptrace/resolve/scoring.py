"""Score candidate pairs: per-field match weights, total weight and match probability.

Vectorised over the comparison vectors with NumPy lookups; the per-field weights are kept
(``w_<comparison>`` columns) so every link can be explained.
"""

from __future__ import annotations

import contextlib
import tempfile
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from skiptrace.resolve.comparisons import Comparison
from skiptrace.resolve.model import ModelParams
from skiptrace.resolve.term_frequencies import tf_adjustment, tf_table_name

SCORES_TABLE = "rs_scores"


def field_weights(
    comparisons: tuple[Comparison, ...], params: ModelParams, columns: dict[str, np.ndarray]
) -> dict[str, np.ndarray]:
    """Per-field match weights for level arrays (and ``tf_<column>`` frequency arrays).

    A term-frequency adjustment is computed for the rows at its level only."""
    out: dict[str, np.ndarray] = {}
    for c in comparisons:
        levels = np.asarray(columns[c.name])
        w = params.weights(c.name)[levels.astype(np.intp) + 1]
        for value, lv in zip(range(len(c.levels), 0, -1), c.levels, strict=True):
            if lv.tf and f"tf_{lv.tf}" in columns:
                at = np.flatnonzero(levels == value)
                tf = np.asarray(columns[f"tf_{lv.tf}"], dtype=float)[at]
                w[at] += tf_adjustment(params.u[c.name][value], tf)
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
    spill_rows: int = 4_000_000,
) -> int:
    """Create ``table(id_l, id_r, match_weight, match_probability, w_<field>...)``.

    ``vectors`` is a table or a parenthesised query of comparison vectors; it is read in
    batches of ``batch_rows``, so memory stays bounded whatever the number of pairs. Only
    pairs with probability >= ``min_probability`` are kept, in memory up to ``spill_rows``
    rows; beyond that they go to a Parquet file next to the store (DuckDB cannot take them
    while the vectors are being read), so memory stays bounded whatever the number of
    links too. Returns the row count.
    """
    tf_cols = sorted({lv.tf for c in comparisons for lv in c.levels if lv.tf})
    joins = " ".join(
        f"LEFT JOIN {tf_table_name(col)} t_{col} ON t_{col}.value = v.tf_{col}" for col in tf_cols
    )
    tf_select = "".join(f", t_{col}.tf AS tf_{col}" for col in tf_cols)
    names = ", ".join(f"v.{c.name}" for c in comparisons)
    spill_dir = _spill_dir(con)  # before the reader: a query on ``con`` would end it
    reader = con.execute(
        f"SELECT v.id_l, v.id_r, {names}{tf_select} FROM {vectors} v {joins}"
    ).to_arrow_reader(batch_rows)
    schema = pa.schema(
        [("id_l", pa.int64()), ("id_r", pa.int64())]
        + [(k, pa.float64()) for k in ("match_weight", "match_probability")]
        + [(f"w_{c.name}", pa.float64()) for c in comparisons]
    )
    create = f"CREATE OR REPLACE TEMP TABLE {table} AS SELECT * FROM "
    with contextlib.ExitStack() as stack:
        writer: pq.ParquetWriter | None = None
        kept: list[pa.RecordBatch] = []
        held = rows = 0
        for batch in reader:
            scored = _score_batch(comparisons, params, batch, min_probability)
            kept.append(scored)
            held += scored.num_rows
            rows += scored.num_rows
            if held > spill_rows:
                if writer is None:
                    tmp = stack.enter_context(
                        tempfile.TemporaryDirectory(prefix="rs_scores_", dir=spill_dir)
                    )
                    spill = Path(tmp) / "scores.parquet"
                    writer = stack.enter_context(
                        pq.ParquetWriter(spill, schema, compression="none")
                    )
                writer.write_table(pa.Table.from_batches(kept, schema=schema))
                kept, held = [], 0
        if writer is not None:
            writer.write_table(pa.Table.from_batches(kept, schema=schema))
            writer.close()
            con.execute(create + "read_parquet(?)", [spill.as_posix()])
        else:
            con.register("rs_scores_arrow", pa.Table.from_batches(kept, schema=schema))
            try:
                con.execute(create + "rs_scores_arrow")
            finally:
                con.unregister("rs_scores_arrow")
    return rows


def _spill_dir(con: duckdb.DuckDBPyConnection) -> str | None:
    """The directory of the connection's database file (None for an in-memory one)."""
    rows = con.execute(
        "SELECT path FROM duckdb_databases() WHERE database_name = current_database()"
    ).fetchall()
    return str(Path(rows[0][0]).resolve().parent) if rows and rows[0][0] else None


def _score_batch(
    comparisons: tuple[Comparison, ...],
    params: ModelParams,
    batch: pa.RecordBatch,
    min_probability: float,
) -> pa.RecordBatch:
    """The scored rows of one batch of comparison vectors at or above ``min_probability``."""
    fill = {name: batch.column(name).to_numpy(zero_copy_only=False) for name in batch.schema.names}
    weights = field_weights(comparisons, params, fill)
    total = np.zeros(batch.num_rows)
    for w in weights.values():
        total += w
    total = params.prior_weight() + total
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
