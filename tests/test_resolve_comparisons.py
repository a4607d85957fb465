"""Comparison levels on hand-written pairs, and the vectorised SQL against a per-pair oracle."""

from __future__ import annotations

import datetime as dt
import random

import duckdb
import pyarrow as pa
import pytest
from rapidfuzz.distance import DamerauLevenshtein, Hamming, JaroWinkler

from skiptrace.resolve.comparisons import (
    ADDRESS,
    ADDRESS_MOVES,
    DOB,
    FIRST_NAME,
    LAST_NAME,
    SSN,
    SUFFIX,
    compute_vectors,
)
from skiptrace.resolve.records import NICKNAMES_TABLE, RECORD_COLUMNS, load_records
from skiptrace.resolve.term_frequencies import build_tf_tables, load_tf_tables, save_tf_tables


def record(rid: int, **values: object) -> dict[str, object]:
    """A records row with every column, NULL unless given."""
    row: dict[str, object] = dict.fromkeys(RECORD_COLUMNS)
    row.update(record_id=rid, source="s")
    if "dob" in values and values["dob"] is not None:
        row.update(dob_precision="day", birth_year=values["dob"].year)  # type: ignore[union-attr]
    if values.get("ssn"):
        row["ssn_last4"] = str(values["ssn"])[-4:]
    if values.get("first_name"):
        row.setdefault("first_keys", [values["first_name"]])
    row.update(values)
    return row


def levels(pairs: list[tuple[dict, dict]], comparisons) -> list[dict[str, int]]:  # type: ignore[no-untyped-def]
    """Compute the comparison levels of each (left, right) pair with the real SQL."""
    con = duckdb.connect()
    rows = [r for pair in pairs for r in pair]
    table = pa.Table.from_pylist(rows)
    con.register("input_rows", table)
    load_records(con, con.sql("SELECT * FROM input_rows"))
    ids = pa.table(
        {"id_l": [a["record_id"] for a, _ in pairs], "id_r": [b["record_id"] for _, b in pairs]}
    )
    con.register("pairs_in", ids)
    con.execute("CREATE TEMP TABLE test_pairs AS SELECT * FROM pairs_in")
    compute_vectors(con, comparisons, pairs="test_pairs", table="test_vectors")
    names = ", ".join(c.name for c in comparisons)
    out = con.execute(f"SELECT {names} FROM test_vectors ORDER BY id_l").fetchall()
    return [dict(zip([c.name for c in comparisons], row, strict=True)) for row in out]


def label(comparison, left: dict, right: dict) -> str:  # type: ignore[no-untyped-def]
    """The level label the SQL gives one pair."""
    value = levels([(left, right)], (comparison,))[0][comparison.name]
    return comparison.level_labels()[value]


D = dt.date


@pytest.mark.parametrize(
    ("left", "right", "expected"),
    [
        ({"first_name": "ROBERT"}, {"first_name": "ROBERT"}, "exact"),
        (
            {"first_name": "BOB", "first_keys": ["BOB", "ROBERT"]},
            {"first_name": "ROBERT", "first_keys": ["ROBERT"]},
            "nickname",
        ),
        ({"first_name": "JONATHAN"}, {"first_name": "JONATHON"}, "jaro_winkler>=0.92"),
        ({"first_name": "J"}, {"first_name": "JOHN"}, "initial"),
        (
            {"first_name": "SMITH", "last_name": "JOHN"},
            {"first_name": "JOHN", "last_name": "SMITH"},
            "swapped",
        ),
        ({"first_name": "MARY"}, {"first_name": "ZELDA"}, "different"),
        ({"first_name": None}, {"first_name": "ZELDA"}, "missing"),
    ],
)
def test_first_name_levels(left: dict, right: dict, expected: str) -> None:
    assert label(FIRST_NAME, record(1, **left), record(2, **right)) == expected


@pytest.mark.parametrize(
    ("left", "right", "expected"),
    [
        (D(1980, 3, 4), D(1980, 3, 4), "exact"),
        (D(1980, 3, 4), D(1980, 4, 3), "day_month_swapped"),
        (D(1980, 3, 4), D(1980, 3, 7), "one_digit"),
        (D(1980, 3, 4), D(1980, 3, 28), "year_month"),
        (D(1980, 3, 4), D(1980, 11, 29), "year"),
        (D(1980, 3, 4), D(1955, 3, 4), "different"),
    ],
)
def test_dob_levels(left: dt.date, right: dt.date, expected: str) -> None:
    assert label(DOB, record(1, dob=left), record(2, dob=right)) == expected


def test_partial_dob_agrees_on_year_only() -> None:
    partial = record(2, dob=D(1980, 1, 1))
    partial.update(dob_precision="year")
    assert label(DOB, record(1, dob=D(1980, 6, 5)), partial) == "partial_agree"


@pytest.mark.parametrize(
    ("left", "right", "expected"),
    [
        ("123456789", "123456789", "exact"),
        ("123456789", "123457689", "transposition"),
        ("123456789", "123456780", "one_digit"),
        ("123456789", "193456780", "two_edits"),
        ("987654321", "123456789", "different"),
    ],
)
def test_ssn_levels(left: str, right: str, expected: str) -> None:
    assert label(SSN, record(1, ssn=left), record(2, ssn=right)) == expected


def test_ssn_last4_only_agrees_on_last4() -> None:
    last4 = record(2, ssn_last4="6789")
    assert label(SSN, record(1, ssn="123456789"), last4) == "last4"


def test_address_unit_and_zip_levels() -> None:
    home = record(
        1, addr_key="12|MAIN ST|APT 1|62701", addr_street_key="12|MAIN ST|62701", addr_zip5="62701"
    )
    same = record(
        2, addr_key="12|MAIN ST|APT 1|62701", addr_street_key="12|MAIN ST|62701", addr_zip5="62701"
    )
    other_unit = record(
        3, addr_key="12|MAIN ST|APT 2|62701", addr_street_key="12|MAIN ST|62701", addr_zip5="62701"
    )
    same_zip = record(
        4, addr_key="99|OAK AVE||62701", addr_street_key="99|OAK AVE|62701", addr_zip5="62701"
    )
    assert label(ADDRESS, home, same) == "same_key"
    assert label(ADDRESS, home, other_unit) == "same_street_other_unit"
    assert label(ADDRESS, home, same_zip) == "same_zip"


def test_a_previous_address_agrees_with_the_others_address() -> None:
    def at(rid: int, street: str, zip5: str, prev: str | None = None) -> dict[str, object]:
        key = f"{street}|{zip5}"
        return record(rid, addr_key=key, addr_street_key=key, addr_zip5=zip5, prev_street_key=prev)

    mover = at(1, "5|ELM ST", "30301", prev="12|MAIN ST|62701")
    assert label(ADDRESS_MOVES, mover, at(2, "12|MAIN ST", "62701")) == "moved_from"
    assert label(ADDRESS_MOVES, at(3, "12|MAIN ST", "62701"), mover) == "moved_from"
    assert label(ADDRESS_MOVES, mover, at(4, "7|OAK AVE", "62701")) == "different"
    assert label(ADDRESS_MOVES, mover, at(5, "5|ELM ST", "30301")) == "same_key"
    assert label(ADDRESS, mover, at(6, "12|MAIN ST", "62701")) == "different"  # locate's


def test_suffix_conflict_is_disagreement() -> None:
    assert label(SUFFIX, record(1, suffix="JR"), record(2, suffix="SR")) == "different"
    assert label(SUFFIX, record(1, suffix="JR"), record(2, suffix="JR")) == "agree"


def test_first_name_aliases_are_learned_from_one_ssn_and_dob_and_kept_with_the_model() -> None:
    day, other = dt.date(1980, 5, 6), dt.date(1955, 1, 2)
    rows = [
        record(1, first_name="SUSAN", first_keys=["SUSAN"], ssn="123456789", dob=day),
        record(
            2, first_name="SUZY", first_keys=["SUZY"], ssn="123456789", dob=day
        ),  # a nickname not in the table
        record(3, first_name="JOHN", first_keys=["JOHN"], ssn="555667777", dob=day),
        record(
            4, first_name="PETER", first_keys=["PETER"], ssn="555667777", dob=other
        ),  # DOBs differ: no alias
        record(5, first_name="SUZY", first_keys=["SUZY"]),
    ]
    con = duckdb.connect()
    con.register("input_rows", pa.Table.from_pylist(rows))

    def keys() -> dict[int, list[str]]:
        rows = con.execute("SELECT record_id, first_keys FROM rs_records").fetchall()
        return {rid: sorted(k) for rid, k in rows}

    load_records(con, con.sql("SELECT * FROM input_rows"))
    build_tf_tables(con, [])
    assert keys() == {
        1: ["SUSAN", "SUZY"],
        2: ["SUSAN", "SUZY"],
        3: ["JOHN"],
        4: ["PETER"],
        5: ["SUSAN", "SUZY"],
    }
    assert con.execute(f"SELECT count(*) FROM {NICKNAMES_TABLE}").fetchall() == [(0,)]
    save_tf_tables(con, [])
    load_records(con, con.sql("SELECT * FROM input_rows WHERE record_id <> 2"))
    load_tf_tables(con, [])  # the saved model's aliases, though record 2 is gone
    assert keys()[5] == ["SUSAN", "SUZY"]


# --- oracle: an obviously-correct per-pair scorer against the vectorised SQL -----------


def oracle_ssn(a: str | None, b: str | None) -> int:
    """SSN level by direct definition (5 exact .. 0 different, -1 missing)."""
    if a is None or b is None:
        return -1
    if a == b:
        return 5
    same_len = len(a) == len(b)
    if same_len and Hamming.distance(a, b) == 2 and DamerauLevenshtein.distance(a, b) == 1:
        return 4
    if same_len and Hamming.distance(a, b) == 1:
        return 3
    if same_len and DamerauLevenshtein.distance(a, b) == 2:
        return 2
    return 0


def oracle_last(a: tuple[str, str], b: tuple[str, str]) -> int:
    """Last-name level (phonetic left out: keys are random here, so never equal)."""
    (af, al), (bf, bl) = a, b
    if al == bl:
        return 5
    initials_swapped = af[0] == bl[0] and al[0] == bf[0]
    if (
        initials_swapped
        and min(JaroWinkler.similarity(af, bl), JaroWinkler.similarity(al, bf)) >= 0.92
    ):
        return 4
    jw = JaroWinkler.similarity(al, bl)
    return 3 if jw >= 0.92 else 2 if jw >= 0.80 else 0


def _mutate(rng: random.Random, s: str, alphabet: str) -> str:
    chars = list(s)
    for _ in range(rng.randint(0, 2)):
        i = rng.randrange(len(chars))
        if rng.random() < 0.5 and i + 1 < len(chars):
            chars[i], chars[i + 1] = chars[i + 1], chars[i]
        else:
            chars[i] = rng.choice(alphabet)
    return "".join(chars)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_vectorised_levels_match_oracle(seed: int) -> None:
    rng = random.Random(seed)
    pairs = []
    for k in range(300):
        ssn = "".join(rng.choice("0123456789") for _ in range(9))
        last = "".join(rng.choice("ABCDEFGH") for _ in range(rng.randint(4, 8)))
        first = "".join(rng.choice("ABCDEFGH") for _ in range(rng.randint(4, 8)))
        left = record(2 * k, ssn=ssn, first_name=first, last_name=last, last_phonetic=f"L{2 * k}")
        if rng.random() < 0.2:
            rf, rl = _mutate(rng, last, "ABCDEFGH"), _mutate(rng, first, "ABCDEFGH")
        else:
            rf, rl = first, _mutate(rng, last, "ABCDEFGH")
        right = record(
            2 * k + 1,
            ssn=_mutate(rng, ssn, "0123456789") if rng.random() < 0.9 else None,
            first_name=rf,
            last_name=rl,
            last_phonetic=f"L{2 * k + 1}",
        )
        pairs.append((left, right))
    got = levels(pairs, (SSN, LAST_NAME))
    for (left, right), row in zip(pairs, got, strict=True):
        assert row["ssn"] == oracle_ssn(left["ssn"], right["ssn"]), (left["ssn"], right["ssn"])
        expected_last = oracle_last(
            (left["first_name"], left["last_name"]), (right["first_name"], right["last_name"])
        )
        assert row["last_name"] == expected_last, (left["last_name"], right["last_name"])
