"""The input relation of the resolution engine: one row per person mention.

The engine reads a DuckDB relation with exactly these columns (``RECORD_COLUMNS``); any
column may be NULL except ``record_id`` and ``source``:

=================  ============  =====================================================
column             type          meaning
=================  ============  =====================================================
record_id          BIGINT        unique, stable id of the mention (``obs_id`` in the store)
source             VARCHAR       source id; ``link`` mode only pairs different sources
first_name         VARCHAR       canonical (upper or lower case, consistently) first name
middle_name        VARCHAR       middle name or initial
last_name          VARCHAR       surname
suffix             VARCHAR       generational suffix: JR, SR, II, III, IV
first_keys         VARCHAR[]     nickname-equivalent canonical first names, incl. itself
first_phonetic     VARCHAR       phonetic key of the first name
last_phonetic      VARCHAR       phonetic key of the surname
dob                DATE          date of birth (partial dates: first day of month/year)
dob_precision      VARCHAR       'day', 'month' or 'year'
birth_year         INTEGER       year of birth (also when only the year is known)
ssn                VARCHAR       full SSN digits (9; other fixed-length national ids work)
ssn_last4          VARCHAR       last four digits (also when only those are known)
addr_key           VARCHAR       address comparison key; the unit discriminates
addr_street_key    VARCHAR       the same key without the unit
addr_zip5          VARCHAR       five-digit ZIP (or postcode)
addr_number        VARCHAR       house number
addr_street        VARCHAR       street name line without number and unit
phone              VARCHAR       E.164 phone
email_key          VARCHAR       folded e-mail key
employer_key       VARCHAR       folded employer key
row_key            VARCHAR       optional: the source row; parties of one row (the two
                                 owners on a deed) are never one person
prev_street_key    VARCHAR       optional: a previous street address (the old address of
                                 a change-of-address filing), compared with the other's
=================  ============  =====================================================

:func:`load_records` copies such a relation into the working table ``rs_records`` and adds
the derived columns the blocking rules and comparisons use (``dob_digits`` for day-precision
dates, ``first_initial``, ``last_initial``, ``middle_initial``, ``zip3``), and builds
``rs_nicknames(a, b)``: the pairs of distinct first names whose nickname keys overlap, so
comparisons test nicknames with a hash join instead of list operations on every pair.
"""

from __future__ import annotations

import duckdb

from skiptrace.errors import InputError

RECORD_COLUMNS: dict[str, str] = {
    "record_id": "BIGINT",
    "source": "VARCHAR",
    "first_name": "VARCHAR",
    "middle_name": "VARCHAR",
    "last_name": "VARCHAR",
    "suffix": "VARCHAR",
    "first_keys": "VARCHAR[]",
    "first_phonetic": "VARCHAR",
    "last_phonetic": "VARCHAR",
    "dob": "DATE",
    "dob_precision": "VARCHAR",
    "birth_year": "INTEGER",
    "ssn": "VARCHAR",
    "ssn_last4": "VARCHAR",
    "addr_key": "VARCHAR",
    "addr_street_key": "VARCHAR",
    "addr_zip5": "VARCHAR",
    "addr_number": "VARCHAR",
    "addr_street": "VARCHAR",
    "phone": "VARCHAR",
    "email_key": "VARCHAR",
    "employer_key": "VARCHAR",
}

OPTIONAL_COLUMNS: dict[str, str] = {"row_key": "VARCHAR", "prev_street_key": "VARCHAR"}
"""Columns the relation may lack; they are NULL then."""

RECORDS_TABLE = "rs_records"
NICKNAMES_TABLE = "rs_nicknames"

_DERIVED_SQL = """
    CASE WHEN dob_precision = 'day' THEN strftime(dob, '%Y%m%d') END AS dob_digits,
    left(first_name, 1) AS first_initial,
    left(last_name, 1) AS last_initial,
    left(middle_name, 1) AS middle_initial,
    left(addr_zip5, 3) AS zip3
"""


def check_columns(relation: duckdb.DuckDBPyRelation) -> None:
    """Raise :class:`InputError` unless ``relation`` has every column of ``RECORD_COLUMNS``."""
    missing = [name for name in RECORD_COLUMNS if name not in relation.columns]
    if missing:
        raise InputError(f"records relation lacks columns: {', '.join(missing)}")


def load_records(
    con: duckdb.DuckDBPyConnection, relation: duckdb.DuckDBPyRelation, table: str = RECORDS_TABLE
) -> int:
    """Materialise ``relation`` as the working table ``table`` with derived columns.

    Returns the number of records; raises :class:`InputError` on duplicate ids.
    """
    check_columns(relation)
    casts = ", ".join(
        [f"CAST({name} AS {kind}) AS {name}" for name, kind in RECORD_COLUMNS.items()]
        + [
            f"CAST({name if name in relation.columns else 'NULL'} AS {kind}) AS {name}"
            for name, kind in OPTIONAL_COLUMNS.items()
        ]
    )
    con.register("rs_input_view", relation)
    try:
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {table} AS "
            f"SELECT *, {_DERIVED_SQL} FROM (SELECT {casts} FROM rs_input_view)"
        )
    finally:
        con.unregister("rs_input_view")
    build_nicknames(con, table)
    (count,) = con.execute(f"SELECT count(*) FROM {table}").fetchall()[0]
    (distinct,) = con.execute(f"SELECT count(DISTINCT record_id) FROM {table}").fetchall()[0]
    if distinct != count:
        raise InputError(f"record_id is not unique ({count - distinct} duplicates)")
    return count


def build_nicknames(con: duckdb.DuckDBPyConnection, table: str = RECORDS_TABLE) -> None:
    """(Re)build ``rs_nicknames`` from the records' ``first_keys``."""
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {NICKNAMES_TABLE} AS "
        f"WITH k AS (SELECT DISTINCT first_name AS name, unnest(first_keys) AS key FROM {table} "
        f"WHERE first_name IS NOT NULL) "
        f"SELECT DISTINCT x.name AS a, y.name AS b FROM k x JOIN k y USING (key) "
        f"WHERE x.name <> y.name"
    )


def add_aliases(con: duckdb.DuckDBPyConnection, aliases: str, table: str = RECORDS_TABLE) -> None:
    """Add the first-name pairs of the table ``aliases(a, b)`` (our own constant) to the
    records' ``first_keys``, both ways. ``rs_nicknames`` is left as built from the input's
    keys: the aliases serve the clustering's first-name compatibility, not the comparison
    levels (the model's nickname level keeps its meaning)."""
    con.execute(
        f"UPDATE {table} SET first_keys = list_distinct(list_concat("
        f"coalesce({table}.first_keys, [{table}.first_name]), x.extra)) "
        f"FROM (SELECT name, list(other) AS extra FROM (SELECT a AS name, b AS other "
        f"FROM {aliases} UNION SELECT b, a FROM {aliases}) GROUP BY name) x "
        f"WHERE {table}.first_name = x.name"
    )
