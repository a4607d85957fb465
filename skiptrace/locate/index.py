"""The person index: SQL tables built after resolve so that lookups never scan per query.

- `person_values`: every observation of every resolved person, with the comparison columns
  of `skiptrace.resolve.records` (all names incl. maiden, DOBs, SSNs, addresses, phones).
- `person_keys(kind, key, person_id)`: candidate-retrieval keys (`KEY_KINDS`), sorted by
  key so that DuckDB's zone maps prune most of the table for a small batch; keys shared by
  more than `HOT_KEY_LIMIT` persons are dropped (they identify nobody).
- `contact_links(kind, value_key, n_persons)`: how many persons a contact value is linked to.

The same key expressions are applied to the query table, so queries and persons meet on
equal keys only.
"""

from __future__ import annotations

import duckdb

from skiptrace.resolve.records import _DERIVED_SQL as records_derived_sql

PERSON_VALUES = "person_values"
PERSON_KEYS = "person_keys"
CONTACT_LINKS = "contact_links"
INDEX_META = "person_index_meta"
INDEX_VERSION = 2
"""Bumped whenever the index tables change; an older index is rebuilt on first use."""
HOT_KEY_LIMIT = 200

KEY_KINDS: dict[str, tuple[str, ...]] = {
    "ssn": ("ssn",),
    "ssn4_by": ("ssn_last4", "birth_year"),
    "ssn4_last": ("ssn_last4", "last_phonetic"),
    "phone": ("phone",),
    "email": ("email_key",),
    "addr": ("addr_street_key",),
    "last_fi_zip": ("last_phonetic", "first_initial", "addr_zip5"),
    "dob_first": ("dob_digits", "first_phonetic"),
    "dob_last": ("dob_digits", "last_phonetic"),
    "names_by": ("first_phonetic", "last_phonetic", "birth_year"),
}
"""Key kind -> the columns whose values (all non-empty) form the key."""

DERIVED_SQL = records_derived_sql
"""The resolver's derived comparison columns (its comparisons need them on both sides)."""

_VALUE_COLUMNS = """
    o.obs_id, o.source, o.data_class, o.role, o.first_name, o.middle_name, o.last_name,
    o.name_suffix AS suffix, o.first_keys, o.first_phonetic, o.last_phonetic, o.dob,
    o.dob_precision, o.birth_year::INTEGER AS birth_year, o.ssn, o.ssn_last4, o.addr_line,
    o.addr_key, o.addr_number, o.addr_street, o.addr_street_key, o.addr_zip5, o.addr_city,
    o.addr_state, o.phone, o.email_key,    o.employer_key, o.event_date, o.case_type"""


def keys_sql(relation: str, id_column: str, phone_list: bool = False) -> str:
    """SQL yielding `(id, kind, key)` for every key kind over `relation`'s generic columns.

    With `phone_list`, phones come from a `phones VARCHAR[]` column (one key each).
    """
    parts = []
    for kind, cols in KEY_KINDS.items():
        if phone_list and cols == ("phone",):
            parts.append(
                f"SELECT {id_column} AS id, '{kind}' AS kind, unnest(phones) AS key FROM {relation}"
            )
            continue
        key = " || '|' || ".join(f"CAST({c} AS VARCHAR)" for c in cols)
        present = " AND ".join(f"{c} IS NOT NULL AND CAST({c} AS VARCHAR) <> ''" for c in cols)
        parts.append(
            f"SELECT {id_column} AS id, '{kind}' AS kind, {key} AS key "
            f"FROM {relation} WHERE {present}"
        )
    return " UNION ALL ".join(parts)


def index_exists(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the person index is present in the store and of this `INDEX_VERSION`."""
    names = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    if not {PERSON_VALUES, PERSON_KEYS, CONTACT_LINKS, INDEX_META} <= names:
        return False
    return con.execute(f"SELECT max(version) FROM {INDEX_META}").fetchall()[0][0] == INDEX_VERSION


def build_person_index(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """(Re)build the index tables from `observations`, `contacts` and `person_records`.

    Returns row counts per table.
    """
    con.execute(
        f"""
        CREATE OR REPLACE TABLE {PERSON_VALUES} AS
        SELECT pr.person_id, * EXCLUDE (person_id), {DERIVED_SQL}
        FROM (SELECT pr.person_id::VARCHAR AS person_id, {_VALUE_COLUMNS}
              FROM observations o JOIN person_records pr ON pr.obs_id = o.obs_id) pr
        ORDER BY person_id
        """
    )
    con.execute(
        f"""
        CREATE OR REPLACE TABLE {PERSON_KEYS} AS
        WITH k AS (SELECT DISTINCT id AS person_id, kind, key
                   FROM ({keys_sql(PERSON_VALUES, "person_id")})
                   UNION
                   SELECT pr.person_id::VARCHAR, 'phone', c.value_key FROM contacts c
                   JOIN person_records pr ON pr.obs_id = c.obs_id WHERE c.kind = 'phone'),
             n AS (SELECT kind, key, count(*) AS n FROM k GROUP BY ALL)
        SELECT k.kind, k.key, k.person_id FROM k JOIN n USING (kind, key)
        WHERE n.n <= ? ORDER BY k.key, k.kind
        """,
        [HOT_KEY_LIMIT],
    )
    con.execute(
        f"""
        CREATE OR REPLACE TABLE {CONTACT_LINKS} AS
        SELECT c.kind, c.value_key, count(DISTINCT pr.person_id) AS n_persons
        FROM contacts c JOIN person_records pr ON pr.obs_id = c.obs_id GROUP BY ALL
        """
    )
    con.execute(
        f"CREATE OR REPLACE TABLE {INDEX_META} AS SELECT ?::INTEGER AS version", [INDEX_VERSION]
    )
    return {
        t: int(con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0])
        for t in (PERSON_VALUES, PERSON_KEYS, CONTACT_LINKS)
    }
