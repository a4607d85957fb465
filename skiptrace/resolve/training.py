"""Unsupervised training: u from random pairs, then EM sessions for m and the prior.

Each EM session looks at the pairs of one training blocking rule (e.g. same DOB) and
leaves out the comparisons that rule forces to agree, as Splink does, so that blocking does
not bias them; every comparison must be estimated by at least one session and its m is the
mean over the sessions that estimated it.

The prior (probability that two random records match) follows from the sessions too: a
session's match share times its pair count is its number of matches, and dividing by the
share of all matches that agree on the rule's keys (measured from the posteriors of the
other sessions) gives the total number of matches among all record pairs.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import numpy as np

from skiptrace.errors import ConfigError
from skiptrace.resolve.blocking import NAME_CAP, BlockingRule, rule_pairs_sql
from skiptrace.resolve.comparisons import Comparison, vectors_select_sql
from skiptrace.resolve.em import estimate_m_em
from skiptrace.resolve.model import ModelParams
from skiptrace.resolve.records import RECORDS_TABLE
from skiptrace.resolve.u_estimation import estimate_u

TRAIN_PAIRS_TABLE = "rs_train_pairs"
TRAIN_RECORDS_TABLE = "rs_train_records"


@dataclass(frozen=True, slots=True)
class TrainingRule:
    """Pairs agreeing on ``keys``; the comparisons in ``excludes`` are not estimated."""

    name: str
    keys: tuple[str, ...]
    excludes: tuple[str, ...]
    cap: int | None = None  # a lower hot-key cap (see ``BlockingRule.cap``)


DEFAULT_TRAINING_RULES: tuple[TrainingRule, ...] = (
    TrainingRule("dob", ("dob_digits",), ("dob",)),
    TrainingRule("ssn", ("ssn",), ("ssn",)),
    TrainingRule("names", ("first_name", "last_name"), ("first_name", "last_name"), NAME_CAP),
)


def _agree_sql(rule: TrainingRule) -> str:
    return " AND ".join(f"coalesce(l.{k} = r.{k}, false)" for k in rule.keys)


def total_pairs(con: duckdb.DuckDBPyConnection, link_only: bool) -> float:
    """Number of record pairs the model ranges over (cross-source only when linking)."""
    sizes = np.asarray(
        con.execute(f"SELECT count(*) FROM {RECORDS_TABLE} GROUP BY source").fetchnumpy()[
            "count_star()"
        ],
        dtype=float,
    )
    n = sizes.sum()
    all_pairs = n * (n - 1) / 2
    return all_pairs - float((sizes * (sizes - 1) / 2).sum()) if link_only else all_pairs


def train(
    con: duckdb.DuckDBPyConnection,
    comparisons: tuple[Comparison, ...],
    *,
    rules: tuple[TrainingRule, ...] = DEFAULT_TRAINING_RULES,
    seed: int = 42,
    u_pairs: int = 500_000,
    link_only: bool = False,
    max_block_size: int = 1000,
    max_records: int = 2_000_000,
) -> ModelParams:
    """Estimate u, m and the prior without labels; deterministic for a ``seed``.

    u comes from all records. Over ``max_records`` records the EM sessions run on a
    deterministic sample of that many records (by a hash of the record id): the pairs
    among them are a share ``q**2`` of all, matches and non-matches alike, so m keeps its
    estimate and the session's match counts are scaled back by ``1 / q**2``.
    """
    if len(rules) < 2:
        raise ConfigError("training needs at least two training rules")
    u, n_random = estimate_u(con, comparisons, n_pairs=u_pairs, seed=seed, link_only=link_only)
    (n,) = con.execute(f"SELECT count(*) FROM {RECORDS_TABLE}").fetchall()[0]
    share = min(1.0, max_records / n) if n else 1.0
    records = RECORDS_TABLE
    if share < 1.0:
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {TRAIN_RECORDS_TABLE} AS SELECT * FROM {RECORDS_TABLE} "
            "WHERE hash(record_id, ?::BIGINT) % 1000000 < ?",
            [seed, int(share * 1_000_000)],
        )
        records = TRAIN_RECORDS_TABLE
        max_block_size = max(2, int(max_block_size * share))
    m_sum = {c.name: np.zeros(len(c.levels) + 1) for c in comparisons}
    m_n = dict.fromkeys(m_sum, 0)
    agree = np.full((len(rules), len(rules)), np.nan)  # agree[s, r]: P(agree on r | match) in s
    matches_in = np.zeros(len(rules))
    iterations = 0
    for s, rule in enumerate(rules):
        cap = max(2, int(rule.cap * share)) if rule.cap else None
        block = BlockingRule(rule.name, rule.keys, cap=cap)
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {TRAIN_PAIRS_TABLE} AS "
            f"{rule_pairs_sql(block, link_only, None, max_block_size, records=records)}"
        )
        comps = tuple(c for c in comparisons if c.name not in rule.excludes)
        flags = "".join(f", {_agree_sql(r)} AS agree_{i}" for i, r in enumerate(rules))
        cols = ", ".join(c.name for c in comps)
        flag_cols = ", ".join(f"agree_{i}" for i in range(len(rules)))
        select = vectors_select_sql(comps, TRAIN_PAIRS_TABLE, extra=flags)
        rows = con.execute(
            f"SELECT {cols}, {flag_cols}, count(*) AS n FROM ({select}) GROUP BY ALL ORDER BY ALL"
        ).fetchnumpy()
        if len(rows["n"]) == 0:
            continue
        params, post = estimate_m_em(rows, rows["n"], comps, u)
        iterations += params.em_iterations
        for c in comps:
            m_sum[c.name] += np.asarray(params.m[c.name])
            m_n[c.name] += 1
        w = post * rows["n"]
        matches_in[s] = w.sum() / share**2
        for r in range(len(rules)):
            agree[s, r] = float((w * rows[f"agree_{r}"]).sum() / w.sum())
    missing = [name for name, k in m_n.items() if k == 0]
    if missing:
        raise ConfigError(f"no training session estimated m for: {', '.join(missing)}")
    estimates = []
    for s in range(len(rules)):
        others = [agree[o, s] for o in range(len(rules)) if o != s and not np.isnan(agree[o, s])]
        recall = float(np.mean(others)) if others else 0.0
        if matches_in[s] > 0 and recall > 0:
            estimates.append(matches_in[s] / recall)
    if not estimates:
        raise ConfigError("training found no matches to estimate the prior")
    prior = float(np.median(estimates)) / total_pairs(con, link_only)
    return ModelParams(
        prior=min(max(prior, 1e-12), 0.5),
        m={name: list(m_sum[name] / m_n[name]) for name in m_sum},
        u=u,
        em_iterations=iterations,
        u_pairs=n_random,
    )
