"""Term frequencies: how common each value of a column is among the records.

A level flagged ``tf`` (e.g. exact surname) is adjusted per value: agreeing on a value held
by a share ``p`` of the records has likelihood ratio ``m / p`` instead of ``m / u``, so the
adjustment added to the level's weight is ``log2(u / p)``: a 'Smith' agreement counts
less than a 'Szczepanski' one.
"""

from __future__ import annotations

import duckdb
import numpy as np

from skiptrace.resolve.records import RECORDS_TABLE


def tf_table_name(column: str) -> str:
    """Name of the working table holding the frequencies of ``column``."""
    return f"rs_tf_{column}"


def build_tf_tables(con: duckdb.DuckDBPyConnection, columns: list[str]) -> None:
    """Create ``rs_tf_<column>(value, tf)`` for each column from ``rs_records``."""
    for col in columns:
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {tf_table_name(col)} AS "
            f"SELECT {col} AS value, count(*) / sum(count(*)) OVER () AS tf "
            f"FROM {RECORDS_TABLE} WHERE {col} IS NOT NULL GROUP BY {col}"
        )


def saved_tf_name(column: str) -> str:
    """Name of the store table keeping the frequencies of ``column`` with the model."""
    return f"resolve_tf_{column}"


def save_tf_tables(con: duckdb.DuckDBPyConnection, columns: list[str]) -> None:
    """Keep the working frequency tables in the store, as part of the model."""
    for col in columns:
        con.execute(
            f"CREATE OR REPLACE TABLE {saved_tf_name(col)} AS SELECT * FROM {tf_table_name(col)}"
        )


def load_tf_tables(con: duckdb.DuckDBPyConnection, columns: list[str]) -> None:
    """Use the model's saved frequencies; compute any that were never saved.

    Incremental runs score new pairs with the same frequencies as the run that trained the
    model, so they give the persons a full rebuild with that model gives.
    """
    tables = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    for col in columns:
        if saved_tf_name(col) in tables:
            con.execute(
                f"CREATE OR REPLACE TEMP TABLE {tf_table_name(col)} AS "
                f"SELECT * FROM {saved_tf_name(col)}"
            )
        else:
            build_tf_tables(con, [col])


def tf_adjustment(u_level: float, tf: np.ndarray) -> np.ndarray:
    """Weight adjustment ``log2(u / tf)`` where ``tf`` is known, else 0 (NaN tf)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        adj = np.log2(u_level / tf)
    return np.where(np.isfinite(adj), adj, 0.0)
