"""Graded comparison levels per field, computed vectorised in DuckDB SQL.

Each :class:`Comparison` is an ordered list of levels, strongest first, over the left
(``l.``) and right (``r.``) record of a candidate pair. A pair gets the value of the first
level whose condition holds: levels are numbered ``len(levels) .. 1`` from the strongest,
``0`` means "none holds" (disagreement) and ``-1`` means a value is missing on either side
(no evidence either way). Dates are compared on their parts and digit strings, never with
Jaro-Winkler. A level marked ``tf`` gets a term-frequency adjustment on its column.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import duckdb

from skiptrace.resolve.blocking import PAIRS_TABLE
from skiptrace.resolve.records import NICKNAMES_TABLE, RECORDS_TABLE

VECTORS_TABLE = "rs_vectors"


@dataclass(frozen=True, slots=True)
class Level:
    """One comparison level: a label, a SQL condition, an optional TF column."""

    label: str
    sql: str
    tf: str | None = None


@dataclass(frozen=True, slots=True)
class Comparison:
    """A field comparison: its name, the condition meaning 'missing', its levels."""

    name: str
    null_sql: str
    levels: tuple[Level, ...]
    u_share: float = 1.0  # share of the random-pair sample that estimates u

    def level_labels(self) -> dict[int, str]:
        """Map level values to labels, including ``0`` and ``-1``."""
        labels = {len(self.levels) - i: lv.label for i, lv in enumerate(self.levels)}
        return {**labels, 0: "different", -1: "missing"}

    def case_sql(self) -> str:
        """The ``CASE`` expression computing this comparison's level for a pair."""
        whens = " ".join(
            f"WHEN {lv.sql} THEN {len(self.levels) - i}" for i, lv in enumerate(self.levels)
        )
        return f"CASE WHEN {self.null_sql} THEN -1 {whens} ELSE 0 END::TINYINT"


def _jw(col: str, at: float) -> str:
    return f"jaro_winkler_similarity(l.{col}, r.{col}) >= {at}"


def _guarded(guard: str, expr: str) -> str:
    """Evaluate the costly ``expr`` only where the cheap ``guard`` holds (CASE short-circuits)."""
    return f"CASE WHEN {guard} THEN {expr} ELSE false END"


def _edits(col: str, max_hamming: int, distance: int) -> str:
    """Equal-length values at Damerau-Levenshtein ``distance`` (Hamming prefilter)."""
    same_len = f"length(l.{col}) = length(r.{col})"
    close = f"hamming(l.{col}, r.{col}) <= {max_hamming}"
    exact = f"damerau_levenshtein(l.{col}, r.{col}) = {distance}"
    return _guarded(same_len, _guarded(close, exact))


def _null(*cols: str) -> str:
    return " OR ".join(f"l.{c} IS NULL OR r.{c} IS NULL" for c in cols)


SWAPPED_SQL = _guarded(
    "l.first_initial = r.last_initial AND l.last_initial = r.first_initial",
    "jaro_winkler_similarity(l.first_name, r.last_name) >= 0.92"
    " AND jaro_winkler_similarity(l.last_name, r.first_name) >= 0.92",
)
"""First and last name swapped between the records (allowing a typo in each)."""

FIRST_NAME = Comparison(
    "first_name",
    _null("first_name"),
    (
        Level("exact", "l.first_name = r.first_name", tf="first_name"),
        Level("swapped", SWAPPED_SQL),
        Level("nickname", "nk.a IS NOT NULL"),  # the pair is in rs_nicknames
        Level("jaro_winkler>=0.92", _jw("first_name", 0.92)),
        Level("jaro_winkler>=0.80", _jw("first_name", 0.80)),
        Level("phonetic", "l.first_phonetic = r.first_phonetic"),
        Level(
            "initial",
            _guarded(
                "length(l.first_name) = 1 OR length(r.first_name) = 1",
                "l.first_initial = r.first_initial",
            ),
        ),
    ),
    u_share=0.25,  # Jaro-Winkler levels are common: a quarter of the sample
)

MIDDLE_NAME = Comparison(
    "middle_name",
    _null("middle_name"),
    (
        Level("exact", "l.middle_name = r.middle_name"),
        Level("initial", "l.middle_initial = r.middle_initial"),
    ),
)

LAST_NAME = Comparison(
    "last_name",
    _null("last_name"),
    (
        Level("exact", "l.last_name = r.last_name", tf="last_name"),
        Level("swapped", SWAPPED_SQL),
        Level("jaro_winkler>=0.92", _jw("last_name", 0.92)),
        Level("jaro_winkler>=0.80", _jw("last_name", 0.80)),
        Level("phonetic", "l.last_phonetic = r.last_phonetic"),
    ),
    u_share=0.25,  # Jaro-Winkler levels are common: a quarter of the sample
)

SUFFIX = Comparison(
    "suffix",
    _null("suffix"),
    (Level("agree", "l.suffix = r.suffix"),),
)

DOB = Comparison(
    "dob",
    _null("birth_year"),
    (
        Level("exact", "l.dob_digits = r.dob_digits"),
        Level(
            "day_month_swapped",
            "l.birth_year = r.birth_year AND month(l.dob) = day(r.dob)"
            " AND day(l.dob) = month(r.dob) AND l.dob_digits IS NOT NULL"
            " AND r.dob_digits IS NOT NULL",
        ),
        Level("one_digit", _edits("dob_digits", 2, 1)),
        Level(
            "year_month",
            "l.birth_year = r.birth_year AND month(l.dob) = month(r.dob)"
            " AND l.dob_precision IN ('day', 'month') AND r.dob_precision IN ('day', 'month')",
        ),
        Level(
            "partial_agree",
            "l.birth_year = r.birth_year"
            " AND (l.dob_precision <> 'day' OR r.dob_precision <> 'day')",
        ),
        Level("year", "l.birth_year = r.birth_year"),
    ),
)

SSN = Comparison(
    "ssn",
    _null("ssn_last4"),
    (
        Level("exact", "l.ssn = r.ssn"),
        Level(
            "transposition",
            _guarded("length(l.ssn) = length(r.ssn)", "hamming(l.ssn, r.ssn) = 2")
            + " AND "
            + _edits("ssn", 2, 1),
        ),
        Level("one_digit", _guarded("length(l.ssn) = length(r.ssn)", "hamming(l.ssn, r.ssn) = 1")),
        Level("two_edits", _edits("ssn", 4, 2)),
        Level("last4", "l.ssn_last4 = r.ssn_last4 AND (l.ssn IS NULL OR r.ssn IS NULL)"),
    ),
)

ADDRESS = Comparison(
    "address",
    "(l.addr_street_key IS NULL AND l.addr_zip5 IS NULL)"
    " OR (r.addr_street_key IS NULL AND r.addr_zip5 IS NULL)",
    (
        Level("same_key", "l.addr_key = r.addr_key"),
        Level("same_street_other_unit", "l.addr_street_key = r.addr_street_key"),
        Level(
            "same_number_similar_street",
            f"l.addr_number = r.addr_number AND {_jw('addr_street', 0.88)}",
        ),
        Level("same_zip", "l.addr_zip5 = r.addr_zip5", tf="addr_zip5"),
        Level("same_zip3", "l.zip3 = r.zip3"),  # most moves are local
    ),
)

ADDRESS_MOVES = replace(
    ADDRESS,
    levels=(
        *ADDRESS.levels[:3],
        Level(  # one record's previous address (a change of address) is the other's
            "moved_from",
            "l.prev_street_key = r.addr_street_key OR r.prev_street_key = l.addr_street_key",
        ),
        *ADDRESS.levels[3:],
    ),
)
"""ADDRESS with a level for a record's previous street address (the old address of a
change-of-address filing, ``prev_street_key``) being the other's: the resolver's address
comparison. Locate scores queries, which have no previous address, with ADDRESS."""

PHONE = Comparison("phone", _null("phone"), (Level("exact", "l.phone = r.phone"),))
EMAIL = Comparison("email", _null("email_key"), (Level("exact", "l.email_key = r.email_key"),))
EMPLOYER = Comparison(
    "employer",
    _null("employer_key"),
    (
        Level("exact", "l.employer_key = r.employer_key"),
        Level("jaro_winkler>=0.90", _jw("employer_key", 0.90)),
    ),
)

DEFAULT_COMPARISONS: tuple[Comparison, ...] = (
    FIRST_NAME,
    MIDDLE_NAME,
    LAST_NAME,
    SUFFIX,
    DOB,
    SSN,
    ADDRESS_MOVES,
    PHONE,
    EMAIL,
    EMPLOYER,
)


def tf_columns(comparisons: tuple[Comparison, ...]) -> list[str]:
    """Distinct columns that carry a term-frequency adjustment."""
    return sorted({lv.tf for c in comparisons for lv in c.levels if lv.tf})


def vectors_select_sql(comparisons: tuple[Comparison, ...], pairs: str, extra: str = "") -> str:
    """SQL selecting ``id_l, id_r`` and one level column per comparison for ``pairs``.

    TF columns are returned as ``tf_<column>``: the left value when both sides agree.
    ``extra`` is appended to the select list (our own SQL, e.g. agreement flags). The
    nickname table is joined as ``nk`` (see :mod:`records`) when the levels or ``extra``
    refer to it (it holds each name pair once, so the join never repeats a pair).
    """
    levels = ", ".join(f"{c.case_sql()} AS {c.name}" for c in comparisons)
    tfs = "".join(
        f", CASE WHEN l.{col} = r.{col} THEN l.{col} END AS tf_{col}"
        for col in tf_columns(comparisons)
    )
    nicknames = (
        f"LEFT JOIN {NICKNAMES_TABLE} nk ON nk.a = l.first_name AND nk.b = r.first_name"
        if "nk." in levels + extra
        else ""
    )
    return (
        f"SELECT p.id_l, p.id_r, {levels}{tfs}{extra} FROM {pairs} p "
        f"JOIN {RECORDS_TABLE} l ON l.record_id = p.id_l "
        f"JOIN {RECORDS_TABLE} r ON r.record_id = p.id_r {nicknames}"
    )


def compute_vectors(
    con: duckdb.DuckDBPyConnection,
    comparisons: tuple[Comparison, ...],
    pairs: str = PAIRS_TABLE,
    table: str = VECTORS_TABLE,
) -> None:
    """Materialise the comparison vectors of every pair in ``pairs`` as ``table``."""
    con.execute(f"CREATE OR REPLACE TEMP TABLE {table} AS {vectors_select_sql(comparisons, pairs)}")
