"""Compliance wired into lookup and batch: purpose, data gating, audit, masking, suppression."""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner
from search_world import AUDIT_KEY, SearchWorld, search_world

from skiptrace.batch import LocateRenderer
from skiptrace.batch.comply_renderer import ComplianceRenderer, candidate_zones
from skiptrace.cli import cli
from skiptrace.cli.commands import ALL
from skiptrace.comply import AuditLog, SuppressionList, call_window
from skiptrace.comply.locate_guard import GuardedLocate, PersonFacts
from skiptrace.comply.session import search_session, store_sources
from skiptrace.comply.suppression import Suppression
from skiptrace.errors import ComplianceError
from skiptrace.locate.locator import Locator
from skiptrace.search import SearchRequest, lookup_account, open_search, refresh_file

pytestmark = pytest.mark.slow
for _command in ALL:
    cli.add_command(_command)


@pytest.fixture(scope="module")
def sw(tmp_path_factory: pytest.TempPathFactory) -> SearchWorld:
    return search_world(tmp_path_factory)


@pytest.fixture
def log(tmp_path: Path) -> AuditLog:
    return AuditLog(tmp_path / "audit.jsonl", AUDIT_KEY.encode())


def _request(
    log: AuditLog, purposes=("fcra:collection",), use_case="locate", **kw
) -> SearchRequest:
    return SearchRequest(purposes, use_case, "agent7", log=log, **kw)


def _fields(row: dict[str, str]) -> dict[str, str]:
    return {"first_name": row["FIRST_NAME"], "last_name": row["LAST_NAME"], "ssn": row["SSN"],
            "dob": row["DOB"], "address_line1": row["ADDRESS1"], "city": row["CITY"],
            "state": row["STATE"], "zip": row["ZIP"]}  # fmt: skip


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _full_ssn_row(sw: SearchWorld) -> dict[str, str]:
    return next(
        r for r in sw.accounts if re.fullmatch(r"\d{3}-?\d{2}-?\d{4}", r["SSN"]) and r["DOB"]
    )


@pytest.mark.parametrize(
    ("purposes", "operator", "message"),
    [
        ((), "agent7", "permissible purpose is required"),
        (("nonsense:purpose",), "agent7", "unknown permissible purpose"),
        (("fcra:collection",), "", "operator id is required"),
        (("fcra:credit_transaction",), "agent7", "does not permit use case"),
    ],
)
def test_search_without_valid_purpose_is_refused(sw, log, purposes, operator, message) -> None:
    request = SearchRequest(purposes, "locate", operator, log=log)
    with pytest.raises(ComplianceError, match=message):
        lookup_account(request, sw.store, _fields(sw.accounts[0]))
    assert not log.path.exists()  # refused before anything was searched or logged


def test_cli_refuses_without_purpose_in_one_line(sw, tmp_path: Path) -> None:
    env = {"SKIPTRACE_AUDIT_KEY": AUDIT_KEY, "SKIPTRACE_AUDIT_LOG": str(tmp_path / "a.jsonl")}
    runner = CliRunner(env=env)
    for args in (
        ["lookup", "--store", str(sw.store), "--first", "A", "--last", "B", "--operator", "x"],
        ["batch", str(sw.world / "accounts.csv"), "--out", str(tmp_path / "o.csv"),
         "--store", str(sw.store), "--operator", "x"],
    ):  # fmt: skip
        result = runner.invoke(cli, args, standalone_mode=False)
        assert isinstance(result.exception, ComplianceError)
        assert "permissible purpose is required" in result.exception.message
    assert not (tmp_path / "o.csv").exists()


def test_glba_source_is_invisible_without_glba_purpose(sw, log) -> None:
    sources = store_sources(duckdb.connect(str(sw.store), read_only=True))
    assert sources["credit_header"] == "glba"
    with search_session("fcra:collection", "locate", "agent7", sources=sources, log=log) as s:
        assert s.gate.withheld == {"credit_header": "no_glba_purpose", "change_of_address":
                                   "ncoa_mailing_hygiene_only"}  # fmt: skip
        with Locator(sw.store, source_gate=s.gate_connection) as locator:
            seen = {r[0] for r in locator.con.execute(
                "SELECT DISTINCT source FROM person_values").fetchall()}  # fmt: skip
            results = locator.locate_many([])
    assert "credit_header" not in seen and "voter_registration" in seen
    assert results == []
    glba = ("fcra:collection", "glba:consumer_transaction")
    with (
        search_session(glba, "locate", "agent7", sources=sources, log=log) as s,
        Locator(sw.store, source_gate=s.gate_connection) as locator,
    ):
        seen = {r[0] for r in locator.con.execute(
            "SELECT DISTINCT source FROM person_values").fetchall()}  # fmt: skip
    assert "credit_header" in seen


def test_lookup_results_never_cite_withheld_sources(sw, log) -> None:
    row = _full_ssn_row(sw)
    report = lookup_account(_request(log), sw.store, _fields(row))
    assert report.result.status == "hit"
    assert all("credit_header" not in p.sources for p in report.result.contacts())
    assert "credit_header" in report.compliance["sources_withheld"]
    assert "withheld: credit_header (GLBA data needs a GLBA permissible purpose)" in report.text()


def test_recent_death_records_need_certification(sw, log) -> None:
    sources = {"deceased": "death_master"}
    kwargs = {"sources": sources, "log": log}
    counts = {}
    for certified in (False, True):
        with (
            search_session(
                "fcra:collection", "locate", "a", death_master_certified=certified, **kwargs
            ) as s,  # fmt: skip
            Locator(sw.store, source_gate=s.gate_connection) as locator,
        ):
            cutoff = dt.date(locator.as_of.year - 3, locator.as_of.month, locator.as_of.day)
            sql = ("SELECT count(*) FROM person_values WHERE data_class = 'death_master' "
                   "AND (event_date > ? OR event_date IS NULL)")  # fmt: skip
            counts[certified] = locator.con.execute(sql, [cutoff]).fetchall()[0][0]
    assert counts[False] == 0 < counts[True]


def test_withheld_death_records_are_audited_not_disclosed(sw, log) -> None:
    truth = sw.truth
    dead = [r for r in sw.accounts if truth[r["ACCOUNT_ID"]]["death_in_sources"] == "1"][:4]
    alive = next(r for r in sw.accounts if truth[r["ACCOUNT_ID"]]["death_in_sources"] == "0")
    assert dead
    shown = [lookup_account(_request(log), sw.store, _fields(row)).result for row in dead]
    other = lookup_account(_request(log), sw.store, _fields(alive)).result
    assert {r.withheld_sources for r in [*shown, other]} == {
        ("change_of_address", "credit_header", "deceased:recent")
    }  # the same on every row: nothing about the person leaks
    records = [json.loads(line) for line in log.path.read_text().splitlines()]
    per_person = [r["withheld"].get("deceased") for r in records[: len(dead)]]
    assert "recent_death_uncertified" in per_person
    assert "deceased" not in records[-1]["withheld"]
    assert all(not r.deceased for r, why in zip(shown, per_person, strict=True) if why)
    certified = lookup_account(_request(log, death_master_certified=True), sw.store,
                               _fields(dead[0])).result  # fmt: skip
    assert "deceased:recent" not in certified.withheld_sources


def test_minors_are_never_returned_for_collection(sw, log) -> None:
    row = _full_ssn_row(sw)
    with open_search(_request(log), sw.store) as (session, locator):
        locator.as_of = dt.date(1960, 1, 1)  # everyone in the world is a minor (or unborn)
        guard = GuardedLocate(session, locator)
        from skiptrace.batch import QueryPolicy, build_query

        query, _ = build_query({"account_id": "m1", **_fields(row)}, 1, QueryPolicy())
        result = guard([query])[0]
    assert result.status == "suppressed" and result.reject_reason == "minor"
    assert not list(result.contacts())


def test_guard_drops_minor_candidates_from_multiple(sw, log) -> None:
    from skiptrace.locate.results import LocateResult, PersonMatch

    with open_search(_request(log), sw.store) as (session, locator):
        guard = GuardedLocate(session, locator)
        two = (PersonMatch("1", 0.4), PersonMatch("2", 0.35))
        result = LocateResult("x", "multiple", identity_confidence=0.4, candidates=two)
        kept = guard._guard(result, {"1": PersonFacts(minor=True)})
    assert kept.status == "no_hit" and [c.person_id for c in kept.candidates] == ["2"]


def test_every_search_is_audited_without_values(sw, log, tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    summary = refresh_file(_request(log, use_case="refresh"), sw.world / "accounts.csv", out,
                           sw.store)  # fmt: skip
    counts = summary.manifest["counts"]
    searched = sum(n for status, n in counts.items() if status != "rejected")
    records = [json.loads(line) for line in log.path.read_text().splitlines()]
    assert len(records) == searched
    assert log.verify().ok
    first = records[0]
    assert {"ts", "operator", "purposes", "use_case", "account_ref", "inputs", "sources",
            "withheld", "disclosed", "status", "versions"} <= first.keys()  # fmt: skip
    assert first["operator"] == "agent7" and first["use_case"] == "refresh"
    assert "credit_header" not in first["sources"] and "credit_header" in first["withheld"]
    assert first["versions"]["skiptrace"]
    hits = [r for r in records if r["status"] == "hit"]
    assert hits and all(r["disclosed"]["persons"] for r in hits)
    assert all(re.fullmatch(r"[0-9a-f]{32}", h) for r in hits for h in r["inputs"].values())
    text = log.path.read_text()
    for row in sw.accounts[:40]:
        for field in ("SSN", "DOB", "LAST_NAME", "ADDRESS1"):
            if len(row[field]) > 4:
                assert row[field] not in text
    assert summary.manifest["compliance"]["purposes"] == ["fcra:collection"]
    assert "credit_header" in summary.manifest["compliance"]["sources_withheld"]


def test_show_full_needs_a_cleared_role_and_is_audited(sw, log) -> None:
    row = _full_ssn_row(sw)
    with pytest.raises(ComplianceError, match="may not reveal"):
        lookup_account(_request(log, reveal=("ssn",)), sw.store, _fields(row))
    masked = lookup_account(_request(log), sw.store, _fields(row))
    ssn = masked.identifiers.get("ssn", "")
    assert re.fullmatch(r"\*\*\*-\*\*-\d{4}", ssn) and re.fullmatch(
        r"\d{4}", masked.identifiers["dob"]
    )
    full = lookup_account(_request(log, role="supervisor", reveal=("ssn", "dob")), sw.store,
                          _fields(row))  # fmt: skip
    assert re.fullmatch(r"\d{3}-\d{2}-\d{4}", full.identifiers["ssn"])
    last = json.loads(log.path.read_text().splitlines()[-1])
    assert last["reveal"] == ["dob", "ssn"] and last["role"] == "supervisor"


def test_suppression_by_account_and_by_person(sw, log, tmp_path: Path) -> None:
    rows = [r for r in sw.accounts if sw.truth[r["ACCOUNT_ID"]]["death_in_sources"] == "0"]
    first = lookup_account(_request(log), sw.store, _fields(rows[1])).result
    assert first.status == "hit"
    person = first.candidates[0].person_id
    listing = SuppressionList([Suppression("cease_and_desist", account_id=rows[0]["ACCOUNT_ID"]),
                               Suppression("attorney_represented", person_id=person)])  # fmt: skip
    source = tmp_path / "two.csv"
    header = ",".join(rows[0])
    source.write_text("\n".join([header, *(",".join(r.values()) for r in rows[:2])]) + "\n")
    out = tmp_path / "sup.csv"
    refresh_file(_request(log, use_case="refresh", suppression=listing), source, out, sw.store)
    got = _csv(out)
    assert [(g["match_status"], g["reject_reason"]) for g in got] == [
        ("suppressed", "cease_and_desist"),
        ("suppressed", "attorney_represented"),
    ]
    assert all(not g["address_line"] and not g["phone_1"] for g in got)


def test_batch_phones_carry_call_windows(sw, log, tmp_path: Path) -> None:
    at = dt.datetime(2026, 3, 8, 14, 30, tzinfo=dt.UTC)  # US spring-forward day
    out = tmp_path / "cw.csv"
    refresh_file(_request(log, use_case="refresh"), sw.world / "accounts.csv", out, sw.store,
                 call_at=at)  # fmt: skip
    rows = [r for r in _csv(out) if r["phone_1"]]
    assert rows
    for row in rows[:20]:
        window = call_window(row["phone_1"], row["address_zip"], at=at)
        assert row["phone_1_zones"].split("|") == list(window.zones)
        assert row["phone_1_callable_now"] == ("Y" if window.callable_now else "N")
        assert row["phone_1_next_window"] == window.next_window_start.strftime("%Y-%m-%dT%H:%MZ")
    long_rows = _csv(out.with_name("cw.long.csv"))
    phones = [r for r in long_rows if r["kind"] == "phone"]
    assert phones and all(r["zones"] and r["callable_now"] in "YN" for r in phones)
    assert all(not r["zones"] for r in long_rows if r["kind"] != "phone")


def test_renderer_without_instant_is_clock_free() -> None:
    renderer = ComplianceRenderer(LocateRenderer())
    assert renderer.call_columns("+12083591234", "83702")[1:] == ["", ""]
    assert "America/Boise" in candidate_zones("+12083591234", "83702")
