"""Account queries -> one Arrow table with the person index's column names.

Only `ok` values are used (`AccountQuery.usable_fields`); absent values are NULL so the
comparisons see them as missing. Row `qid` is the query's position in the input list.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pyarrow as pa

from skiptrace.locate.results import AccountQuery

_STRING_COLUMNS = (
    "first_name", "middle_name", "last_name", "suffix", "first_phonetic", "last_phonetic",
    "dob_precision", "ssn", "ssn_last4", "addr_key", "addr_street_key", "addr_zip5",
    "addr_city", "addr_state", "addr_number", "addr_street", "email_key", "employer_key",
)  # fmt: skip


def _ok(value: Any) -> Any:
    return value if value is not None and value.ok else None


def query_row(query: AccountQuery) -> dict[str, Any]:
    """One query's comparison columns: a row of `query_table` without its `qid`."""
    name, dob, ssn = _ok(query.name), _ok(query.dob), _ok(query.ssn)
    addr, email, employer = _ok(query.address), _ok(query.email), _ok(query.employer)
    row: dict[str, Any] = {
        "first_name": name and name.first,
        "middle_name": name and name.middle,
        "last_name": name and name.last,
        "suffix": name and name.suffix,
        "first_keys": sorted(name.first_keys) if name and name.first_keys else None,
        "first_phonetic": name and name.first_phonetic,
        "last_phonetic": name and name.last_phonetic,
        "dob": dt.date(dob.year, dob.month or 1, dob.day or 1) if dob and dob.year else None,
        "dob_precision": dob and dob.precision,
        "birth_year": dob and dob.year,
        "ssn": ssn and ssn.digits,
        "ssn_last4": ssn and ssn.last4,
        "addr_key": addr and addr.key,
        "addr_street_key": addr and addr.street_key,
        "addr_zip5": addr and addr.zip5,
        "addr_number": addr and addr.number,
        "addr_street": addr and addr.street,
        "addr_city": addr and addr.city,
        "addr_state": addr and addr.state,
        "phones": sorted({p.e164 for p in query.phones if p.ok and p.e164}) or None,
        "email_key": email and email.key,
        "employer_key": employer and employer.key,
    }
    for column in _STRING_COLUMNS:
        row[column] = row[column] or None  # '' and None both mean 'not given'
    return row


def query_table(queries: list[AccountQuery]) -> pa.Table:
    """The queries as an Arrow table: `qid` plus the comparison columns."""
    rows = [query_row(q) for q in queries]
    columns: dict[str, pa.Array] = {"qid": pa.array(range(len(rows)), pa.int64())}
    for column in _STRING_COLUMNS:
        columns[column] = pa.array([r[column] for r in rows], pa.string())
    columns["first_keys"] = pa.array([r["first_keys"] for r in rows], pa.list_(pa.string()))
    columns["phones"] = pa.array([r["phones"] for r in rows], pa.list_(pa.string()))
    columns["dob"] = pa.array([r["dob"] for r in rows], pa.date32())
    columns["birth_year"] = pa.array([r["birth_year"] for r in rows], pa.int32())
    return pa.table(columns)
