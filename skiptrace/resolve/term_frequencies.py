"""Term frequencies: how common each value of a column is among the records.

A level flagged ``tf`` (e.g. exact surname) is adjusted per value: agreeing on a value held
by a share ``p`` of the records has likelihood ratio ``m / p`` instead of ``m / u``, so the
adjustment added to the level's weight is ``log2(u / p)``: a 'Smith' agreement counts
less than a 'Szczepanski' one.

The same tables carry the model's learned first-name aliases (``rs_first_aliases``): two
first names on records that agree on the full SSN and the full date of birth, which no
nickname key and no Jaro-Winkler >= 0.80 relates already (nicknames missing from the table,
such as SUZY for SUSAN). They are added to the records' ``first_keys``, which the
clustering's first-name compatibility reads (the comparison levels do not), and kept with
the frequencies, so an incremental run uses those of the run that trained the model.
"""

from __future__ import annotations

import duckdb
import numpy as np

from skiptrace.resolve.records import RECORDS_TABLE, add_aliases

ALIASES_TABLE = "rs_first_aliases"
SAVED_ALIASES = "resolve_first_aliases"
MAX_ALIAS_NAMES = 4  # an SSN + DOB seen with more first names than this teaches nothing


def tf_table_name(column: str) -> str:
    """Name of the working table holding the frequencies of ``column``."""
    return f"rs_tf_{column}"


def build_tf_tables(con: duckdb.DuckDBPyConnection, columns: list[str]) -> None:
    """Create ``rs_tf_<column>(value, tf)`` for each column from ``rs_records``, and learn
    and apply the first-name aliases."""
    _build_frequencies(con, columns)
    learn_aliases(con)
    add_aliases(con, ALIASES_TABLE)


def learn_aliases(con: duckdb.DuckDBPyConnection) -> None:
    """Create ``rs_first_aliases(a, b)`` from ``rs_records`` (see the module docstring)."""
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {ALIASES_TABLE} AS "
        f"WITH r AS (SELECT DISTINCT first_name AS name, first_keys AS keys, ssn, dob_digits "
        f"FROM {RECORDS_TABLE} WHERE ssn IS NOT NULL AND dob_digits IS NOT NULL "
        f"AND length(first_name) > 1), "
        f"g AS (SELECT * FROM r QUALIFY count(*) OVER (PARTITION BY ssn, dob_digits) <= ?) "
        f"SELECT DISTINCT x.name AS a, y.name AS b FROM g x JOIN g y "
        f"ON x.ssn = y.ssn AND x.dob_digits = y.dob_digits AND x.name < y.name "
        f"WHERE NOT list_has_any(coalesce(x.keys, [x.name]), coalesce(y.keys, [y.name])) "
        f"AND jaro_winkler_similarity(x.name, y.name) < 0.80",
        [MAX_ALIAS_NAMES],
    )


def _build_frequencies(con: duckdb.DuckDBPyConnection, columns: list[str]) -> None:
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
    con.execute(f"CREATE OR REPLACE TABLE {SAVED_ALIASES} AS SELECT * FROM {ALIASES_TABLE}")


def load_tf_tables(con: duckdb.DuckDBPyConnection, columns: list[str]) -> None:
    """Use the model's saved frequencies and aliases; compute any that were never saved.

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
            _build_frequencies(con, [col])
    if SAVED_ALIASES in tables:
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {ALIASES_TABLE} AS SELECT * FROM {SAVED_ALIASES}"
        )
    else:
        learn_aliases(con)
    add_aliases(con, ALIASES_TABLE)


def tf_adjustment(u_level: float, tf: np.ndarray) -> np.ndarray:
    """Weight adjustment ``log2(u / tf)`` where ``tf`` is known, else 0 (NaN tf)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        adj = np.log2(u_level / tf)
    return np.where(np.isfinite(adj), adj, 0.0)
