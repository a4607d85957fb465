"""The hash-chained audit log: record, verify, tamper detection, purge, export."""

from __future__ import annotations

import datetime as dt
import io
import itertools
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skiptrace.comply.audit import AuditLog
from skiptrace.comply.purposes import require_context
from skiptrace.errors import ComplianceError

KEY = b"test-audit-key-0123456789abcdef"
SSN, NAME, PHONE = "078051120", "ZEBEDIAH QUUXLEY", "+12125550147"
START = dt.datetime(2020, 1, 15, 12, 0, tzinfo=dt.UTC)
_EXAMPLE = itertools.count()


def _fill(log: AuditLog, n: int, ctx=None) -> None:
    ctx = ctx or require_context("fcra:collection", "locate", "op1")
    for i in range(n):
        log.record(
            ctx,
            f"ACCT-{i}",
            {"name": NAME, "ssn": SSN, "dob": None, "phone": PHONE},
            ["credit_header", "county_deeds"],
            withheld={"dmv": "no_dppa_purpose"},
            disclosed={"persons": [f"P{i}"], "phone": [PHONE]},
            status="hit",
            at=START + dt.timedelta(days=200 * i),
        )


@pytest.fixture
def log(tmp_path):
    return AuditLog(tmp_path / "audit.jsonl", KEY)


def _lines(log):
    return log.path.read_text().splitlines()


def _write(log, lines):
    log.path.write_text("".join(line + "\n" for line in lines))


def test_records_verify_and_hold_no_input_values(log):
    _fill(log, 4)
    report = log.verify()
    assert report.ok and report.rows == 4, report.message
    text = log.path.read_text() + log.head_path.read_text()
    for secret in (SSN, NAME, PHONE, "2125550147", "QUUXLEY"):
        assert secret not in text
    rec = json.loads(_lines(log)[0])
    assert rec["inputs"]["dob"] is None and rec["inputs"]["ssn"]
    assert rec["purposes"] == ["fcra:collection"] and rec["operator"] == "op1"
    assert rec["disclosed"]["persons"] == ["P0"] and len(rec["disclosed"]["phone"]) == 1


def test_same_value_gives_same_fingerprint_for_correlation(log):
    _fill(log, 2)
    a, b = (json.loads(line) for line in _lines(log))
    assert a["inputs"]["ssn"] == b["inputs"]["ssn"] != a["inputs"]["name"]
    other = AuditLog(log.path.with_name("other.jsonl"), b"another-key-0123456789abcdef")
    assert other.fingerprint("ssn", SSN) != log.fingerprint("ssn", SSN)


@pytest.mark.parametrize("row", [1, 3, 5])
def test_tampering_with_one_row_names_that_row(log, row):
    _fill(log, 5)
    lines = _lines(log)
    rec = json.loads(lines[row - 1])
    rec["status"] = "no_hit"
    lines[row - 1] = json.dumps(rec, sort_keys=True)
    _write(log, lines)
    report = log.verify()
    assert not report.ok
    assert report.bad_line == row and report.bad_seq == row
    assert f"line {row} (seq {row})" in report.message and "altered" in report.message


def test_deleting_a_middle_row_is_detected(log):
    _fill(log, 5)
    lines = _lines(log)
    del lines[2]
    _write(log, lines)
    report = log.verify()
    assert not report.ok and report.bad_line == 3 and "gap" in report.problem


def test_deleting_the_last_row_is_detected(log):
    _fill(log, 5)
    _write(log, _lines(log)[:-1])
    report = log.verify()
    assert not report.ok and "missing at the end" in report.problem
    with pytest.raises(ComplianceError, match="head does not match"):
        _fill(log, 1)


def test_wrong_key_fails_verification(log):
    _fill(log, 2)
    assert not AuditLog(log.path, b"wrong-key-0123456789abcdefghij").verify().ok


def test_purge_keeps_the_chain_verifiable(log):
    _fill(log, 10)  # one record every 200 days from 2020-01-15
    now = START + dt.timedelta(days=2000)
    result = log.purge("op1", retention_days=1095, now=now)
    assert result.purged == 5 and result.kept == 5 and result.through_seq == 5
    report = log.verify()
    assert report.ok and report.rows == 5 and report.purged_through == 5, report.message
    _fill(log, 1)  # appends continue the chain
    assert log.verify().ok
    again = log.purge("op1", retention_days=365, now=now + dt.timedelta(days=400))
    assert again.purged > 0 and log.verify().ok
    checkpoint = json.loads(_lines(log)[0])
    assert checkpoint["kind"] == "checkpoint" and checkpoint["purged_total"] == 5 + again.purged


def test_purging_everything_then_appending_still_verifies(log):
    _fill(log, 3)
    log.purge("op1", retention_days=0, now=START + dt.timedelta(days=5000))
    assert log.verify().ok and log.verify().rows == 0
    _fill(log, 2)
    assert log.verify().ok
    assert json.loads(_lines(log)[1])["seq"] == 4


def test_forged_checkpoint_and_deleted_prefix_are_detected(log):
    _fill(log, 6)
    log.purge("op1", retention_days=1095, now=START + dt.timedelta(days=2000))
    lines = _lines(log)
    checkpoint = json.loads(lines[0])
    checkpoint["seq"] = 4  # claim fewer purged rows
    _write(log, [json.dumps(checkpoint, sort_keys=True), *lines[1:]])
    assert log.verify().bad_line == 1
    _write(log, lines[2:])  # drop the checkpoint and the first kept row
    assert not log.verify().ok


def test_purge_refuses_a_broken_log(log):
    _fill(log, 3)
    _write(log, _lines(log)[1:])
    with pytest.raises(ComplianceError, match="refusing to purge a broken log"):
        log.purge("op1", retention_days=0)


def test_export_jsonl_and_csv(log):
    _fill(log, 3)
    out = io.StringIO()
    assert log.export(out, "jsonl").ok
    assert [json.loads(line)["seq"] for line in out.getvalue().splitlines()] == [1, 2, 3]
    out = io.StringIO()
    log.export(out, "csv")
    header, *rows = out.getvalue().splitlines()
    assert header.startswith("seq,kind,ts,operator") and len(rows) == 3
    assert SSN not in out.getvalue()
    with pytest.raises(ComplianceError, match="unknown export format"):
        log.export(io.StringIO(), "xml")


def test_batch_session_buffers_and_flushes(log, monkeypatch):
    monkeypatch.setattr("skiptrace.comply.audit.FLUSH_EVERY", 7)
    with pytest.raises(RuntimeError), log.session():
        _fill(log, 10)
        assert len(_lines(log)) == 7  # one flush so far
        raise RuntimeError("batch crashed")
    assert log.verify().ok and log.verify().rows == 10  # pending records were kept
    _fill(log, 1)
    assert log.verify().rows == 11


def test_long_records_chain_across_tail_reads(log):
    ctx = require_context("fcra:collection", "locate", "op1")
    many = {"persons": [f"P{i:05d}" for i in range(3000)]}
    log.record(ctx, "A1", {}, ["s"], status="multiple", disclosed=many)
    _fill(log, 1)
    log.record(ctx, "A2", {}, ["s"], status="multiple", disclosed=many)
    _fill(log, 1)
    assert log.verify().ok and log.verify().rows == 4


def test_full_reveal_is_audited(log):
    ctx = require_context("fcra:collection", "locate", "sup1", role="supervisor", reveal=["ssn"])
    _fill(log, 1, ctx)
    assert json.loads(_lines(log)[0])["reveal"] == ["ssn"]


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(row=st.integers(1, 4), field=st.sampled_from(["ts", "operator", "account_ref", "use_case"]))
def test_any_field_edit_is_caught_at_its_row(tmp_path, row, field):
    log = AuditLog(tmp_path / f"example-{next(_EXAMPLE)}.jsonl", KEY)
    _fill(log, 4)
    lines = _lines(log)
    rec = json.loads(lines[row - 1])
    rec[field] = str(rec[field]) + "x"
    lines[row - 1] = json.dumps(rec, sort_keys=True)
    _write(log, lines)
    assert log.verify().bad_line == row
