"""Final output files: a stream of Arrow tables -> one CSV or Parquet file, atomically.

CSV is UTF-8 without BOM, RFC 4180 quoting (only where needed) and CRLF line ends; nulls
are written as empty fields. Parquet gets one row group per block. Both are deterministic:
the same tables give the same bytes, which is what makes a resumed run byte-identical.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from skiptrace.batch.atomic import atomic_path
from skiptrace.errors import ConfigError

FORMATS = ("csv", "parquet")


def output_format(path: Path) -> str:
    """'parquet' for .parquet/.pq output paths, 'csv' otherwise."""
    return "parquet" if path.suffix.lower() in (".parquet", ".pq") else "csv"


def sibling_path(output: Path, tag: str) -> Path:
    """`out.csv` -> `out.<tag>.csv`: where the long file of an output goes."""
    return output.with_name(f"{output.stem}.{tag}{output.suffix}")


def check_columns(names: Sequence[str], appended: Sequence[str], fmt: str) -> None:
    """Refuse outputs whose columns would be ambiguous to the reader of the file."""
    clash = sorted(set(names) & set(appended))
    if clash:
        raise ConfigError(
            f"input column {clash[0]!r} has the name of an output column; rename it first"
        )
    if fmt == "parquet" and len(set(names)) != len(names):
        raise ConfigError("the input header repeats a column name; write CSV or rename it")


def _text_rows(table: pa.Table) -> Iterable[list[str]]:
    columns = [
        ["" if value is None else str(value) for value in column.to_pylist()]
        for column in table.columns
    ]
    return (list(row) for row in zip(*columns, strict=True))


def write_tables(path: Path, schema: pa.Schema, tables: Iterable[pa.Table]) -> int:
    """Write `tables` (all with `schema`) to `path` in its format; returns rows written."""
    rows = 0
    with atomic_path(path) as tmp:
        if output_format(path) == "parquet":
            with pq.ParquetWriter(tmp, schema) as writer:
                for table in tables:
                    writer.write_table(table)
                    rows += table.num_rows
        else:
            with tmp.open("w", encoding="utf-8", newline="") as handle:
                writer = csv.writer(handle)
                writer.writerow(schema.names)
                for table in tables:
                    writer.writerows(_text_rows(table))
                    rows += table.num_rows
    return rows
