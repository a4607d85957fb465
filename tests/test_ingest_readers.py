"""Readers: every data row is either in a chunk or a row problem, with exact row numbers."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skiptrace.errors import InputError
from skiptrace.ingest.catalog import FileSpec
from skiptrace.ingest.readers import Chunk, read_chunks

CSV = FileSpec(patterns=("*",), format="csv")


def read_all(path: Path, spec: FileSpec, needed: tuple[str, ...], rows: int = 1000) -> list[Chunk]:
    return list(read_chunks(path, spec, needed, chunk_rows=rows))


def rows_of(chunks: list[Chunk]) -> dict[int, tuple[str | None, ...]]:
    out = {}
    for chunk in chunks:
        cols = list(chunk.columns.values())
        for i, number in enumerate(chunk.row_numbers):
            out[number] = tuple(col[i] for col in cols)
    return out


def test_chunks_keep_row_numbers_across_boundaries(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text("A,B,C\n" + "".join(f"a{i},b{i},c{i}\n" for i in range(1, 8)))
    chunks = read_all(path, CSV, ("C", "A"), rows=3)
    assert [c.rows_read for c in chunks] == [3, 3, 1]
    assert rows_of(chunks) == {i: (f"c{i}", f"a{i}") for i in range(1, 8)}
    assert chunks[-1].position == path.stat().st_size


def test_ragged_rows_are_row_problems_and_reading_continues(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text('A,B\n1,2\n3\n"x\ny",4\n5,6,7\n\n8,9\n')
    chunks = read_all(path, CSV, ("A", "B"))
    problems = [(p.row_number, p.reason) for c in chunks for p in c.row_problems]
    assert problems == [(2, "ragged_row"), (4, "ragged_row")]
    assert rows_of(chunks) == {1: ("1", "2"), 3: ("x\ny", "4"), 5: ("8", "9")}
    assert sum(c.rows_read for c in chunks) == 5


def test_undecodable_long_and_binary_values_are_blanked(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    big = "x" * (10 * 1024 * 1024)
    path.write_bytes(b"A,B\nJOS\xc9,ok\n" + f"{big},fine\n".encode() + b"a\x00b,c\n")
    chunks = read_all(path, CSV, ("A", "B"))
    problems = [(p.row_number, p.column, p.reason) for c in chunks for p in c.value_problems]
    assert problems == [
        (1, "A", "encoding_error"),
        (2, "A", "too_long"),
        (3, "A", "binary_content"),
    ]
    assert rows_of(chunks) == {1: (None, "ok"), 2: (None, "fine"), 3: (None, "c")}
    assert all(len(p.raw) <= 200 for c in chunks for p in c.value_problems)


def test_declared_encoding_is_used(tmp_path: Path) -> None:
    path = tmp_path / "a.tsv"
    path.write_bytes("A\tB\nJOSÉ\tPEÑA\n".encode("latin-1"))
    spec = FileSpec(patterns=("*",), format="tsv", encoding="latin-1")
    chunks = read_all(path, spec, ("A", "B"))
    assert rows_of(chunks) == {1: ("JOSÉ", "PEÑA")}
    assert not chunks[0].value_problems


def test_headerless_file_uses_catalog_columns(tmp_path: Path) -> None:
    path = tmp_path / "a.psv"
    path.write_text("1|2\n3|4\n")
    spec = FileSpec(patterns=("*",), format="psv", header=False, columns=("X", "Y"))
    assert rows_of(read_all(path, spec, ("Y",))) == {1: ("2",), 2: ("4",)}


@pytest.mark.parametrize(
    ("content", "spec", "message"),
    [
        (b"", CSV, "empty file"),
        (b"\n\n", CSV, "no header"),
        (b"A,C\n1,2\n", CSV, "header lacks required column"),
        (b"A,A,B\n1,2,3\n", CSV, "header repeats column"),
        (b"PAR1\x00\x00junk", CSV, "Parquet"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", CSV, "binary content"),
        (b"\x1f\x8b\x08\x00junk", CSV, "compressed"),
        (b"A,B\n1,2\n", FileSpec(patterns=("*",), format="parquet"), "not a readable Parquet"),
        (b"A,B\n1,2\n", FileSpec(patterns=("*",), format="jsonl"), "not a JSON lines"),
        (b'A,B\n"' + b"x" * 40_000_000 + b"\n", CSV, "unreadable CSV"),
    ],
    ids=["empty", "blank", "missing", "duplicated", "parquet-as-csv", "png", "gzip",
         "csv-as-parquet", "csv-as-jsonl", "unclosed-quote"],
)  # fmt: skip
def test_file_level_problems_raise_input_error(
    tmp_path: Path, content: bytes, spec: FileSpec, message: str
) -> None:
    path = tmp_path / "bad.dat"
    path.write_bytes(content)
    with pytest.raises(InputError, match=message) as info:
        read_all(path, spec, ("A", "B"))
    assert info.value.file == str(path)


def test_jsonl_rows_values_and_bad_lines(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    lines = [json.dumps({"A": "x", "B": 5}), "{not json", json.dumps([1]), "",
             json.dumps({"A": None, "B": {"k": True}, "C": 1})]  # fmt: skip
    path.write_text("\n".join(lines) + "\n")
    chunks = read_all(path, FileSpec(patterns=("*",), format="jsonl"), ("A", "B"))
    assert rows_of(chunks) == {1: ("x", "5"), 4: (None, '{"k": true}')}
    assert [(p.row_number, p.reason) for c in chunks for p in c.row_problems] == [
        (2, "invalid_json"),
        (3, "invalid_json"),
    ]


def test_parquet_columns_are_read_as_strings(tmp_path: Path) -> None:
    import datetime as dt

    path = tmp_path / "a.parquet"
    table = pa.table({"A": ["x", None, "z"], "B": [1, 2, 3], "D": [dt.date(2020, 1, 2)] * 3})
    pq.write_table(table, path)
    spec = FileSpec(patterns=("*",), format="parquet")
    chunks = read_all(path, spec, ("A", "B", "D"), rows=2)
    assert rows_of(chunks) == {
        1: ("x", "1", "2020-01-02"),
        2: (None, "2", "2020-01-02"),
        3: ("z", "3", "2020-01-02"),
    }
    with pytest.raises(InputError, match="header lacks required column"):
        read_all(path, spec, ("A", "Q"))


_cell = st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), max_size=12)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    table=st.integers(1, 4).flatmap(
        lambda width: st.lists(st.lists(_cell, min_size=width, max_size=width), max_size=25)
    ),
    delimiter=st.sampled_from(["csv", "tsv", "psv"]),
)
def test_delimited_round_trip(tmp_path: Path, table: list[list[str]], delimiter: str) -> None:
    width = len(table[0]) if table else 2
    header = [f"C{i}" for i in range(width)]
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter={"csv": ",", "tsv": "\t", "psv": "|"}[delimiter])
    writer.writerow(header)
    writer.writerows(table)
    path = tmp_path / "round.txt"
    path.write_text(buffer.getvalue(), encoding="utf-8", newline="")
    spec = FileSpec(patterns=("*",), format=delimiter)
    chunks = read_all(path, spec, tuple(header), rows=7)
    expected = {i + 1: tuple(row) for i, row in enumerate(table)}
    got = rows_of(chunks)
    assert {k: tuple(v or "" for v in vals) for k, vals in got.items()} == expected
    assert sum(c.rows_read for c in chunks) == len(expected)
    assert not any(c.row_problems for c in chunks)
