"""Verify end to end on a small simulated world (oracle resolution): reason codes, the
three outputs, batch accounting and masking, the single-application CLI."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from skiptrace.batch.queries import build_query
from skiptrace.cli.verify import verify
from skiptrace.ingest import ingest_paths
from skiptrace.locate.oracle import load_oracle_resolution
from skiptrace.normalize.employers import normalize_employer
from skiptrace.simulate import WorldConfig, simulate_world
from skiptrace.verify import Verifier, VerifyResult
from skiptrace.verify.inputs import VERIFY_POLICY, read_applications, velocity_window

pytestmark = pytest.mark.slow
CATALOG = Path(__file__).resolve().parent.parent / "sources"
SEARCH = ["--purpose", "glba:fraud_prevention,fcra:credit_transaction,dppa:verify_submitted",
          "--operator", "tester"]  # fmt: skip
EXPECTED = {
    "synthetic_ssn": {"SSN_NOT_FOUND"},
    "ssn_of_other": {"SSN_OTHER_IDENTITY"},
    "ssn_of_deceased": {"SSN_DECEASED", "SSN_OTHER_IDENTITY"},
    "dob_off": {"DOB_MISMATCH"},
    "name_ssn_mismatch": {"NAME_SSN_MISMATCH"},
    "address_never_associated": {"ADDRESS_NOT_ASSOCIATED"},
    "other_phone": {"PHONE_OTHER_PERSON", "PHONE_NOT_ASSOCIATED", "PHONE_TZ_MISMATCH"},
    "never_held_employer": {"EMPLOYER_NOT_ASSOCIATED"},
}


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("verify") / "world"
    simulate_world(WorldConfig(persons=800, accounts=10, applications=300, seed=41), out)
    ingest_paths([out / "sources"], CATALOG, out / "store.duckdb")
    con = duckdb.connect(str(out / "store.duckdb"))
    load_oracle_resolution(con, out)
    con.close()
    return out


def _env(world: Path) -> dict[str, str]:
    return {"SKIPTRACE_AUDIT_KEY": "test-audit-key-0123456789",
            "SKIPTRACE_AUDIT_LOG": str(world / "audit.jsonl")}  # fmt: skip


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def screened(world: Path) -> dict[str, tuple[VerifyResult, str]]:
    path = world / "applications.csv"
    truth = {
        r["application_id"]: r["tamper_type"] for r in _rows(world / "truth" / "applications.csv")
    }
    queries = [q for q, reason in read_applications(path) if not reason]
    with Verifier(world / "store.duckdb") as verifier:
        results = verifier.verify_many(queries, velocity_window(path))
    return {r.application_id: (r, truth[r.application_id]) for r in results}


def test_each_tampering_raises_its_reason_code(screened) -> None:
    hits: dict[str, list[bool]] = defaultdict(list)
    for result, kind in screened.values():
        if kind:
            hits[kind].append(bool(EXPECTED[kind] & set(result.codes)))
    assert set(hits) == set(EXPECTED)
    for kind, found in hits.items():
        assert sum(found) / len(found) >= 0.6, kind
    other_phone = [reason.evidence for result, _ in screened.values() for reason in result.reasons
                   if reason.code == "PHONE_OTHER_PERSON"]  # fmt: skip
    assert other_phone and all("last reported for them 20" in e for e in other_phone)


def test_risk_separates_tampered_from_genuine(screened) -> None:
    genuine = [r.risk_score for r, kind in screened.values() if not kind]
    tampered = [r.risk_score for r, kind in screened.values() if kind]
    assert sum(genuine) / len(genuine) < 20 < 60 < sum(tampered) / len(tampered)
    reviews = [r.status == "review" for r, kind in screened.values() if not kind]
    assert sum(reviews) / len(reviews) < 0.06


def test_outputs_are_separate_and_masked(screened) -> None:
    for result, _ in screened.values():
        assert 0 <= result.risk_score <= 100 and 0 <= result.verification_index <= 50
        assert (result.person_id != "") == ("IDENTITY_NOT_FOUND" not in result.codes)
        for reason in result.reasons:
            assert reason.text and reason.evidence is not None


def _genuine_row(world: Path, screened) -> dict[str, str]:
    for row in _rows(world / "applications.csv"):
        result, kind = screened[row["APPLICATION_ID"]]
        if not kind and row["EMPLOYER"] and result.verification_index == 50:
            return row
    raise AssertionError("no fully verified genuine application")


def _fields(row: dict[str, str], **changes: str) -> dict[str, str]:
    fields = {
        "account_id": row["APPLICATION_ID"], "first_name": row["FIRST_NAME"],
        "last_name": row["LAST_NAME"], "ssn": row["SSN"], "dob": row["DOB"],
        "address_line1": row["STREET"], "address_line2": row["UNIT"], "city": row["CITY"],
        "state": row["STATE"], "zip": row["ZIP"], "phone_1": row["PHONE"],
        "employer": row["EMPLOYER"],
    }  # fmt: skip
    return {k: v for k, v in (fields | changes).items() if v}


def test_hand_made_falsifications_trigger_codes(world: Path, screened) -> None:
    row = _genuine_row(world, screened)
    year = int(row["DOB"][:4])
    variants = {
        "clean": {},
        "DOB_MISMATCH": {"dob": f"{year + 6}{row['DOB'][4:8]}15"},
        "SSN_INVALID": {"ssn": "666-12-3456"},
        "ADDRESS_PO_BOX": {"address_line1": "PO Box 4471", "address_line2": ""},
        "ADDRESS_ZIP_INCONSISTENT": {"zip": "99501"},
        "INPUT_MISSING_SSN": {"ssn": ""},
    }
    queries = [build_query(_fields(row, **v), 1, VERIFY_POLICY)[0] for v in variants.values()]
    with Verifier(world / "store.duckdb") as verifier:
        results = dict(zip(variants, verifier.verify_many(queries), strict=True))
    clean = results.pop("clean")
    assert clean.identity_confidence > 0.9 and clean.elements["name"] is True
    for code, result in results.items():
        assert code in result.codes, (code, result.codes)
        if code != "INPUT_MISSING_SSN":
            assert result.risk_score > clean.risk_score, code
    missing = results["INPUT_MISSING_SSN"]
    assert missing.elements["ssn"] is None
    assert not [c for c in missing.codes if c.startswith(("SSN_", "MULTIPLE_SSNS"))]
    assert results["SSN_INVALID"].risk_score >= 50


def test_employer_name_with_trailing_words_agrees(world: Path, screened) -> None:
    verified = {i for i, (r, kind) in screened.items() if not kind and r.elements["employer"]}
    row = next(r for r in _rows(world / "applications.csv") if r["APPLICATION_ID"] in verified)
    key = normalize_employer(row["EMPLOYER"]).key
    variants = {"longer": f"{key} Holdings Group", "other": "Zzyzx Quantum Widgets"}
    queries = [
        build_query(_fields(row, employer=v), 1, VERIFY_POLICY)[0] for v in variants.values()
    ]
    with Verifier(world / "store.duckdb") as verifier:
        longer, other = verifier.verify_many(queries)
        persons = verifier.screen(queries, None).evidence["employer_persons"].to_pylist()
    assert persons[0] > 0 and persons[1] == 0  # a made-up employer: 0 on file, not unknown
    assert longer.elements["employer"] is True
    assert other.elements["employer"] is False
    employer = next(r.evidence for r in other.reasons if r.code == "EMPLOYER_NOT_ASSOCIATED")
    assert "anyone working for ZZYZX QUANTUM WIDGETS" in employer
    assert "(0 person(s) anywhere)" in employer


def test_batch_accounts_for_every_row_and_masks(world: Path, tmp_path: Path) -> None:
    rows = _rows(world / "applications.csv")[:30]
    header = list(rows[0])
    shared = {"PHONE": "2125550147"}
    extra = [
        rows[0] | {"APPLICATION_ID": ""},  # missing id
        rows[1],  # duplicate id
        {k: "" for k in header},  # empty row
        {k: "" for k in header} | {"APPLICATION_ID": "X1", "FIRST_NAME": "Solo"},
        *[rows[i] | shared | {"APPLICATION_ID": f"V{i}", "SSN": ""} for i in range(2, 6)],
    ]
    path = tmp_path / "apps.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, header)
        writer.writeheader()
        writer.writerows([*rows, *extra])
    out = tmp_path / "screened.csv"
    runner = CliRunner(env=_env(world))
    args = [str(path), "--out", str(out), "--store", str(world / "store.duckdb"), *SEARCH]
    result = runner.invoke(verify, args)
    assert result.exit_code == 0, result.output
    written = _rows(out)
    assert len(written) == len(rows) + len(extra)
    assert [r["APPLICATION_ID"] for r in written] == [r["APPLICATION_ID"] for r in [*rows, *extra]]
    assert list(written[0])[: len(header)] == header
    by_id = {r["APPLICATION_ID"]: r for r in written[len(rows):]}  # fmt: skip
    rejects = [r["reject_reason"] for r in written[len(rows) : len(rows) + 4]]
    assert rejects == ["missing_account_id", "duplicate_account_id", "empty_row",
                       "insufficient_identity"]  # fmt: skip
    assert "VELOCITY_PHONE" in by_id["V2"]["reason_codes"]
    manifest = json.loads(out.with_name("screened.manifest.json").read_text())
    assert sum(manifest["counts"].values()) == len(written)
    assert manifest["counts"]["rejected"] == 4
    long_text = out.with_name("screened.long.csv").read_text()
    for row in rows:
        assert row["SSN"] not in long_text and row["DOB"] not in long_text
    again = runner.invoke(verify, args)
    assert again.exit_code == 0 and _rows(out) == written


def test_single_application_report_and_json(world: Path, screened) -> None:
    row = _genuine_row(world, screened)
    args = ["--store", str(world / "store.duckdb"), "--first", row["FIRST_NAME"],
            "--last", row["LAST_NAME"], "--ssn", row["SSN"], "--dob", row["DOB"],
            "--address", row["STREET"], "--city", row["CITY"], "--state", row["STATE"],
            "--zip", row["ZIP"], *SEARCH]  # fmt: skip
    runner = CliRunner(env=_env(world))
    text = runner.invoke(verify, args)
    assert text.exit_code == 0, text.output
    assert "identity confidence" in text.output and "verification index" in text.output
    assert "INPUT_MISSING_PHONE" in text.output
    assert row["SSN"] not in text.output and row["DOB"] not in text.output
    history = ["--history", str(world / "applications.csv")]
    data = json.loads(runner.invoke(verify, [*args, *history, "--json"]).output)
    assert set(data) >= {"identity", "verification", "risk"}
    assert data["verification"]["elements"]["phone"] is None
    assert 0 <= data["risk"]["risk_score"] <= 100


def test_cli_errors_are_one_line(world: Path) -> None:
    for args in (
        ["--first", "Ann", "--last", "Lee", "--operator", "t"],  # no purpose
        ["--first", "Ann", *SEARCH],  # not enough to identify anyone
    ):
        run = subprocess.run(
            [sys.executable, "-m", "skiptrace", "verify", "--store", str(world / "store.duckdb"),
             *args],
            capture_output=True, text=True, check=False, env=os.environ | _env(world),
        )  # fmt: skip
        assert run.returncode != 0
        assert run.stderr.startswith("Error") and len(run.stderr.strip().splitlines()) == 1


def test_batch_resumes_after_an_interruption(
    world: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from skiptrace.comply.audit import AuditLog
    from skiptrace.search import SearchRequest
    from skiptrace.verify import screening

    log = AuditLog(tmp_path / "audit.jsonl", b"test-audit-key-0123456789")
    request = SearchRequest(purposes=SEARCH[1], use_case="verify", operator="tester", log=log)
    source = world / "applications.csv"
    args = (request, source, tmp_path / "full.csv", world / "store.duckdb")
    screening.verify_file(*args, block_rows=40)
    calls = {"n": 0}
    original = screening.AuditedVerify.__call__

    def flaky(self: screening.AuditedVerify, queries: list) -> list[VerifyResult]:
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt
        return list(original(self, queries))

    monkeypatch.setattr(screening.AuditedVerify, "__call__", flaky)
    out = tmp_path / "resumed.csv"
    with pytest.raises(KeyboardInterrupt):
        screening.verify_file(request, source, out, world / "store.duckdb", block_rows=40)
    monkeypatch.setattr(screening.AuditedVerify, "__call__", original)
    summary = screening.verify_file(request, source, out, world / "store.duckdb", block_rows=40)
    assert summary.resumed_blocks == 2
    assert out.read_bytes() == (tmp_path / "full.csv").read_bytes()
