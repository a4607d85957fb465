"""Invariants of a simulated world: determinism, truth <-> source rows, hard negatives, links."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import tomllib
from collections import Counter, defaultdict
from itertools import pairwise
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from skiptrace.simulate import WorldConfig, simulate_world
from skiptrace.simulate.geography import COMMON_NAME_METROS
from skiptrace.simulate.layouts import ACCOUNT_COLUMNS, APPLICATION_COLUMNS, LAYOUTS, TRUTH_COLUMNS
from skiptrace.simulate.placements import TAMPER_TYPES

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


@pytest.mark.slow
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
    assert 0.30 <= len(tampered) / len(labels) <= 0.50  # about 60% genuine / 40% tampered
    assert all(t["tamper_type"] for t in tampered)
    assert {t["tamper_type"] for t in tampered} == {kind for kind, _ in TAMPER_TYPES}
    assert all(not t["tamper_type"] for t in labels if t["label"] == "genuine")


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


def _by_person(world: Path, table: str) -> dict[str, list[dict[str, str]]]:
    out: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in read_csv(world / "truth" / f"{table}.csv"):
        out[row["person_id"]].append(row)
    return out


def _days(lo: str, hi: str) -> int:
    return max(0, (dt.date.fromisoformat(hi) - dt.date.fromisoformat(lo)).days)


def _shared_days(stays: dict[str, list[dict[str, str]]], p: str, q: str, as_of: str) -> int:
    """Longest time persons ``p`` and ``q`` lived at the same address together."""
    return max(
        (
            _days(max(a["from"], b["from"]), min(a["to"] or as_of, b["to"] or as_of))
            for a in stays[p]
            for b in stays[q]
            if a["address_id"] == b["address_id"]
        ),
        default=0,
    )


def test_hard_negatives_share_addresses_and_landlines(small_world):
    """Jr/Sr and twins live together for years; spouses share an address and a landline."""
    persons = read_csv(small_world / "truth" / "persons.csv")
    stays = _by_person(small_world, "addresses")
    as_of = json.loads((small_world / "world.json").read_text())["as_of"]
    juniors = [p for p in persons if p["suffix"] == "JR" and p["jr_sr_of"]]
    together = [_shared_days(stays, p["person_id"], p["jr_sr_of"], as_of) for p in juniors]
    assert sum(d >= 2 * 365 for d in together) >= 0.4 * len(juniors)
    assert max(together) >= 8 * 365
    twins = [p for p in persons if p["twin_of"]]
    together = [_shared_days(stays, p["person_id"], p["twin_of"], as_of) for p in twins]
    assert sum(d >= 2 * 365 for d in together) >= 0.5 * len(twins)
    phones = _by_person(small_world, "phones")

    def landlines(pid: str) -> set[str]:
        return {x["phone"] for x in phones[pid] if x["line_type"] == "landline"}

    couples = [p for p in persons if p["spouse_of"] and p["person_id"] < p["spouse_of"]]
    cohabit = sum(_shared_days(stays, p["person_id"], p["spouse_of"], as_of) > 0 for p in couples)
    assert cohabit >= 0.95 * len(couples)
    shared_line = sum(bool(landlines(p["person_id"]) & landlines(p["spouse_of"])) for p in couples)
    assert shared_line >= 0.5 * len(couples)


def test_common_names_are_concentrated_in_the_common_name_metros(small_world):
    persons = read_csv(small_world / "truth" / "persons.csv")
    stays = _by_person(small_world, "addresses")
    metros = set(COMMON_NAME_METROS)

    def starts_in_metro(pid: str) -> bool:
        first = min(stays[pid], key=lambda a: a["from"])
        return (first["city"], first["state"]) in metros

    common = [p["person_id"] for p in persons if p["common_name"] == "1"]
    others = [p["person_id"] for p in persons if p["common_name"] != "1"]
    assert len(common) >= 10
    assert sum(map(starts_in_metro, common)) >= 0.9 * len(common)
    assert sum(map(starts_in_metro, others)) <= 0.2 * len(others)


def test_landlines_stay_with_the_address_and_mobiles_survive_moves(small_world):
    stays = _by_person(small_world, "addresses")
    end = "9999-12-31"
    spans_a_move = mobiles = 0
    for pid, lines in _by_person(small_world, "phones").items():
        for line in lines:
            within_one_stay = any(
                s["from"] <= line["from"] and (line["to"] or end) <= (s["to"] or end)
                for s in stays[pid]
            )
            if line["line_type"] == "landline":
                assert within_one_stay, line
            elif line["line_type"] == "mobile":
                mobiles += 1
                spans_a_move += not within_one_stay
    assert spans_a_move >= 0.3 * mobiles


def test_accounts_carry_origination_names_partial_ssns_and_stale_contacts(small_world):
    persons = {p["person_id"]: p for p in read_csv(small_world / "truth" / "persons.csv")}
    surnames = _by_person(small_world, "names")
    accounts = {a["ACCOUNT_ID"]: a for a in read_csv(small_world / "accounts.csv")}
    truth = read_csv(small_world / "truth" / "accounts.csv")
    former = 0
    for t in truth:
        account, pid = accounts[t["account_id"]], t["person_id"]
        if account["LAST_NAME"] != persons[pid]["last"]:
            former += any(n["last"] == account["LAST_NAME"] for n in surnames[pid])
    assert former >= 0.05 * len(truth)  # maiden (or pre-divorce) names at origination
    ssns = [a["SSN"] for a in accounts.values()]
    assert any(s == "" for s in ssns)
    assert any(len(s.replace("XXX-XX-", "")) == 4 for s in ssns)  # last four only
    moved = sum(
        accounts[t["account_id"]]["ADDRESS1"].split(" ")[0] != t["current_line1"].split(" ")[0]
        for t in truth
    )
    assert moved >= 0.2 * len(truth)  # the address captured at origination has gone stale
    for t in truth:  # findability flags are consistent with the truth they qualify
        assert set(filter(None, t["findable_phones"].split(";"))) <= set(
            t["current_phones"].split(";")
        )
        assert t["death_in_sources"] == "0" or t["deceased"] == "1"
        assert t["employer_findable"] == "0" or t["current_employer"]


def _age_band(dob: str, day: str) -> str:
    age = _days(dob, day) / 365.25
    return "young" if 18 <= age < 30 else "older" if age >= 45 else "other"


def test_moves_are_frequent_mostly_local_and_commoner_for_young_adults(small_world):
    persons = {p["person_id"]: p for p in read_csv(small_world / "truth" / "persons.csv")}
    as_of = json.loads((small_world / "world.json").read_text())["as_of"]
    moves, years = Counter(), Counter()  # by age band: "young" (18-29), "older" (45+)
    total = interstate = 0
    for pid, stays in _by_person(small_world, "addresses").items():
        stays.sort(key=lambda a: a["from"])
        dob = persons[pid]["dob"]
        for s in stays:
            years[_age_band(dob, s["from"])] += _days(s["from"], s["to"] or as_of) / 365.25
        for a, b in pairwise(stays):
            if a["address_id"] != b["address_id"]:
                total += 1
                interstate += a["state"] != b["state"]
                moves[_age_band(dob, b["from"])] += 1
    assert 0.05 <= interstate / total <= 0.35  # mostly local, some interstate
    assert moves["young"] / years["young"] > 2 * moves["older"] / years["older"]
    assert 0.08 <= total / sum(years.values()) <= 0.14  # about 11% move a year


def test_payroll_writes_employer_name_variants(small_world):
    held = _by_person(small_world, "employers")
    links = {
        int(r["row_number"]): r["person_id"]
        for r in read_csv(small_world / "truth" / "source_rows.csv")
        if r["source"] == "payroll"
    }
    rows = read_rows(small_world, "payroll")
    canonical = sum(
        row["EMPLOYER_NAME"] in {e["employer"] for e in held[links[i]]}
        for i, row in enumerate(rows, start=1)
    )
    assert 0.2 <= canonical / len(rows) <= 0.8  # many rows spell the employer differently
    assert any("#" in str(row["EMPLOYER_NAME"]) for row in rows)  # 'WALMART #1234'


def test_sample_readme_documents_every_file_and_column():
    readme = (ROOT / "data" / "sample" / "README.md").read_text(encoding="utf-8")
    manifest = json.loads((ROOT / "data" / "sample" / "world.json").read_text())
    counts = manifest["counts"]
    assert (
        f"--persons {counts['persons']} --accounts {counts['accounts']} "
        f"--applications {counts['applications']} --seed {manifest['seed']}"
    ) in readme
    for layout in LAYOUTS.values():
        assert f"`sources/{layout.file}`" in readme, layout.file
        for column in layout.columns:
            assert f"`{column}`" in readme, (layout.file, column)
    for column in ACCOUNT_COLUMNS + APPLICATION_COLUMNS:
        assert f"`{column}`" in readme, column
    for name, columns in TRUTH_COLUMNS.items():
        assert f"`{name}.csv`" in readme
        assert ", ".join(columns) in readme, name
