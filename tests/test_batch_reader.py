"""Batch input reading: exact values, stable blocks, hostile CSV and Parquet."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skiptrace.batch.reader import iter_blocks, open_input
from skiptrace.errors import ConfigError, InputError

# Any text a spreadsheet cell can hold (csv cannot carry a lone '\r' unquoted distinction).
cells = st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\r"), max_size=15)


def read_all(path: Path, block_rows: int = 1000, **kwargs) -> tuple[list[list[str]], dict]:
    table = open_input(path, **kwargs)
    rows: list[list[str]] = []
    problems: dict[int, str] = {}
    for block in iter_blocks(table, block_rows):
        problems |= {block.start + k: p for k, p in block.problems.items()}
        rows.extend(block.rows)
    return rows, problems


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    width=st.integers(1, 5),
    data=st.data(),
    delimiter=st.sampled_from([",", "\t", "|", ";"]),
    block_rows=st.integers(1, 7),
)
def test_csv_round_trip_keeps_exact_values(tmp_path, width, data, delimiter, block_rows):
    header = [f"col{i}" for i in range(width)]
    rows = data.draw(
        st.lists(st.lists(cells, min_size=width, max_size=width), max_size=20).filter(
            lambda rs: all(any(v for v in r) or width > 1 for r in rs)
        )
    )
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows([header, *rows])
    path = tmp_path / "in.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8", newline="")
    got, problems = read_all(path, block_rows, delimiter=delimiter)
    assert got == rows
    assert problems == {}


@settings(max_examples=30, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.integers(0, 40), block_rows=st.integers(1, 9))
def test_blocks_are_fixed_slices_of_the_file(tmp_path, rows, block_rows):
    path = tmp_path / "in.csv"
    path.write_text("id\n" + "".join(f"{i}\n" for i in range(rows)), encoding="utf-8")
    blocks = list(iter_blocks(open_input(path), block_rows))
    assert [b.index for b in blocks] == list(range(len(blocks)))
    for block in blocks:
        assert block.start == block.index * block_rows
        assert [int(r[0]) for r in block.rows] == list(
            range(block.start, block.start + len(block.rows))
        )
    assert sum(len(b.rows) for b in blocks) == rows


@pytest.mark.parametrize(
    ("data", "delimiter"),
    [
        (b"id;name\n1;a\n", ";"),
        (b"id|name\n1|a\n", "|"),
        (b"id\tname\n1\ta\n", "\t"),
        (b"\n\nid,name\n1,a\n", ","),
    ],
)
def test_delimiter_is_sniffed_from_the_header(tmp_path, data, delimiter):
    path = tmp_path / "in.txt"
    path.write_bytes(data)
    table = open_input(path)
    assert table.delimiter == delimiter
    assert table.headers == ("id", "name")


@pytest.mark.parametrize(
    "data",
    [
        "id,name\r\n1,Zoë\r\n".encode("utf-8-sig"),
        "id,name\n1,Zoë\n".encode("utf-16"),
        "id,name\n1,Zoë\n".encode("cp1252"),
    ],
)
def test_encodings(tmp_path, data):
    path = tmp_path / "in.csv"
    path.write_bytes(data)
    rows, _ = read_all(path)
    assert rows == [["1", "Zoë"]]


def test_explicit_encoding_is_strict(tmp_path):
    path = tmp_path / "in.csv"
    path.write_bytes("id,name\n1,Zoë\n".encode("cp1252"))
    with pytest.raises(InputError, match="line 2 is not valid utf-8"):
        read_all(path, encoding="utf-8")
    assert read_all(path, encoding="cp1252")[0] == [["1", "Zoë"]]
    with pytest.raises(ConfigError, match="unknown encoding"):
        read_all(path, encoding="klingon")


def test_ragged_and_malformed_rows_are_flagged_not_dropped(tmp_path):
    path = tmp_path / "in.csv"
    path.write_text('id,a,b\n1,x\n2,x,y,z\n3,"q"r,s\n4,"multi\nline",t\n', encoding="utf-8")
    rows, problems = read_all(path)
    assert rows == [["1", "x", ""], ["2", "x", "y"], ["3", "qr", "s"], ["4", "multi\nline", "t"]]
    assert problems == {0: "ragged_row", 1: "ragged_row", 2: "malformed_row"}


def test_nul_bytes_are_kept(tmp_path):
    path = tmp_path / "in.csv"
    path.write_bytes(b"id,a\n1,x\x00y\n")
    assert read_all(path)[0] == [["1", "x\x00y"]]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty file"),
        (b"\n\n", "empty file"),
        (b'id,a\n1,"open\n2,b\n', "unclosed quote"),
    ],
)
def test_unreadable_csv(tmp_path, data, message):
    path = tmp_path / "in.csv"
    path.write_bytes(data)
    with pytest.raises(InputError, match=message):
        read_all(path)


def test_missing_and_non_parquet_files(tmp_path):
    with pytest.raises(InputError, match="not found"):
        open_input(tmp_path / "nope.csv")
    fake = tmp_path / "fake.parquet"
    fake.write_text("id\n1\n", encoding="utf-8")
    with pytest.raises(InputError, match="not a readable Parquet file"):
        open_input(fake)


def test_parquet_values_become_text_and_blocks_are_exact(tmp_path):
    path = tmp_path / "in.parquet"
    table = pa.table({"id": [f"A{i}" for i in range(10)], "bal": [float(i) for i in range(10)]})
    table = table.set_column(1, "bal", pa.array([None, *range(1, 10)], pa.int64()))
    pq.write_table(table, path, row_group_size=3)
    blocks = list(iter_blocks(open_input(path), 4))
    assert [len(b.rows) for b in blocks] == [4, 4, 2]
    assert blocks[0].rows[:2] == [["A0", ""], ["A1", "1"]]
    assert blocks[2].arrow.to_pydict() == {"id": ["A8", "A9"], "bal": [8, 9]}


def test_broken_utf16_is_a_clear_error(tmp_path):
    path = tmp_path / "in.csv"
    path.write_bytes("id,name\n1,Zoë\n".encode("utf-16") + b"\x00\xd8")
    with pytest.raises(InputError, match="UTF-16"):
        read_all(path)
