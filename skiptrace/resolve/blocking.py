"""Candidate pairs by blocking: several equi-join rules over ``rs_records``, each pair once.

A rule is a tuple of key expressions over the records table; two records form a candidate
pair when every key is non-NULL and equal. Keys shared by more than ``max_block_size``
records ("hot keys", e.g. a shared office phone) are skipped and reported as warnings,
because they would produce a quadratic number of mostly useless pairs. Only id pairs are
materialised, in ``rs_pairs(id_l, id_r, rule)`` with ``id_l < id_r`` and ``rule`` the first
rule that produced the pair.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb

from skiptrace.resolve.records import RECORDS_TABLE

PAIRS_TABLE = "rs_pairs"
HOT_TABLE = "rs_hot_keys"
RULE_PAIRS_TABLE = "rs_rule_pairs"
PART_RECORDS = 2_000_000
"""Above this many records the rules' pairs are deduplicated in parts (:func:`_dedupe_in_parts`);
up to it in one GROUP BY over their union, which is faster."""
PART_ROWS = 50_000_000
"""Rule pairs deduplicated per GROUP BY in parts: bounds its memory."""
NAME_CAP = 100
"""Hot-key cap of the name-only rules: a full name shared by more records (JOHN SMITH in a
large file) is weak evidence on its own, and pairing within it is quadratic; its records'
true pairs also share a DOB, an address, a phone or a ZIP, which other rules block on."""


@dataclass(frozen=True, slots=True)
class BlockingRule:
    """An equi-join rule: records agreeing on every key (left key vs right key) are paired."""

    name: str
    keys: tuple[str, ...]
    right_keys: tuple[str, ...] | None = None  # for cross-column rules (swapped names)
    cap: int | None = None  # a lower hot-key cap than the run's ``max_block_size``

    def limit(self, max_block_size: int) -> int:
        """The largest block this rule pairs within a run capped at ``max_block_size``."""
        return min(max_block_size, self.cap) if self.cap else max_block_size


DEFAULT_RULES: tuple[BlockingRule, ...] = (
    BlockingRule("ssn", ("ssn",)),
    BlockingRule("ssn_last4+dob", ("ssn_last4", "dob_digits")),
    BlockingRule("phone", ("phone",)),
    BlockingRule("email", ("email_key",)),
    BlockingRule("dob+first_phonetic", ("dob_digits", "first_phonetic")),
    BlockingRule("dob+first_initial", ("dob_digits", "first_initial")),
    BlockingRule("dob+last_initial", ("dob_digits", "last_initial")),
    BlockingRule("dob+zip3", ("dob_digits", "zip3")),
    BlockingRule("last_phonetic+first_initial+zip3", ("last_phonetic", "first_initial", "zip3")),
    BlockingRule("addr_key+first_initial", ("addr_key", "first_initial")),
    BlockingRule("zip5+addr_number", ("addr_zip5", "addr_number")),
    BlockingRule("addr_number+street", ("addr_number", "addr_street")),
    BlockingRule("first+last", ("first_name", "last_name"), cap=NAME_CAP),
    BlockingRule("first+zip5", ("first_name", "addr_zip5")),
    BlockingRule("last+zip5", ("last_name", "addr_zip5")),
    BlockingRule(
        "swapped_names", ("first_name", "last_name"), ("last_name", "first_name"), cap=NAME_CAP
    ),
    # a change of address and the records at its old address; both directions, so that an
    # incremental run pairs a new record on either side
    BlockingRule(
        "moved_from", ("prev_street_key", "first_initial"), ("addr_street_key", "first_initial")
    ),
    BlockingRule(
        "moved_to", ("addr_street_key", "first_initial"), ("prev_street_key", "first_initial")
    ),
)


@dataclass(slots=True)
class BlockingReport:
    """Pair counts per rule (pairs first produced by that rule) and hot-key warnings."""

    pairs: int = 0
    pairs_by_rule: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def _keyed_sql(keys: tuple[str, ...], new_only: str | None, records: str = RECORDS_TABLE) -> str:
    """Select ``record_id, source, is_new, k0..kn`` for records whose keys are all set."""
    cols = ", ".join(f"{k} AS k{i}" for i, k in enumerate(keys))
    not_null = " AND ".join(f"{k} IS NOT NULL AND CAST({k} AS VARCHAR) <> ''" for k in keys)
    is_new = f"record_id IN (SELECT record_id FROM {new_only})" if new_only else "TRUE"
    return f"SELECT record_id, source, {is_new} AS is_new, {cols} FROM {records} WHERE {not_null}"


def hot_keys_sql(
    rule: BlockingRule, cap: int, new_only: str | None = None, records: str = RECORDS_TABLE
) -> str:
    """SQL yielding the rule's keys ``k0..kn`` held by more than ``cap`` records, and
    ``n``; with ``new_only``, only keys that some of its records hold."""
    n = len(rule.keys)
    kcols = ", ".join(f"k{i}" for i in range(n))
    source = f"SELECT {kcols} FROM ({_keyed_sql(rule.keys, None, records)})"
    if rule.right_keys is not None:
        source += f" UNION ALL SELECT {kcols} FROM ({_keyed_sql(rule.right_keys, None, records)})"
    if new_only:
        touched = " UNION ".join(
            f"SELECT {kcols} FROM ({_keyed_sql(keys, new_only)}) WHERE is_new"
            for keys in {rule.keys, rule.right_keys or rule.keys}
        )
        source = f"SELECT * FROM ({source}) SEMI JOIN ({touched}) USING ({kcols})"
    return (
        f"SELECT {kcols}, count(*) AS n FROM ({source}) GROUP BY ALL"
        f" HAVING count(*) > {int(rule.limit(cap))}"
    )


def rule_pairs_sql(
    rule: BlockingRule,
    link_only: bool,
    new_only: str | None,
    cap: int,
    hot: str | None = None,
    records: str = RECORDS_TABLE,
) -> str:
    """SQL yielding ``id_l < id_r`` pairs of one rule, hot keys (> ``cap`` records) skipped.

    ``hot`` names a table of the rule's hot keys (see :func:`hot_keys_sql`), else they are
    computed here over ``records``. With ``new_only`` only pairs touching one of its
    records are produced: its records are joined to all the others (every rule is
    symmetric), not all to all.
    """
    right = rule.right_keys or rule.keys
    n = len(rule.keys)
    kcols = ", ".join(f"k{i}" for i in range(n))
    on = " AND ".join(f"l.k{i} = r.k{i}" for i in range(n))
    if rule.right_keys is None and not new_only:
        cond = ["l.record_id < r.record_id"]
    else:
        cond = ["l.record_id <> r.record_id"]
    if link_only:
        cond.append("l.source <> r.source")
    left = "(SELECT * FROM lk WHERE is_new)" if new_only else "lk"
    return f"""
        WITH lk AS ({_keyed_sql(rule.keys, new_only, records)}),
             rk AS ({_keyed_sql(right, None, records)}),
             hot AS ({f"SELECT * FROM {hot}" if hot else hot_keys_sql(rule, cap, None, records)})
        SELECT least(l.record_id, r.record_id) AS id_l,
               greatest(l.record_id, r.record_id) AS id_r
        FROM (SELECT * FROM {left} ANTI JOIN hot USING ({kcols})) l
        JOIN (SELECT * FROM rk ANTI JOIN hot USING ({kcols})) r ON {on}
        WHERE {" AND ".join(cond)}
    """


def block_pairs(
    con: duckdb.DuckDBPyConnection,
    rules: tuple[BlockingRule, ...] = DEFAULT_RULES,
    *,
    link_only: bool = False,
    max_block_size: int = 1000,
    new_only: str | None = None,
    table: str = PAIRS_TABLE,
) -> BlockingReport:
    """Create ``table`` with the union of the rules' pairs; return counts and warnings.

    ``link_only`` pairs only records of different sources. ``new_only`` names a table of
    ``record_id``s: then only pairs touching at least one of them are produced (incremental),
    and only the hot keys some of them hold are reported.
    """
    report = BlockingReport()
    for i, rule in enumerate(rules):
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {HOT_TABLE}_{i} AS "
            f"{hot_keys_sql(rule, max_block_size, new_only)}"
        )
        hot = con.execute(f"SELECT count(*), coalesce(max(n), 0) FROM {HOT_TABLE}_{i}").fetchall()[
            0
        ]
        if hot[0]:
            report.warnings.append(
                f"rule {rule.name}: {hot[0]} hot keys with more than "
                f"{rule.limit(max_block_size)} "
                f"records skipped (largest {hot[1]})"
            )
    sqls = [
        rule_pairs_sql(r, link_only, new_only, max_block_size, f"{HOT_TABLE}_{i}")
        for i, r in enumerate(rules)
    ]
    (records,) = con.execute(f"SELECT count(*) FROM {RECORDS_TABLE}").fetchall()[0]
    if records <= PART_RECORDS:
        union = " UNION ALL ".join(
            f"SELECT id_l, id_r, {i} AS rule FROM ({sql})" for i, sql in enumerate(sqls)
        )
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {table} AS SELECT id_l, id_r, min(rule)::SMALLINT"
            f" AS rule FROM ({union}) GROUP BY id_l, id_r"
        )
    else:
        _dedupe_in_parts(con, sqls, table)
    counts = dict(con.execute(f"SELECT rule, count(*) FROM {table} GROUP BY rule").fetchall())
    report.pairs_by_rule = {r.name: counts.get(i, 0) for i, r in enumerate(rules)}
    report.pairs = sum(report.pairs_by_rule.values())
    return report


def _dedupe_in_parts(con: duckdb.DuckDBPyConnection, sqls: list[str], table: str) -> None:
    """Create ``table`` from the rules' pair queries ``sqls``: each rule's pairs stored,
    then deduplicated in parts of about ``PART_ROWS`` rows (a pair is in one part), so that
    no GROUP BY holds them all: one over 600M rule pairs (10M records) ran out of memory."""
    schema = "(id_l BIGINT, id_r BIGINT, rule SMALLINT)"
    con.execute(f"CREATE OR REPLACE TEMP TABLE {RULE_PAIRS_TABLE} {schema}")
    for i, sql in enumerate(sqls):
        con.execute(f"INSERT INTO {RULE_PAIRS_TABLE} SELECT id_l, id_r, {i} FROM ({sql})")
    (rows,) = con.execute(f"SELECT count(*) FROM {RULE_PAIRS_TABLE}").fetchall()[0]
    parts = max(1, -(-rows // PART_ROWS))
    con.execute(f"CREATE OR REPLACE TEMP TABLE {table} {schema}")
    for k in range(parts):
        con.execute(
            f"INSERT INTO {table} SELECT id_l, id_r, min(rule) FROM {RULE_PAIRS_TABLE}"
            " WHERE hash(id_l) % ? = ? GROUP BY id_l, id_r",
            [parts, k],
        )
    con.execute(f"DROP TABLE {RULE_PAIRS_TABLE}")
