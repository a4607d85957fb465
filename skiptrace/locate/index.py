"""The person index: SQL tables built after resolve so that lookups never scan per query.

- `person_values`: every observation of every resolved person, with the comparison columns
  of `skiptrace.resolve.records` (all names incl. maiden, DOBs, SSNs, addresses, phones).
- `person_keys(kind, key, person_id)`: candidate-retrieval keys (`KEY_KINDS`), sorted by
  key so that DuckDB's zone maps prune most of the table for a small batch; keys shared by
  more than `HOT_KEY_LIMIT` persons are dropped (they identify nobody).
- `contact_links(kind, value_key, n_persons)`: how many persons a contact value is linked to.
- `contact_evidence`, `person_flags`, `person_names`: every person's contact evidence, flags
  and names, precomputed (`skiptrace.locate.evidence`).
- ART indexes on the columns single lookups select by (`LOOKUP_INDEXES`).
- `person_packed_v1`: what a single lookup reads of a person, one JSON string (`packed`).
- `person_index_meta`: the index version, a fingerprint of the resolution it was built from
  (a re-resolve or re-ingest makes it stale: it is rebuilt on next open) and the source
  reliabilities its evidence used.

The same key expressions are applied to the query table, so queries and persons meet on
equal keys only.
"""

from __future__ import annotations

import hashlib
import json

import duckdb
import pyarrow as pa

from skiptrace.locate.evidence import materialize_evidence
from skiptrace.locate.packed import build_packed
from skiptrace.locate.tables import (
    CONTACT_EVIDENCE,
    CONTACT_LINKS,
    INDEX_META,
    INDEX_TABLES,
    PERSON_FLAGS,
    PERSON_KEYS,
    PERSON_NAMES,
    PERSON_PACKED,
    PERSON_VALUES,
)
from skiptrace.resolve.records import _DERIVED_SQL as records_derived_sql

INDEX_VERSION = 5
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
LOOKUP_INDEXES = (
    (PERSON_VALUES, "person_id"), (PERSON_KEYS, "key"), (CONTACT_EVIDENCE, "person_id"),
    (PERSON_FLAGS, "person_id"), (PERSON_NAMES, "person_id"), (PERSON_PACKED, "person_id"),
)  # fmt: skip
"""(table, column) ART indexes: a single lookup selects by short IN lists of these columns,
which DuckDB 1.5 otherwise answers by scanning most of the table (zone maps are not used
for IN lists); with the index it probes."""

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

    One projection of a list of `(kind, key)` structs (a key is NULL unless all its columns
    are non-empty), unnested: small to plan, one pass to run. With `phone_list`, phones come
    from a `phones VARCHAR[]` column (one key each).
    """
    entries = []
    for kind, cols in KEY_KINDS.items():
        if phone_list and cols == ("phone",):
            continue
        key = " || '|' || ".join(f"CAST({c} AS VARCHAR)" for c in cols)
        present = " AND ".join(f"{c} IS NOT NULL AND CAST({c} AS VARCHAR) <> ''" for c in cols)
        entries.append(f"{{'kind': '{kind}', 'key': CASE WHEN {present} THEN {key} END}}")
    sql = (
        f"SELECT id, k.kind AS kind, k.key AS key FROM (SELECT {id_column} AS id, "
        f"unnest([{', '.join(entries)}]) AS k FROM {relation}) WHERE k.key IS NOT NULL"
    )
    if phone_list:
        sql += f" UNION ALL SELECT {id_column} AS id, 'phone', unnest(phones) FROM {relation}"
    return sql


def _fingerprint(con: duckdb.DuckDBPyConnection) -> str:
    """Counts and an order-free hash of the resolution and the observations it covers, and
    a hash of the derived columns (the resolver's comparisons may need new ones)."""
    ((records, digest),) = con.execute(
        "SELECT count(*), coalesce(bit_xor(hash(obs_id, person_id)), 0) FROM person_records"
    ).fetchall()
    ((observations, contacts),) = con.execute(
        "SELECT (SELECT count(*) FROM observations), (SELECT count(*) FROM contacts)"
    ).fetchall()
    layout = hashlib.sha1((DERIVED_SQL + _VALUE_COLUMNS).encode()).hexdigest()[:12]
    return f"{records}:{digest}:{observations}:{contacts}:{layout}"


def _sources_json(sources: pa.Table) -> str:
    return json.dumps(sources.to_pydict(), sort_keys=True)


def index_state(con: duckdb.DuckDBPyConnection, sources: pa.Table) -> str:
    """'current', 'other_sources' (current, but its evidence used other source
    reliabilities: compute evidence on the fly) or 'stale' (missing, old or outdated)."""
    names = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    if not set(INDEX_TABLES) <= names:
        return "stale"
    rows = con.execute(f"SELECT version, fingerprint, sources FROM {INDEX_META}").fetchall()
    if len(rows) != 1 or rows[0][0] != INDEX_VERSION or rows[0][1] != _fingerprint(con):
        return "stale"
    return "current" if rows[0][2] == _sources_json(sources) else "other_sources"


def has_lookup_indexes(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether every `LOOKUP_INDEXES` index exists (an index built by an older version may
    lack them, or the packed table: `create_lookup_indexes` adds them, no rebuild needed)."""
    names = {r[0] for r in con.execute("SELECT index_name FROM duckdb_indexes()").fetchall()}
    return all(_index_name(t, c) in names for t, c in LOOKUP_INDEXES)


def create_lookup_indexes(con: duckdb.DuckDBPyConnection) -> None:
    """Create the packed table when missing, and the missing `LOOKUP_INDEXES` (a table
    rebuild drops its indexes)."""
    tables = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    if PERSON_PACKED not in tables:
        build_packed(con)
    for table, column in LOOKUP_INDEXES:
        con.execute(f"CREATE INDEX IF NOT EXISTS {_index_name(table, column)} ON {table}({column})")


def _index_name(table: str, column: str) -> str:
    return f"{table}_{column}_idx"


def build_person_index(con: duckdb.DuckDBPyConnection, sources: pa.Table) -> dict[str, int]:
    """(Re)build the index tables from `observations`, `contacts` and `person_records`;
    `sources` are the catalog's `(source, reliability)` (`evidence.source_table`).

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
    materialize_evidence(con, sources)
    build_packed(con)
    create_lookup_indexes(con)
    con.execute(
        f"CREATE OR REPLACE TABLE {INDEX_META} AS SELECT ?::INTEGER AS version, "
        "?::VARCHAR AS fingerprint, ?::VARCHAR AS sources",
        [INDEX_VERSION, _fingerprint(con), _sources_json(sources)],
    )
    return {
        t: int(con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0])
        for t in INDEX_TABLES
        if t != INDEX_META
    }
