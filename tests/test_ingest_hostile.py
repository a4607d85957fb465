"""Hostile input through the whole ingest path: a clear file error or exact accounting."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skiptrace.ingest import ingest_paths, open_store

CATALOG = """name = "{name}"
data_class = "telco"
asserts = ["phone_listing"]
reliability = 0.7

[file]
pattern = "{name}*.{ext}"
format = "{fmt}"

[fields.name]
column = "NAME"
[fields.dob]
column = "DOB"
[fields.ssn]
column = "SSN"
[fields.phone]
column = "PHONE"
[fields.address]
column = "ADDR"
[fields.first_seen]
column = "SINCE"
"""
COLUMNS = ["NAME", "DOB", "SSN", "PHONE", "ADDR", "SINCE"]
GOOD = ["JOHN SMITH", "1980-01-05", "123-45-6789", "217-555-0134",
        "123 Main St, Springfield, IL 62701", "2020-03-04"]  # fmt: skip


@pytest.fixture
def catalog(tmp_path: Path) -> Path:
    directory = tmp_path / "catalog"
    directory.mkdir()
    for name, ext, fmt in (("telco", "csv", "csv"), ("feed", "parquet", "parquet"),
                           ("lines", "jsonl", "jsonl")):  # fmt: skip
        text = CATALOG.format(name=name, ext=ext, fmt=fmt)
        (directory / f"{name}.toml").write_text(text, encoding="utf-8")
    return directory


def csv_bytes(rows: list[list[str]], encoding: str = "utf-8") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def ingest_one(catalog: Path, path: Path, content: bytes) -> tuple[object, Path]:
    path.write_bytes(content)
    store = path.parent / f"{path.stem}.duckdb"
    summary = ingest_paths([path], catalog, store)
    (result,) = summary.files
    return result, store


def check_accounting(store: Path) -> None:
    con = open_store(store, read_only=True)
    for file_id, read, ingested, rejected in con.execute(
        "SELECT file_id, rows_read, rows_ingested, rows_rejected FROM files"
    ).fetchall():
        with_obs = con.execute(
            "SELECT count(DISTINCT row_number) FROM observations WHERE file_id = ?", [file_id]
        ).fetchone()[0]
        bad = con.execute(
            "SELECT count(DISTINCT row_number) FROM rejects WHERE file_id = ? AND level = 'row'",
            [file_id],
        ).fetchone()[0]
        assert read == ingested + rejected == with_obs + bad
    con.close()


@pytest.mark.parametrize(
    ("rows", "encoding", "rejects", "problems"),
    [
        ([GOOD, ["JOSÉ PEÑA", *GOOD[1:]], [*GOOD[:4], "1 Peña St, Austin, TX 78701", GOOD[5]]],
         "cp1252", {"name:encoding_error": 1}, {"address:encoding_error": 1}),
        ([GOOD, GOOD[:3], [*GOOD, "extra"]], "utf-8", {"ragged_row": 2}, {}),
        ([["", *GOOD[1:]], ["&&&", *GOOD[1:]]], "utf-8",
         {"name:missing_name": 1, "name:unparseable": 1}, {}),
        ([[*GOOD[:3], "555", *GOOD[4:5], "13/13/13"]], "utf-8", {},
         {"phone": 1, "first_seen": 1}),
        ([["x" * 10_000_000, *GOOD[1:]], [*GOOD[:3], "9" * 10_000_000, *GOOD[4:]]], "utf-8",
         {"name:too_long": 1}, {"phone:too_long": 1}),
    ],
    ids=["wrong-encoding", "ragged", "no-name", "unparseable-values", "10MB-fields"],
)  # fmt: skip
def test_bad_rows_are_accounted(
    catalog: Path, tmp_path: Path, rows: list[list[str]], encoding: str,
    rejects: dict[str, int], problems: dict[str, int],
) -> None:  # fmt: skip
    result, store = ingest_one(catalog, tmp_path / "telco_1.csv", csv_bytes(rows, encoding))
    assert result.status == "ingested"
    assert result.rows_read == len(rows)
    assert dict(result.rejects) == rejects
    by_field = Counter()
    for key, count in result.field_problems.items():
        by_field[key if key in problems else key.split(":")[0]] += count
    assert {k: by_field[k] for k in problems} == problems
    check_accounting(store)


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("telco_1.csv", b"", "empty file"),
        ("telco_1.csv", b"NAME,DOB\nJOHN SMITH,1980\n", "header lacks required column(s) SSN"),
        ("telco_1.csv", bytes(range(256)) * 64, "binary content"),
        ("feed_1.parquet", csv_bytes([GOOD]), "not a readable Parquet file"),
        ("lines_1.jsonl", csv_bytes([GOOD]), "not a JSON lines file"),
    ],
    ids=["empty", "missing-columns", "binary-junk", "csv-declared-parquet", "csv-declared-jsonl"],
)
def test_unreadable_files_fail_clearly(
    catalog: Path, tmp_path: Path, name: str, content: bytes, reason: str
) -> None:
    result, store = ingest_one(catalog, tmp_path / name, content)
    assert result.status == "error"
    assert str(tmp_path / name) in result.error and reason in result.error
    con = open_store(store, read_only=True)
    assert con.execute("SELECT count(*) FROM files").fetchone() == (0,)
    con.close()


def test_jsonl_garbage_lines_are_rejects(catalog: Path, tmp_path: Path) -> None:
    good = json.dumps(dict(zip(COLUMNS, GOOD, strict=True)))
    content = "\n".join([good, "{oops", "[1, 2]", good, '"just a string"']).encode()
    result, store = ingest_one(catalog, tmp_path / "lines_1.jsonl", content)
    assert (result.rows_read, result.rows_ingested) == (5, 2)
    assert dict(result.rejects) == {"invalid_json": 3}
    check_accounting(store)


def test_rejects_never_hold_a_full_ssn_or_dob(catalog: Path, tmp_path: Path) -> None:
    rows = [["", *GOOD[1:]], GOOD[:4], [GOOD[0], "1980-13-45", "123-45-678", *GOOD[3:]]]
    _, store = ingest_one(catalog, tmp_path / "telco_1.csv", csv_bytes(rows))
    con = open_store(store, read_only=True)
    raws = " ".join(r for (r,) in con.execute("SELECT raw FROM rejects").fetchall() if r)
    con.close()
    assert raws
    for secret in ("123-45-6789", "123456789", "1980-01-05", "1980-13-45", "123-45-678"):
        assert secret not in raws


_junk = st.text(st.characters(exclude_categories=("Cs",)), max_size=30)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=st.lists(st.lists(st.one_of(_junk, st.sampled_from(GOOD)), min_size=4, max_size=8),
                     min_size=1, max_size=12))  # fmt: skip
def test_any_junk_is_accounted_for(catalog: Path, tmp_path: Path, rows: list[list[str]]) -> None:
    path = tmp_path / "telco_junk.csv"
    if path.exists():
        path.unlink()
        (tmp_path / "telco_junk.duckdb").unlink()
    result, store = ingest_one(catalog, path, csv_bytes(rows))
    if result.status == "error":  # only whole-file problems, e.g. a NUL in the first 8 KB
        assert result.error and str(path) in result.error
        return
    assert result.rows_read >= 1
    check_accounting(store)
