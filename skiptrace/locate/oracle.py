"""Oracle resolution: `person_records` built from a simulated world's truth, not the resolver.

Benchmarks and tests use it to measure locate accuracy with perfect resolution and to fit
the locate models. The truth file `truth/source_rows.csv` maps (file, row number, party
index) to a person; the store's observations carry the same triple.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from skiptrace.errors import ConfigError

PERSON_RECORDS = "person_records"


def load_oracle_resolution(
    con: duckdb.DuckDBPyConnection, world: str | Path, table: str = PERSON_RECORDS
) -> int:
    """(Re)create `table(obs_id, person_id)` (default `person_records`) from
    `world/truth/source_rows.csv`.

    Returns the number of observations mapped to a person.
    """
    truth = Path(world) / "truth" / "source_rows.csv"
    if not truth.is_file():
        raise ConfigError(f"{truth}: no truth file (is this a simulated world?)")
    con.execute(
        f"""
        CREATE OR REPLACE TABLE {table} AS
        SELECT o.obs_id, t.person_id
        FROM observations o
        JOIN files f ON f.file_id = o.file_id
        JOIN read_csv(?, header = true, all_varchar = true) t
          ON t.source = o.source
         AND t.file = regexp_extract(f.path, '[^/\\\\]+$')
         AND t.row_number::BIGINT = o.row_number
         AND t.party_index::INTEGER = o.party_index
        WHERE t.person_id IS NOT NULL
        """,
        [str(truth)],
    )
    ((count,),) = con.execute(f"SELECT count(*) FROM {table}").fetchall()
    return int(count)
