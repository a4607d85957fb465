"""The Locator end to end on a small simulated world with oracle resolution."""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from skiptrace.batch.queries import QueryPolicy, build_query
from skiptrace.cli.lookup import lookup
from skiptrace.errors import ConfigError
from skiptrace.ingest import ingest_paths
from skiptrace.ingest.catalog import load_catalog
from skiptrace.locate import tables as locate_tables
from skiptrace.locate.evidence import PRECOMPUTED, source_table
from skiptrace.locate.index import (
    LOOKUP_INDEXES,
    build_person_index,
    has_lookup_indexes,
    index_state,
)
from skiptrace.locate.locator import Locator
from skiptrace.locate.oracle import load_oracle_resolution
from skiptrace.locate.tables import PERSON_PACKED
from skiptrace.simulate import WorldConfig, simulate_world

pytestmark = pytest.mark.slow
CATALOG = Path(__file__).resolve().parent.parent / "sources"
COLUMNS = {
    "ACCOUNT_ID": "account_id", "FIRST_NAME": "first_name", "MIDDLE_NAME": "middle_name",
    "LAST_NAME": "last_name", "SUFFIX": "name_suffix", "SSN": "ssn", "DOB": "dob",
    "ADDRESS1": "address_line1", "ADDRESS2": "address_line2", "CITY": "city",
    "STATE": "state", "ZIP": "zip", "PHONE": "phone_1", "EMAIL": "email",
    "EMPLOYER": "employer",
}  # fmt: skip


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("locate")
    out = root / "world"
    simulate_world(WorldConfig(persons=600, accounts=300, applications=10, seed=23), out)
    ingest_paths([out / "sources"], CATALOG, out / "store.duckdb")
    con = duckdb.connect(str(out / "store.duckdb"))
    load_oracle_resolution(con, out)
    con.close()
    return out


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def accounts(world: Path) -> list[dict[str, str]]:
    return _rows(world / "accounts.csv")


@pytest.fixture(scope="module")
def queries(accounts: list[dict[str, str]]) -> list:
    return [
        build_query({COLUMNS[k]: v for k, v in row.items() if k in COLUMNS}, i, QueryPolicy())[0]
        for i, row in enumerate(accounts, start=1)
    ]


@pytest.fixture(scope="module")
def truth(world: Path) -> dict[str, dict[str, str]]:
    return {r["account_id"]: r for r in _rows(world / "truth" / "accounts.csv")}


@pytest.fixture(scope="module")
def results(world: Path, queries: list) -> list:
    with Locator(world / "store.duckdb") as locator:
        return locator.locate_many(queries)


def test_lookup_gives_the_same_result_as_the_batch(world: Path, queries, results) -> None:
    with Locator(world / "store.duckdb") as locator:
        for query, batched in list(zip(queries, results, strict=True))[:40]:
            assert locator.lookup(query) == batched


def test_hits_are_the_true_debtor(results, truth) -> None:
    hits = [r for r in results if r.status == "hit"]
    assert len(hits) >= 0.8 * len(results)
    right = sum(r.candidates[0].person_id == truth[r.account_id]["person_id"] for r in hits)
    assert right >= 0.99 * len(hits)


def test_guard_withholds_contacts_below_min_confidence(world: Path, queries) -> None:
    with Locator(world / "store.duckdb", min_confidence=0.999) as locator:
        strict = locator.locate_many(queries)
    for result in strict:
        if result.status == "hit":
            assert result.identity_confidence >= 0.999
        else:
            assert not list(result.contacts()) and result.deceased is None


def test_contacts_are_ranked_probabilities_capped_by_identity(results) -> None:
    for result in results:
        if result.status != "hit":
            continue
        for points in (result.addresses, result.phones, result.emails, result.employers):
            confidences = [p.confidence for p in points]
            assert confidences == sorted(confidences, reverse=True)
            assert all(0 <= c <= result.identity_confidence + 1e-9 for c in confidences)
        assert all(p.reasons and p.sources for p in result.contacts())


def test_top_address_is_usually_the_current_one(results, truth) -> None:
    findable = [r for r in results if truth[r.account_id]["address_findable"] == "1"]
    top = [r.addresses[0] for r in findable if r.status == "hit" and r.addresses]
    right = sum(
        p.line1.split()[0] == truth[r.account_id]["current_line1"].split()[0]
        and p.zip == truth[r.account_id]["current_zip"][:5]
        for r, p in zip([r for r in findable if r.status == "hit" and r.addresses], top,
                        strict=True)
    )  # fmt: skip
    assert right >= 0.8 * len(findable)


def test_deceased_flag_follows_death_records(results, truth) -> None:
    hits = [r for r in results if r.status == "hit"]
    in_sources = [r for r in hits if truth[r.account_id]["death_in_sources"] == "1"]
    assert in_sources and all(r.deceased for r in in_sources)
    flagged = [r for r in hits if r.deceased]
    assert all(truth[r.account_id]["deceased"] == "1" for r in flagged)


def test_unresolved_store_is_a_clear_error(tmp_path: Path, world: Path) -> None:
    store = tmp_path / "raw.duckdb"
    source = next((world / "sources").glob("deceased*"))
    ingest_paths([source], CATALOG, store)
    with pytest.raises(ConfigError, match="not resolved"):
        Locator(store)


SEARCH = ["--purpose", "fcra:collection,glba:consumer_transaction", "--operator", "tester"]


def _audit_env(world: Path) -> dict[str, str]:
    return {"SKIPTRACE_AUDIT_KEY": "test-audit-key-0123456789", "SKIPTRACE_AUDIT_LOG":
            str(world / "audit.jsonl")}  # fmt: skip


def test_cli_report_masks_identity_values(world: Path, accounts) -> None:
    row = next(r for r in accounts if r["SSN"] and r["DOB"] and r["FIRST_NAME"])
    args = ["--store", str(world / "store.duckdb"), "--first", row["FIRST_NAME"],
            "--last", row["LAST_NAME"], "--ssn", row["SSN"], "--dob", row["DOB"]]  # fmt: skip
    args += SEARCH
    runner = CliRunner(env=_audit_env(world))
    result = runner.invoke(lookup, args)
    assert result.exit_code == 0, result.output
    assert "status: hit" in result.output and "why the identity matched" in result.output
    digits = row["SSN"].replace("-", "")
    assert digits not in result.output.replace("-", "")
    assert row["DOB"] not in result.output
    data = json.loads(runner.invoke(lookup, [*args, "--json"]).output)
    assert data["status"] == "hit" and data["addresses"]


def test_cli_errors_are_one_line_exit_1(world: Path) -> None:
    for args in (
        ["--first", "JOHN", *SEARCH],
        ["--store", str(world / "none.duckdb"), "--ssn", "1234", *SEARCH],
        ["--first", "JOHN", "--operator", "t"],  # no permissible purpose
    ):
        run = subprocess.run(
            [sys.executable, "-m", "skiptrace", "lookup", *args],
            capture_output=True, text=True, check=False, env=os.environ | _audit_env(world),
        )  # fmt: skip
        assert run.returncode == 1
        assert run.stderr.startswith("Error:") and len(run.stderr.strip().splitlines()) == 1


def test_index_is_persisted_reused_and_rebuilt_when_stale(tmp_path: Path, world: Path) -> None:
    store = tmp_path / "copy.duckdb"
    shutil.copy(world / "store.duckdb", store)
    with Locator(store) as locator:  # builds (or finds) the index once
        assert locator.precomputed
        sources = locator.sources
    con = duckdb.connect(str(store))
    assert index_state(con, sources) == "current"
    con.execute("DELETE FROM person_records WHERE obs_id = (SELECT min(obs_id) FROM contacts)")
    assert index_state(con, sources) == "stale"  # a re-resolve invalidates the index
    con.close()
    with Locator(store) as locator:
        assert locator.precomputed
        assert index_state(locator.con, sources) == "current"


def test_missing_lookup_indexes_are_added_without_a_rebuild(
    tmp_path: Path, world: Path, queries, results
) -> None:
    store = tmp_path / "copy.duckdb"
    shutil.copy(world / "store.duckdb", store)
    con = duckdb.connect(str(store))
    assert has_lookup_indexes(con)
    for (name,) in con.execute("SELECT index_name FROM duckdb_indexes()").fetchall():
        con.execute(f"DROP INDEX {name}")  # as built by an older version
    assert not has_lookup_indexes(con)
    built = con.execute("SELECT fingerprint FROM person_index_meta").fetchall()
    con.close()
    with Locator(store) as locator:
        assert has_lookup_indexes(locator.con)
        assert locator.con.execute("SELECT fingerprint FROM person_index_meta").fetchall() == built
        indexed = {
            r[0] for r in locator.con.execute("SELECT table_name FROM duckdb_indexes()").fetchall()
        }
        assert indexed == {table for table, _ in LOOKUP_INDEXES}
        for query, batched in list(zip(queries, results, strict=True))[:20]:
            assert locator.lookup(query) == batched


def test_precomputed_evidence_equals_evidence_computed_per_query(world: Path, queries) -> None:
    with Locator(world / "store.duckdb") as locator:
        stored = locator.locate_many(queries[:60])
        locator.precomputed = False  # as under a source gate: computed from person_values
        assert locator.locate_many(queries[:60]) == stored


def _physical_operators(plan: dict | list) -> set[str]:
    nodes = plan if isinstance(plan, list) else [plan]
    names: set[str] = set()
    for node in nodes:
        names.add(node.get("name", ""))
        names |= _physical_operators(node.get("children", []))
    return names


def test_evidence_sql_plans_only_hash_joins(world: Path, results) -> None:
    """A join condition the planner cannot hash (e.g. a constant on the preserved side of a
    LEFT JOIN) runs as a nested loop: quadratic, an index build of hours at 100k persons."""
    con = duckdb.connect(str(world / "store.duckdb"), read_only=True)
    try:
        con.register("lc_persons", con.sql("SELECT DISTINCT person_id FROM person_values"))
        con.register("lc_sources", source_table(load_catalog(CATALOG)))
        for table, sql in PRECOMPUTED:
            ((_, plan),) = con.execute(f"EXPLAIN (FORMAT JSON) {sql}").fetchall()
            operators = _physical_operators(json.loads(plan))
            assert "HASH_JOIN" in operators or table != "contact_evidence"
            loops = {op for op in operators if "NL_JOIN" in op or "NESTED_LOOP" in op}
            assert not loops, (table, loops)
    finally:
        con.close()


def test_index_built_in_person_batches_equals_one_batch(
    tmp_path: Path, world: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Batches bound the build's memory; they must not change a row or the row order."""
    tables = (*(table for table, _ in PRECOMPUTED), PERSON_PACKED)
    with Locator(world / "store.duckdb"):  # the index, built in one batch
        pass
    store = tmp_path / "batched.duckdb"
    shutil.copy(world / "store.duckdb", store)
    sources = source_table(load_catalog(CATALOG))
    monkeypatch.setattr(locate_tables, "INDEX_BATCH_PERSONS", 37)
    con = duckdb.connect(str(store))
    whole = duckdb.connect(str(world / "store.duckdb"), read_only=True)
    try:
        build_person_index(con, sources)
        assert len(list(locate_tables.person_batches(con))) > 5
        for table in tables:
            batched = con.execute(f"SELECT * FROM {table}").fetchall()
            assert batched == whole.execute(f"SELECT * FROM {table}").fetchall(), table
    finally:
        con.close()
        whole.close()
