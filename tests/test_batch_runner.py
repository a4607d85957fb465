"""The batch runner end to end, driven by a deterministic fake processor (a test double)."""

from __future__ import annotations

import csv
import json
import tempfile
import zlib
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skiptrace.batch import BatchOptions, LocateRenderer, run_batch
from skiptrace.batch.checkpoint import checkpoint_dir
from skiptrace.errors import ConfigError, InputError
from skiptrace.locate.results import AccountQuery, ContactPoint, LocateResult

HEADER = "ACCT_NO,FNAME,LNAME,SSN,DOB,ADDRESS,CITY,ST,ZIP,PHONE1,BALANCE\n"


def fake_locate(queries: list[AccountQuery]) -> list[LocateResult]:
    """Test double for the engine: echoes the query's address and phones as contacts."""
    results = []
    for q in queries:
        score = zlib.crc32(q.account_id.encode()) % 100
        addresses = ()
        if q.address is not None and q.address.ok:
            addresses = (ContactPoint("address", q.address.canonical, 0.9, line1=q.address.line),)
        phones = tuple(
            ContactPoint("phone", p.canonical, score / 100, e164=p.e164, sources=("telco",))
            for p in q.phones
            if p.ok
        )
        results.append(
            LocateResult(
                q.account_id,
                "hit",
                identity_confidence=0.5 + score / 200,
                addresses=addresses,
                phones=phones,
                contactability=score / 100,
            )
        )
    return results


class Boom(Exception):
    """Injected failure."""


def failing_after(blocks: int):
    """A processor that dies on its call number `blocks + 1` (simulates a crash)."""
    calls = {"n": 0}

    def processor(queries: list[AccountQuery]) -> list[LocateResult]:
        calls["n"] += 1
        if calls["n"] > blocks:
            raise Boom
        return fake_locate(queries)

    return processor


def accounts_csv(path: Path, rows: int) -> Path:
    lines = [HEADER]
    for i in range(rows):
        acct = f"A{i % (rows - 3) if i > rows - 3 else i:05d}"  # the last 2 rows repeat ids
        dob = "13/45/1980" if i % 17 == 5 else f"01/{i % 28 + 1:02d}/1970"
        lines.append(
            f'{acct},Jo{i},Smith,,{dob},"{i} Main St",Springfield,IL,62701,'
            f'312-555-{i % 10000:04d},"${i * 10:,}.00"\n'
        )
    path.write_text("".join(lines), encoding="utf-8")
    return path


def read_rows(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def test_every_input_row_comes_out_once_with_input_columns_unchanged(tmp_path):
    source = accounts_csv(tmp_path / "in.csv", 40)
    summary = run_batch(
        source, tmp_path / "out.csv", fake_locate, LocateRenderer(), BatchOptions(block_rows=7)
    )
    given, got = read_rows(source), read_rows(tmp_path / "out.csv")
    assert len(got) == len(given) == summary.output_rows + 1 == summary.input_rows + 1
    width = len(given[0])
    assert [row[:width] for row in got] == given
    assert sum(summary.manifest["counts"].values()) == 40
    reasons = summary.manifest["reject_reasons"]
    assert reasons["duplicate_account_id"] == 2
    assert reasons["malformed_dob"] == sum(1 for i in range(38) if i % 17 == 5)


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_resume_after_a_crash_is_byte_identical(tmp_path, suffix):
    source = accounts_csv(tmp_path / "in.csv", 50)
    options = BatchOptions(block_rows=8, prioritize=True)
    clean = tmp_path / "clean" / f"out{suffix}"
    clean.parent.mkdir()
    run_batch(source, clean, fake_locate, LocateRenderer(), options)

    crashed = tmp_path / "crashed" / f"out{suffix}"
    crashed.parent.mkdir()
    with pytest.raises(Boom):
        run_batch(source, crashed, failing_after(3), LocateRenderer(), options)
    assert not crashed.exists()
    assert len(list(checkpoint_dir(crashed).glob("block-*.json"))) == 3
    summary = run_batch(source, crashed, fake_locate, LocateRenderer(), options)

    assert summary.resumed_blocks == 3
    assert crashed.read_bytes() == clean.read_bytes()
    long_name = f"out.long{suffix}"
    assert (crashed.parent / long_name).read_bytes() == (clean.parent / long_name).read_bytes()
    assert not checkpoint_dir(crashed).exists()


def test_ctrl_c_keeps_finished_blocks(tmp_path):
    source = accounts_csv(tmp_path / "in.csv", 20)
    out = tmp_path / "out.csv"
    calls = []

    def interrupted(queries: list[AccountQuery]) -> list[LocateResult]:
        calls.append(len(queries))
        if len(calls) == 2:
            raise KeyboardInterrupt
        return fake_locate(queries)

    with pytest.raises(KeyboardInterrupt):
        run_batch(source, out, interrupted, LocateRenderer(), BatchOptions(block_rows=6))
    summary = run_batch(source, out, fake_locate, LocateRenderer(), BatchOptions(block_rows=6))
    assert summary.resumed_blocks == 1
    assert summary.output_rows == 20


def test_changed_options_discard_the_checkpoint(tmp_path):
    source = accounts_csv(tmp_path / "in.csv", 30)
    out = tmp_path / "out.csv"
    with pytest.raises(Boom):
        run_batch(source, out, failing_after(1), LocateRenderer(), BatchOptions(block_rows=5))
    summary = run_batch(
        source, out, fake_locate, LocateRenderer(min_confidence=0.8), BatchOptions(block_rows=5)
    )
    assert summary.resumed_blocks == 0


def test_a_failed_run_leaves_the_previous_output_untouched(tmp_path):
    source = accounts_csv(tmp_path / "in.csv", 20)
    out = tmp_path / "out.csv"
    out.write_text("previous results\n", encoding="utf-8")
    with pytest.raises(Boom):
        run_batch(source, out, failing_after(0), LocateRenderer(), BatchOptions(block_rows=5))
    assert out.read_text(encoding="utf-8") == "previous results\n"
    assert not list(tmp_path.glob(".*.tmp"))


def test_processor_returning_the_wrong_count_is_caught(tmp_path):
    source = accounts_csv(tmp_path / "in.csv", 10)
    with pytest.raises(RuntimeError, match="one result per query"):
        run_batch(source, tmp_path / "out.csv", lambda qs: fake_locate(qs)[1:], LocateRenderer())


@pytest.mark.parametrize(
    ("content", "rows", "reasons"),
    [
        (HEADER, 0, {}),
        (HEADER + "A1,Jo,Smith\n", 1, {"ragged_row": 1}),
        (HEADER + "A1,Jo,Smith,,,,,,,,,extra,extra\n", 1, {"ragged_row": 1}),
        (HEADER + "\n\nA1,Jo,Smith,,1970,,,,,,\n\n", 1, {}),
        (HEADER + ",,,,,,,,,,\n", 1, {"empty_row": 1}),
        (HEADER + 'A1,"Jo"x,Smith,,1970,,,,,,\nA2,Al,Li,,1971,,,,,,\n', 2, {"malformed_row": 1}),
        (
            HEADER + "A1,Jo,Smith,,1970,,,,,,\nA1,Jo,Smith,,1970,,,,,,\n",
            2,
            {"duplicate_account_id": 1},
        ),
    ],
)
def test_accounting_holds_on_hostile_csv(tmp_path, content, rows, reasons):
    source = tmp_path / "in.csv"
    source.write_text(content, encoding="utf-8")
    options = BatchOptions(prioritize=True)
    summary = run_batch(source, tmp_path / "out.csv", fake_locate, LocateRenderer(), options)
    assert summary.input_rows == summary.output_rows == rows
    assert len(read_rows(tmp_path / "out.csv")) == rows + 1
    assert summary.manifest["reject_reasons"] == reasons


def test_bad_bytes_are_kept_as_windows_1252_and_counted(tmp_path):
    source = tmp_path / "in.csv"
    source.write_bytes(HEADER.encode() + "A1,Jos\xe9,Pe\xf1a,,1970,,,,,,\n".encode("cp1252"))
    summary = run_batch(source, tmp_path / "out.csv", fake_locate, LocateRenderer())
    assert read_rows(tmp_path / "out.csv")[1][1:3] == ["José", "Peña"]
    assert summary.manifest["input"]["lines_decoded_as_cp1252"] == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "empty file"),
        ("NAME,CITY\nJo Smith,Springfield\n", "no account id column"),
        ("ACCT_NO,BALANCE\nA1,5\n", "no usable identity column"),
        (HEADER + 'A1,"Jo,Smith\n', "unclosed quote"),
    ],
)
def test_unusable_files_are_clear_errors(tmp_path, content, message):
    source = tmp_path / "in.csv"
    source.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        run_batch(source, tmp_path / "out.csv", fake_locate, LocateRenderer())
    assert not (tmp_path / "out.csv").exists()


def test_bad_mapping_overrides_are_config_errors(tmp_path):
    source = accounts_csv(tmp_path / "in.csv", 5)
    for mapping, message in (
        ({"shoe_size": "ZIP"}, "unknown field"),
        ({"dob": "BDAY"}, "no column"),
    ):
        with pytest.raises(ConfigError, match=message):
            run_batch(
                source,
                tmp_path / "o.csv",
                fake_locate,
                LocateRenderer(),
                BatchOptions(mapping=mapping),
            )


def test_input_column_named_like_an_output_column_is_refused(tmp_path):
    source = tmp_path / "in.csv"
    source.write_text("ACCT_NO,NAME,match_status\nA1,Jo Smith,x\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="match_status"):
        run_batch(source, tmp_path / "out.csv", fake_locate, LocateRenderer())


def test_parquet_in_and_out_keeps_input_types(tmp_path):
    source = tmp_path / "in.parquet"
    table = pa.table(
        {
            "account_id": ["A1", "A2", None],
            "name": ["Jo Smith", "Al Li", "Bo Diddley"],
            "dob": ["1970-01-02", "1971", "1972"],
            "balance": pa.array([10.5, None, 3.0]),
        }
    )
    pq.write_table(table, source)
    summary = run_batch(
        source, tmp_path / "out.parquet", fake_locate, LocateRenderer(), BatchOptions(block_rows=2)
    )
    out = pq.ParquetFile(tmp_path / "out.parquet").read()
    assert out.select(table.column_names).equals(table)
    assert out.column("match_status").to_pylist() == ["hit", "hit", "rejected"]
    assert summary.manifest["reject_reasons"] == {"missing_account_id": 1}


def test_priority_rank_orders_by_balance_times_contactability(tmp_path):
    source = accounts_csv(tmp_path / "in.csv", 25)
    run_batch(
        source,
        tmp_path / "out.csv",
        fake_locate,
        LocateRenderer(min_confidence=0.0),
        BatchOptions(block_rows=4, prioritize=True),
    )
    rows = read_rows(tmp_path / "out.csv")
    head, body = rows[0], rows[1:]
    col = {name: i for i, name in enumerate(head)}
    ranked = [r for r in body if r[col["priority_rank"]]]
    assert all(r[col["match_status"]] == "hit" for r in ranked)
    by_rank = sorted(ranked, key=lambda r: int(r[col["priority_rank"]]))
    scores = [
        float(r[col["BALANCE"]].strip("$").replace(",", "")) * float(r[col["contactability"]])
        for r in by_rank
    ]
    assert scores == sorted(scores, reverse=True)
    assert sorted(int(r[col["priority_rank"]]) for r in ranked) == list(range(1, len(ranked) + 1))


def test_manifest_file_matches_summary_and_progress_reaches_total(tmp_path):
    source = accounts_csv(tmp_path / "in.csv", 12)
    seen: list[tuple[int, int | None]] = []
    summary = run_batch(
        source,
        tmp_path / "out.csv",
        fake_locate,
        LocateRenderer(),
        BatchOptions(block_rows=5),
        progress=lambda d, t: seen.append((d, t)),
    )
    assert json.loads(summary.manifest_path.read_text(encoding="utf-8")) == summary.manifest
    assert seen[0] == (0, 12) and seen[-1] == (12, 12)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    assert summary.manifest["mapping"]["account_id"] == "ACCT_NO"
    assert summary.manifest["sources_used"] == ["telco"]
    long_rows = read_rows(summary.long_path)
    assert len(long_rows) - 1 == summary.manifest["output"]["long_rows"] > 0


@pytest.mark.parametrize("name", ["in.csv", "in.long.csv", "in.manifest.json"])
def test_outputs_never_overwrite_the_input(tmp_path, name):
    source = accounts_csv(tmp_path / name, 5)
    with pytest.raises(ConfigError, match="overwrite the input"):
        run_batch(source, tmp_path / "in.csv", fake_locate, LocateRenderer())


def test_parquet_in_csv_out_and_empty_parquet(tmp_path):
    source = tmp_path / "in.parquet"
    pq.write_table(pa.table({"acct": ["A1"], "ssn": ["123-45-6780"], "n": [7]}), source)
    run_batch(source, tmp_path / "out.csv", fake_locate, LocateRenderer())
    rows = read_rows(tmp_path / "out.csv")
    assert rows[1][:4] == ["A1", "123-45-6780", "7", "hit"]
    empty = tmp_path / "empty.parquet"
    pq.write_table(
        pa.table({"acct": pa.array([], pa.string()), "n": pa.array([], pa.int64())}).append_column(
            "name", pa.array([], pa.string())
        ),
        empty,
    )
    summary = run_batch(empty, tmp_path / "e.parquet", fake_locate, LocateRenderer())
    assert summary.output_rows == 0
    assert pq.read_schema(tmp_path / "e.parquet").field("n").type == pa.int64()


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(body=st.text(alphabet='ab1,;"\n\r\t\x00é', max_size=80))
def test_arbitrary_bytes_give_accounting_or_a_clear_error(tmp_path, body):
    tmp_path = Path(tempfile.mkdtemp(dir=tmp_path))
    source = tmp_path / "in.csv"
    source.write_bytes(("ACCT_NO,NAME,DOB\n" + body).encode("utf-8"))
    out = tmp_path / "out.csv"
    try:
        summary = run_batch(source, out, fake_locate, LocateRenderer())
    except InputError:
        assert not out.exists()
        return
    rows = read_rows(out)
    assert len(rows) == summary.input_rows + 1 == summary.output_rows + 1
    assert {len(row) for row in rows} == {len(rows[0])}
    assert sum(summary.manifest["counts"].values()) == summary.input_rows
