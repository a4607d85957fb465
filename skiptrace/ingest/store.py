"""The DuckDB store: the single place store connections are opened, and its schema.

The schema is documented in ``docs/store.md``; bump :data:`SCHEMA_VERSION` and that page
together on any change.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from skiptrace.comply.encryption import connect_store
from skiptrace.errors import ConfigError

SCHEMA_VERSION = 1

_NAME = """
    name VARCHAR, name_prefix VARCHAR, first_name VARCHAR, middle_name VARCHAR,
    last_name VARCHAR, name_suffix VARCHAR, name_key VARCHAR, first_keys VARCHAR[],
    first_phonetic VARCHAR, last_phonetic VARCHAR"""
_ADDRESS = """
    addr_line VARCHAR, addr_number VARCHAR, addr_street VARCHAR, addr_unit VARCHAR,
    addr_po_box VARCHAR, addr_city VARCHAR, addr_state VARCHAR, addr_zip5 VARCHAR,
    addr_zip4 VARCHAR, addr_key VARCHAR, addr_street_key VARCHAR, addr_is_po_box BOOLEAN,
    addr_timezone VARCHAR"""

SCHEMA: dict[str, str] = {
    "meta": "key VARCHAR PRIMARY KEY, value VARCHAR",
    "files": """
        file_id BIGINT PRIMARY KEY, source VARCHAR NOT NULL, data_class VARCHAR NOT NULL,
        path VARCHAR NOT NULL, sha256 VARCHAR NOT NULL, size_bytes BIGINT NOT NULL,
        catalog_sha256 VARCHAR NOT NULL, rows_read BIGINT NOT NULL,
        rows_ingested BIGINT NOT NULL, rows_rejected BIGINT NOT NULL,
        observations BIGINT NOT NULL, contacts BIGINT NOT NULL,
        ingested_at TIMESTAMP NOT NULL""",
    "observations": f"""
        obs_id BIGINT NOT NULL, source VARCHAR NOT NULL, file_id BIGINT NOT NULL,
        row_number BIGINT NOT NULL, party_index INTEGER NOT NULL, role VARCHAR NOT NULL,
        data_class VARCHAR NOT NULL, record_id VARCHAR, {_NAME},
        dob DATE, dob_precision VARCHAR, birth_year SMALLINT, ssn VARCHAR, ssn_last4 VARCHAR,
        ssn_valid BOOLEAN, ssn_flags VARCHAR[], {_ADDRESS},
        phone VARCHAR, phone_type VARCHAR, email VARCHAR, email_key VARCHAR,
        employer VARCHAR, employer_key VARCHAR, first_seen DATE, last_seen DATE,
        end_date DATE, event_date DATE, status VARCHAR, case_type VARCHAR""",
    "contacts": """
        obs_id BIGINT NOT NULL, file_id BIGINT NOT NULL, source VARCHAR NOT NULL,
        data_class VARCHAR NOT NULL, kind VARCHAR NOT NULL, role VARCHAR NOT NULL,
        value_key VARCHAR NOT NULL, display VARCHAR NOT NULL, first_seen DATE,
        last_seen DATE, ended BOOLEAN NOT NULL, end_date DATE, line_type VARCHAR,
        timezones VARCHAR[]""",
    "rejects": """
        source VARCHAR NOT NULL, file_id BIGINT NOT NULL, row_number BIGINT NOT NULL,
        level VARCHAR NOT NULL, field VARCHAR, reason VARCHAR NOT NULL, raw VARCHAR""",
}
"""Table name -> column definitions; the order is the creation order."""

FILE_TABLES = ("observations", "contacts", "rejects")
"""Tables whose rows belong to one ingested file (deleted when the file is replaced)."""


def _check_version(con: duckdb.DuckDBPyConnection, where: str) -> None:
    row = con.execute("SELECT value FROM meta WHERE key = ?", ["schema_version"]).fetchone()
    found = int(row[0]) if row else None
    if found != SCHEMA_VERSION:
        raise ConfigError(
            f"{where}: store schema version {found} is not supported "
            f"(this skiptrace writes version {SCHEMA_VERSION}); re-ingest into a new store"
        )


def create_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create missing tables and stamp the schema version (idempotent)."""
    for table, columns in SCHEMA.items():
        con.execute(f"CREATE TABLE IF NOT EXISTS {table} ({columns})")
    con.execute(
        "INSERT INTO meta VALUES (?, ?) ON CONFLICT DO NOTHING",
        ["schema_version", str(SCHEMA_VERSION)],
    )


def open_store(path: str | Path, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open (and, unless ``read_only``, create) the store at ``path``; check its version.

    ``path`` may be ``":memory:"``. The file is encrypted when a store key is configured
    (``SKIPTRACE_STORE_KEY``/``_FILE``, see :mod:`skiptrace.comply.encryption`). Raises
    :class:`ConfigError` when the store is missing (read-only), locked by another process, not
    a DuckDB file, of another schema version, encrypted without a (right) key, or plain while
    a key is configured.
    """
    where = str(path)
    if read_only and where != ":memory:" and not Path(path).exists():
        raise ConfigError(f"{where}: no store here; run `skiptrace ingest` first")
    try:
        con = connect_store(where, read_only=read_only)
    except duckdb.Error as exc:
        message = str(exc).splitlines()[0]
        raise ConfigError(f"{where}: cannot open the store ({message})") from None
    try:
        tables = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
        if not read_only:
            create_schema(con)
        elif "meta" not in tables:
            raise ConfigError(f"{where}: not a skiptrace store (no meta table)")
        _check_version(con, where)
    except BaseException:
        con.close()
        raise
    return con
