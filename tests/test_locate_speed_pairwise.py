"""The single-lookup fast path: Python levels equal the SQL levels; lookups equal the batch."""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import replace
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from skiptrace.batch.queries import QueryPolicy, build_query
from skiptrace.ingest import ingest_paths
from skiptrace.locate import pairwise
from skiptrace.locate.index import DERIVED_SQL, keys_sql
from skiptrace.locate.locator import Locator
from skiptrace.locate.matching import (
    _CODES,
    COMPARISONS,
    MAX_CANDIDATES,
    PAIRWISE,
    _levels_query,
    candidate_levels,
)
from skiptrace.locate.oracle import load_oracle_resolution
from skiptrace.locate.query_table import query_table
from skiptrace.locate.tables import PERSON_KEYS, PERSON_VALUES
from skiptrace.simulate import WorldConfig, simulate_world

CATALOG = Path(__file__).resolve().parent.parent / "sources"
NAMES = ["JON", "JOHN", "JONATHAN", "JOAN", "SMITH", "SMYTH", "J", "ANN", "ANNA", "NA", ""]
SSNS = ["123456789", "123456798", "123456780", "213456789", "12345678", "987654321"]
STREETS = ["MAIN ST", "MAIN AVE", "MAINE ST", "OAK RD"]


def _pool(values: list) -> st.SearchStrategy:
    """A value of a small pool (collisions and near misses are likely), or NULL."""
    return st.none() | st.sampled_from(values)


@st.composite
def records(draw: st.DrawFn) -> dict:
    first = draw(_pool(NAMES))
    dob = draw(_pool([dt.date(1980, 3, 4), dt.date(1980, 4, 3), dt.date(1980, 3, 5),
                      dt.date(1981, 3, 4), dt.date(1980, 3, 1)]))  # fmt: skip
    number, street, zip5 = (
        draw(_pool(["12", "21"])),
        draw(_pool(STREETS)),
        draw(_pool(["02134", "02139", "90210"])),
    )
    ssn = draw(_pool(SSNS))
    return {
        "first_name": first,
        "middle_name": draw(_pool(["Q", "QUINN", "R"])),
        "last_name": draw(_pool(NAMES)),
        "suffix": draw(_pool(["JR", "SR"])),
        "first_keys": None if first is None else sorted({first, draw(st.sampled_from(NAMES))}),
        "first_phonetic": draw(_pool(["JN", "AN"])),
        "last_phonetic": draw(_pool(["SMT", "JN"])),
        "dob": dob,
        "dob_precision": None if dob is None else draw(st.sampled_from(["day", "month", "year"])),
        "birth_year": None if dob is None else dob.year,
        "ssn": ssn,
        "ssn_last4": ssn[-4:] if ssn else draw(_pool(["6789", "4321"])),
        "addr_key": None if street is None else f"{number} {street}|{zip5}",
        "addr_number": number,
        "addr_street": street,
        "addr_street_key": None if street is None else f"{number} {street}|{zip5}",
        "addr_zip5": zip5,
        "addr_city": draw(_pool(["BOSTON", "CAMBRIDGE"])),
        "addr_state": draw(_pool(["MA", "CA"])),
        "phone": draw(_pool(["+16175550100", "+16175550101"])),
        "email_key": draw(_pool(["a@x.com", "b@x.com"])),
        "employer_key": draw(_pool(["ACME", "ACME INC", "GLOBEX"])),
    }


_TYPES = {
    "first_keys": pa.list_(pa.string()),
    "phones": pa.list_(pa.string()),
    "dob": pa.date32(),
    "birth_year": pa.int32(),
}


def _table(rows: list[dict]) -> pa.Table:
    return pa.table(
        {k: pa.array([r[k] for r in rows], _TYPES.get(k, pa.string())) for k in rows[0]}
    )


def test_the_python_mirror_matches_the_sql_comparisons() -> None:
    assert pairwise.sql_fingerprint(COMPARISONS, _CODES) == pairwise.SQL_FINGERPRINT
    assert PAIRWISE


@pytest.mark.slow
@settings(max_examples=60, deadline=None)
@given(records(), st.lists(records(), min_size=1, max_size=6), st.lists(_pool(["+16175550100"])))
def test_python_levels_and_codes_equal_the_sql(query: dict, person: list[dict], phones) -> None:
    query = {**query, "phones": sorted({p for p in phones if p}) or None}
    query = {k: (None if v == "" else v) for k, v in query.items()}  # queries never hold ''
    con = duckdb.connect()
    con.register("lq_in", _table([query]))
    con.register("rv_in", _table(person))
    levels = ", ".join(f"max({c.case_sql()}) AS {c.name}" for c in COMPARISONS)
    codes = ", ".join(
        f"CASE WHEN any_value({given_}) THEN coalesce(bool_or({agree}) "
        f"FILTER (WHERE {col} IS NOT NULL), false) END AS code_{name}"
        for name, (given_, agree, col) in _CODES.items()
    )
    sql = f"""
        WITH l AS (SELECT *, {DERIVED_SQL} FROM lq_in), r AS (SELECT *, {DERIVED_SQL} FROM rv_in),
        nk AS (SELECT DISTINCT x.first_name AS a, y.first_name AS b
               FROM (SELECT DISTINCT first_name, unnest(first_keys) AS key FROM l) x
               JOIN (SELECT DISTINCT first_name, unnest(first_keys) AS key FROM r) y USING (key)
               WHERE x.first_name <> y.first_name)
        SELECT {levels}, {codes} FROM l JOIN r ON true
        LEFT JOIN nk ON nk.a = l.first_name AND nk.b = r.first_name"""
    cursor = con.execute(sql)
    names = [d[0] for d in cursor.description]
    expected = dict(zip(names, cursor.fetchone(), strict=True))
    q = pairwise.with_derived(query)
    rows = [pairwise.with_derived(r) for r in person]
    q["nicknames"] = pairwise.nicknames(q, rows)
    got = pairwise.person_levels(
        q, "p", {g: rows for g in ("name", "dob", "ssn", "address", "phone", "email", "employer")}
    )
    assert {k: v for k, v in got.items() if k not in ("qid", "person_id")} == expected
    sql_keys = con.execute(
        f"WITH lq AS (SELECT *, {DERIVED_SQL}, 0 AS qid FROM lq_in) "
        f"SELECT DISTINCT kind, key FROM ({keys_sql('lq', 'qid', phone_list=True)})"
    ).fetchall()
    assert pairwise.query_keys(q) == set(sql_keys)


@pytest.fixture(scope="module")
def world_store(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list]:
    """A 300-person world resolved by the oracle, and its accounts as queries."""
    out = tmp_path_factory.mktemp("speed") / "world"
    simulate_world(WorldConfig(persons=300, accounts=150, applications=5, seed=31), out)
    store = out / "store.duckdb"
    ingest_paths([out / "sources"], CATALOG, store)
    con = duckdb.connect(str(store))
    load_oracle_resolution(con, out)
    con.close()
    with (out / "accounts.csv").open(newline="", encoding="utf-8") as handle:
        accounts = list(csv.DictReader(handle))
    columns = {"ACCOUNT_ID": "account_id", "FIRST_NAME": "first_name", "LAST_NAME": "last_name",
               "SSN": "ssn", "DOB": "dob", "ADDRESS1": "address_line1", "CITY": "city",
               "STATE": "state", "ZIP": "zip", "PHONE": "phone_1"}  # fmt: skip
    queries = [
        build_query({columns[k]: v for k, v in row.items() if k in columns}, i, QueryPolicy())[0]
        for i, row in enumerate(accounts, start=1)
    ]
    return store, queries


@pytest.mark.slow
def test_single_lookups_equal_the_batch_packed_and_gated(world_store: tuple[Path, list]) -> None:
    store, queries = world_store
    for gate in (None, lambda con: None):  # packed rows; person_values rows (as when gated)
        with Locator(store, source_gate=gate) as locator:
            assert (locator.packed is not None) == (gate is None)
            batch = locator.locate_many(queries)
            single = [locator.lookup(q) for q in queries]
            assert single == batch
            assert sum(r.status == "hit" for r in single) > 0.8 * len(queries)


_ROW_CANDIDATES = f"""
    SELECT qk.id AS qid, pk.person_id
    FROM ({keys_sql("lq", "qid", phone_list=True)}) qk
    JOIN {PERSON_KEYS} pk ON pk.key = qk.key AND pk.kind = qk.kind
    GROUP BY qk.id, pk.person_id
    QUALIFY row_number() OVER (PARTITION BY qid ORDER BY count(*) DESC, pk.person_id)
            <= {MAX_CANDIDATES}"""
"""The batch candidates as the row-based batch SQL selected them (before group values)."""


@pytest.mark.slow
def test_batch_levels_equal_the_row_based_sql(world_store: tuple[Path, list]) -> None:
    """The batch levels (groups' distinct values of the candidates only) equal the
    previous batch SQL (every row of every candidate, all of `person_values` joined), with
    fields given by some queries and by none (absent comparisons)."""
    store, queries = world_store
    thin = [replace(q, ssn=None, dob=None, phones=()) for q in queries[::2]]
    name_only = [replace(q, address=None, ssn=None, phones=()) for q in queries[1::3]]
    with Locator(store) as locator:
        for batch in (queries + thin + name_only, name_only, thin[:1] + thin):
            table = query_table(batch)
            locator.con.register("lq_input", table)
            expected = locator.con.sql(
                _levels_query(table, _ROW_CANDIDATES, f"SELECT * FROM {PERSON_VALUES}", "lq_input")
            ).to_arrow_table()
            locator.con.unregister("lq_input")
            got = candidate_levels(locator.con, table)
            assert got.equals(expected)
            assert len(got) > 0.5 * len(batch)
        assert len(locator.locate_many(queries)) == len(queries)
