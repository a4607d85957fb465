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


def tf_adjustment(u_level: float, tf: np.ndarray) -> np.ndarray:
    """Weight adjustment ``log2(u / tf)`` where ``tf`` is known, else 0 (NaN tf)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        adj = np.log2(u_level / tf)
    return np.where(np.isfinite(adj), adj, 0.0)
