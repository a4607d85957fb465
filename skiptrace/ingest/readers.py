"""Readers: source files (CSV/TSV/pipe, Parquet, JSON lines) -> chunks of string columns.

A reader never drops a row silently. Rows it cannot split into columns (ragged rows, lines
that are not JSON objects) come back as row problems; single values it cannot decode (bad
bytes for the declared encoding, NUL bytes) or that are absurdly long come back blanked with
a value problem. Problems with the file as a whole (not the declared format, missing
columns, empty) raise :class:`~skiptrace.errors.InputError`.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from skiptrace.errors import InputError
from skiptrace.ingest.catalog import FileSpec
from skiptrace.ingest.redact import scrub

CHUNK_ROWS = 10_000
"""Rows per chunk: bounds a worker's transient memory and the chunks in flight in the parent."""
MAX_VALUE_CHARS = 4096
"""Longer values are blanked with a ``too_long`` problem (no real field is this long)."""
MAX_FIELD_BYTES = 32 * 1024 * 1024
"""The CSV parser gives up (a file-level error) on a field beyond this: an unclosed quote."""
DELIMITERS = {"csv": ",", "tsv": "\t", "psv": "|"}
_SNIFF_BYTES = 8192


@dataclass(frozen=True, slots=True)
class Problem:
    """A row (``column`` None) or a single value a reader could not use."""

    row_number: int
    column: str | None
    reason: str
    raw: str


@dataclass(slots=True)
class Chunk:
    """Up to ``CHUNK_ROWS`` consecutive data rows of one file.

    ``row_numbers[i]`` is the 1-based data row number of ``columns[c][i]``; rows listed in
    ``row_problems`` are not in ``columns``. ``rows_read`` counts both.
    """

    columns: dict[str, list[str | None]]
    row_numbers: list[int]
    row_problems: list[Problem] = field(default_factory=list)
    value_problems: list[Problem] = field(default_factory=list)
    position: int = 0
    """Bytes of the file consumed so far (approximate; for progress reporting)."""

    @property
    def rows_read(self) -> int:
        """Data rows this chunk accounts for."""
        return len(self.row_numbers) + len(self.row_problems)


def read_chunks(
    path: Path, spec: FileSpec, needed: tuple[str, ...], chunk_rows: int = CHUNK_ROWS
) -> Iterator[Chunk]:
    """Yield the ``needed`` columns of a source file in chunks of at most ``chunk_rows`` rows."""
    if spec.format == "parquet":
        chunks = _parquet_chunks(path, needed, chunk_rows)
    else:
        _sniff_text(path, spec.format)
        if spec.format == "jsonl":
            chunks = _jsonl_chunks(path, spec, needed, chunk_rows)
        else:
            chunks = _delimited_chunks(path, spec, needed, chunk_rows)
    for chunk in chunks:
        _clean_values(chunk)
        yield chunk


def _sniff_text(path: Path, fmt: str) -> None:
    with path.open("rb") as handle:
        head = handle.read(_SNIFF_BYTES)
    if not head:
        raise InputError("empty file", file=str(path))
    if head.startswith(b"PAR1"):
        raise InputError(f"file is Parquet but the catalog declares {fmt}", file=str(path))
    if head.startswith(b"\x1f\x8b") or head.startswith(b"PK\x03\x04"):
        raise InputError(f"file is compressed; the catalog declares {fmt}", file=str(path))
    if b"\x00" in head:
        raise InputError(f"binary content; not a {fmt} file", file=str(path))


def _text_stream(path: Path, spec: FileSpec) -> io.TextIOWrapper:
    # surrogateescape keeps undecodable bytes visible so they become value problems
    return open(path, encoding=spec.encoding, errors="surrogateescape", newline="")


def _check_columns(path: Path, header: list[str], needed: tuple[str, ...]) -> None:
    missing = [c for c in needed if c not in header]
    if missing:
        raise InputError(f"header lacks required column(s) {', '.join(missing)}", file=str(path))
    duplicated = sorted({c for c in needed if header.count(c) > 1})
    if duplicated:
        raise InputError(f"header repeats column(s) {', '.join(duplicated)}", file=str(path))


def _delimited_chunks(
    path: Path, spec: FileSpec, needed: tuple[str, ...], chunk_rows: int
) -> Iterator[Chunk]:
    csv.field_size_limit(max(csv.field_size_limit(), MAX_FIELD_BYTES))
    with _text_stream(path, spec) as stream:
        reader = csv.reader(stream, delimiter=DELIMITERS[spec.format], strict=False)
        try:
            if spec.header:
                header = next((r for r in reader if r), None)
                if header is None:
                    raise InputError("empty file: no header row", file=str(path))
                header = [h.strip().lstrip("\ufeff") for h in header]
            else:
                header = list(spec.columns)
            _check_columns(path, header, needed)
            width = len(header)
            picker = itemgetter(*[header.index(c) for c in needed])
            rows: list[list[str]] = []
            numbers: list[int] = []
            problems: list[Problem] = []
            number = 0
            for row in reader:
                if not row or (len(row) == 1 and not row[0].strip() and width > 1):
                    continue  # blank line: no data, not a row
                number += 1
                if len(row) != width:
                    raw = f"[{len(row)} of {width} columns] {scrub(spec.format, row)}"
                    problems.append(Problem(number, None, "ragged_row", raw))
                else:
                    rows.append(row)
                    numbers.append(number)
                if len(rows) + len(problems) >= chunk_rows:
                    chunk = _rows_to_chunk(rows, numbers, problems, needed, picker)
                    chunk.position = stream.buffer.tell()
                    yield chunk
                    rows, numbers, problems = [], [], []
        except csv.Error as exc:
            raise InputError(f"unreadable CSV ({exc})", file=str(path), row=number + 1) from None
        except UnicodeDecodeError as exc:  # only codecs without surrogateescape support
            reason = f"cannot decode as {spec.encoding} ({exc.reason})"
            raise InputError(reason, file=str(path)) from None
    if rows or problems:
        chunk = _rows_to_chunk(rows, numbers, problems, needed, picker)
        chunk.position = path.stat().st_size
        yield chunk


def _rows_to_chunk(
    rows: list[list[str]],
    numbers: list[int],
    problems: list[Problem],
    needed: tuple[str, ...],
    picker: itemgetter,
) -> Chunk:
    if len(needed) == 1:
        columns = {needed[0]: [picker(r) for r in rows]}
    else:
        picked = list(zip(*map(picker, rows), strict=True)) if rows else [()] * len(needed)
        columns = {name: list(values) for name, values in zip(needed, picked, strict=True)}
    return Chunk(columns, numbers, problems)


def _json_value(value: object) -> str | None:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return json.dumps(value, ensure_ascii=False)


def _jsonl_chunks(
    path: Path, spec: FileSpec, needed: tuple[str, ...], chunk_rows: int
) -> Iterator[Chunk]:
    columns: dict[str, list[str | None]] = {c: [] for c in needed}
    numbers: list[int] = []
    problems: list[Problem] = []
    number = 0
    with _text_stream(path, spec) as stream:
        for line in stream:
            if not line.strip():
                continue
            number += 1
            try:
                record = json.loads(line)
            except ValueError:
                record = None
            if not isinstance(record, dict):
                if number == 1:
                    raise InputError("not a JSON lines file", file=str(path), row=1)
                problems.append(Problem(number, None, "invalid_json", scrub("jsonl", [line])))
            else:
                for name in needed:
                    columns[name].append(_json_value(record.get(name)))
                numbers.append(number)
            if len(numbers) + len(problems) >= chunk_rows:
                yield Chunk(columns, numbers, problems, position=stream.buffer.tell())
                columns, numbers, problems = {c: [] for c in needed}, [], []
    if number == 0:
        raise InputError("empty file: no JSON records", file=str(path))
    if numbers or problems:
        yield Chunk(columns, numbers, problems, position=path.stat().st_size)


def _parquet_chunks(path: Path, needed: tuple[str, ...], chunk_rows: int) -> Iterator[Chunk]:
    try:
        parquet = pq.ParquetFile(path)
    except (pa.ArrowException, OSError) as exc:
        raise InputError(f"not a readable Parquet file ({exc})", file=str(path)) from None
    _check_columns(path, parquet.schema_arrow.names, needed)
    start = 0
    try:
        for batch in parquet.iter_batches(batch_size=chunk_rows, columns=list(needed)):
            columns = {}
            for name in needed:
                array = batch.column(name)
                if not pa.types.is_string(array.type):
                    array = pc.cast(array, pa.string())
                columns[name] = array.to_pylist()
            start += batch.num_rows
            position = path.stat().st_size * start // max(parquet.metadata.num_rows, 1)
            yield Chunk(
                columns, list(range(start - batch.num_rows + 1, start + 1)), position=position
            )
    except (pa.ArrowException, OSError) as exc:
        raise InputError(f"corrupt Parquet data ({exc})", file=str(path), row=start + 1) from None


def _encodes(text: str) -> bool:
    """False when ``text`` holds undecodable bytes (lone surrogates from surrogateescape)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _bad_value(value: str) -> str | None:
    if len(value) > MAX_VALUE_CHARS:
        return "too_long"
    if "\x00" in value:
        return "binary_content"
    return None if _encodes(value) else "encoding_error"


def _clean_values(chunk: Chunk) -> None:
    """Blank undecodable, binary or over-long values, recording one problem per value."""
    for name, values in chunk.columns.items():
        present = [v for v in values if v]
        joined = "\n".join(present)
        short = max(map(len, present), default=0) <= MAX_VALUE_CHARS
        if short and "\x00" not in joined and (joined.isascii() or _encodes(joined)):
            continue
        for i, value in enumerate(values):
            reason = _bad_value(value) if value else None
            if reason:
                raw = value[:200].encode("utf-8", "backslashreplace").decode("utf-8")
                chunk.value_problems.append(Problem(chunk.row_numbers[i], name, reason, raw))
                values[i] = None
