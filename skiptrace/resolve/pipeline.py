"""The in-memory resolution pipeline: records -> pairs -> vectors -> model -> scores -> persons.

Used by the store-backed :mod:`skiptrace.resolve.resolve` and directly by benchmarks.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb
import numpy as np

from skiptrace.resolve.blocking import (
    DEFAULT_RULES,
    PAIRS_TABLE,
    BlockingReport,
    BlockingRule,
    block_pairs,
)
from skiptrace.resolve.clustering import ClusterResult, Identity, cluster_pairs
from skiptrace.resolve.comparisons import (
    DEFAULT_COMPARISONS,
    VECTORS_TABLE,
    Comparison,
    compute_vectors,
    tf_columns,
)
from skiptrace.resolve.model import ModelParams
from skiptrace.resolve.records import NICKNAMES_TABLE, RECORDS_TABLE, load_records
from skiptrace.resolve.scoring import SCORES_TABLE, score_pairs
from skiptrace.resolve.term_frequencies import build_tf_tables
from skiptrace.resolve.training import train


@dataclass(frozen=True, slots=True)
class Settings:
    """Pipeline settings; the defaults are the documented, principled ones."""

    rules: tuple[BlockingRule, ...] = DEFAULT_RULES
    comparisons: tuple[Comparison, ...] = DEFAULT_COMPARISONS
    link_only: bool = False
    threshold: float = 0.5  # match probability for a link
    max_block_size: int = 1000
    u_pairs: int = 500_000  # random pairs for u
    seed: int = 42
    safeguards: bool = True  # refuse merges of conflicting SSN / DOB / suffix
    # Detach a record without SSN/DOB that links as well (within this many bits) to a
    # cluster its own refused, or at all to a namesake: a cluster refused despite a link of
    # at least ``namesake_bits`` (the Jr/Sr at one address). Chosen on a seed-11 world.
    ambiguity_bits: float | None = 0.0
    namesake_bits: float = 10.0
    one_per_source: bool = False  # sources are deduplicated: one record per person each


DEFAULT_SETTINGS = Settings()


@dataclass(slots=True)
class PipelineResult:
    """What a run produced: blocking report, parameters, links and clusters."""

    blocking: BlockingReport
    params: ModelParams
    links: int
    clusters: ClusterResult
    timings: dict[str, float] = field(default_factory=dict)


def identities(con: duckdb.DuckDBPyConnection) -> dict[int, Identity]:
    """``record_id ->`` :class:`Identity` for the clustering safeguards."""
    rows = con.execute(
        f"SELECT record_id, ssn, dob_digits, birth_year, suffix, row_key, ssn_last4 "
        f"FROM {RECORDS_TABLE} WHERE ssn IS NOT NULL OR birth_year IS NOT NULL "
        f"OR suffix IS NOT NULL OR row_key IS NOT NULL OR ssn_last4 IS NOT NULL"
    ).fetchall()
    return {rid: Identity(*rest) for rid, *rest in rows}


def flagged_links(
    con: duckdb.DuckDBPyConnection, table: str, min_probability: float | None = None
) -> dict[str, np.ndarray]:
    """``id_l, id_r, match_weight`` of the links in ``table`` (over ``rs_records``), with
    the clustering flags ``coresident`` (same surname, same or nickname-equivalent first
    name, same street address) and ``personal`` (same phone or e-mail)."""
    where = "WHERE p.match_probability >= ?" if min_probability is not None else ""
    return con.execute(
        "SELECT p.id_l, p.id_r, p.match_weight, coalesce(l.addr_street_key = r.addr_street_key"
        " AND l.last_name = r.last_name AND (l.first_name = r.first_name OR nk.a IS NOT NULL),"
        " false) AS coresident, coalesce(l.phone = r.phone, false)"
        " OR coalesce(l.email_key = r.email_key, false) AS personal"
        f" FROM {table} p JOIN {RECORDS_TABLE} l ON l.record_id = p.id_l"
        f" JOIN {RECORDS_TABLE} r ON r.record_id = p.id_r"
        f" LEFT JOIN {NICKNAMES_TABLE} nk ON nk.a = l.first_name AND nk.b = r.first_name"
        f" {where} ORDER BY p.id_l, p.id_r",
        [min_probability] if min_probability is not None else [],
    ).fetchnumpy()


def cluster_scores(con: duckdb.DuckDBPyConnection, settings: Settings) -> ClusterResult:
    """Cluster every record over the scored pairs with probability >= the threshold."""
    sources = None
    if settings.one_per_source:
        sources = dict(con.execute(f"SELECT record_id, source FROM {RECORDS_TABLE}").fetchall())
    ids = con.execute(f"SELECT record_id FROM {RECORDS_TABLE}").fetchnumpy()["record_id"]
    links = flagged_links(con, SCORES_TABLE, settings.threshold)
    return cluster_pairs(
        np.asarray(ids),
        identities(con) if settings.safeguards else {},
        links["id_l"],
        links["id_r"],
        links["match_weight"],
        sources,
        settings.ambiguity_bits if settings.safeguards else None,
        settings.namesake_bits,
        links["coresident"],
        links["personal"],
    )


def run_pipeline(
    con: duckdb.DuckDBPyConnection,
    relation: duckdb.DuckDBPyRelation,
    settings: Settings = DEFAULT_SETTINGS,
    params: ModelParams | None = None,
) -> PipelineResult:
    """Resolve ``relation`` (see :mod:`records`) end to end on ``con``.

    With ``params`` given, training is skipped (parameters overridden).
    """
    import time

    t: dict[str, float] = {}
    start = time.perf_counter()
    load_records(con, relation)
    build_tf_tables(con, tf_columns(settings.comparisons))
    t["load"] = time.perf_counter() - start
    report = block_pairs(
        con, settings.rules, link_only=settings.link_only, max_block_size=settings.max_block_size
    )
    compute_vectors(con, settings.comparisons, PAIRS_TABLE, VECTORS_TABLE)
    t["block+compare"] = time.perf_counter() - start - t["load"]
    if params is None:
        params = train(
            con,
            settings.comparisons,
            seed=settings.seed,
            u_pairs=settings.u_pairs,
            link_only=settings.link_only,
        )
    t["train"] = time.perf_counter() - start - sum(t.values())
    links = score_pairs(con, settings.comparisons, params, VECTORS_TABLE, min_probability=0.01)
    clusters = cluster_scores(con, settings)
    t["score+cluster"] = time.perf_counter() - start - sum(t.values())
    return PipelineResult(report, params, links, clusters, t)
