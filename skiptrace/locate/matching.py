"""Query matching: queries -> candidate persons (indexed keys) -> graded levels -> confidence.

Each candidate person is compared field by field against every value it has had, with the
graded levels of `skiptrace.resolve.comparisons` (the query is the left side); a field's
level is the best level over the person's observations. The levels are scored by the pure
kernel :func:`identity_scores`.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa

from skiptrace.errors import ConfigError
from skiptrace.locate import pairwise
from skiptrace.locate.index import DERIVED_SQL, PERSON_KEYS, PERSON_VALUES, keys_sql
from skiptrace.locate.packed import GROUPS, PackedReader
from skiptrace.locate.params import IdentityParams
from skiptrace.locate.tables import probe_sql
from skiptrace.resolve.comparisons import (
    ADDRESS,
    DOB,
    EMAIL,
    EMPLOYER,
    FIRST_NAME,
    LAST_NAME,
    MIDDLE_NAME,
    SSN,
    SUFFIX,
    Comparison,
    Level,
)

PHONE = Comparison(
    "phone",
    "l.phones IS NULL OR r.phone IS NULL",
    (Level("exact", "list_contains(l.phones, r.phone)"),),
)
COMPARISONS: tuple[Comparison, ...] = (
    FIRST_NAME, MIDDLE_NAME, LAST_NAME, SUFFIX, DOB, SSN, ADDRESS, PHONE, EMAIL, EMPLOYER,
)  # fmt: skip
MAX_CANDIDATES = 20
"""Candidates kept per query: those sharing the most retrieval keys with it."""

_CODES: dict[str, tuple[str, str, str]] = {
    "name": (
        "l.first_name IS NOT NULL AND l.last_name IS NOT NULL",
        "list_has_any(l.first_keys, r.first_keys) AND l.last_name = r.last_name",
        "r.last_name",
    ),
    "street": ("l.addr_street_key IS NOT NULL", "l.addr_street_key = r.addr_street_key",
               "r.addr_street_key"),
    "city": ("l.addr_city IS NOT NULL", "l.addr_city = r.addr_city", "r.addr_city"),
    "state": ("l.addr_state IS NOT NULL", "l.addr_state = r.addr_state", "r.addr_state"),
    "zip": ("l.addr_zip5 IS NOT NULL", "l.addr_zip5 = r.addr_zip5", "r.addr_zip5"),
    "ssn": ("l.ssn_last4 IS NOT NULL",
            "l.ssn = r.ssn OR (l.ssn IS NULL AND l.ssn_last4 = r.ssn_last4)", "r.ssn_last4"),
    "dob": ("l.dob_digits IS NOT NULL", "l.dob_digits = r.dob_digits", "r.dob_digits"),
}  # fmt: skip
"""Match code -> (query has it, values agree, person value column): NULL when the query
lacks the field, else whether any of the person's values agreed."""
CODE_FIELDS = tuple(_CODES)
LEVEL_COLUMNS = ("qid", "person_id", *(c.name for c in COMPARISONS))
"""The candidate-row columns scoring reads."""
PAIRWISE = pairwise.sql_fingerprint(COMPARISONS, _CODES) == pairwise.SQL_FINGERPRINT
"""Whether `pairwise` mirrors these comparisons (else single lookups use the SQL path)."""
_PAIRWISE_COLUMNS = (
    "person_id", "first_name", "middle_name", "last_name", "suffix", "first_keys",
    "first_phonetic", "last_phonetic", "dob", "dob_precision", "birth_year", "ssn", "ssn_last4",
    "addr_key", "addr_number", "addr_street", "addr_street_key", "addr_zip5", "addr_city",
    "addr_state", "phone", "email_key", "employer_key", "data_class", "event_date",
    "case_type",
)  # fmt: skip


_LEFT_COLUMN = re.compile(r"\bl\.(\w+)")


def _absent(sql: str, queries: pa.Table) -> bool:
    """Whether every query-side (`l.`) column of `sql` is a column no query has a value in:
    the comparison or code is then 'missing' for every candidate and is not planned."""
    columns = set(_LEFT_COLUMN.findall(sql))
    return bool(columns) and all(
        c in queries.column_names and queries[c].null_count == len(queries) for c in columns
    )


def _aggregates(queries: pa.Table) -> dict[str, str | None]:
    """Candidate-row column -> its aggregate over the candidate's values: each comparison's
    best level and each match code; None when no query has the field (the column is then
    the constant of `_constant`)."""
    items = [(c.name, c.null_sql, f"max({c.case_sql()})") for c in COMPARISONS]
    items += [
        (f"code_{name}", given, f"CASE WHEN any_value({given}) THEN coalesce(bool_or({agree}) "
         f"FILTER (WHERE {col} IS NOT NULL), false) END")
        for name, (given, agree, col) in _CODES.items()
    ]  # fmt: skip
    return {name: None if _absent(given, queries) else sql for name, given, sql in items}


def _constant(name: str) -> str:
    """The column `name` when no query has its field: level -1 (missing), code NULL."""
    return f"NULL::BOOLEAN AS {name}" if name.startswith("code_") else f"-1::TINYINT AS {name}"


_BATCH_CANDIDATES = f"""
    WITH qk AS ({keys_sql("lc_q", "qid", phone_list=True)})
    SELECT qk.id AS qid, pk.person_id, count(*) AS n_keys
    FROM qk JOIN {PERSON_KEYS} pk ON pk.key = qk.key AND pk.kind = qk.kind
    GROUP BY qk.id, pk.person_id
    QUALIFY row_number() OVER (PARTITION BY qid ORDER BY n_keys DESC, person_id)
            <= {MAX_CANDIDATES}"""
_PERSON_COLUMN = re.compile(r"\br\.(\w+)")
_NICKNAMES = """
    SELECT DISTINCT x.first_name AS a, y.first_name AS b
    FROM (SELECT DISTINCT first_name, unnest(first_keys) AS key FROM lc_q) x
    JOIN (SELECT DISTINCT first_name, unnest(first_keys) AS key FROM {names}) y USING (key)
    WHERE x.first_name <> y.first_name"""
"""The nickname pairs (the `nk` relation of `_levels_query`) over the candidates' names;
a temporary table, so that the planner knows it is small (as a CTE its estimate was ~10^4
times too large, and the join hashed the wide candidate rows instead)."""


def _batch_groups(aggregates: dict[str, str | None]) -> dict[str, list[str]]:
    """Comparison group (`pairwise.GROUP_OF`; another comparison is its own group) ->
    the aggregates of its comparisons and codes that some query has the field of."""
    groups: dict[str, list[str]] = {}
    for name, sql in aggregates.items():
        if sql is not None:
            groups.setdefault(pairwise.GROUP_OF.get(name, name), []).append(f"{sql} AS {name}")
    return groups


def _group_values(aggregates: list[str]) -> list[str]:
    """The person columns a group's aggregates read (with the nickname pairs: the names)."""
    sql = " ".join(aggregates)
    extra = {"first_name", "first_keys"} if "nk." in sql else set()
    return sorted((set(_PERSON_COLUMN.findall(sql)) | extra) - {"person_id"})


def _batch_levels(con: duckdb.DuckDBPyConnection, queries: pa.Table) -> pa.Table:
    """`candidate_levels` of a batch. Its keys meet `person_keys` in one hash join (one
    scan of the table per call: large calls amortize it); the candidates' rows of the
    compared columns are read in one scan of `person_values`; each comparison group
    (`pairwise.GROUP_OF`) compares the candidates' distinct values of its columns (the
    same maxima as over rows, from a fraction of the pairs); the groups' levels are joined
    per candidate."""
    aggregates = _aggregates(queries)
    groups = _batch_groups(aggregates)
    columns = [
        _constant(name) if sql is None else f"g_{pairwise.GROUP_OF.get(name, name)}.{name}"
        for name, sql in aggregates.items()
    ]
    tables = ["lc_q", "lc_cand", "lc_persons", "lc_values"]
    tables += [f"{prefix}_{g}" for g in groups for prefix in ("lc_g", "lc_nk")]
    con.register("lq_input", queries)
    try:
        con.execute(f"CREATE OR REPLACE TEMP TABLE lc_q AS SELECT *, {DERIVED_SQL} FROM lq_input")
    finally:
        con.unregister("lq_input")
    try:
        con.execute(f"CREATE OR REPLACE TEMP TABLE lc_cand AS {_BATCH_CANDIDATES}")
        con.execute(
            "CREATE OR REPLACE TEMP TABLE lc_persons AS SELECT DISTINCT person_id FROM lc_cand"
        )
        ctes, joins = [], []
        compared = sorted({c for parts in groups.values() for c in _group_values(parts)})
        if compared:  # the candidates' rows, in one scan of the compared columns
            con.execute(
                f"CREATE OR REPLACE TEMP TABLE lc_values AS SELECT person_id, "
                f"{', '.join(compared)} FROM {PERSON_VALUES} "
                "WHERE person_id IN (SELECT person_id FROM lc_persons)"
            )
        for group, parts in groups.items():
            con.execute(
                f"CREATE OR REPLACE TEMP TABLE lc_g_{group} AS SELECT DISTINCT person_id, "
                f"{', '.join(_group_values(parts))} FROM lc_values"
            )
            sql = ", ".join(parts)
            nk = ""
            if "nk." in sql:
                pairs = _NICKNAMES.format(names=f"lc_g_{group}")
                con.execute(f"CREATE OR REPLACE TEMP TABLE lc_nk_{group} AS {pairs}")
                nk = f"LEFT JOIN lc_nk_{group} nk ON nk.a = l.first_name AND nk.b = r.first_name"
            ctes.append(
                f"g_{group} AS (SELECT c.qid, c.person_id, {sql} FROM lc_cand c "
                f"JOIN lc_q l ON l.qid = c.qid JOIN lc_g_{group} r ON r.person_id = c.person_id "
                f"{nk} GROUP BY c.qid, c.person_id)"
            )
            joins.append(f"JOIN g_{group} USING (qid, person_id)")
        if not groups:  # no field to compare: candidates need rows all the same
            joins.append(f"SEMI JOIN {PERSON_VALUES} USING (person_id)")
        with_ = f"WITH {', '.join(ctes)}" if ctes else ""
        return con.sql(
            f"{with_} SELECT qid, person_id, {', '.join(columns)} "
            f"FROM lc_cand {' '.join(joins)} ORDER BY qid, person_id"
        ).to_arrow_table()
    finally:
        for table in reversed(tables):
            con.execute(f"DROP TABLE IF EXISTS {table}")


def _levels_query(queries: pa.Table, candidates: str, values: str, source: str) -> str:
    """The candidate-levels SQL over the query relation `source`: `candidates` yields
    `(qid, person_id)`, `values` the candidates' rows of the person index. `nk` holds the
    pairs of distinct first names with a common nickname key (the resolver's nickname
    level)."""
    columns = ", ".join(
        _constant(name) if sql is None else f"{sql} AS {name}"
        for name, sql in _aggregates(queries).items()
    )
    return f"""
        WITH lq AS (SELECT *, {DERIVED_SQL} FROM {source}),
        rv AS ({values}),
        cand AS ({candidates}),
        nk AS (
            SELECT DISTINCT x.first_name AS a, y.first_name AS b
            FROM (SELECT DISTINCT first_name, unnest(first_keys) AS key FROM lq) x
            JOIN (SELECT DISTINCT r.first_name, unnest(r.first_keys) AS key
                  FROM (SELECT DISTINCT person_id FROM cand) c
                  JOIN rv r ON r.person_id = c.person_id) y USING (key)
            WHERE x.first_name <> y.first_name)
        SELECT c.qid, c.person_id, {columns}
        FROM cand c JOIN lq l ON l.qid = c.qid
        JOIN rv r ON r.person_id = c.person_id
        LEFT JOIN nk ON nk.a = l.first_name AND nk.b = r.first_name
        GROUP BY c.qid, c.person_id ORDER BY c.qid, c.person_id
    """


def candidate_levels(con: duckdb.DuckDBPyConnection, queries: pa.Table) -> pa.Table:
    """One row per (qid, candidate person): best comparison level per field + match codes.

    `queries` is a `query_table`; candidates are persons sharing at least one retrieval key.
    Fields no query has are not compared (level -1, code NULL), which keeps the SQL of a
    single lookup small. A single query is bound as parameters (scanning a registered
    Arrow table costs milliseconds per reference) and looks its keys and candidates up by
    bound IN lists (probing the index tables' ART indexes); a batch is `_batch_levels`.
    """
    if len(queries) != 1:
        return _batch_levels(con, queries)
    source, row = _row_source(queries)
    persons = _single_candidates(con, source, row)
    marks = ", ".join("?" * len(persons)) or "NULL"
    values = f"SELECT * FROM {PERSON_VALUES} WHERE person_id IN ({marks})"
    sql = _levels_query(queries, "SELECT DISTINCT qid, person_id FROM lq, rv", values, source)
    return con.sql(sql, params=row + persons).to_arrow_table()


_SQL_TYPES = {
    pa.int64(): "BIGINT",
    pa.int32(): "INTEGER",
    pa.string(): "VARCHAR",
    pa.date32(): "DATE",
    pa.list_(pa.string()): "VARCHAR[]",
}


def _row_source(queries: pa.Table) -> tuple[str, list]:
    """A one-row `queries` as a parameterized subquery and its parameters."""
    columns = ", ".join(f"?::{_SQL_TYPES[f.type]} AS {f.name}" for f in queries.schema)
    return f"(SELECT {columns})", [queries[name][0].as_py() for name in queries.column_names]


@dataclass(frozen=True, slots=True)
class SingleCandidates:
    """One query's candidate rows (as `candidate_levels` returns them, by person), and the
    candidates' names, flags and (from `person_packed`) decoded packed rows."""

    rows: list[dict[str, Any]]
    names: dict[str, list[str]]
    flags: dict[str, dict[str, Any]]
    packed: dict[str, dict[str, Any]] | None


def single_candidates(
    con: duckdb.DuckDBPyConnection, row: dict[str, Any], reader: PackedReader | None
) -> SingleCandidates:
    """One query (a `query_table.query_row`) without a per-query SQL plan: candidates by a
    bound, ART-probed key select, then their values from `person_packed` via `reader` (one
    JSON string per person) or, without one, from `person_values` (e.g. gated by a search
    session); levels and codes by `pairwise`."""
    query = pairwise.with_derived(row)
    persons = _top_persons(con, pairwise.query_keys(query))
    if reader is not None:
        packed = reader.fetch(persons)
        groups = {
            p: {g: [pairwise.with_derived(v) for v in data[g]] for g in GROUPS}
            for p, data in packed.items()
        }
        names = {p: data["names"] for p, data in packed.items()}
        flags = {p: {"person_id": p, **data["flags"]} for p, data in packed.items()}
    else:
        packed = None
        by_person = _person_rows(con, persons)
        groups = {p: dict.fromkeys(GROUPS, rows) for p, rows in by_person.items()}
        names = {p: pairwise.names(rows) for p, rows in by_person.items()}
        flags = {p: pairwise.flags(p, rows) for p, rows in by_person.items()}
    query["nicknames"] = pairwise.nicknames(query, (r for g in groups.values() for r in g["name"]))
    rows = [pairwise.person_levels(query, p, groups[p]) for p in sorted(groups)]
    return SingleCandidates(rows, names, flags, packed)


def _person_rows(
    con: duckdb.DuckDBPyConnection, persons: list[str]
) -> dict[str, list[dict[str, Any]]]:
    """person_id -> its `person_values` rows (the comparison, name and flag columns)."""
    if not persons:
        return {}
    select = f"SELECT {', '.join(_PAIRWISE_COLUMNS)} FROM {PERSON_VALUES}"
    cursor = con.execute(probe_sql(select, "person_id", len(persons)), persons)
    by_person: dict[str, list[dict[str, Any]]] = {}
    for values in cursor.fetchall():
        by_person.setdefault(values[0], []).append(
            pairwise.with_derived(dict(zip(_PAIRWISE_COLUMNS, values, strict=True)))
        )
    return by_person


def _top_persons(con: duckdb.DuckDBPyConnection, keys: set[tuple[str, str]]) -> list[str]:
    """The `MAX_CANDIDATES` persons sharing the most of `keys`, ranked as the batch SQL
    ranks them (ties: by person id)."""
    if not keys:
        return []
    values = sorted({key for _, key in keys})
    select = f"SELECT kind, key, person_id FROM {PERSON_KEYS}"
    rows = con.execute(probe_sql(select, "key", len(values)), values).fetchall()
    shared = Counter(person for kind, key, person in rows if (kind, key) in keys)
    return sorted(shared, key=lambda person: (-shared[person], person))[:MAX_CANDIDATES]


def _single_candidates(con: duckdb.DuckDBPyConnection, source: str, row: list) -> list[str]:
    """The `MAX_CANDIDATES` persons sharing the most retrieval keys with the one query of
    the subquery `source` (bound to `row`), ranked as the batch SQL ranks them (ties: by
    person id)."""
    keys = con.execute(
        f"WITH lq AS (SELECT *, {DERIVED_SQL} FROM {source}) "
        f"SELECT DISTINCT kind, key FROM ({keys_sql('lq', 'qid', phone_list=True)})",
        row,
    ).fetchall()
    return _top_persons(con, set(keys))


def check_identity_params(params: IdentityParams) -> None:
    """Raise `ConfigError` unless `params` has m/u for every level of every comparison."""
    for c in COMPARISONS:
        size = len(c.levels) + 1
        if len(params.m.get(c.name, ())) != size or len(params.u.get(c.name, ())) != size:
            raise ConfigError(
                f"locate identity parameters do not fit the '{c.name}' comparison "
                f"({size} levels); refit them with bench/locate_fit.py"
            )


def field_weights(levels: pa.Table, params: IdentityParams) -> dict[str, np.ndarray]:
    """Per-field match weights (log2 m/u) of every candidate row; missing fields weigh 0."""
    return {
        c.name: params.weights(c.name)[np.asarray(levels[c.name], dtype=np.int64) + 1]
        for c in COMPARISONS
    }


def identity_scores(
    qid: np.ndarray, total_weight: np.ndarray, params: IdentityParams
) -> np.ndarray:
    """Calibrated probability that each candidate is the debtor (pure kernel).

    Platt-scaled log-odds per candidate, a posterior across each query's candidates with an
    explicit 'none of these' outcome of weight 1 (two plausible persons share the mass),
    then the fitted isotonic map, rescaled where a query's candidates would sum above 1.
    """
    a, b = params.platt
    score = np.clip(a + b * total_weight, -50.0, 50.0)
    odds = np.exp(score)
    n = int(qid.max()) + 1 if len(qid) else 0
    denominator = 1.0 + np.bincount(qid, weights=odds, minlength=n)
    calibrated = params.calibrate(odds / denominator[qid])
    total = np.bincount(qid, weights=calibrated, minlength=n)
    return calibrated / np.maximum(total, 1.0)[qid]
