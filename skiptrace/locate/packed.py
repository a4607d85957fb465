"""`person_packed`: one row per person holding what a single lookup reads, as JSON.

Fetching a person's ~12 `person_values` rows and ~7 `contact_evidence` rows by index costs
one compressed-segment fetch per column and row (tens of milliseconds for 20 candidates);
one JSON string per person costs one. Per person: the distinct values of each comparison
group (`GROUPS`: a comparison reads the columns of one group only, so levels and codes
over distinct group values equal those over rows), the precomputed names and flags, and the
evidence rows (ordered by kind and key; doubles as 17 significant digits, exact).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import duckdb
import pyarrow as pa

from skiptrace.locate.tables import (
    CONTACT_EVIDENCE,
    PERSON_FLAGS,
    PERSON_NAMES,
    PERSON_PACKED,
    PERSON_VALUES,
    batch_head,
    person_batches,
    probe_sql,
)

Row = dict[str, Any]

GROUPS: dict[str, tuple[str, ...]] = {
    "name": ("first_name", "middle_name", "last_name", "suffix", "first_keys",
             "first_phonetic", "last_phonetic"),
    "dob": ("dob", "dob_precision", "birth_year"),
    "ssn": ("ssn", "ssn_last4"),
    "address": ("addr_key", "addr_number", "addr_street", "addr_street_key", "addr_zip5",
                "addr_city", "addr_state"),
    "phone": ("phone",),
    "email": ("email_key",),
    "employer": ("employer_key",),
}  # fmt: skip
"""Comparison group -> the `person_values` columns its comparisons and codes read."""


def _evidence_schema(con: duckdb.DuckDBPyConnection) -> pa.Schema:
    return con.execute(f"SELECT * FROM {CONTACT_EVIDENCE} LIMIT 0").to_arrow_table().schema


def _scalar(sql: str, kind: pa.DataType) -> str | None:
    """JSON-exact SQL of a scalar (doubles as 17 significant digits), None if unsupported."""
    if pa.types.is_floating(kind):
        return f"printf('%.17g', {sql})"
    simple = (pa.types.is_string, pa.types.is_integer, pa.types.is_boolean, pa.types.is_date32)
    return sql if any(test(kind) for test in simple) else None


def _encoded(name: str, kind: pa.DataType) -> str | None:
    """SQL encoding column `name` exactly as JSON; None when its type is not supported."""
    column = f'"{name}"'
    if not pa.types.is_list(kind):
        return _scalar(column, kind)
    item = kind.value_type
    if not pa.types.is_struct(item):
        return column if _scalar(column, item) == column else None
    fields = [_scalar(f'x."{f.name}"', f.type) for f in item]
    if None in fields:
        return None
    return f"list_transform({column}, x -> json_array({', '.join(map(str, fields))}))"


def _evidence_sql(schema: pa.Schema) -> str | None:
    """The `json_array` of an evidence row, or None when a column type is not supported."""
    parts = [_encoded(f.name, f.type) for f in schema if f.name != "person_id"]
    return None if None in parts else f"json_array({', '.join(map(str, parts))})"


def build_packed(con: duckdb.DuckDBPyConnection) -> None:
    """(Re)create `person_packed` from the index tables (after `materialize_evidence`),
    one batch of persons per statement (`tables.person_batches`)."""
    groups = ", ".join(
        f"to_json(list_sort(list(DISTINCT json_array({', '.join(cols)})))) AS {g}"
        for g, cols in GROUPS.items()
    )
    row = _evidence_sql(_evidence_schema(con)) or "NULL"
    sql = f"""
        WITH g AS (SELECT person_id, {groups} FROM {PERSON_VALUES}
                   SEMI JOIN lc_persons USING (person_id) GROUP BY person_id),
        e AS (SELECT person_id, string_agg({row}, ',' ORDER BY kind, value_key) AS rows
              FROM {CONTACT_EVIDENCE} SEMI JOIN lc_persons USING (person_id)
              GROUP BY person_id)
        SELECT g.person_id, json_object(
            {", ".join(f"'{g}', g.{g}" for g in GROUPS)},
            'names', n.names, 'flags', json_array(f.deceased, f.deceased_date, f.bankruptcy),
            'evidence', json('[' || coalesce(e.rows, '') || ']'))::VARCHAR AS packed
        FROM g LEFT JOIN {PERSON_NAMES} n USING (person_id)
        LEFT JOIN {PERSON_FLAGS} f USING (person_id)
        LEFT JOIN e USING (person_id)
        ORDER BY g.person_id
        """
    try:
        for i, persons in enumerate(person_batches(con)):
            con.register("lc_persons", persons)
            con.execute(f"{batch_head(PERSON_PACKED, i)} {sql}")
    finally:
        con.unregister("lc_persons")


def _date(value: str | None) -> dt.date | None:
    return None if value is None else dt.date.fromisoformat(value)


def _decoder(kind: pa.DataType) -> Callable[[Any], Any]:
    """JSON value -> the Python value of an Arrow `kind` (inverse of `_encoded`)."""
    if pa.types.is_floating(kind):
        return lambda v: None if v is None else float(v)
    if pa.types.is_date32(kind):
        return _date
    if pa.types.is_list(kind) and pa.types.is_struct(kind.value_type):
        fields = [(f.name, _decoder(f.type)) for f in kind.value_type]
        return lambda v: None if v is None else [
            {name: decode(x) for (name, decode), x in zip(fields, item, strict=True)}
            for item in v
        ]  # fmt: skip
    return lambda v: v


class PackedReader:
    """Fetch and decode `person_packed` rows; the evidence as `contact_evidence` rows
    (`has_evidence` is false when its columns cannot be packed exactly: select them)."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con
        self.schema = _evidence_schema(con)
        self.has_evidence = _evidence_sql(self.schema) is not None
        self.decoders = [(f.name, _decoder(f.type)) for f in self.schema if f.name != "person_id"]

    def fetch(self, person_ids: list[str]) -> dict[str, Row]:
        """person_id -> decoded packed row (persons without rows are absent)."""
        if not person_ids:
            return {}
        select = f"SELECT person_id, packed FROM {PERSON_PACKED}"
        rows = self.con.execute(
            probe_sql(select, "person_id", len(person_ids)), person_ids
        ).fetchall()
        return {person: self._decode(text) for person, text in rows}

    def _decode(self, text: str) -> Row:
        data = json.loads(text)
        out: Row = {g: [dict(zip(cols, v, strict=True)) for v in data[g] or ()]
                    for g, cols in GROUPS.items()}  # fmt: skip
        for values in out["dob"]:
            values["dob"] = _date(values["dob"])
        deceased, deceased_date, bankruptcy = data["flags"]
        out["flags"] = {"deceased": deceased, "deceased_date": _date(deceased_date),
                        "bankruptcy": bankruptcy}  # fmt: skip
        out["names"] = data["names"] or []
        out["evidence"] = data["evidence"]
        return out

    def evidence(self, person_id: str, packed: Row) -> pa.Table:
        """The person's evidence rows as the `contact_evidence` select returns them."""
        rows = packed["evidence"]
        columns: dict[str, list] = {"person_id": [person_id] * len(rows)}
        for i, (name, decode) in enumerate(self.decoders):
            columns[name] = [decode(row[i]) for row in rows]
        return pa.Table.from_pydict(columns, schema=self.schema)
