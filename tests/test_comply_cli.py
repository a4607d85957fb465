"""``skiptrace audit verify|export`` and ``skiptrace purge``."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys

import pytest
from click.testing import CliRunner

from skiptrace.cli.audit import audit, purge
from skiptrace.comply.audit import AuditLog
from skiptrace.comply.keys import audit_key
from skiptrace.comply.purposes import require_context
from skiptrace.errors import ComplianceError

ENV = {"SKIPTRACE_AUDIT_KEY": "cli-test-audit-key-0123456789"}


@pytest.fixture
def log_path(tmp_path):
    path = tmp_path / "audit.jsonl"
    log = AuditLog(path, audit_key(ENV))
    ctx = require_context("fcra:collection", "locate", "op1")
    old = dt.datetime.now(dt.UTC) - dt.timedelta(days=2000)
    for i, at in enumerate([old, old, dt.datetime.now(dt.UTC)]):
        log.record(ctx, f"A{i}", {"ssn": "078051120"}, ["s1"], status="hit", at=at)
    return path


def _invoke(command, args):
    return CliRunner().invoke(command, args, env=ENV)


def test_verify_ok(log_path):
    result = _invoke(audit, ["verify", "--log", str(log_path)])
    assert result.exit_code == 0
    assert result.output == "audit log OK: 3 records, chain intact\n"


def test_verify_names_the_tampered_row(log_path):
    lines = log_path.read_text().splitlines()
    rec = json.loads(lines[1])
    rec["operator"] = "someone-else"
    lines[1] = json.dumps(rec, sort_keys=True)
    log_path.write_text("\n".join(lines) + "\n")
    result = _invoke(audit, ["verify", "--log", str(log_path)])
    assert result.exit_code == 1 and isinstance(result.exception, ComplianceError)
    assert str(result.exception) == (
        "audit log BROKEN at line 2 (seq 2): record altered (MAC mismatch)"
    )


def test_export_csv_to_file(log_path, tmp_path):
    out = tmp_path / "export.csv"
    result = _invoke(
        audit, ["export", "--log", str(log_path), "--format", "csv", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    rows = out.read_text().splitlines()
    assert rows[0].startswith("seq,kind,ts") and len(rows) == 4
    assert "078051120" not in out.read_text()


def test_purge_then_verify(log_path):
    result = _invoke(purge, ["--log", str(log_path), "--operator", "op1"])
    assert result.exit_code == 0 and result.output == "purged 2 records, kept 1\n"
    verified = _invoke(audit, ["verify", "--log", str(log_path)])
    assert verified.output == "audit log OK: 1 record, chain intact, purged through seq 2\n"


@pytest.mark.slow
def test_missing_log_and_key_give_one_line_errors(tmp_path, log_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("SKIPTRACE_")}
    missing = [sys.executable, "-m", "skiptrace", "audit", "verify", "--log", str(tmp_path / "x")]
    proc = subprocess.run(missing, capture_output=True, text=True, env={**env, **ENV}, check=False)
    assert proc.returncode == 1 and proc.stderr == f"Error: no audit log at {tmp_path / 'x'}\n"
    nokey = [sys.executable, "-m", "skiptrace", "audit", "verify", "--log", str(log_path)]
    proc = subprocess.run(nokey, capture_output=True, text=True, env=env, check=False)
    assert proc.returncode == 1 and proc.stderr.startswith("Error: no audit key: set")
    assert "Traceback" not in proc.stderr
