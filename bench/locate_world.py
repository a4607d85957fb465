"""Shared helpers of the locate benchmarks: build a resolved world, its queries, its truth.

Simulator-specific code (truth files, the accounts.csv layout) lives here, never in the
library. A world directory holds `store.duckdb` after `build_world`.
"""

from __future__ import annotations

import csv
import random
import subprocess
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path

import duckdb

from skiptrace.batch.queries import QueryPolicy, build_query
from skiptrace.locate.evidence import source_table
from skiptrace.locate.index import build_person_index, index_state
from skiptrace.locate.locator import default_catalog
from skiptrace.locate.oracle import load_oracle_resolution
from skiptrace.locate.results import AccountQuery
from skiptrace.normalize import (
    normalize_address,
    normalize_email,
    normalize_employer,
    normalize_phone,
    normalize_ssn,
)

ACCOUNT_COLUMNS = {
    "ACCOUNT_ID": "account_id", "FIRST_NAME": "first_name", "MIDDLE_NAME": "middle_name",
    "LAST_NAME": "last_name", "SUFFIX": "name_suffix", "SSN": "ssn", "DOB": "dob",
    "ADDRESS1": "address_line1", "ADDRESS2": "address_line2", "CITY": "city",
    "STATE": "state", "ZIP": "zip", "PHONE": "phone_1", "EMAIL": "email",
    "EMPLOYER": "employer", "BALANCE": "balance",
}  # fmt: skip


def _run(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "skiptrace", *args], check=True, capture_output=True)


RESOLVERS = ("oracle", "skiptrace")
"""'oracle': person_records from the world's truth (perfect resolution); 'skiptrace': the
library's resolver (`skiptrace resolve --full`)."""
TRUTH_RECORDS = "truth_records"


def build_world(root: Path, persons: int, seed: int) -> Path:
    """Simulate a world (accounts = persons / 2, the max); cached under `root`."""
    world = root / f"world_{persons}_{seed}"
    if not (world / "world.json").exists():
        _run("simulate", "--persons", str(persons), "--accounts", str(persons // 2),
             "--applications", "10", "--seed", str(seed), "--out", str(world))  # fmt: skip
    return world


def prepare_store(world: Path, root: Path, resolver: str = "oracle") -> tuple[Path, dict[str, str]]:
    """Ingest `world` into `root/<world>_<resolver>.duckdb` (cached), resolve and index it.

    Returns the store and the map resolved person -> true person (the most frequent true
    person among its observations; the identity for the oracle).
    """
    if resolver not in RESOLVERS:
        raise SystemExit(f"unknown resolver {resolver!r} (one of {', '.join(RESOLVERS)})")
    store = root / f"{world.name}_{resolver}.duckdb"
    if not store.exists():
        _run("ingest", "--store", str(store), str(world / "sources"))
        if resolver == "skiptrace":
            _run("resolve", "--store", str(store), "--full")
    con = duckdb.connect(str(store))
    try:
        if resolver == "oracle":
            load_oracle_resolution(con, world)
        load_oracle_resolution(con, world, TRUTH_RECORDS)
        mapping = dict(
            con.execute(
                f"SELECT pr.person_id::VARCHAR, mode(t.person_id) FROM person_records pr "
                f"JOIN {TRUTH_RECORDS} t USING (obs_id) GROUP BY 1"
            ).fetchall()
        )
        sources = source_table(default_catalog())
        if index_state(con, sources) == "stale":
            build_person_index(con, sources)
    finally:
        con.close()
    return store, mapping


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def load_queries(world: Path) -> list[AccountQuery]:
    """The world's accounts as queries (rejected rows are kept: the locator sees all)."""
    queries = []
    for i, row in enumerate(_read(world / "accounts.csv"), start=1):
        fields = {ACCOUNT_COLUMNS[k]: v for k, v in row.items() if k in ACCOUNT_COLUMNS}
        queries.append(build_query(fields, i, QueryPolicy())[0])
    return queries


def degrade(queries: list[AccountQuery], seed: int) -> list[AccountQuery]:
    """Harder copies of `queries`: identity fields dropped or shortened at random (SSN to
    last 4 or none, no DOB, no phone, e-mail or employer), as on thin placements."""
    rng = random.Random(seed)
    out = []
    for q in queries:
        ssn, draw = q.ssn, rng.random()
        if ssn is not None and ssn.ok:
            ssn = None if draw < 0.35 else normalize_ssn(ssn.last4) if draw < 0.6 else ssn
        out.append(
            replace(
                q,
                ssn=ssn,
                dob=None if rng.random() < 0.3 else q.dob,
                phones=() if rng.random() < 0.4 else q.phones,
                email=None if rng.random() < 0.5 else q.email,
                employer=None if rng.random() < 0.5 else q.employer,
            )
        )
    return out


def address_key(row: dict[str, str], prefix: str = "") -> str:
    """Normalized key of a truth address row (`line1`, `line2`, `city`, `state`, `zip`)."""
    parts = {k: row[f"{prefix}{k}"] for k in ("line1", "line2", "city", "state", "zip")}
    return normalize_address(**parts).key


@dataclass(slots=True)
class AccountTruth:
    """What the world knows about one account's debtor."""

    person_id: str
    address: str
    address_findable: bool
    phones: frozenset[str]
    findable_phones: frozenset[str]
    deceased: bool
    death_in_sources: bool


def _phones(raw: str) -> frozenset[str]:
    return frozenset(normalize_phone(p).e164 for p in raw.split(";") if p)


def account_truth(world: Path) -> dict[str, AccountTruth]:
    """account_id -> truth about its debtor."""
    return {
        row["account_id"]: AccountTruth(
            person_id=row["person_id"],
            address=address_key(row, "current_"),
            address_findable=row["address_findable"] == "1",
            phones=_phones(row["current_phones"]),
            findable_phones=_phones(row["findable_phones"]),
            deceased=row["deceased"] == "1",
            death_in_sources=row["death_in_sources"] == "1",
        )
        for row in _read(world / "truth" / "accounts.csv")
    }


@dataclass(slots=True)
class ContactTruth:
    """Every person's current and past contact keys, per kind."""

    current: set[tuple[str, str, str]] = field(default_factory=set)
    ever: set[tuple[str, str, str]] = field(default_factory=set)


def contact_truth(world: Path) -> ContactTruth:
    """(person_id, kind, key) of every contact a person ever had, and of the current ones.

    A deceased person's contacts at death count as current, as in `truth/accounts.csv`.
    """
    truth = ContactTruth()
    death = {r["person_id"]: r["deceased_date"] for r in _read(world / "truth" / "persons.csv")}
    readers = (
        ("address", "addresses.csv", address_key),
        ("phone", "phones.csv", lambda r: normalize_phone(r["phone"]).e164),
        ("email", "emails.csv", lambda r: normalize_email(r["email"]).key),
        ("employer", "employers.csv", lambda r: normalize_employer(r["employer"]).key),
    )
    for kind, name, key in readers:
        for row in _read(world / "truth" / name):
            item = (row["person_id"], kind, key(row))
            truth.ever.add(item)
            if not row["to"] or row["to"] == death.get(row["person_id"]):
                truth.current.add(item)
    for row in _read(world / "truth" / "mailing.csv"):  # mailing addresses are theirs too
        truth.ever.add((row["person_id"], "address", address_key({**row, "line2": ""})))
    return truth
