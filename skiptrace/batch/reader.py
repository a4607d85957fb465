"""Batch input: CSV (any common delimiter) or Parquet, read in fixed-size blocks of text rows.

Every value is kept as text exactly as written. Row `i` of the file (0-based, header and
blank lines excluded) is always in block `i // block_rows`, so block boundaries are stable
across runs (resume relies on it). Rows that do not fit the header are padded or cut to its
width and flagged `ragged_row`; rows with broken quoting are re-read leniently and flagged
`malformed_row`. Bytes that are not UTF-8 are decoded line by line as Windows-1252 (counted
in `InputFile.fallback_lines`); with an explicit encoding, undecodable bytes are an error.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from skiptrace.errors import ConfigError, InputError

DELIMITERS = (",", "\t", "|", ";")
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_BARE_CR = re.compile(r"(?<=\r)(?!\n)")
"""Splits after a carriage return that ends a line on its own (old Mac line ends)."""


@dataclass(slots=True)
class Block:
    """Consecutive data rows: `rows[k]` is data row `start + k`, always header-wide."""

    index: int
    start: int
    rows: list[list[str]]
    problems: dict[int, str] = field(default_factory=dict)
    arrow: pa.RecordBatch | None = None


@dataclass(slots=True)
class InputFile:
    """An opened batch input: its format, dialect and header."""

    path: Path
    format: str
    headers: tuple[str, ...]
    delimiter: str = ","
    encoding: str | None = None
    fallback_lines: int = 0
    blank_lines: int = 0


def detect_format(path: Path) -> str:
    """'parquet' for .parquet/.pq files, 'csv' for anything else."""
    return "parquet" if path.suffix.lower() in (".parquet", ".pq") else "csv"


def open_input(
    path: Path, *, encoding: str | None = None, delimiter: str | None = None
) -> InputFile:
    """Open `path`, read its header, and fail clearly on a missing, empty or header-less file."""
    if not path.is_file():
        raise InputError("input file not found", file=str(path))
    fmt = detect_format(path)
    if fmt == "parquet":
        try:
            schema = pq.read_schema(path)
        except (pa.ArrowException, OSError) as exc:
            raise InputError(f"not a readable Parquet file ({exc})", file=str(path)) from None
        return InputFile(path=path, format=fmt, headers=tuple(schema.names))
    if encoding is not None:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise ConfigError(f"unknown encoding {encoding!r}") from None
    table = InputFile(path=path, format=fmt, headers=(), encoding=encoding)
    table.delimiter = delimiter or _sniff_delimiter(table)
    header = next(_records(table), None)
    if header is None:
        raise InputError("empty file: no header row", file=str(path))
    table.headers = tuple(header[1])
    return table


def iter_blocks(table: InputFile, block_rows: int) -> Iterator[Block]:
    """Yield the data rows of `table` in blocks of `block_rows` (the last may be shorter)."""
    if table.format == "parquet":
        yield from _parquet_blocks(table, block_rows)
        return
    table.fallback_lines = table.blank_lines = 0
    records = _records(table)
    next(records, None)
    block = Block(index=0, start=0, rows=[])
    width = len(table.headers)
    for problem, values in records:
        if len(values) != width:
            problem = problem or "ragged_row"
            values = (values + [""] * width)[:width]
        if problem:
            block.problems[len(block.rows)] = problem
        block.rows.append(values)
        if len(block.rows) == block_rows:
            yield block
            block = Block(index=block.index + 1, start=block.start + block_rows, rows=[])
    if block.rows:
        yield block


def _sniff_delimiter(table: InputFile) -> str:
    first = next((line for line in _lines(table) if line.strip()), "")
    counts = {d: first.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def _lines(table: InputFile) -> Iterator[str]:
    """Decoded physical lines, line endings kept (what csv expects from newline='')."""
    with table.path.open("rb") as handle:
        head = handle.read(4)
        handle.seek(0)
        if table.encoding is None and head.startswith(_UTF16_BOMS):
            with io.TextIOWrapper(handle, encoding="utf-16", newline="") as text:
                try:
                    yield from text
                except UnicodeDecodeError:
                    raise InputError("not valid UTF-16 text", file=str(table.path)) from None
            return
        codec = table.encoding or "utf-8"
        for number, raw in enumerate(handle, start=1):
            line = raw[3:] if number == 1 and raw.startswith(codecs.BOM_UTF8) else raw
            try:
                text = line.decode(codec)
            except UnicodeDecodeError as exc:
                if table.encoding is not None:
                    raise InputError(
                        f"line {number} is not valid {table.encoding} ({type(exc).__name__})",
                        file=str(table.path),
                    ) from None
                table.fallback_lines += 1
                text = _decode_legacy(line)
            if "\r" in text[:-2]:
                yield from (part for part in _BARE_CR.split(text) if part)
            else:
                yield text


def _decode_legacy(line: bytes) -> str:
    try:
        return line.decode("cp1252")
    except UnicodeDecodeError:
        return line.decode("latin-1")


class _Tap:
    """A line iterator that remembers the lines of the record being parsed."""

    def __init__(self, lines: Iterator[str]) -> None:
        self.lines = lines
        self.taken: list[str] = []

    def __iter__(self) -> _Tap:
        return self

    def __next__(self) -> str:
        line = next(self.lines)
        self.taken.append(line)
        return line


def _records(table: InputFile) -> Iterator[tuple[str, list[str]]]:
    """(problem, values) per non-blank record; broken quoting is re-read leniently."""
    tap = _Tap(_lines(table))
    reader = csv.reader(tap, delimiter=table.delimiter, strict=True)
    while True:
        tap.taken.clear()
        try:
            values = next(reader)
            problem = ""
        except StopIteration:
            return
        except csv.Error as exc:
            if "end of data" in str(exc) or "field limit" in str(exc):
                raise InputError(
                    f"unreadable CSV at line {reader.line_num}: {exc} (unclosed quote?)",
                    file=str(table.path),
                ) from None
            try:
                values = next(csv.reader(tap.taken, delimiter=table.delimiter), [])
            except csv.Error:
                values = ["".join(tap.taken)]
            problem = "malformed_row"
        if values:
            yield problem, values
        else:
            table.blank_lines += 1


def _as_text(column: pa.Array) -> list[str]:
    """A column's values as text ('' for null), via Arrow's cast where it has one."""
    try:
        values = pc.cast(column, pa.string()).to_pylist()
    except (pa.ArrowNotImplementedError, pa.ArrowInvalid):
        values = [None if v is None else str(v) for v in column.to_pylist()]
    return ["" if v is None else v for v in values]


def _parquet_blocks(table: InputFile, block_rows: int) -> Iterator[Block]:
    pending: list[pa.RecordBatch] = []
    size = index = 0
    for batch in pq.ParquetFile(table.path).iter_batches(batch_size=block_rows):
        pending.append(batch)
        size += batch.num_rows
        while size >= block_rows:
            merged = pa.Table.from_batches(pending).combine_chunks()
            head, rest = merged.slice(0, block_rows), merged.slice(block_rows)
            yield _parquet_block(index, index * block_rows, head)
            index += 1
            pending, size = rest.to_batches(), rest.num_rows
    if size:
        yield _parquet_block(index, index * block_rows, pa.Table.from_batches(pending))


def _parquet_block(index: int, start: int, chunk: pa.Table) -> Block:
    batch = chunk.combine_chunks().to_batches()[0]
    columns = [_as_text(batch.column(i)) for i in range(batch.num_columns)]
    rows = [list(values) for values in zip(*columns, strict=True)]
    return Block(index=index, start=start, rows=rows, arrow=batch)
