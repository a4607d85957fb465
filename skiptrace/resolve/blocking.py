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


@dataclass(frozen=True, slots=True)
class BlockingRule:
    """An equi-join rule: records agreeing on every key (left key vs right key) are paired."""

    name: str
    keys: tuple[str, ...]
    right_keys: tuple[str, ...] | None = None  # for cross-column rules (swapped names)


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
    BlockingRule("first+last", ("first_name", "last_name")),
    BlockingRule("first+zip5", ("first_name", "addr_zip5")),
    BlockingRule("last+zip5", ("last_name", "addr_zip5")),
    BlockingRule("swapped_names", ("first_name", "last_name"), ("last_name", "first_name")),
)


@dataclass(slots=True)
class BlockingReport:
    """Pair counts per rule (pairs first produced by that rule) and hot-key warnings."""

    pairs: int = 0
    pairs_by_rule: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def _keyed_sql(keys: tuple[str, ...], new_only: str | None) -> str:
    """Select ``record_id, source, is_new, k0..kn`` for records whose keys are all set."""
    cols = ", ".join(f"{k} AS k{i}" for i, k in enumerate(keys))
    not_null = " AND ".join(f"{k} IS NOT NULL AND CAST({k} AS VARCHAR) <> ''" for k in keys)
    is_new = f"record_id IN (SELECT record_id FROM {new_only})" if new_only else "TRUE"
    return (
        f"SELECT record_id, source, {is_new} AS is_new, {cols} FROM {RECORDS_TABLE} "
        f"WHERE {not_null}"
    )


def rule_pairs_sql(rule: BlockingRule, link_only: bool, new_only: str | None, cap: int) -> str:
    """SQL yielding ``id_l < id_r`` pairs of one rule, hot keys (> ``cap`` records) skipped."""
    right = rule.right_keys or rule.keys
    n = len(rule.keys)
    kcols = ", ".join(f"k{i}" for i in range(n))
    on = " AND ".join(f"l.k{i} = r.k{i}" for i in range(n))
    if rule.right_keys is None:
        cond = ["l.record_id < r.record_id"]
        hot_source = f"SELECT {kcols} FROM lk"
    else:
        cond = ["l.record_id <> r.record_id"]
        hot_source = f"SELECT {kcols} FROM lk UNION ALL SELECT {kcols} FROM rk"
    if link_only:
        cond.append("l.source <> r.source")
    if new_only:
        cond.append("(l.is_new OR r.is_new)")
    return f"""
        WITH lk AS ({_keyed_sql(rule.keys, new_only)}),
             rk AS ({_keyed_sql(right, new_only)}),
             hot AS (SELECT {kcols} FROM ({hot_source}) GROUP BY ALL HAVING count(*) > {int(cap)})
        SELECT least(l.record_id, r.record_id) AS id_l,
               greatest(l.record_id, r.record_id) AS id_r
        FROM (SELECT * FROM lk ANTI JOIN hot USING ({kcols})) l
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
    ``record_id``s: then only pairs touching at least one of them are produced (incremental).
    """
    report = BlockingReport()
    for rule in rules:
        kcols = ", ".join(f"k{i}" for i in range(len(rule.keys)))
        hot = con.execute(
            f"SELECT count(*), coalesce(max(n), 0) FROM (SELECT count(*) AS n FROM "
            f"({_keyed_sql(rule.keys, None)}) GROUP BY {kcols} HAVING count(*) > ?)",
            [max_block_size],
        ).fetchall()[0]
        if hot[0]:
            report.warnings.append(
                f"rule {rule.name}: {hot[0]} hot keys with more than {max_block_size} "
                f"records skipped (largest {hot[1]})"
            )
    parts = " UNION ALL ".join(
        f"SELECT id_l, id_r, {i} AS rule FROM "
        f"({rule_pairs_sql(r, link_only, new_only, max_block_size)})"
        for i, r in enumerate(rules)
    )
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {table} AS SELECT id_l, id_r, min(rule)::SMALLINT AS rule "
        f"FROM ({parts}) GROUP BY id_l, id_r"
    )
    counts = dict(con.execute(f"SELECT rule, count(*) FROM {table} GROUP BY rule").fetchall())
    report.pairs_by_rule = {r.name: counts.get(i, 0) for i, r in enumerate(rules)}
    report.pairs = sum(report.pairs_by_rule.values())
    return report
