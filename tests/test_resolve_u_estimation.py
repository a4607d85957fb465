"""u estimation from random pairs, and the nickname join of the comparison SQL."""

from __future__ import annotations

import random

import duckdb
import numpy as np
import pyarrow as pa

from skiptrace.resolve.comparisons import (
    DOB,
    FIRST_NAME,
    LAST_NAME,
    SSN,
    compute_vectors,
    vectors_select_sql,
)
from skiptrace.resolve.records import NICKNAMES_TABLE, RECORD_COLUMNS, load_records
from skiptrace.resolve.u_estimation import SAMPLE_TABLE, estimate_u

FIRSTS = ["ann", "anne", "bob", "robert", "carl", "carla", "dan", "x"]
LASTS = ["smith", "smyth", "jones", "brown", "browne", "lee"]


def _records(n: int, seed: int) -> pa.Table:
    rng = random.Random(seed)
    rows = []
    for rid in range(n):
        row: dict[str, object] = dict.fromkeys(RECORD_COLUMNS)
        first = rng.choice(FIRSTS)
        row.update(
            record_id=rid,
            source="s",
            first_name=first,
            first_keys=["robert", "bob"] if first in ("bob", "robert") else [first],
            last_name=rng.choice(LASTS),
            ssn="".join(rng.choice("0123") for _ in range(9)),
        )
        row["ssn_last4"] = str(row["ssn"])[-4:]
        rows.append(row)
    return pa.Table.from_pylist(rows)


def _frequencies(con: duckdb.DuckDBPyConnection, pairs: str, name: str, n_levels: int) -> list:
    compute_vectors(con, (FIRST_NAME, LAST_NAME, SSN), pairs=pairs, table="test_vectors")
    got = con.execute(f"SELECT {name} FROM test_vectors").fetchnumpy()[name].astype(np.int64)
    k = np.bincount(got[got >= 0], minlength=n_levels + 1) + 0.5
    return list(k / k.sum())


def test_u_of_a_share_counts_the_leading_pairs_of_the_sample() -> None:
    con = duckdb.connect()
    con.register("input_rows", _records(200, seed=3))
    load_records(con, con.sql("SELECT * FROM input_rows"))
    u, n = estimate_u(con, (FIRST_NAME, LAST_NAME, SSN), n_pairs=2000, seed=7)
    assert n == con.execute(f"SELECT count(*) FROM {SAMPLE_TABLE}").fetchall()[0][0]
    sample = con.execute(f"SELECT id_l, id_r FROM {SAMPLE_TABLE}").fetchnumpy()
    leading = {k: v[: int(n * 0.25)] for k, v in sample.items()}
    con.register("leading_arrow", pa.table(leading))
    con.execute("CREATE TEMP TABLE leading_pairs AS SELECT * FROM leading_arrow")
    for c in (FIRST_NAME, LAST_NAME):
        assert c.u_share == 0.25
        assert u[c.name] == _frequencies(con, "leading_pairs", c.name, len(c.levels))
    assert u["ssn"] == _frequencies(con, SAMPLE_TABLE, "ssn", len(SSN.levels))


def test_nickname_table_is_joined_only_when_the_sql_uses_it() -> None:
    assert NICKNAMES_TABLE in vectors_select_sql((FIRST_NAME,), "p")
    assert NICKNAMES_TABLE not in vectors_select_sql((SSN, DOB), "p")
    assert NICKNAMES_TABLE in vectors_select_sql((SSN,), "p", extra=", nk.a IS NOT NULL AS x")
