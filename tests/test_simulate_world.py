"""Invariants of a simulated world: determinism, truth <-> source rows, hard negatives, links."""

from __future__ import annotations

import csv
import hashlib
import json
import tomllib
from collections import Counter
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from skiptrace.simulate import WorldConfig, simulate_world
from skiptrace.simulate.layouts import LAYOUTS

ROOT = Path(__file__).resolve().parents[1]
SMALL = WorldConfig(persons=1500, accounts=150, applications=300, seed=5, chunk_size=500)


@pytest.fixture(scope="module")
def small_world(tmp_path_factory) -> Path:
    """A 1,500-person world in three chunks, built once for this module."""
    out = tmp_path_factory.mktemp("world")
    simulate_world(SMALL, out)
    return out


def read_rows(world: Path, source: str) -> list[dict[str, str | None]]:
    """A source file's rows as dicts, read the way its catalog entry says."""
    layout = LAYOUTS[source]
    path = world / "sources" / layout.file
    if layout.format == "parquet":
        return pq.read_table(path).to_pylist()
    with open(path, encoding=layout.encoding, newline="") as fh:
        if layout.format == "jsonl":
            return [json.loads(line) for line in fh]
        delimiter = {"csv": ",", "tsv": "\t", "psv": "|"}[layout.format]
        return list(csv.DictReader(fh, delimiter=delimiter))


def read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def digest(world: Path) -> dict[str, str]:
    return {
        str(p.relative_to(world)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(world.rglob("*"))
        if p.is_file()
    }


def test_same_seed_gives_byte_identical_worlds_whatever_the_workers(tmp_path):
    config = WorldConfig(persons=800, accounts=150, applications=150, seed=11, chunk_size=300)
    simulate_world(config, tmp_path / "a")
    again = WorldConfig(
        persons=800, accounts=150, applications=150, seed=11, chunk_size=300, workers=2
    )
    simulate_world(again, tmp_path / "b")
    assert digest(tmp_path / "a") == digest(tmp_path / "b")
    other = WorldConfig(persons=800, accounts=150, applications=150, seed=12, chunk_size=300)
    simulate_world(other, tmp_path / "c")
    assert digest(tmp_path / "a") != digest(tmp_path / "c")


def test_every_source_row_has_truth_and_every_truth_row_a_source_row(small_world):
    links = read_csv(small_world / "truth" / "source_rows.csv")
    by_source = Counter()
    rows_with_truth: dict[str, set[int]] = {}
    for link in links:
        by_source[link["source"]] += 1
        rows_with_truth.setdefault(link["source"], set()).add(int(link["row_number"]))
    persons = {p["person_id"] for p in read_csv(small_world / "truth" / "persons.csv")}
    assert {link["person_id"] for link in links if link["person_id"]} <= persons
    for source in LAYOUTS:
        n = len(read_rows(small_world, source))
        assert n > 0, source
        assert rows_with_truth[source] == set(range(1, n + 1)), source
    manifest = json.loads((small_world / "world.json").read_text())
    assert manifest["counts"]["source_rows"] == {s: len(rows_with_truth[s]) for s in LAYOUTS}


def test_party_indexes_are_contiguous_and_outsiders_only_on_deeds(small_world):
    parties: dict[tuple[str, str], list[int]] = {}
    for link in read_csv(small_world / "truth" / "source_rows.csv"):
        parties.setdefault((link["source"], link["row_number"]), []).append(
            int(link["party_index"])
        )
        if not link["person_id"]:
            assert link["source"] == "property_deeds"
    for indexes in parties.values():
        assert indexes == list(range(len(indexes)))


def test_single_party_rows_name_their_person(small_world):
    """Spot check: a credit-header row's SSN is usually the linked person's SSN."""
    ssn = {p["person_id"]: p["ssn"] for p in read_csv(small_world / "truth" / "persons.csv")}
    links = {
        int(r["row_number"]): r["person_id"]
        for r in read_csv(small_world / "truth" / "source_rows.csv")
        if r["source"] == "credit_header"
    }
    rows = read_rows(small_world, "credit_header")
    same = sum(row["SSN"] == ssn[links[i]] for i, row in enumerate(rows, start=1))
    assert same / len(rows) > 0.85


def test_hard_negative_kinds_are_present(small_world):
    persons = read_csv(small_world / "truth" / "persons.csv")
    by_id = {p["person_id"]: p for p in persons}
    jr = [p for p in persons if p["jr_sr_of"] and p["suffix"] == "JR"]
    assert jr
    for son in jr:
        father = by_id[son["jr_sr_of"]]
        assert (son["first"], son["last"]) == (father["first"], father["last"])
        assert son["household_id"] == father["household_id"]
    twins = [p for p in persons if p["twin_of"]]
    assert twins
    for t in twins:
        other = by_id[t["twin_of"]]
        assert (t["dob"], t["last"], t["household_id"]) == (
            other["dob"],
            other["last"],
            other["household_id"],
        )
    spouses = [p for p in persons if p["spouse_of"]]
    assert spouses and all(by_id[p["spouse_of"]]["spouse_of"] == p["person_id"] for p in spouses)
    common = Counter((p["first"], p["last"]) for p in persons if p["common_name"] == "1")
    assert max(common.values()) >= 3
    names = read_csv(small_world / "truth" / "names.csv")
    changed = Counter(n["person_id"] for n in names)
    assert any(c >= 2 for c in changed.values())  # surname changes at marriage
    assert any("-" in n["last"] for n in names)  # hyphenated married names


def test_accounts_and_applications_reference_real_persons(small_world):
    persons = {p["person_id"]: p for p in read_csv(small_world / "truth" / "persons.csv")}
    accounts = read_csv(small_world / "accounts.csv")
    truth = {t["account_id"]: t for t in read_csv(small_world / "truth" / "accounts.csv")}
    assert len(accounts) == 150 and set(truth) == {a["ACCOUNT_ID"] for a in accounts}
    assert all(t["person_id"] in persons for t in truth.values())
    assert any(t["deceased"] == "1" for t in truth.values())
    assert any(t["address_findable"] == "0" for t in truth.values())
    for a in accounts:
        assert "2014-01-01" <= a["ORIGINATION_DATE"] <= "2023-12-31"
    apps = read_csv(small_world / "applications.csv")
    labels = read_csv(small_world / "truth" / "applications.csv")
    assert [a["APPLICATION_ID"] for a in apps] == [t["application_id"] for t in labels]
    assert all(t["person_id"] in persons for t in labels)
    tampered = [t for t in labels if t["label"] == "tampered"]
    assert 0.25 <= len(tampered) / len(labels) <= 0.55
    assert all(t["tamper_type"] for t in tampered)
    assert len({t["tamper_type"] for t in tampered}) >= 6


def test_tampered_ssns_are_not_the_applicants_own(small_world):
    ssn = {p["person_id"]: p["ssn"] for p in read_csv(small_world / "truth" / "persons.csv")}
    dead = {p["ssn"] for p in read_csv(small_world / "truth" / "persons.csv") if p["deceased_date"]}
    apps = {a["APPLICATION_ID"]: a for a in read_csv(small_world / "applications.csv")}
    for t in read_csv(small_world / "truth" / "applications.csv"):
        got = apps[t["application_id"]]["SSN"]
        if t["tamper_type"] in ("synthetic_ssn", "ssn_of_other", "ssn_of_deceased"):
            assert got != ssn[t["person_id"]]
        if t["tamper_type"] == "synthetic_ssn":
            assert got not in ssn.values()
        if t["tamper_type"] == "ssn_of_deceased":
            assert got in dead


@pytest.mark.parametrize("toml_path", sorted((ROOT / "sources").glob("*.toml")), ids=str)
def test_catalog_entries_name_only_existing_columns(toml_path, small_world):
    entry = tomllib.loads(toml_path.read_text())
    layout = LAYOUTS.get(entry["name"])
    if layout is None:
        pytest.skip(f"{entry['name']} is not a simulated source")
    assert entry["name"] == toml_path.stem
    assert entry["file"]["format"] == layout.format
    assert Path(layout.file).match(entry["file"]["pattern"])
    columns = set(read_rows(small_world, entry["name"])[0])
    named = []
    blocks = [entry.get("fields", {})] + [p for p in entry.get("parties", [])]
    for block in blocks:
        for key, spec in block.items():
            if key == "role":
                continue
            spec = {"column": spec} if isinstance(spec, str) else spec
            named += [
                v
                for k, v in spec.items()
                if k
                in (
                    "column",
                    "first",
                    "middle",
                    "last",
                    "suffix",
                    "prefix",
                    "line1",
                    "line2",
                    "city",
                    "state",
                    "zip",
                )
            ]
    assert named and set(named) <= columns
