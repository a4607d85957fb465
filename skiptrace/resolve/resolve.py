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

import logging
import sys
import time
from dataclasses import dataclass, field, replace

import duckdb
import numpy as np
import pyarrow as pa

from skiptrace.errors import ConfigError
from skiptrace.resolve.blocking import PAIRS_TABLE, block_pairs
from skiptrace.resolve.clustering import Identity, conflicts, identity_of
from skiptrace.resolve.comparisons import tf_columns, vectors_select_sql
from skiptrace.resolve.explain import Explanation, explain_pair
from skiptrace.resolve.model import ModelParams
from skiptrace.resolve.pipeline import (
    DEFAULT_SETTINGS,
    Settings,
    cluster_links,
    flagged_links,
    identities,
    register_positions,
)
from skiptrace.resolve.records import (
    OPTIONAL_COLUMNS,
    RECORD_COLUMNS,
    RECORDS_TABLE,
    load_records,
)
from skiptrace.resolve.scoring import SCORES_TABLE, score_pairs
from skiptrace.resolve.stable_ids import PersonEvent, assign_id_arrays
from skiptrace.resolve.term_frequencies import build_tf_tables, load_tf_tables, save_tf_tables
from skiptrace.resolve.training import train

OBSERVATION_COLUMNS = {
    "record_id": "obs_id",
    "suffix": "name_suffix",
    "row_key": "CASE WHEN count(*) OVER (PARTITION BY file_id, row_number) > 1"
    " THEN file_id::VARCHAR || ':' || row_number::VARCHAR END",
    # the street key (unit dropped) of the row's old address (a change-of-address filing)
    "prev_street_key": "(SELECT min(regexp_replace(c.value_key, ' #[^|]*\\|', '|'))"
    " FROM contacts c WHERE c.obs_id = observations.obs_id AND c.kind = 'address'"
    " AND c.role = 'old')",
}
NEW_TABLE = "rs_new_records"
TOUCHED_TABLE = "rs_touched"
REACHED_TABLE = "rs_reached"
FRONTIER_TABLE = "rs_frontier"
MEMORY_LIMIT = "5GB"  # DuckDB's share of the resolve's memory; NumPy arrays come on top
log = logging.getLogger(__name__)


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
    timings: dict[str, float] = field(default_factory=dict)  # seconds per phase


class _Phases:
    """Wall seconds per phase, logged at INFO with the process CPU seconds (all threads:
    CPU above wall means DuckDB ran in parallel) and the process's peak RSS so far (where
    the platform reports it) as each phase ends."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self._last = time.perf_counter()
        self._cpu = time.process_time()

    def done(self, phase: str) -> None:
        now, cpu = time.perf_counter(), time.process_time()
        self.seconds[phase] = round(self.seconds.get(phase, 0.0) + now - self._last, 3)
        log.info(
            "resolve %s: %.1f s wall, %.1f s CPU, peak RSS %s",
            phase,
            now - self._last,
            cpu - self._cpu,
            _peak_rss(),
        )
        self._last, self._cpu = now, cpu


def _peak_rss() -> str:
    """The process's peak resident set size so far ("?" where ``resource`` is missing)."""
    try:
        import resource
    except ImportError:  # Windows
        return "?"
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB; bytes on macOS
    return f"{peak / (2**30 if sys.platform == 'darwin' else 2**20):.2f} GiB"


def records_relation(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyRelation:
    """The :mod:`records` relation over the store's ``observations``."""
    names = list(RECORD_COLUMNS)
    if {"file_id", "row_number"} <= set(con.table("observations").columns):
        tables = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
        names += [c for c in OPTIONAL_COLUMNS if c != "prev_street_key" or "contacts" in tables]
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


def _touched(con: duckdb.DuckDBPyConnection) -> np.ndarray:
    """The records (sorted) in a ``person_links`` component of a new record.

    A breadth-first search from the new records over the links, in DuckDB: it reads the
    links of the touched components only, not the whole link graph. Links to records no
    longer in the store still connect their neighbours.
    """
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {REACHED_TABLE} AS "
        f"SELECT DISTINCT record_id FROM {NEW_TABLE}"
    )
    con.execute(f"CREATE OR REPLACE TEMP TABLE {FRONTIER_TABLE} AS SELECT * FROM {REACHED_TABLE}")
    while True:
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {FRONTIER_TABLE} AS SELECT DISTINCT record_id FROM ("
            f"SELECT p.id_r AS record_id FROM person_links p SEMI JOIN {FRONTIER_TABLE} f"
            f" ON f.record_id = p.id_l UNION ALL SELECT p.id_l FROM person_links p"
            f" SEMI JOIN {FRONTIER_TABLE} f ON f.record_id = p.id_r) n"
            f" ANTI JOIN {REACHED_TABLE} USING (record_id)"
        )
        (found,) = con.execute(f"SELECT count(*) FROM {FRONTIER_TABLE}").fetchall()[0]
        if not found:
            break
        con.execute(f"INSERT INTO {REACHED_TABLE} SELECT record_id FROM {FRONTIER_TABLE}")
    return con.execute(
        f"SELECT record_id FROM {REACHED_TABLE} SEMI JOIN {RECORDS_TABLE} USING (record_id)"
        " ORDER BY record_id"
    ).fetchnumpy()["record_id"]


def resolve_store(
    con: duckdb.DuckDBPyConnection,
    *,
    full: bool = False,
    settings: Settings = DEFAULT_SETTINGS,
    params: ModelParams | None = None,
) -> ResolveSummary:
    """Resolve the store on ``con``: incremental unless ``full`` or never resolved.

    ``params`` overrides the saved / trained parameters (and is saved). DuckDB works within
    ``MEMORY_LIMIT`` meanwhile (spilling to disk beyond it); the limit is restored after.
    """
    (limit,) = con.execute("SELECT current_setting('memory_limit')").fetchall()[0]
    con.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
    try:
        return _resolve(con, full=full, settings=settings, params=params)
    finally:
        con.execute(f"SET memory_limit = '{limit}'")


def _resolve(
    con: duckdb.DuckDBPyConnection,
    *,
    full: bool,
    settings: Settings,
    params: ModelParams | None,
) -> ResolveSummary:
    phases = _Phases()
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
    phases.done("load")
    if params is None:
        params = train(
            con,
            settings.comparisons,
            seed=settings.seed,
            u_pairs=settings.u_pairs,
            link_only=settings.link_only,
            max_block_size=settings.max_block_size,
        )
    phases.done("train")
    report = block_pairs(
        con,
        settings.rules,
        link_only=settings.link_only,
        max_block_size=settings.max_block_size,
        new_only=NEW_TABLE if incremental else None,
    )
    phases.done("block")
    vectors = f"({vectors_select_sql(settings.comparisons, PAIRS_TABLE)})"
    score_pairs(con, settings.comparisons, params, vectors, min_probability=settings.threshold)
    phases.done("compare+score")
    if incremental:
        con.execute(f"INSERT INTO person_links BY NAME SELECT * FROM {SCORES_TABLE}")
        touched = _touched(con)
    else:
        con.execute(f"CREATE OR REPLACE TABLE person_links AS SELECT * FROM {SCORES_TABLE}")
        touched = con.execute(
            f"SELECT record_id FROM {RECORDS_TABLE} ORDER BY record_id"
        ).fetchnumpy()["record_id"]
    register_positions(con, TOUCHED_TABLE, touched)
    links = flagged_links(con, "person_links", TOUCHED_TABLE)
    phases.done("components")
    roots, _ = cluster_links(con, touched, links, settings)
    phases.done("cluster")
    previous = con.execute(
        "SELECT obs_id, person_id FROM person_records ORDER BY obs_id"
    ).fetchnumpy()
    prev_ids, prev_persons = previous["obs_id"], previous["person_id"]
    keep = np.isin(prev_ids, touched)
    person, events = assign_id_arrays(touched, roots, prev_ids[keep], prev_persons[keep])
    phases.done("ids")
    _write(con, touched, person, events, params, tf_cols, full=not incremental)
    phases.done("write")
    (n_links,) = con.execute("SELECT count(*) FROM person_links").fetchall()[0]
    (persons,) = con.execute("SELECT count(*) FROM persons").fetchall()[0]
    kinds: dict[str, int] = {}
    for e in events:
        kinds[e.kind] = kinds.get(e.kind, 0) + 1
    return ResolveSummary(
        mode="incremental" if incremental else "full",
        records=n,
        new_records=new,
        pairs=report.pairs,
        links=n_links,
        persons=persons,
        events=kinds,
        warnings=notes + report.warnings,
        pairs_by_rule=report.pairs_by_rule,
        timings=phases.seconds,
    )


def _write(
    con: duckdb.DuckDBPyConnection,
    touched: np.ndarray,
    person: np.ndarray,
    events: list[PersonEvent],
    params: ModelParams,
    tf_cols: list[str],
    *,
    full: bool,
) -> None:
    """Replace the touched records' persons (all when ``full``; else those in the
    ``rs_touched`` table), append the events, save the model."""

    con.execute("BEGIN")
    try:
        if full:
            con.execute("DELETE FROM person_records")
        else:
            con.execute(
                "DELETE FROM person_records WHERE obs_id IN "
                f"(SELECT record_id FROM {TOUCHED_TABLE})"
            )
            con.execute(
                "DELETE FROM person_records WHERE obs_id NOT IN (SELECT obs_id FROM observations)"
            )
        con.register("rs_rows", pa.table({"obs_id": touched, "person_id": person}))
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
        for view in ("rs_rows", "rs_events"):
            con.unregister(view)
