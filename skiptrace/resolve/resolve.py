"""Resolve the store's observations into persons: full rebuild or incremental update.

Reads ``observations`` (through the :mod:`records` relation) and writes, in the store:

- ``resolve_params(key, value)``: the model parameters as JSON (``key = 'model'``), and
  ``resolve_tf_<column>(value, tf)``: the model's term frequencies,
- ``person_links(id_l, id_r, match_weight, match_probability, w_<field>...)``: scored
  pairs at or above the link threshold, with per-field weights for explanation,
- ``person_records(obs_id, person_id)`` and ``persons(person_id, records)``,
- ``person_events(run_id, kind, person_id, sources)``: create / merge / split.

An incremental run scores only pairs touching observations new since the last run, with
the saved parameters and frequencies, and re-clusters only the link-graph components they
touch; given the same model it yields the same persons as a full rebuild.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import duckdb
import numpy as np
import pyarrow as pa

from skiptrace.errors import ConfigError
from skiptrace.resolve.blocking import block_pairs
from skiptrace.resolve.clustering import Identity, cluster_pairs, conflicts, identity_of
from skiptrace.resolve.comparisons import VECTORS_TABLE, compute_vectors, tf_columns
from skiptrace.resolve.explain import Explanation, explain_pair
from skiptrace.resolve.model import ModelParams
from skiptrace.resolve.pipeline import DEFAULT_SETTINGS, Settings, flagged_links, identities
from skiptrace.resolve.records import (
    OPTIONAL_COLUMNS,
    RECORD_COLUMNS,
    RECORDS_TABLE,
    load_records,
)
from skiptrace.resolve.scoring import SCORES_TABLE, score_pairs
from skiptrace.resolve.stable_ids import PersonEvent, assign_ids
from skiptrace.resolve.term_frequencies import build_tf_tables, load_tf_tables, save_tf_tables
from skiptrace.resolve.training import train

OBSERVATION_COLUMNS = {
    "record_id": "obs_id",
    "suffix": "name_suffix",
    "row_key": "CASE WHEN count(*) OVER (PARTITION BY file_id, row_number) > 1"
    " THEN file_id::VARCHAR || ':' || row_number::VARCHAR END",
}
NEW_TABLE = "rs_new_records"


@dataclass(slots=True)
class ResolveSummary:
    """What a resolve run did."""

    mode: str
    records: int
    new_records: int
    pairs: int
    links: int
    persons: int
    events: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    pairs_by_rule: dict[str, int] = field(default_factory=dict)


def records_relation(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyRelation:
    """The :mod:`records` relation over the store's ``observations``."""
    names = list(RECORD_COLUMNS)
    if {"file_id", "row_number"} <= set(con.table("observations").columns):
        names += list(OPTIONAL_COLUMNS)
    cols = ", ".join(f"{OBSERVATION_COLUMNS.get(c, c)} AS {c}" for c in names)
    return con.sql(f"SELECT {cols} FROM observations")


def _ensure_tables(con: duckdb.DuckDBPyConnection, settings: Settings) -> None:
    weights = ", ".join(f"w_{c.name} DOUBLE" for c in settings.comparisons)
    con.execute(
        "CREATE TABLE IF NOT EXISTS resolve_params (key VARCHAR PRIMARY KEY, value VARCHAR)"
    )
    con.execute(
        "CREATE TABLE IF NOT EXISTS person_links (id_l BIGINT, id_r BIGINT, match_weight DOUBLE,"
        f" match_probability DOUBLE, {weights})"
    )
    con.execute("CREATE TABLE IF NOT EXISTS person_records (obs_id BIGINT, person_id BIGINT)")
    con.execute("CREATE TABLE IF NOT EXISTS persons (person_id BIGINT, records INTEGER)")
    con.execute(
        "CREATE TABLE IF NOT EXISTS person_events (run_id INTEGER, kind VARCHAR,"
        " person_id BIGINT, sources BIGINT[])"
    )


def saved_params(con: duckdb.DuckDBPyConnection) -> ModelParams | None:
    """The parameters saved by the last full run, if any."""
    tables = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    if "resolve_params" not in tables:
        return None
    rows = con.execute("SELECT value FROM resolve_params WHERE key = 'model'").fetchall()
    return ModelParams.from_json(rows[0][0]) if rows else None


def fits(params: ModelParams, settings: Settings) -> bool:
    """Whether ``params`` has m and u for every level of every comparison."""
    return all(
        len(params.m.get(c.name, ())) == len(params.u.get(c.name, ())) == len(c.levels) + 1
        for c in settings.comparisons
    )


def explain_records(
    con: duckdb.DuckDBPyConnection,
    record_a: int,
    record_b: int,
    settings: Settings = DEFAULT_SETTINGS,
) -> Explanation:
    """Explain two observations of the store with its saved model parameters."""
    params = saved_params(con)
    if params is None or not fits(params, settings):
        raise ConfigError(
            "the store has no current resolve model; run `skiptrace resolve --full` first"
        )
    load_records(con, records_relation(con))
    load_tf_tables(con, tf_columns(settings.comparisons))
    ex = explain_pair(con, params, record_a, record_b, settings.comparisons)
    ident = identities(con)
    conflict = conflicts(
        identity_of(ident.get(record_a, Identity())), identity_of(ident.get(record_b, Identity()))
    )
    persons = dict(
        con.execute(
            "SELECT obs_id, person_id FROM person_records WHERE obs_id IN (?, ?)",
            [record_a, record_b],
        ).fetchall()
    )
    same = persons[record_a] == persons[record_b] if len(persons) == 2 else None
    return replace(ex, conflict=conflict if settings.safeguards else None, same_person=same)


def _components(ids: set[int], id_l: np.ndarray, id_r: np.ndarray) -> set[int]:
    """All records connected to ``ids`` through the given links."""
    adjacency: dict[int, list[int]] = {}
    for a, b in zip(id_l.tolist(), id_r.tolist(), strict=True):
        adjacency.setdefault(a, []).append(b)
        adjacency.setdefault(b, []).append(a)
    seen, stack = set(ids), list(ids)
    while stack:
        for n in adjacency.get(stack.pop(), ()):
            if n not in seen:
                seen.add(n)
                stack.append(n)
    return seen


def resolve_store(
    con: duckdb.DuckDBPyConnection,
    *,
    full: bool = False,
    settings: Settings = DEFAULT_SETTINGS,
    params: ModelParams | None = None,
) -> ResolveSummary:
    """Resolve the store on ``con``: incremental unless ``full`` or never resolved.

    ``params`` overrides the saved / trained parameters (and is saved).
    """
    _ensure_tables(con, settings)
    n = load_records(con, records_relation(con))
    notes: list[str] = []
    if params is not None and not fits(params, settings):
        raise ConfigError("the given model parameters do not match the comparisons")
    if params is None and not full:
        params = saved_params(con)
        if params is not None and not fits(params, settings):
            notes.append("the saved model predates the current comparisons: retrained")
            params = None
    tf_cols = tf_columns(settings.comparisons)
    if params is None:
        build_tf_tables(con, tf_cols)  # a new model: its frequencies are this data's
    else:
        load_tf_tables(con, tf_cols)
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {NEW_TABLE} AS SELECT record_id FROM {RECORDS_TABLE} "
        "WHERE record_id NOT IN (SELECT obs_id FROM person_records)"
    )
    (new,) = con.execute(f"SELECT count(*) FROM {NEW_TABLE}").fetchall()[0]
    incremental = params is not None and not full and new < n
    if params is None:
        params = train(
            con,
            settings.comparisons,
            seed=settings.seed,
            u_pairs=settings.u_pairs,
            link_only=settings.link_only,
            max_block_size=settings.max_block_size,
        )
    report = block_pairs(
        con,
        settings.rules,
        link_only=settings.link_only,
        max_block_size=settings.max_block_size,
        new_only=NEW_TABLE if incremental else None,
    )
    compute_vectors(con, settings.comparisons, table=VECTORS_TABLE)
    score_pairs(
        con, settings.comparisons, params, VECTORS_TABLE, min_probability=settings.threshold
    )
    previous = dict(con.execute("SELECT obs_id, person_id FROM person_records").fetchall())
    if incremental:
        con.execute(f"INSERT INTO person_links BY NAME SELECT * FROM {SCORES_TABLE}")
        new_ids = {r for (r,) in con.execute(f"SELECT record_id FROM {NEW_TABLE}").fetchall()}
    else:
        con.execute(f"CREATE OR REPLACE TABLE person_links AS SELECT * FROM {SCORES_TABLE}")
        new_ids = set(previous) | {
            r for (r,) in con.execute(f"SELECT record_id FROM {RECORDS_TABLE}").fetchall()
        }
    links = flagged_links(con, "person_links")
    touched = _components(new_ids, links["id_l"], links["id_r"]) & set(
        r for (r,) in con.execute(f"SELECT record_id FROM {RECORDS_TABLE}").fetchall()
    )
    inside = np.array(
        [a in touched and b in touched for a, b in zip(links["id_l"], links["id_r"], strict=True)],
        dtype=bool,
    )
    ident = identities(con) if settings.safeguards else {}
    result = cluster_pairs(
        np.array(sorted(touched), dtype=np.int64),
        {r: v for r, v in ident.items() if r in touched},
        links["id_l"][inside],
        links["id_r"][inside],
        links["match_weight"][inside],
        ambiguity_bits=settings.ambiguity_bits if settings.safeguards else None,
        namesake_bits=settings.namesake_bits,
        coresident=links["coresident"][inside],
        personal=links["personal"][inside],
    )
    clusters: dict[int, list[int]] = {}
    for rid, root in result.cluster_of.items():
        clusters.setdefault(root, []).append(rid)
    person_of, events = assign_ids(clusters, {r: p for r, p in previous.items() if r in touched})
    rows = [(rid, person_of[root]) for root, members in clusters.items() for rid in members]
    _write(con, rows, touched, events, params, tf_cols)
    (persons,) = con.execute("SELECT count(*) FROM persons").fetchall()[0]
    kinds: dict[str, int] = {}
    for e in events:
        kinds[e.kind] = kinds.get(e.kind, 0) + 1
    return ResolveSummary(
        mode="incremental" if incremental else "full",
        records=n,
        new_records=new,
        pairs=report.pairs,
        links=len(links["id_l"]),
        persons=persons,
        events=kinds,
        warnings=notes + report.warnings,
        pairs_by_rule=report.pairs_by_rule,
    )


def _write(
    con: duckdb.DuckDBPyConnection,
    rows: list[tuple[int, int]],
    touched: set[int],
    events: list[PersonEvent],
    params: ModelParams,
    tf_cols: list[str],
) -> None:
    """Replace the touched records' persons, append the events, save the model."""

    con.execute("BEGIN")
    try:
        con.register("rs_touched", pa.table({"obs_id": np.array(sorted(touched), dtype=np.int64)}))
        con.execute("DELETE FROM person_records WHERE obs_id IN (SELECT obs_id FROM rs_touched)")
        con.execute(
            "DELETE FROM person_records WHERE obs_id NOT IN (SELECT obs_id FROM observations)"
        )
        con.register(
            "rs_rows",
            pa.table(
                {
                    "obs_id": np.array([r[0] for r in rows], dtype=np.int64),
                    "person_id": np.array([r[1] for r in rows], dtype=np.int64),
                }
            ),
        )
        con.execute("INSERT INTO person_records SELECT obs_id, person_id FROM rs_rows")
        con.execute(
            "CREATE OR REPLACE TABLE persons AS SELECT person_id, count(*)::INTEGER AS records "
            "FROM person_records GROUP BY person_id"
        )
        (run,) = con.execute("SELECT coalesce(max(run_id), 0) + 1 FROM person_events").fetchall()[0]
        con.register(
            "rs_events",
            pa.table(
                {
                    "kind": pa.array([e.kind for e in events], pa.string()),
                    "person_id": pa.array([e.person_id for e in events], pa.int64()),
                    "sources": pa.array([list(e.sources) for e in events], pa.list_(pa.int64())),
                }
            ),
        )
        con.execute(
            "INSERT INTO person_events SELECT ?::INTEGER, kind, person_id, sources FROM rs_events",
            [run],
        )
        con.execute("INSERT OR REPLACE INTO resolve_params VALUES ('model', ?)", [params.to_json()])
        save_tf_tables(con, tf_cols)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    finally:
        for view in ("rs_touched", "rs_rows", "rs_events"):
            con.unregister(view)
