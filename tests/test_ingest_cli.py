"""``skiptrace ingest``: human and JSON summaries, one-line errors, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from skiptrace.cli.ingest import ingest
from skiptrace.errors import ConfigError, InputError

CATALOG = """name = "phones"
data_class = "telco"
asserts = ["phone_listing"]
reliability = 0.8

[file]
pattern = "phones*.csv"
format = "csv"

[fields.name]
column = "NAME"
[fields.phone]
column = "PHONE"
"""
DATA = "NAME,PHONE\nJOHN SMITH,217-555-0134\n,217-555-0199\nMARY JONES,12\nBAD\n"


@pytest.fixture
def setup(tmp_path: Path) -> tuple[Path, Path, Path]:
    catalog = tmp_path / "catalog"
    catalog.mkdir()
    (catalog / "phones.toml").write_text(CATALOG, encoding="utf-8")
    data = tmp_path / "data"
    data.mkdir()
    (data / "phones_1.csv").write_text(DATA, encoding="utf-8")
    return catalog, data, tmp_path / "store.duckdb"


def run(*args: str | Path):
    return CliRunner().invoke(ingest, [str(a) for a in args])


def test_human_summary(setup: tuple[Path, Path, Path]) -> None:
    catalog, data, store = setup
    result = run("--catalog", catalog, "--store", store, data)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        f"store: {store}",
        "phones: 1 file(s), 4 rows read, 2 observations, 1 contacts, 2 rejected",
        "    1 name:missing_name",
        "    1 ragged_row",
    ]
    again = run("--catalog", catalog, "--store", store, data)
    assert "1 file(s) already in the store, unchanged" in again.output


def test_json_summary(setup: tuple[Path, Path, Path]) -> None:
    catalog, data, store = setup
    (data / "readme.txt").write_text("not a source")
    result = run("--catalog", catalog, "--store", store, "--json", data)
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    phones, readme = sorted(doc["files"], key=lambda f: f["path"])
    assert (phones["rows_read"], phones["rows_ingested"], phones["rows_rejected"]) == (4, 2, 2)
    assert phones["rejects"] == {"name:missing_name": 1, "ragged_row": 1}
    assert [k.split(":")[0] for k in phones["field_problems"]] == ["phone"]
    assert readme["status"] == "skipped" and readme["error"] == "matches no catalog source"
    assert doc["sources"]["phones"]["rows_read"] == 4


def test_unreadable_file_exits_1_with_one_line(setup: tuple[Path, Path, Path]) -> None:
    catalog, data, store = setup
    (data / "phones_2.csv").write_bytes(b"NAME\nJOHN\n")
    result = run("--catalog", catalog, "--store", store, data)
    assert result.exit_code == 1
    assert isinstance(result.exception, InputError)
    assert "1 file(s) not ingested" in result.exception.message
    assert "phones_2.csv: header lacks required column(s) PHONE" in result.exception.message


def test_bad_catalog_and_missing_path(setup: tuple[Path, Path, Path]) -> None:
    catalog, data, store = setup
    result = run("--catalog", catalog, "--store", store, data / "nope.csv")
    assert isinstance(result.exception, InputError) and "no such file" in str(result.exception)
    (catalog / "phones.toml").write_text(CATALOG.replace("telco", "gossip"))
    result = run("--catalog", catalog, "--store", store, data)
    assert isinstance(result.exception, ConfigError)
    assert "phones.toml: data_class" in str(result.exception)


def test_entry_point_prints_one_line_and_no_traceback(setup: tuple[Path, Path, Path]) -> None:
    catalog, data, store = setup
    (data / "phones_1.csv").write_bytes(b"")
    proc = subprocess.run(
        [sys.executable, "-m", "skiptrace", "ingest", "--catalog", str(catalog),
         "--store", str(store), str(data)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert proc.stderr.startswith("Error: 1 file(s) not ingested; first: ")
    assert proc.stderr.strip().endswith("phones_1.csv: empty file")
