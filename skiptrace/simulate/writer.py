"""Streaming writers for a world directory: source files, inputs, truth tables.

Rows arrive chunk by chunk; each file stays open, row numbers continue across chunks, and
``truth/source_rows.csv`` gets one line per party of every source row as it is written.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import IO, Any

import pyarrow as pa
import pyarrow.parquet as pq

from skiptrace.simulate.layouts import (
    ACCOUNT_COLUMNS,
    APPLICATION_COLUMNS,
    LAYOUTS,
    TRUTH_COLUMNS,
    Layout,
)
from skiptrace.simulate.sink import Row

DELIMITERS = {"csv": ",", "tsv": "\t", "psv": "|"}


class _SourceFile:
    """One source file in its layout's format."""

    def __init__(self, layout: Layout, directory: Path):
        self.layout, self.rows = layout, 0
        path = directory / layout.file
        self._parquet: pq.ParquetWriter | None = None
        self._fh: IO[str] | None = None
        if layout.format == "parquet":
            schema = pa.schema([(c, pa.string()) for c in layout.columns])
            self._parquet = pq.ParquetWriter(path, schema, compression="zstd")
        else:
            self._fh = open(path, "w", encoding=layout.encoding, newline="")  # noqa: SIM115
            if layout.format in DELIMITERS:
                self._csv = csv.writer(
                    self._fh, delimiter=DELIMITERS[layout.format], lineterminator="\n"
                )
                self._csv.writerow(layout.columns)

    def write(self, rows: list[Row]) -> None:
        cols = self.layout.columns
        if self._parquet is not None:
            data = {c: [r[i] or None for r in rows] for i, c in enumerate(cols)}
            self._parquet.write_table(pa.table(data, schema=self._parquet.schema))
        elif self.layout.format == "jsonl":
            assert self._fh is not None
            self._fh.writelines(
                json.dumps(
                    {c: (v or None) for c, v in zip(cols, r, strict=True)}, ensure_ascii=False
                )
                + "\n"
                for r in rows
            )
        else:
            self._csv.writerows(rows)
        self.rows += len(rows)

    def close(self) -> None:
        if self._parquet is not None:
            self._parquet.close()
        if self._fh is not None:
            self._fh.close()


class WorldWriter:
    """Owns every output file of a world; call :meth:`write_chunk` in chunk order."""

    def __init__(self, out_dir: Path):
        (out_dir / "sources").mkdir(parents=True, exist_ok=True)
        (out_dir / "truth").mkdir(exist_ok=True)
        self.sources = {
            name: _SourceFile(lay, out_dir / "sources") for name, lay in LAYOUTS.items()
        }
        self._files: list[IO[str]] = []
        self.tables: dict[str, Any] = {}
        for name, cols in (("accounts", ACCOUNT_COLUMNS), ("applications", APPLICATION_COLUMNS)):
            self.tables[name] = self._open(out_dir / f"{name}.csv", cols)
        for name, cols in TRUTH_COLUMNS.items():
            self.tables[f"truth/{name}"] = self._open(out_dir / "truth" / f"{name}.csv", cols)
        self.counts: dict[str, int] = {"accounts": 0, "applications": 0}

    def _open(self, path: Path, columns: tuple[str, ...]) -> Any:
        fh = open(path, "w", encoding="utf-8", newline="")  # noqa: SIM115
        self._files.append(fh)
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(columns)
        return writer

    def write_chunk(self, result: Any) -> None:
        """Append one :class:`~skiptrace.simulate.chunk.ChunkResult`."""
        link = self.tables["truth/source_rows"]
        for name, rows in sorted(result.rows.items()):
            out = self.sources[name]
            first = out.rows + 1
            out.write(rows)
            file = out.layout.file
            link.writerows(
                (name, file, first + i, k, f"P{pid:08d}" if pid is not None else "")
                for i, parties in enumerate(result.parties[name])
                for k, pid in enumerate(parties)
            )
        self.tables["accounts"].writerows(result.accounts)
        self.tables["applications"].writerows(result.applications)
        self.counts["accounts"] += len(result.accounts)
        self.counts["applications"] += len(result.applications)
        for name, rows in result.truth.items():
            self.tables[f"truth/{name}"].writerows(rows)

    def close(self) -> dict[str, int]:
        """Close every file; return row counts per source."""
        for src in self.sources.values():
            src.close()
        for fh in self._files:
            fh.close()
        return {name: src.rows for name, src in self.sources.items()}
