"""`skiptrace resolve` and `skiptrace explain` through the command line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
from click.testing import CliRunner
from test_resolve_store import observations

from skiptrace.cli.resolve import explain, resolve
from skiptrace.ingest import open_store


def make_store(path: Path) -> list[dict]:
    rows = observations(120, seed=11)
    con = open_store(path)
    con.execute("SELECT 1").fetchall()  # open_store may leave a pending result (reported)
    con.register("obs_in", pa.Table.from_pylist(rows))
    con.execute(
        "INSERT INTO observations BY NAME SELECT * EXCLUDE (truth), 1 AS file_id,"
        " row_number() OVER () AS row_number, 0 AS party_index, 'subject' AS role,"
        " 'public_record' AS data_class FROM obs_in"
    )
    con.close()
    return rows


def test_resolve_then_explain(tmp_path: Path) -> None:
    store = tmp_path / "s.duckdb"
    rows = make_store(store)
    first = CliRunner().invoke(resolve, ["--store", str(store)])
    assert first.exit_code == 0, first.output
    assert first.output.startswith(f"full resolve: {len(rows)} records ({len(rows)} new)")
    again = CliRunner().invoke(resolve, ["--store", str(store), "--json"])
    summary = json.loads(again.output)
    assert summary["mode"] == "incremental" and summary["new_records"] == 0
    a, b = str(rows[0]["obs_id"]), str(rows[1]["obs_id"])
    text = CliRunner().invoke(explain, [a, b, "--store", str(store)])
    assert text.exit_code == 0 and "prior" in text.output and "probability" in text.output
    data = json.loads(CliRunner().invoke(explain, [a, b, "--store", str(store), "--json"]).output)
    assert [s["field"] for s in data["steps"]][:3] == ["first_name", "middle_name", "last_name"]


def test_explain_unknown_record_is_a_one_line_error(tmp_path: Path) -> None:
    store = tmp_path / "s.duckdb"
    make_store(store)
    assert CliRunner().invoke(resolve, ["--store", str(store)]).exit_code == 0
    proc = subprocess.run(
        [sys.executable, "-m", "skiptrace", "explain", "1", "2", "--store", str(store)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 1
    assert proc.stderr.strip().splitlines() == [
        "Error: need two different known records, got 1 and 2"
    ]


def test_missing_store_is_refused(tmp_path: Path) -> None:
    result = CliRunner().invoke(resolve, ["--store", str(tmp_path / "none.duckdb")])
    assert result.exit_code == 1 and "no store here" in result.output
