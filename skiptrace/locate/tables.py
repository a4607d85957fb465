"""Names of the person-index tables that locate keeps in a resolved store (see `index`),
and the person batches the index is built in."""

from collections.abc import Iterator

import duckdb
import pyarrow as pa

PERSON_VALUES = "person_values"
PERSON_KEYS = "person_keys"
CONTACT_LINKS = "contact_links"
CONTACT_EVIDENCE = "contact_evidence"
PERSON_FLAGS = "person_flags"
PERSON_NAMES = "person_names"
INDEX_META = "person_index_meta"
PERSON_PACKED = "person_packed_v1"
"""Per-person JSON for single lookups (`packed`); the suffix is its layout version."""
INDEX_TABLES = (
    PERSON_VALUES, PERSON_KEYS, CONTACT_LINKS, CONTACT_EVIDENCE, PERSON_FLAGS, PERSON_NAMES,
    INDEX_META,
)  # fmt: skip
PROBE_LIST = 4
"""Values per bound IN list: DuckDB 1.5 answers up to 4 with an ART index probe and longer
lists with a hash join over the whole table (so a long list is split, `probe_sql`)."""


def probe_sql(select: str, column: str, n: int) -> str:
    """`select` (ending in FROM) for rows whose `column` is one of `n` bound values, as a
    UNION ALL of index-probed IN lists of at most `PROBE_LIST` values (distinct values)."""
    sizes = [min(PROBE_LIST, n - i) for i in range(0, n, PROBE_LIST)]
    return " UNION ALL ".join(f"{select} WHERE {column} IN ({', '.join('?' * k)})" for k in sizes)


INDEX_BATCH_PERSONS = 100_000
"""Persons per statement when building the per-person index tables: the evidence
aggregates hold one batch's rows in memory (all 1M persons at once ran out of an 8 GB
DuckDB memory limit)."""


def person_batches(con: duckdb.DuckDBPyConnection) -> Iterator[pa.Table]:
    """The indexed persons (`person_id`, sorted) in slices of `INDEX_BATCH_PERSONS`; one
    empty slice when there are none. Tables built batch after batch stay sorted."""
    persons = con.sql(
        f"SELECT DISTINCT person_id FROM {PERSON_VALUES} ORDER BY person_id"
    ).to_arrow_table()
    for start in range(0, max(len(persons), 1), INDEX_BATCH_PERSONS):
        yield persons.slice(start, INDEX_BATCH_PERSONS)


def batch_head(table: str, batch: int) -> str:
    """The statement head writing batch number `batch` (from 0) of `table`."""
    return f"CREATE OR REPLACE TABLE {table} AS" if batch == 0 else f"INSERT INTO {table}"
