"""End to end on a small synthetic store: training, stable ids, incremental == full."""

from __future__ import annotations

import datetime as dt
import random

import duckdb
import pyarrow as pa
import pytest

from skiptrace.errors import ConfigError
from skiptrace.resolve.explain import render_text
from skiptrace.resolve.model import ModelParams
from skiptrace.resolve.pipeline import Settings
from skiptrace.resolve.resolve import explain_records, resolve_store, saved_params
from skiptrace.resolve.training import train

FIRST = [
    "JAMES",
    "MARY",
    "ROBERT",
    "PATRICIA",
    "JOHN",
    "LINDA",
    "DAVID",
    "SUSAN",
    "KAREN",
    "MICHAEL",
    "SARAH",
    "THOMAS",
    "NANCY",
    "DANIEL",
    "LISA",
    "PAUL",
    "BETTY",
    "MARK",
]
LAST = [
    "SMITH",
    "JOHNSON",
    "WILLIAMS",
    "BROWN",
    "JONES",
    "GARCIA",
    "MILLER",
    "DAVIS",
    "SZCZEPANSKI",
    "WILSON",
    "ANDERSON",
    "TAYLOR",
    "THOMAS",
    "MOORE",
    "MARTIN",
    "LEE",
]
SETTINGS = Settings(u_pairs=100_000)


def _typo(rng: random.Random, s: str) -> str:
    i = rng.randrange(len(s))
    return s[:i] + rng.choice("ABCDEFGHIJKLMNOPRSTUVWY") + s[i + 1 :]


def observations(n_persons: int, seed: int) -> list[dict]:
    """Synthetic observations: 2-4 noisy mentions per person, person id kept in `truth`."""
    rng = random.Random(seed)
    rows = []
    for p in range(n_persons):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        dob = dt.date(1940, 1, 1) + dt.timedelta(days=rng.randrange(60 * 365))
        ssn = f"{rng.randrange(1, 899):03d}{rng.randrange(1, 99):02d}{rng.randrange(1, 9999):04d}"
        street = f"{rng.randrange(1, 999)}|{rng.choice(['MAIN', 'OAK', 'ELM', 'PINE'])} ST"
        zip5 = f"{rng.randrange(10000, 99999)}"
        phone = f"+1555{rng.randrange(10**6, 10**7)}"
        for _ in range(rng.randint(2, 4)):
            f = _typo(rng, first) if rng.random() < 0.1 else first
            ln = _typo(rng, last) if rng.random() < 0.1 else last
            rows.append(
                {
                    "obs_id": rng.randrange(1, 2**62),
                    "truth": p,
                    "source": rng.choice("ABC"),
                    "first_name": f,
                    "middle_name": None,
                    "last_name": ln,
                    "name_suffix": None,
                    "first_keys": [f],
                    "first_phonetic": f[:3],
                    "last_phonetic": ln[:3],
                    "dob": dob if rng.random() < 0.8 else None,
                    "dob_precision": "day",
                    "birth_year": dob.year,
                    "ssn": ssn if rng.random() < 0.6 else None,
                    "ssn_last4": ssn[-4:],
                    "addr_key": f"{street}||{zip5}",
                    "addr_street_key": f"{street}|{zip5}",
                    "addr_zip5": zip5,
                    "addr_number": street.split("|")[0],
                    "addr_street": street.split("|")[1],
                    "phone": phone if rng.random() < 0.5 else None,
                    "email_key": None,
                    "employer_key": None,
                }
            )
    return rows


def store_with(rows: list[dict]) -> duckdb.DuckDBPyConnection:
    """An in-memory store holding just an `observations` table."""
    con = duckdb.connect()
    con.register("obs_in", pa.Table.from_pylist(rows))
    con.execute("CREATE TABLE observations AS SELECT * EXCLUDE (truth) FROM obs_in")
    con.unregister("obs_in")
    return con


def partition(con: duckdb.DuckDBPyConnection) -> set[frozenset[int]]:
    """Persons as sets of obs ids (independent of the person ids)."""
    groups: dict[int, set[int]] = {}
    for obs, person in con.execute("SELECT obs_id, person_id FROM person_records").fetchall():
        groups.setdefault(person, set()).add(obs)
    return {frozenset(g) for g in groups.values()}


@pytest.fixture(scope="module")
def rows() -> list[dict]:
    return observations(300, seed=7)


def test_resolve_finds_the_true_persons(rows: list[dict]) -> None:
    con = store_with(rows)
    summary = resolve_store(con, full=True, settings=SETTINGS)
    assert summary.mode == "full" and summary.records == len(rows)
    truth: dict[int, set[int]] = {}
    for r in rows:
        truth.setdefault(r["truth"], set()).add(r["obs_id"])
    found = partition(con)
    exact = sum(frozenset(g) in found for g in truth.values())
    assert exact / len(truth) >= 0.9


def test_training_is_deterministic_for_a_seed(rows: list[dict]) -> None:
    con = store_with(rows)
    resolve_store(con, full=True, settings=SETTINGS)
    first = saved_params(con)
    again = train(con, SETTINGS.comparisons, seed=SETTINGS.seed, u_pairs=SETTINGS.u_pairs)
    assert first is not None and again.to_json() == first.to_json()
    assert ModelParams.from_json(first.to_json()).to_json() == first.to_json()
    other_seed = train(con, SETTINGS.comparisons, seed=99, u_pairs=SETTINGS.u_pairs)
    assert other_seed.u != first.u  # the seed really drives the random-pair sample


def test_rerun_on_unchanged_data_changes_no_id(rows: list[dict]) -> None:
    con = store_with(rows)
    resolve_store(con, full=True, settings=SETTINGS)
    before = dict(con.execute("SELECT obs_id, person_id FROM person_records").fetchall())
    for full in (False, True):
        summary = resolve_store(con, full=full, settings=SETTINGS)
        after = dict(con.execute("SELECT obs_id, person_id FROM person_records").fetchall())
        assert after == before
        assert summary.events.get("merge", 0) == summary.events.get("split", 0) == 0


def test_incremental_equals_full_rebuild(rows: list[dict]) -> None:
    full = store_with(rows)
    resolve_store(full, full=True, settings=SETTINGS)
    params = saved_params(full)
    rng = random.Random(3)
    batch1 = [r for r in rows if rng.random() < 0.6]
    batch2 = [r for r in rows if r not in batch1]
    inc = store_with(batch1)
    for (table,) in full.execute(
        "SELECT table_name FROM duckdb_tables() WHERE table_name LIKE 'resolve_tf_%'"
        " OR table_name = 'resolve_first_aliases'"
    ).fetchall():  # the same model: parameters, term frequencies and first-name aliases
        inc.register("tf_in", full.table(table).arrow())
        inc.execute(f"CREATE TABLE {table} AS SELECT * FROM tf_in")
        inc.unregister("tf_in")
    resolve_store(inc, full=True, settings=SETTINGS, params=params)
    ids_before = dict(inc.execute("SELECT obs_id, person_id FROM person_records").fetchall())
    inc.register("more", pa.Table.from_pylist(batch2))
    inc.execute("INSERT INTO observations SELECT * EXCLUDE (truth) FROM more")
    summary = resolve_store(inc, settings=SETTINGS)
    assert summary.mode == "incremental" and summary.new_records == len(batch2)
    assert partition(inc) == partition(full)
    ids_after = dict(inc.execute("SELECT obs_id, person_id FROM person_records").fetchall())
    kept = sum(ids_after[o] == p for o, p in ids_before.items())
    assert kept / len(ids_before) > 0.95  # old records keep their person ids


def test_explain_is_a_waterfall_without_values(rows: list[dict]) -> None:
    con = store_with(rows)
    resolve_store(con, full=True, settings=SETTINGS)
    a, b = rows[0]["obs_id"], rows[1]["obs_id"]
    ex = explain_records(con, a, b)
    assert abs(ex.prior + sum(s.weight for s in ex.steps) - ex.total) < 1e-3
    text = render_text(ex)
    assert rows[0]["ssn_last4"] not in text and str(rows[0]["birth_year"]) not in text
    assert ex.to_dict()["steps"][0]["field"] == "first_name"
    person = dict(con.execute("SELECT obs_id, person_id FROM person_records").fetchall())
    assert ex.same_person == (person[a] == person[b]) and "same person now" in text


def test_explain_names_the_safeguard_that_keeps_two_records_apart(rows: list[dict]) -> None:
    con = store_with(rows)
    resolve_store(con, full=True, settings=SETTINGS)
    a, b = (
        next(r for r in rows if r["truth"] == 0 and r["ssn"]),
        next(r for r in rows if r["truth"] == 1 and r["ssn"]),
    )
    ex = explain_records(con, a["obs_id"], b["obs_id"])
    assert ex.conflict in {"ssn", "ssn_last4", "dob"} and ex.same_person is False
    assert "never one person" in render_text(ex)


def test_a_saved_model_from_older_comparisons_is_retrained(rows: list[dict]) -> None:
    con = store_with(rows)
    resolve_store(con, full=True, settings=SETTINGS)
    old = saved_params(con)
    assert old is not None
    old.m["address"], old.u["address"] = old.m["address"][:-1], old.u["address"][:-1]
    con.execute("UPDATE resolve_params SET value = ? WHERE key = 'model'", [old.to_json()])
    summary = resolve_store(con, settings=SETTINGS)
    assert summary.mode == "full" and "retrained" in summary.warnings[0]
    with pytest.raises(ConfigError):
        resolve_store(con, settings=SETTINGS, params=old)
