"""Final assembly: checkpointed blocks -> the wide and long output files."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from skiptrace.batch.checkpoint import Checkpoint
from skiptrace.batch.output import write_tables
from skiptrace.batch.reader import InputFile

PRIORITY_COLUMN = "priority_rank"


def empty_schema(table: InputFile, wide_columns: Sequence[str], *, text_input: bool) -> pa.Schema:
    """The wide schema of a run without data rows (input types kept for Parquet to Parquet)."""
    if text_input:
        return pa.schema([(name, pa.string()) for name in [*table.headers, *wide_columns]])
    schema = pq.read_schema(table.path)
    return pa.schema([*schema, *((name, pa.string()) for name in wide_columns)])


def assemble(
    checkpoint: Checkpoint,
    blocks: int,
    wide: tuple[Path, pa.Schema],
    long: tuple[Path, pa.Schema],
    ranks: np.ndarray | None,
) -> int:
    """Write both outputs from the `blocks` finished blocks; returns wide rows written.

    With `ranks` (one per row, 0 = unranked) a `priority_rank` column is appended.
    """
    wide_path, wide_schema = wide[0], wide[1].remove_metadata()
    if ranks is not None:
        wide_schema = wide_schema.append(pa.field(PRIORITY_COLUMN, pa.string()))
    sizes = [checkpoint.finished(i)["rows"] for i in range(blocks)]
    offsets = np.cumsum([0, *sizes])

    def wide_tables() -> Iterator[pa.Table]:
        for i in range(blocks):
            table = checkpoint.load(i, "wide")
            if ranks is not None:
                here = ranks[offsets[i] : offsets[i + 1]].tolist()
                column = pa.array([str(r) if r else "" for r in here], pa.string())
                table = table.append_column(PRIORITY_COLUMN, column)
            yield table.cast(wide_schema)

    written = write_tables(wide_path, wide_schema, wide_tables())
    write_tables(long[0], long[1], (checkpoint.load(i, "long") for i in range(blocks)))
    return written
