"""The in-memory resolution pipeline: records -> pairs -> vectors -> model -> scores -> persons.

Used by the store-backed :mod:`skiptrace.resolve.resolve` and directly by benchmarks.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
import warnings
from dataclasses import dataclass, field
from typing import Any

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
POSITIONS_TABLE = "rs_positions"
WORKERS = min(2, os.cpu_count() or 1)  # processes of the constrained clustering
CAN_FORK = "fork" in multiprocessing.get_all_start_methods()  # not on Windows
PARALLEL_MIN_LINKS = 100_000  # below this the clustering runs in this process
FETCH_ROWS = 100_000  # rows per fetch of a result read into Python objects
_WORK: dict[str, Any] = {}  # a parallel clustering's inputs, inherited by its forks


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
    """Connected components of the links over the sorted ``ids`` (see :func:`label_components`)."""
    return label_components(len(ids), np.searchsorted(ids, id_l), np.searchsorted(ids, id_r))


def label_components(n: int, u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Connected components of the edges ``u - v`` over the nodes ``0 .. n - 1``.

    Returns, for each node, the smallest node of its component (vectorised hooking of
    roots onto smaller roots, then pointer jumping, until no edge crosses).
    """
    label = np.arange(n)
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
    without the row; a record without any identifier conflicts with none); with
    ``one_per_source``: two records of one source. Only components holding two SSNs, two
    last fours, two first names or birth years two apart are checked for conflicts: any
    conflict of two records' identities needs one of these.
    """
    grouped = con.execute(
        f"SELECT c.comp, coalesce((? AND (count(nullif(r.suffix, '')) > 0"
        " OR count(nullif(r.row_key, '')) > count(DISTINCT nullif(r.row_key, ''))))"
        " OR (? AND count(r.source) > count(DISTINCT r.source)), false) AS flagged,"
        " coalesce(min(r.ssn) <> max(r.ssn), false) OR coalesce(min(r.ssn_last4)"
        " <> max(r.ssn_last4), false) OR coalesce(min(r.first_name) <> max(r.first_name),"
        " false) OR coalesce(max(r.birth_year) - min(r.birth_year) >= 2, false) AS open"
        f" FROM {comp_table} c JOIN {RECORDS_TABLE} r USING (record_id) GROUP BY c.comp"
        " HAVING flagged OR open",
        [safeguards, one_per_source],
    ).fetchnumpy()
    flag = grouped["flagged"].astype(bool)
    flagged = grouped["comp"][flag]
    if not safeguards:
        return flagged.astype(np.int64)
    fields = {k: v for k, v in IDENTITY_FIELDS.items() if k != "row"}
    cols = ", ".join(f"r.{col} AS {name}" for name, col in fields.items())
    any_set = " OR ".join(f"r.{col} IS NOT NULL" for col in fields.values())
    out = [flagged]
    con.register("rs_open_arrow", pa.table({"comp": grouped["comp"][~flag]}))
    try:
        result = con.execute(
            f"SELECT * FROM (SELECT DISTINCT c.comp, {cols} FROM {comp_table} c"
            f" JOIN {RECORDS_TABLE} r USING (record_id) SEMI JOIN rs_open_arrow o"
            f" ON o.comp = c.comp WHERE {any_set})"
            " QUALIFY count(*) OVER (PARTITION BY comp) > 1 ORDER BY comp"
        )
        rows = itertools.chain.from_iterable(iter(lambda: result.fetchmany(FETCH_ROWS), []))
        for comp, group in itertools.groupby(rows, key=lambda row: row[0]):
            found = [
                identity_of(Identity(**dict(zip(fields, row[1:], strict=True)))) for row in group
            ]
            if any(conflicts(a, b) for k, a in enumerate(found) for b in found[k + 1 :]):
                out.append(np.array([comp], dtype=np.int64))
    finally:
        con.unregister("rs_open_arrow")
    return np.concatenate(out).astype(np.int64)


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
    label = label_components(len(ids), links["ix_l"], links["ix_r"])
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
    inside = hard[links["ix_l"]]
    sources = None
    if settings.one_per_source:
        sources = dict(
            con.execute(
                f"SELECT record_id, source FROM {RECORDS_TABLE} "
                f"WHERE record_id IN (SELECT record_id FROM {HARD_TABLE})"
            ).fetchall()
        )
    args = (
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
    result = _cluster_in_parts(args, label[hard], label[links["ix_l"][inside]])
    roots[hard] = np.fromiter((result.cluster_of[r] for r in sub.tolist()), np.int64, len(sub))
    return roots, result


def _cluster_in_parts(args: tuple, rec_comp: np.ndarray, link_comp: np.ndarray) -> ClusterResult:  # type: ignore[type-arg]
    """:func:`cluster_pairs` over ``args``, one component at a time, in up to ``WORKERS``
    forked processes.

    Components are independent (every constraint and the ambiguity pass look only at
    records linked to each other), so clustering them one by one gives the same result as
    one call over all (``rec_comp`` / ``link_comp``: the component of each record / link),
    at about half the CPU (the ambiguity pass's second clustering, for one, runs only in the
    components where it detaches a record). The components are dealt to the processes in
    parts of about equal link counts.
    """
    comps, counts = np.unique(link_comp, return_counts=True)
    rec_order = np.argsort(rec_comp, kind="stable")
    link_order = np.argsort(link_comp, kind="stable")
    ends = np.append(comps, comps[-1] + 1)
    parts = WORKERS if CAN_FORK and len(link_comp) >= PARALLEL_MIN_LINKS else 1
    _WORK.update(
        args=args,
        rec_order=rec_order,
        rec_at=np.searchsorted(rec_comp[rec_order], ends),
        link_order=link_order,
        link_at=np.searchsorted(link_comp[link_order], ends),
    )
    part = (np.cumsum(counts) - counts) * parts // len(link_comp)
    try:
        if parts < 2:
            results = [_cluster_components(np.arange(len(comps)))]
        else:
            with warnings.catch_warnings():
                # Python 3.12+ warns on forking a threaded process (DuckDB's pool); the
                # children run NumPy and Python only, never DuckDB or a lock it holds
                warnings.filterwarnings("ignore", "This process .* is multi-threaded")
                pool = multiprocessing.get_context("fork").Pool(parts)
            with pool:
                results = pool.map(
                    _cluster_components, [np.flatnonzero(part == p) for p in range(parts)]
                )
    finally:
        _WORK.clear()
    out = ClusterResult(cluster_of={})
    for r in results:
        _add(out, r)
    return out


def _add(out: ClusterResult, r: ClusterResult) -> None:
    """Add the clusters and statistics of ``r`` to ``out``."""
    out.cluster_of.update(r.cluster_of)
    out.merges += r.merges
    out.refused += r.refused
    out.ambiguous += r.ambiguous
    out.refused_links += r.refused_links


def _cluster_components(which: np.ndarray) -> ClusterResult:
    """:func:`cluster_pairs` over each of the components ``which`` (see ``_WORK``)."""
    sub, ident, id_l, id_r, weight, sources, bits, namesake, coresident, personal = _WORK["args"]
    rec_order, rec_at = _WORK["rec_order"], _WORK["rec_at"]
    link_order, link_at = _WORK["link_order"], _WORK["link_at"]
    out = ClusterResult(cluster_of={})
    for c in which.tolist():
        recs = sub[rec_order[rec_at[c] : rec_at[c + 1]]]
        mine = link_order[link_at[c] : link_at[c + 1]]
        keep = recs.tolist()
        r = cluster_pairs(
            recs,
            {k: ident[k] for k in keep if k in ident},
            id_l[mine],
            id_r[mine],
            weight[mine],
            {k: sources[k] for k in keep if k in sources} if sources is not None else None,
            bits,
            namesake,
            coresident[mine],
            personal[mine],
        )
        _add(out, r)
    return out


def register_positions(con: duckdb.DuckDBPyConnection, table: str, ids: np.ndarray) -> None:
    """Materialise the sorted record ``ids`` as the temp table ``table(record_id, pos)``."""
    con.register("rs_ids_arrow", pa.table({"record_id": ids, "pos": np.arange(len(ids))}))
    try:
        con.execute(f"CREATE OR REPLACE TEMP TABLE {table} AS SELECT * FROM rs_ids_arrow")
    finally:
        con.unregister("rs_ids_arrow")


def flagged_links(
    con: duckdb.DuckDBPyConnection,
    table: str,
    positions: str,
    min_probability: float | None = None,
) -> dict[str, np.ndarray]:
    """``id_l, id_r, match_weight`` of the links in ``table`` (over ``rs_records``) between
    records of ``positions`` (see :func:`register_positions`; our own constant), with the
    clustering flags ``coresident`` (same surname, same or nickname-equivalent first name,
    same street address) and ``personal`` (same phone or e-mail), and ``ix_l, ix_r``: the
    two records' ``pos``."""
    where = "WHERE p.match_probability >= ?" if min_probability is not None else ""
    return con.execute(
        "SELECT p.id_l, p.id_r, p.match_weight, coalesce(l.addr_street_key = r.addr_street_key"
        " AND l.last_name = r.last_name AND (l.first_name = r.first_name OR nk.a IS NOT NULL),"
        " false) AS coresident, coalesce(l.phone = r.phone, false)"
        " OR coalesce(l.email_key = r.email_key, false) AS personal,"
        f" tl.pos AS ix_l, tr.pos AS ix_r FROM {table} p"
        f" JOIN {positions} tl ON tl.record_id = p.id_l"
        f" JOIN {positions} tr ON tr.record_id = p.id_r"
        f" JOIN {RECORDS_TABLE} l ON l.record_id = p.id_l"
        f" JOIN {RECORDS_TABLE} r ON r.record_id = p.id_r"
        f" LEFT JOIN {NICKNAMES_TABLE} nk ON nk.a = l.first_name AND nk.b = r.first_name"
        f" {where} ORDER BY p.id_l, p.id_r",
        [min_probability] if min_probability is not None else [],
    ).fetchnumpy()


def cluster_scores(con: duckdb.DuckDBPyConnection, settings: Settings) -> ClusterResult:
    """Cluster every record over the scored pairs with probability >= the threshold."""
    ids = np.sort(con.execute(f"SELECT record_id FROM {RECORDS_TABLE}").fetchnumpy()["record_id"])
    register_positions(con, POSITIONS_TABLE, ids)
    links = flagged_links(con, SCORES_TABLE, POSITIONS_TABLE, settings.threshold)
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
