"""Query matching: queries -> candidate persons (indexed keys) -> graded levels -> confidence.

Each candidate person is compared field by field against every value it has had, with the
graded levels of `skiptrace.resolve.comparisons` (the query is the left side); a field's
level is the best level over the person's observations. The levels are scored by the pure
kernel :func:`identity_scores`.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pyarrow as pa

from skiptrace.locate.index import DERIVED_SQL, PERSON_KEYS, PERSON_VALUES, keys_sql
from skiptrace.locate.params import IdentityParams
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


def _codes_sql() -> str:
    return ", ".join(
        f"CASE WHEN any_value({given}) THEN coalesce(bool_or({agree}) "
        f"FILTER (WHERE {col} IS NOT NULL), false) END AS code_{name}"
        for name, (given, agree, col) in _CODES.items()
    )


def candidate_levels(con: duckdb.DuckDBPyConnection, queries: pa.Table) -> pa.Table:
    """One row per (qid, candidate person): best comparison level per field + match codes.

    `queries` is a `query_table`; candidates are persons sharing at least one retrieval key.
    """
    levels = ", ".join(f"max({c.case_sql()}) AS {c.name}" for c in COMPARISONS)
    sql = f"""
        WITH lq AS (SELECT *, {DERIVED_SQL} FROM lq_input),
        qk AS ({keys_sql("lq", "qid", phone_list=True)}),
        cand AS (
            SELECT qk.id AS qid, pk.person_id, count(*) AS n_keys
            FROM qk JOIN {PERSON_KEYS} pk ON pk.key = qk.key AND pk.kind = qk.kind
            GROUP BY qk.id, pk.person_id
            QUALIFY row_number() OVER (PARTITION BY qid ORDER BY n_keys DESC, person_id)
                    <= {MAX_CANDIDATES})
        SELECT c.qid, c.person_id, {levels}, {_codes_sql()}
        FROM cand c JOIN lq l ON l.qid = c.qid
        JOIN {PERSON_VALUES} r ON r.person_id = c.person_id
        GROUP BY c.qid, c.person_id ORDER BY c.qid, c.person_id
    """
    con.register("lq_input", queries)
    try:
        return con.sql(sql).to_arrow_table()
    finally:
        con.unregister("lq_input")


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
