"""`skiptrace batch` and `skiptrace demo` from the command line, on a small simulated world."""

from __future__ import annotations

import csv
import json
import re
from itertools import pairwise
from pathlib import Path

import pytest
from click import UsageError
from click.testing import CliRunner, Result
from search_world import AUDIT_KEY, SearchWorld, search_world

from skiptrace.cli import cli
from skiptrace.cli.commands import ALL
from skiptrace.errors import ConfigError, SkiptraceError

pytestmark = pytest.mark.slow
for _command in ALL:
    cli.add_command(_command)
SEARCH = ["--purpose", "fcra:collection", "--purpose", "glba:consumer_transaction",
          "--operator", "agent7"]  # fmt: skip


@pytest.fixture(scope="module")
def sw(tmp_path_factory: pytest.TempPathFactory) -> SearchWorld:
    return search_world(tmp_path_factory)


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    return {"SKIPTRACE_AUDIT_KEY": AUDIT_KEY, "SKIPTRACE_AUDIT_LOG": str(tmp_path / "audit.jsonl"),
            **extra}  # fmt: skip


def _run(tmp_path: Path, args: list[str], **env: str) -> Result:
    return CliRunner(env=_env(tmp_path, **env)).invoke(cli, args, standalone_mode=False)


def _batch(sw: SearchWorld, tmp_path: Path, name: str, *extra: str) -> tuple[Result, Path]:
    out = tmp_path / name
    args = ["batch", str(sw.world / "accounts.csv"), "--out", str(out), "--store", str(sw.store)]
    return _run(tmp_path, [*args, *SEARCH, *extra]), out


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _no_identifiers(text: str, rows: list[dict[str, str]]) -> None:
    """No full SSN (any punctuation) and no full DOB of the input rows appear in ``text``."""
    digits = re.sub(r"\D", "", text)
    for row in rows:
        ssn = re.sub(r"\D", "", row["SSN"])
        if len(ssn) == 9:
            assert ssn not in digits
        if len(row["DOB"]) >= 8:
            assert row["DOB"] not in text


def test_batch_writes_one_row_per_input_row(sw, tmp_path: Path) -> None:
    result, out = _batch(sw, tmp_path, "out.csv", "--prioritize")
    assert result.exit_code == 0, result.output
    rows, inputs = _csv(out), sw.accounts
    assert len(rows) == len(inputs)
    assert [{k: r[k] for k in inputs[0]} for r in rows] == inputs  # input columns unchanged
    assert list(rows[0])[: len(inputs[0])] == list(inputs[0])
    assert "phone_1_zones" in rows[0] and rows[0]["phone_1_callable_now"] == ""
    assert re.search(r"^\d+ rows -> .*\(hit \d+", result.output, re.M)
    assert re.search(r"[\d.]+ s, [\d,]+ rows/s", result.output)
    ranked = sorted((int(r["priority_rank"]), r) for r in rows if r["priority_rank"])
    # ranked on unrounded contactability; the file shows it to 3 decimals (+-0.0005)
    for (_, a), (_, b) in pairwise(ranked):
        bal_a, bal_b = float(a["BALANCE"] or 0), float(b["BALANCE"] or 0)
        slack = 0.0005 * (bal_a + bal_b)
        assert (
            bal_a * float(a["contactability"] or 0)
            >= bal_b * float(b["contactability"] or 0) - slack
        )
    manifest = json.loads(out.with_name("out.manifest.json").read_text())
    assert manifest["compliance"]["operator"] == "agent7"
    assert (
        manifest["compliance"]["sources_withheld"]
        == {"change_of_address": "NCOA data is licensed for mailing-list hygiene (refresh) only"}
        or "credit_header" not in manifest["compliance"]["sources_withheld"]
    )
    _no_identifiers(result.output, inputs)
    _no_identifiers(out.with_name("out.manifest.json").read_text(), inputs)
    _no_identifiers((tmp_path / "audit.jsonl").read_text(), inputs)


def test_rerun_is_byte_identical(sw, tmp_path: Path) -> None:
    _, first = _batch(sw, tmp_path, "a.csv")
    copy = first.read_bytes()
    _, again = _batch(sw, tmp_path, "a.csv")
    assert again.read_bytes() == copy


def test_purpose_and_operator_from_environment(sw, tmp_path: Path) -> None:
    out = tmp_path / "env.csv"
    args = ["batch", str(sw.world / "accounts.csv"), "--out", str(out), "--store", str(sw.store)]
    result = _run(tmp_path, args, SKIPTRACE_PURPOSE="fcra:collection", SKIPTRACE_OPERATOR="job9")
    assert result.exit_code == 0, result.output
    manifest = json.loads(out.with_name("env.manifest.json").read_text())
    assert manifest["compliance"]["purposes"] == ["fcra:collection"]
    assert "credit_header" in manifest["compliance"]["sources_withheld"]
    assert "withheld: credit_header" in result.output


def test_single_best_and_min_confidence(sw, tmp_path: Path) -> None:
    result, out = _batch(sw, tmp_path, "best.csv", "--single-best", "--min-confidence", "0.99")
    assert result.exit_code == 0, result.output
    rows = _csv(out)
    assert all(not r["phone_2"] and not r["email_1"] and not r["employer_name"] for r in rows)
    with_contacts = [r for r in rows if r["address_line"] or r["phone_1"]]
    assert with_contacts
    assert all(float(r["identity_confidence"]) >= 0.99 for r in with_contacts)


def test_map_override(sw, tmp_path: Path) -> None:
    source = tmp_path / "renamed.csv"
    text = (sw.world / "accounts.csv").read_text(encoding="utf-8")
    source.write_text(text.replace(",DOB,", ",BIRTHDAY_X,", 1), encoding="utf-8")
    out = tmp_path / "mapped.csv"
    args = ["batch", str(source), "--out", str(out), "--store", str(sw.store),
            "--map", "dob=BIRTHDAY_X", *SEARCH]  # fmt: skip
    assert _run(tmp_path, args).exit_code == 0
    assert json.loads(out.with_name("mapped.manifest.json").read_text())["mapping"]["dob"] == (
        "BIRTHDAY_X"
    )


@pytest.mark.parametrize(
    ("extra", "error", "message"),
    [
        (["--map", "shoe_size=DOB"], ConfigError, "shoe_size"),
        (["--role", "restricted", "--use-case", "verify"], UsageError, "verify"),
    ],
)
def test_batch_errors_are_one_line(sw, tmp_path: Path, extra, error, message) -> None:
    result, out = _batch(sw, tmp_path, "err.csv", *extra)
    assert isinstance(result.exception, error)
    assert message in str(result.exception) and "\n" not in str(result.exception)
    assert not out.exists()


def test_bad_call_at_is_a_usage_error(sw, tmp_path: Path) -> None:
    result, _ = _batch(sw, tmp_path, "x.csv", "--call-at", "tomorrow")
    assert result.exception is not None and not isinstance(result.exception, SkiptraceError)
    assert "ISO date-time" in str(result.exception)


def test_missing_store_is_one_line(sw, tmp_path: Path) -> None:
    out = tmp_path / "o.csv"
    args = ["batch", str(sw.world / "accounts.csv"), "--out", str(out),
            "--store", str(tmp_path / "none.duckdb"), *SEARCH]  # fmt: skip
    result = _run(tmp_path, args)
    assert isinstance(result.exception, ConfigError) and "no store" in str(result.exception)


def test_demo_command_reports_accuracy_without_identifiers(sw, tmp_path: Path) -> None:
    out = sw.report.out_dir  # the fixture's demo: a re-run skips unchanged sources
    result = _run(tmp_path, ["demo", "--sample", str(sw.world), "--out", str(out)])
    assert result.exit_code == 0, result.output
    for label in ("address top-1 (findable)", "wrong-party rate", "no hit on unfindable",
                  "deceased recall", "accounts/s refresh"):  # fmt: skip
        assert label in result.output
    _no_identifiers(result.output, sw.accounts)
    assert f"refreshed {len(sw.accounts)} accounts" in result.output
    _no_identifiers((out / "audit.jsonl").read_text(), sw.accounts)
    assert (out / "audit.key").stat().st_mode & 0o077 == 0


def test_lookup_masks_identifiers_unless_revealed_and_audited(sw, tmp_path: Path) -> None:
    truth = sw.truth  # a debtor with a full SSN, a DOB and a phone in the sources
    row = next(
        r
        for r in sw.accounts
        if len(re.sub(r"\D", "", r["SSN"])) == 9
        and r["DOB"]
        and truth[r["ACCOUNT_ID"]]["findable_phones"]
    )
    args = ["lookup", "--store", str(sw.store), "--first", row["FIRST_NAME"], "--last",
            row["LAST_NAME"], "--ssn", row["SSN"], "--dob", row["DOB"], *SEARCH]  # fmt: skip
    text = _run(tmp_path, args)
    assert text.exit_code == 0, text.output
    assert "identifiers: SSN ***-**-" in text.output and "call windows at" in text.output
    as_json = _run(tmp_path, [*args, "--json"])
    assert json.loads(as_json.output)["compliance"]["operator"] == "agent7"
    for output in (text.output, as_json.output, (tmp_path / "audit.jsonl").read_text()):
        _no_identifiers(output, [row])
    refused = _run(tmp_path, [*args, "--show-full", "ssn"])
    assert "may not reveal" in str(refused.exception)
    shown = _run(tmp_path, [*args, "--role", "supervisor", "--show-full", "ssn"])
    assert re.search(r"identifiers: SSN \d{3}-\d{2}-\d{4}", shown.output)
    last = json.loads((tmp_path / "audit.jsonl").read_text().splitlines()[-1])
    assert last["reveal"] == ["ssn"] and last["operator"] == "agent7"
