"""Noise and coverage rates stay within their stated bounds; noise functions are well-behaved."""

from __future__ import annotations

import csv
import dataclasses
import random
from collections import defaultdict
from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from skiptrace.simulate import CoverageRates, NoiseRates, WorldConfig, simulate_world
from skiptrace.simulate.config import MAX_RATE, RATE_BOUNDS
from skiptrace.simulate.geography import load_geography
from skiptrace.simulate.names import NICKNAMES, ascii_fold
from skiptrace.simulate.noise import Noise, transpose, typo


def _world(tmp_path_factory, noise_scale: float) -> Path:
    out = tmp_path_factory.mktemp(f"noise{noise_scale}")
    config = WorldConfig(
        persons=1200, accounts=100, applications=100, seed=3, noise_scale=noise_scale
    )
    simulate_world(config, out)
    return out


@pytest.fixture(scope="module")
def normal(tmp_path_factory) -> Path:
    return _world(tmp_path_factory, 1.0)


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _credit_rows(world: Path) -> list[tuple[dict[str, str], dict[str, str]]]:
    persons = {p["person_id"]: p for p in _rows(world / "truth" / "persons.csv")}
    links = {
        int(r["row_number"]): persons[r["person_id"]]
        for r in _rows(world / "truth" / "source_rows.csv")
        if r["source"] == "credit_header"
    }
    rows = _rows(world / "sources" / "credit_header.csv")
    return [(row, links[i]) for i, row in enumerate(rows, start=1)]


def test_default_rates_are_within_their_documented_bounds():
    defaults = dataclasses.asdict(NoiseRates()) | dataclasses.asdict(CoverageRates())
    for name, (lo, hi) in RATE_BOUNDS.items():
        assert lo <= defaults[name] <= hi, name
    assert all(0.0 <= v <= 1.0 for v in defaults.values())


def test_noise_scale_multiplies_and_caps_every_rate():
    base, scaled = NoiseRates(), NoiseRates().scaled(3.0)
    for f in dataclasses.fields(NoiseRates):
        assert getattr(scaled, f.name) == min(MAX_RATE, 3 * getattr(base, f.name))
    assert all(v == 0 for v in dataclasses.asdict(NoiseRates().scaled(0.0)).values())


def test_measured_ssn_noise_matches_configured_rates(normal):
    rows = _credit_rows(normal)
    rates = NoiseRates()
    missing = sum(row["SSN"] == "" for row, _ in rows) / len(rows)
    assert abs(missing - rates.missing_ssn) < 0.03
    present = [(row, p) for row, p in rows if row["SSN"]]
    wrong = sum(row["SSN"] != p["ssn"] for row, p in present) / len(present)
    assert 0.002 < wrong < rates.ssn_digit + rates.ssn_transposition + 0.03


def test_measured_coverage_matches_configured_rates(normal):
    persons = _rows(normal / "truth" / "persons.csv")
    in_header = {p["person_id"] for _, p in _credit_rows(normal)}
    share = len(in_header) / len(persons)
    assert 0.70 <= share <= CoverageRates().credit_file + 0.03
    dead = [p for p in persons if p["deceased_date"]]
    reported = len(_rows(normal / "sources" / "deceased_records.csv"))
    assert dead and 0.55 <= reported / len(dead) <= CoverageRates().death_reported + 0.05


def _measured_rates(world: Path) -> dict[str, float]:
    """Every rate of RATE_BOUNDS, measured from the written files against truth/."""
    persons = {p["person_id"]: p for p in _rows(world / "truth" / "persons.csv")}
    surnames: dict[str, set[str]] = defaultdict(set)
    for n in _rows(world / "truth" / "names.csv"):
        surnames[n["person_id"]].add(ascii_fold(n["last"]).upper())
    addresses: dict[str, list[dict[str, str]]] = defaultdict(list)
    for a in _rows(world / "truth" / "addresses.csv"):
        addresses[a["person_id"]].append(a)
    credit = _credit_rows(world)
    named = [(row["CONSUMER_NAME"].partition(", "), p) for row, p in credit]
    nick = [(rest.split()[0], p) for (_, _, rest), p in named if p["first"] in NICKNAMES]
    suffixed = [(rest.split(), p) for (_, _, rest), p in named if p["suffix"]]
    swappable = [
        (row, p)
        for row, p in credit
        if row["DOB"] and int(p["dob"][8:]) <= 12 and p["dob"][8:] != p["dob"][5:7]
    ]
    present = [(row, p) for row, p in credit if row["SSN"]]
    units = []
    for row, p in credit:  # rows at a true address with a unit: was the unit dropped?
        key = (row["ADDR1"].split(" ")[0], row["ZIP"][:5])
        at = [a for a in addresses[p["person_id"]] if (a["line1"].split(" ")[0], a["zip"]) == key]
        if at and at[0]["line2"]:
            units.append(row["ADDR2"] == "")
    moves = 0
    for stays in addresses.values():
        stays.sort(key=lambda a: a["from"])
        moves += sum(a["address_id"] != b["address_id"] for a, b in pairwise(stays))
    links = _rows(world / "truth" / "source_rows.csv")
    adults = {pid for pid, p in persons.items() if p["dob"] < "2006-01-01"}
    dead = [p for p in persons.values() if p["deceased_date"]]
    return {
        "name_typo": sum(last not in surnames[p["person_id"]] for (last, _, _), p in named)
        / len(named),
        "nickname": sum(first in {n.upper() for n in NICKNAMES[p["first"]]} for first, p in nick)
        / len(nick),
        "drop_suffix": sum(not toks or toks[-1] != p["suffix"] for toks, p in suffixed)
        / len(suffixed),
        "dob_swap": sum(
            row["DOB"] == p["dob"][:4] + p["dob"][8:] + p["dob"][5:7] for row, p in swappable
        )
        / len(swappable),
        "ssn_digit": sum(
            sum(a != b for a, b in zip(row["SSN"], p["ssn"], strict=True)) == 1
            for row, p in present
        )
        / len(present),
        "missing_ssn": 1 - len(present) / len(credit),
        "missing_unit": sum(units) / len(units),
        "credit_file": len(adults & {p["person_id"] for _, p in credit}) / len(adults),
        "coa_move": sum(link["source"] == "change_of_address" for link in links) / moves,
        "death_reported": len(_rows(world / "sources" / "deceased_records.csv")) / len(dead),
    }


def test_every_bounded_rate_measured_in_the_files_is_within_its_bounds(normal):
    measured = _measured_rates(normal)
    assert set(measured) == set(RATE_BOUNDS)
    for name, value in measured.items():
        lo, hi = RATE_BOUNDS[name]
        assert lo <= value <= hi, (name, value)
        assert value > 0, name  # the noise or coverage gap is really there


@pytest.mark.slow
def test_noisier_worlds_are_noisier_and_zero_noise_is_clean(tmp_path_factory, normal):
    def error_rate(world: Path) -> float:
        rows = _credit_rows(world)
        return sum(row["SSN"] != p["ssn"] for row, p in rows) / len(rows)

    noisy = _world(tmp_path_factory, 3.0)
    clean = _world(tmp_path_factory, 0.0)
    assert error_rate(noisy) > error_rate(normal) > error_rate(clean)
    rows = _credit_rows(clean)
    assert all(row["SSN"] for row, _ in rows)  # no missing SSNs without noise


@given(st.text(alphabet="abcdefghijklmnop", min_size=3, max_size=12), st.integers(0, 2**32))
def test_typo_changes_one_letter_and_keeps_the_first(word, seed):
    out = typo(word, random.Random(seed))
    assert out[0] == word[0]
    assert abs(len(out) - len(word)) <= 1


@given(st.text(min_size=0, max_size=12), st.integers(0, 2**32))
def test_transpose_keeps_the_characters(word, seed):
    assert sorted(transpose(word, random.Random(seed))) == sorted(word)


@given(st.integers(0, 10**9 - 1), st.integers(0, 2**32), st.floats(0.0, 10.0))
def test_noisy_ssn_is_blank_or_nine_digits_close_to_the_truth(number, seed, scale):
    ssn = f"{number:09d}"
    noise = Noise(random.Random(seed), NoiseRates().scaled(scale), load_geography())
    out = noise.ssn(ssn)
    assert out == "" or (len(out) == 9 and out.isdigit())
    if out:
        assert sum(a != b for a, b in zip(out, ssn, strict=True)) <= 2


@given(st.integers(700_000, 740_000), st.integers(0, 2**32), st.floats(0.0, 10.0))
def test_noisy_dob_stays_within_a_decade(day, seed, scale):
    noise = Noise(random.Random(seed), NoiseRates().scaled(scale), load_geography())
    out = noise.dob(day)
    assert out is None or abs(out.toordinal() - day) <= 11 * 366
