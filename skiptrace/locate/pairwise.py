"""One query against a few candidate persons' rows in Python: the levels and match codes of
`matching.COMPARISONS` / `matching.CODE_FIELDS` with SQL's semantics (NULL never agrees).

A single lookup compares one query with ~20 persons x ~15 rows: planning the comparison SQL
costs more than running it, so the lookup evaluates the same conditions here. rapidfuzz's
Jaro-Winkler, Damerau-Levenshtein and Hamming are the algorithms DuckDB vendors (equal
results). `supported()` is false when the SQL comparisons changed since this mirror was
written (a fingerprint of their SQL): the lookup then falls back to the SQL path.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from rapidfuzz.distance import DamerauLevenshtein, Hamming, JaroWinkler

from skiptrace.locate.index import KEY_KINDS

Row = dict[str, Any]
Test = Callable[[Row, Row], bool]

SQL_FINGERPRINT = "27ec9a1c83e81fc203e5"
"""sha1 (first 20 hex) of the comparisons' and codes' SQL this module mirrors."""


def with_derived(row: Row) -> Row:
    """`row` plus the resolver's derived columns (`DERIVED_SQL`) of the base columns it has:
    a `query_table` row, a `person_values` row or one group's values of `packed`."""
    out = dict(row)
    if "first_name" in row:
        for name in ("first", "last", "middle"):
            value = row[f"{name}_name"]
            out[f"{name}_initial"] = None if value is None else value[:1]
    if "dob" in row:
        dob = row["dob"]
        out["dob_digits"] = (
            f"{dob.year:04d}{dob.month:02d}{dob.day:02d}"
            if dob is not None and row["dob_precision"] == "day"
            else None
        )
    if "addr_zip5" in row:
        out["zip3"] = None if row["addr_zip5"] is None else row["addr_zip5"][:3]
    return out


def query_keys(query: Row) -> set[tuple[str, str]]:
    """The `(kind, key)` retrieval keys of a derived query row (as `index.keys_sql`)."""
    keys = set()
    for kind, columns in KEY_KINDS.items():
        if columns == ("phone",):
            continue
        values = [query[c] for c in columns]
        if all(v is not None and str(v) != "" for v in values):
            keys.add((kind, "|".join(str(v) for v in values)))
    keys.update(("phone", phone) for phone in query["phones"] or ())
    return keys


def _eq(a: Any, b: Any) -> bool:
    return a is not None and b is not None and a == b


def _jw(a: str | None, b: str | None, at: float) -> bool:
    return a is not None and b is not None and JaroWinkler.similarity(a, b) >= at


def _col_jw(col: str, at: float) -> Test:
    return lambda q, r: _jw(q[col], r[col], at)


def _col_eq(col: str) -> Test:
    return lambda q, r: _eq(q[col], r[col])


def _same_length(a: str | None, b: str | None) -> bool:
    return a is not None and b is not None and len(a) == len(b)


def _edits(col: str, max_hamming: int, distance: int) -> Test:
    def test(q: Row, r: Row) -> bool:
        a, b = q[col], r[col]
        return (
            _same_length(a, b)
            and Hamming.distance(a, b) <= max_hamming
            and DamerauLevenshtein.distance(a, b) == distance
        )

    return test


def _hamming(col: str, distance: int) -> Test:
    def test(q: Row, r: Row) -> bool:
        return _same_length(q[col], r[col]) and Hamming.distance(q[col], r[col]) == distance

    return test


def _null(*cols: str) -> Test:
    return lambda q, r: any(q[c] is None or r[c] is None for c in cols)


def _swapped(q: Row, r: Row) -> bool:
    return (
        _eq(q["first_initial"], r["last_initial"])
        and _eq(q["last_initial"], r["first_initial"])
        and _jw(q["first_name"], r["last_name"], 0.92)
        and _jw(q["last_name"], r["first_name"], 0.92)
    )


def _month_day(d: Any) -> tuple[int, int] | None:
    return None if d is None else (d.month, d.day)


def _dob_swapped(q: Row, r: Row) -> bool:
    a, b = _month_day(q["dob"]), _month_day(r["dob"])
    return (
        _eq(q["birth_year"], r["birth_year"])
        and a is not None
        and b is not None
        and a == (b[1], b[0])
        and q["dob_digits"] is not None
        and r["dob_digits"] is not None
    )


def _year_month(q: Row, r: Row) -> bool:
    a, b = _month_day(q["dob"]), _month_day(r["dob"])
    return (
        _eq(q["birth_year"], r["birth_year"])
        and a is not None
        and b is not None
        and a[0] == b[0]
        and q["dob_precision"] in ("day", "month")
        and r["dob_precision"] in ("day", "month")
    )


def _partial(q: Row, r: Row) -> bool:
    """`l.birth_year = r.birth_year AND (l.dob_precision <> 'day' OR r.dob_precision <> 'day')`."""
    a, b = q["dob_precision"], r["dob_precision"]
    return _eq(q["birth_year"], r["birth_year"]) and (
        (a is not None and a != "day") or (b is not None and b != "day")
    )


def _address_missing(q: Row, r: Row) -> bool:
    return (q["addr_street_key"] is None and q["addr_zip5"] is None) or (
        r["addr_street_key"] is None and r["addr_zip5"] is None
    )


def _both(first: Test, second: Test) -> Test:
    return lambda q, r: first(q, r) and second(q, r)


COMPARISONS: dict[str, tuple[Test, tuple[tuple[str, Test], ...]]] = {
    "first_name": (_null("first_name"), (
        ("exact", _col_eq("first_name")),
        ("swapped", _swapped),
        ("nickname", lambda q, r: r["first_name"] in q["nicknames"]),
        ("jaro_winkler>=0.92", _col_jw("first_name", 0.92)),
        ("jaro_winkler>=0.80", _col_jw("first_name", 0.80)),
        ("phonetic", _col_eq("first_phonetic")),
        ("initial", lambda q, r: (len(q["first_name"]) == 1 or len(r["first_name"]) == 1)
         and _eq(q["first_initial"], r["first_initial"])),
    )),
    "middle_name": (_null("middle_name"), (
        ("exact", _col_eq("middle_name")), ("initial", _col_eq("middle_initial")),
    )),
    "last_name": (_null("last_name"), (
        ("exact", _col_eq("last_name")),
        ("swapped", _swapped),
        ("jaro_winkler>=0.92", _col_jw("last_name", 0.92)),
        ("jaro_winkler>=0.80", _col_jw("last_name", 0.80)),
        ("phonetic", _col_eq("last_phonetic")),
    )),
    "suffix": (_null("suffix"), (("agree", _col_eq("suffix")),)),
    "dob": (_null("birth_year"), (
        ("exact", _col_eq("dob_digits")),
        ("day_month_swapped", _dob_swapped),
        ("one_digit", _edits("dob_digits", 2, 1)),
        ("year_month", _year_month),
        ("partial_agree", _partial),
        ("year", _col_eq("birth_year")),
    )),
    "ssn": (_null("ssn_last4"), (
        ("exact", _col_eq("ssn")),
        ("transposition", _both(_hamming("ssn", 2), _edits("ssn", 2, 1))),
        ("one_digit", _hamming("ssn", 1)),
        ("two_edits", _edits("ssn", 4, 2)),
        ("last4", lambda q, r: _eq(q["ssn_last4"], r["ssn_last4"])
         and (q["ssn"] is None or r["ssn"] is None)),
    )),
    "address": (_address_missing, (
        ("same_key", _col_eq("addr_key")),
        ("same_street_other_unit", _col_eq("addr_street_key")),
        ("same_number_similar_street",
         _both(_col_eq("addr_number"), _col_jw("addr_street", 0.88))),
        ("same_zip", _col_eq("addr_zip5")),
        ("same_zip3", _col_eq("zip3")),
    )),
    "phone": (lambda q, r: q["phones"] is None or r["phone"] is None,
              (("exact", lambda q, r: r["phone"] in q["phones"]),)),
    "email": (_null("email_key"), (("exact", _col_eq("email_key")),)),
    "employer": (_null("employer_key"), (
        ("exact", _col_eq("employer_key")), ("jaro_winkler>=0.90", _col_jw("employer_key", 0.90)),
    )),
}  # fmt: skip
"""Comparison name -> (missing test, levels strongest first): `resolve.comparisons` and
`matching.PHONE` in Python."""
GROUP_OF = {
    "first_name": "name", "middle_name": "name", "last_name": "name", "suffix": "name",
    "dob": "dob", "ssn": "ssn", "address": "address", "phone": "phone", "email": "email",
    "employer": "employer", "code_name": "name", "code_street": "address",
    "code_city": "address", "code_state": "address", "code_zip": "address", "code_ssn": "ssn",
    "code_dob": "dob",
}  # fmt: skip
"""Comparison or code -> the value group (`packed.GROUPS`) holding every column it reads."""


def _name_agrees(q: Row, r: Row) -> bool:
    shared = q["first_keys"] is not None and r["first_keys"] is not None
    return (
        shared
        and bool(set(q["first_keys"]) & set(r["first_keys"]))
        and _eq(q["last_name"], r["last_name"])
    )


def _ssn_agrees(q: Row, r: Row) -> bool:
    return _eq(q["ssn"], r["ssn"]) or (q["ssn"] is None and _eq(q["ssn_last4"], r["ssn_last4"]))


CODES: dict[str, tuple[Callable[[Row], bool], Test, str]] = {
    "name": (lambda q: q["first_name"] is not None and q["last_name"] is not None,
             _name_agrees, "last_name"),
    "street": (lambda q: q["addr_street_key"] is not None, _col_eq("addr_street_key"),
               "addr_street_key"),
    "city": (lambda q: q["addr_city"] is not None, _col_eq("addr_city"), "addr_city"),
    "state": (lambda q: q["addr_state"] is not None, _col_eq("addr_state"), "addr_state"),
    "zip": (lambda q: q["addr_zip5"] is not None, _col_eq("addr_zip5"), "addr_zip5"),
    "ssn": (lambda q: q["ssn_last4"] is not None, _ssn_agrees, "ssn_last4"),
    "dob": (lambda q: q["dob_digits"] is not None, _col_eq("dob_digits"), "dob_digits"),
}  # fmt: skip
"""Match code -> (query has it, values agree, person column): `matching._CODES` in Python."""


def sql_fingerprint(comparisons: Iterable[Any], codes: dict[str, tuple[str, str, str]]) -> str:
    """The fingerprint of the SQL conditions of `comparisons` and `codes`."""
    parts = [
        repr((c.name, c.null_sql, [(lv.label, lv.sql) for lv in c.levels])) for c in comparisons
    ]
    parts += [repr(item) for item in codes.items()]
    return hashlib.sha1("\n".join(parts).encode()).hexdigest()[:20]


def nicknames(query: Row, rows: Iterable[Row]) -> frozenset[str]:
    """The candidates' first names that are another name with a nickname key in common
    with the query's first name (the `nk` relation of the SQL path)."""
    keys = set(query["first_keys"] or ())
    if query["first_name"] is None or not keys:
        return frozenset()
    return frozenset(
        r["first_name"]
        for r in rows
        if r["first_name"] is not None
        and r["first_name"] != query["first_name"]
        and r["first_keys"] is not None
        and keys.intersection(r["first_keys"])
    )


def _level(missing: Test, levels: tuple[tuple[str, Test], ...], q: Row, r: Row) -> int:
    if missing(q, r):
        return -1
    for i, (_, test) in enumerate(levels):
        if test(q, r):
            return len(levels) - i
    return 0


def person_levels(query: Row, person_id: str, groups: Mapping[str, list[Row]]) -> Row:
    """The candidate row of one person: per comparison, the best level over the person's
    values of its group (rows or distinct group values: the same maximum), and the match
    codes (None when the query lacks the field)."""
    out: Row = {"qid": 0, "person_id": person_id}
    for name, (missing, levels) in COMPARISONS.items():
        values = groups.get(GROUP_OF[name], ())
        out[name] = max((_level(missing, levels, query, r) for r in values), default=-1)
    for name, (given, agree, column) in CODES.items():
        values = groups.get(GROUP_OF[f"code_{name}"], ())
        out[f"code_{name}"] = (
            any(r[column] is not None and agree(query, r) for r in values) if given(query) else None
        )
    return out


def names(rows: list[Row]) -> list[str]:
    """Every name of a person's rows, most frequent first (as `evidence._NAMES_SQL`)."""
    counts = Counter(
        " ".join(v for v in (r["first_name"], r["middle_name"], r["last_name"], r["suffix"])
                 if v is not None)
        for r in rows
        if r["last_name"] is not None
    )  # fmt: skip
    return sorted(counts, key=lambda name: (-counts[name], name))


def flags(person_id: str, rows: list[Row]) -> Row:
    """Deceased / bankruptcy flags of a person's rows (as `evidence._FLAGS_SQL`)."""
    deaths = [r for r in rows if r["data_class"] == "death_master"]
    dates = [r["event_date"] for r in deaths if r["event_date"] is not None]
    return {
        "person_id": person_id,
        "deceased": bool(deaths),
        "deceased_date": max(dates) if dates else None,
        "bankruptcy": any(r["case_type"] == "bankruptcy" for r in rows),
    }
