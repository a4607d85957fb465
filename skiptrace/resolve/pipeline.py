"""The in-memory resolution pipeline: records -> pairs -> vectors -> model -> scores -> persons.

Used by the store-backed :mod:`skiptrace.resolve.resolve` and directly by benchmarks.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb
import numpy as np
import pyarrow as pa

from skiptrace.resolve.blocking import (
    DEFAULT_RULES,
    PAIRS_TABLE,
    BlockingReport,
    BlockingRule,
    block_pairs,
)
from skiptrace.resolve.clustering import (
    ClusterResult,
    Identity,
    cluster_pairs,
    conflicts,
    identity_of,
)
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

COMP_TABLE = "rs_components"
HARD_TABLE = "rs_constrained"


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


IDENTITY_FIELDS: dict[str, str] = {
    "ssn": "ssn",
    "dob": "dob_digits",
    "year": "birth_year",
    "suffix": "suffix",
    "row": "row_key",
    "last4": "ssn_last4",
    "first": "first_name",
    "first_keys": "first_keys",
    "first_phonetic": "first_phonetic",
    "last": "last_name",
}
"""The :class:`Identity` fields and the ``rs_records`` columns they are read from."""


def identities(con: duckdb.DuckDBPyConnection, only: str | None = None) -> dict[int, Identity]:
    """``record_id ->`` :class:`Identity` for the clustering safeguards.

    ``only`` names a table of ``record_id``s to restrict to (our own constant).
    """
    cols = ", ".join(IDENTITY_FIELDS.values())
    any_set = " OR ".join(f"{c} IS NOT NULL" for c in IDENTITY_FIELDS.values())
    where = f"record_id IN (SELECT record_id FROM {only}) AND " if only else ""
    rows = con.execute(
        f"SELECT record_id, {cols} FROM {RECORDS_TABLE} WHERE {where}({any_set})"
    ).fetchall()
    return {rid: Identity(*rest) for rid, *rest in rows}


def components(ids: np.ndarray, id_l: np.ndarray, id_r: np.ndarray) -> np.ndarray:
    """Connected components of the links over the sorted ``ids``.

    Returns, for each id, the index of the smallest id of its component (vectorised
    hooking of roots onto smaller roots, then pointer jumping, until no link crosses).
    """
    label = np.arange(len(ids))
    u, v = np.searchsorted(ids, id_l), np.searchsorted(ids, id_r)
    while len(u):
        lu, lv = label[u], label[v]
        cross = lu != lv
        u, v, lu, lv = u[cross], v[cross], lu[cross], lv[cross]
        if not len(u):
            break
        np.minimum.at(label, np.maximum(lu, lv), np.minimum(lu, lv))
        while True:
            jumped = label[label]
            if np.array_equal(jumped, label):
                break
            label = jumped
    return label


def _constrained(
    con: duckdb.DuckDBPyConnection, comp_table: str, safeguards: bool, one_per_source: bool
) -> np.ndarray:
    """Components (of ``comp_table(record_id, comp)``) that need the constrained clustering.

    With ``safeguards``: a generational suffix, two parties of one source row, or two
    records whose identities conflict (checked on the distinct identities of the component,
    without the row); with ``one_per_source``: two records of one source.
    """
    fields = ", ".join(
        f"'{name}': {'NULL' if name == 'row' else 'r.' + col}"
        for name, col in IDENTITY_FIELDS.items()
    )
    rows = con.execute(
        "SELECT comp, flagged, idents FROM (SELECT c.comp,"
        " (? AND (count(nullif(r.suffix, '')) > 0"
        " OR count(nullif(r.row_key, '')) > count(DISTINCT nullif(r.row_key, ''))))"
        " OR (? AND count(r.source) > count(DISTINCT r.source)) AS flagged,"
        f" list(DISTINCT {{{fields}}}) AS idents"
        f" FROM {comp_table} c JOIN {RECORDS_TABLE} r USING (record_id) GROUP BY c.comp)"
        " WHERE flagged OR (? AND len(idents) > 1)",
        [safeguards, one_per_source, safeguards],
    ).fetchall()
    out = []
    for comp, flagged, idents in rows:
        if not flagged:
            found = [identity_of(Identity(**i)) for i in idents]
            flagged = any(conflicts(a, b) for k, a in enumerate(found) for b in found[k + 1 :])
        if flagged:
            out.append(comp)
    return np.asarray(out, dtype=np.int64)


def cluster_links(
    con: duckdb.DuckDBPyConnection,
    ids: np.ndarray,
    links: dict[str, np.ndarray],
    settings: Settings,
) -> tuple[np.ndarray, ClusterResult]:
    """Cluster the sorted record ``ids`` over ``links`` (see :func:`flagged_links`).

    Returns the cluster (its smallest record id) of each id, and the statistics of the
    constrained clustering. A link-graph component whose identifiers cannot conflict
    (see :func:`_constrained`) is one person as it is: :func:`cluster_pairs` would merge
    every link of it. Only the other components go through :func:`cluster_pairs`.
    """
    id_l, id_r = links["id_l"], links["id_r"]
    label = components(ids, id_l, id_r)
    roots = ids[label]
    safeguards = settings.safeguards or settings.one_per_source
    linked = np.bincount(label, minlength=len(ids))[label] > 1
    if not safeguards or not linked.any():
        return roots, ClusterResult(cluster_of={})
    con.register("rs_comp_arrow", pa.table({"record_id": ids[linked], "comp": label[linked]}))
    try:
        con.execute(f"CREATE OR REPLACE TEMP TABLE {COMP_TABLE} AS SELECT * FROM rs_comp_arrow")
    finally:
        con.unregister("rs_comp_arrow")
    hard = np.isin(
        label, _constrained(con, COMP_TABLE, settings.safeguards, settings.one_per_source)
    )
    if not hard.any():
        return roots, ClusterResult(cluster_of={})
    sub = ids[hard]
    con.register("rs_hard_arrow", pa.table({"record_id": sub}))
    try:
        con.execute(f"CREATE OR REPLACE TEMP TABLE {HARD_TABLE} AS SELECT * FROM rs_hard_arrow")
    finally:
        con.unregister("rs_hard_arrow")
    inside = hard[np.searchsorted(ids, id_l)]
    sources = None
    if settings.one_per_source:
        sources = dict(
            con.execute(
                f"SELECT record_id, source FROM {RECORDS_TABLE} "
                f"WHERE record_id IN (SELECT record_id FROM {HARD_TABLE})"
            ).fetchall()
        )
    result = cluster_pairs(
        sub,
        identities(con, HARD_TABLE) if settings.safeguards else {},
        id_l[inside],
        id_r[inside],
        links["match_weight"][inside],
        sources,
        settings.ambiguity_bits if settings.safeguards else None,
        settings.namesake_bits,
        links["coresident"][inside],
        links["personal"][inside],
    )
    roots[hard] = np.fromiter((result.cluster_of[r] for r in sub.tolist()), np.int64, len(sub))
    return roots, result


def flagged_links(
    con: duckdb.DuckDBPyConnection,
    table: str,
    min_probability: float | None = None,
    only: str | None = None,
) -> dict[str, np.ndarray]:
    """``id_l, id_r, match_weight`` of the links in ``table`` (over ``rs_records``), with
    the clustering flags ``coresident`` (same surname, same or nickname-equivalent first
    name, same street address) and ``personal`` (same phone or e-mail). ``only`` names a
    table of ``record_id``s the links' left records are restricted to."""
    where = "WHERE p.match_probability >= ?" if min_probability is not None else "WHERE true"
    if only:
        where += f" AND p.id_l IN (SELECT record_id FROM {only})"
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
    ids = np.sort(con.execute(f"SELECT record_id FROM {RECORDS_TABLE}").fetchnumpy()["record_id"])
    links = flagged_links(con, SCORES_TABLE, settings.threshold)
    roots, result = cluster_links(con, ids, links, settings)
    result.cluster_of = dict(zip(ids.tolist(), roots.tolist(), strict=True))
    return result


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
