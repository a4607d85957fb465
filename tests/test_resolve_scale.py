"""The scale paths give what the reference implementations give: components, the
unconstrained-component shortcut of the clustering and the vectorised stable ids."""

from __future__ import annotations

import random

import duckdb
import numpy as np
import pyarrow as pa
import pytest
from test_resolve_store import observations, store_with

from skiptrace.resolve import pipeline
from skiptrace.resolve.clustering import cluster_pairs
from skiptrace.resolve.pipeline import (
    Settings,
    cluster_links,
    components,
    flagged_links,
    identities,
    register_positions,
)
from skiptrace.resolve.records import RECORDS_TABLE, load_records
from skiptrace.resolve.resolve import NEW_TABLE, _touched, records_relation
from skiptrace.resolve.stable_ids import assign_id_arrays, assign_ids


def test_components_label_each_id_with_its_smallest_member() -> None:
    ids = np.array([1, 2, 3, 5, 8, 9, 12], dtype=np.int64)
    label = components(ids, np.array([9, 2, 3, 1]), np.array([12, 3, 5, 12]))
    assert ids[label].tolist() == [1, 2, 2, 2, 8, 1, 1]


def _partition(ids: np.ndarray, roots: np.ndarray) -> set[frozenset[int]]:
    groups: dict[int, set[int]] = {}
    for r, c in zip(ids.tolist(), roots.tolist(), strict=True):
        groups.setdefault(c, set()).add(r)
    return {frozenset(g) for g in groups.values()}


def _conflicted_store() -> duckdb.DuckDBPyConnection:
    """A store with suffixes, DOB and SSN conflicts and two parties of one row, loaded as
    records, and a table ``links``: every pair sharing a surname and a ZIP, with a
    deterministic weight."""
    rows = observations(250, seed=3)
    rng = random.Random(5)
    for row in rows:  # suffixes, DOB and SSN conflicts, two parties of one row
        if rng.random() < 0.05:
            row["name_suffix"] = rng.choice(["JR", "SR"])
        if rng.random() < 0.05 and row["dob"] is not None:
            row["dob"] = row["dob"].replace(year=row["dob"].year - 20)
        if rng.random() < 0.05 and row["ssn"]:
            row["ssn"] = "9" * 9
    for row in rows:
        row["file_id"], row["row_number"] = 1, rng.randrange(len(rows) * 2)
    con = store_with(rows)
    load_records(con, records_relation(con))
    pairs = con.execute(
        f"SELECT l.record_id AS id_l, r.record_id AS id_r, (hash(l.record_id + r.record_id)"
        f" % 40)::DOUBLE - 5 AS match_weight, 0.9 AS match_probability FROM {RECORDS_TABLE} l"
        f" JOIN {RECORDS_TABLE} r ON l.last_name = r.last_name AND l.addr_zip5 = r.addr_zip5"
        " AND l.record_id < r.record_id"
    ).arrow()
    con.register("links_in", pa.table(pairs))
    con.execute("CREATE TABLE links AS SELECT * FROM links_in")
    return con


def _record_ids(con: duckdb.DuckDBPyConnection) -> np.ndarray:
    """The sorted record ids, also registered as the positions table ``positions``."""
    ids = np.sort(con.execute(f"SELECT record_id FROM {RECORDS_TABLE}").fetchnumpy()["record_id"])
    register_positions(con, "positions", ids)
    return ids


def test_clustering_by_components_equals_clustering_everything() -> None:
    con = _conflicted_store()
    ids = _record_ids(con)
    links = flagged_links(con, "links", "positions")
    settings = Settings()
    roots, _ = cluster_links(con, ids, links, settings)
    whole = cluster_pairs(
        ids,
        identities(con),
        links["id_l"],
        links["id_r"],
        links["match_weight"],
        ambiguity_bits=settings.ambiguity_bits,
        namesake_bits=settings.namesake_bits,
        coresident=links["coresident"],
        personal=links["personal"],
    )
    expected = np.array([whole.cluster_of[r] for r in ids.tolist()])
    assert whole.refused > 0 and len(set(roots.tolist())) < len(ids)
    assert _partition(ids, roots) == _partition(ids, expected)
    assert (roots == expected).all()


def test_vectorised_stable_ids_equal_the_reference() -> None:
    rng = random.Random(11)
    for _ in range(200):
        records = rng.sample(range(1, 500), rng.randint(1, 60))
        previous = {r: rng.choice(records[:8]) for r in records if rng.random() < 0.6}
        previous = {r: p for r, p in previous.items() if p in previous}  # ids are records
        groups: dict[int, list[int]] = {}
        for r in records:
            groups.setdefault(rng.randrange(10), []).append(r)
        clusters = {min(g): g for g in groups.values()}
        expected, events = assign_ids(clusters, previous)
        recs = np.array([r for g in clusters.values() for r in g], dtype=np.int64)
        roots = np.array([k for k, g in clusters.items() for _ in g], dtype=np.int64)
        prev = np.array(sorted(previous), dtype=np.int64)
        person, got_events = assign_id_arrays(
            recs, roots, prev, np.array([previous[r] for r in prev.tolist()], dtype=np.int64)
        )
        got = dict(zip(roots.tolist(), person.tolist(), strict=True))
        fallback = {k for k, p in expected.items() if p not in clusters[k] and p not in previous}
        if fallback:  # a fresh id past the largest: numbered in another order
            continue
        assert got == expected
        key = lambda e: (e.kind, e.person_id, e.sources)  # noqa: E731
        assert sorted(got_events, key=key) == sorted(events, key=key)


@pytest.mark.parametrize("one_per_source", [False, True])
def test_clustering_in_parallel_parts_equals_one_process(monkeypatch, one_per_source) -> None:  # type: ignore[no-untyped-def]
    con = _conflicted_store()
    ids = _record_ids(con)
    links = flagged_links(con, "links", "positions")
    settings = Settings(safeguards=not one_per_source, one_per_source=one_per_source)
    serial, one = cluster_links(con, ids, links, settings)
    monkeypatch.setattr(pipeline, "WORKERS", 2)
    monkeypatch.setattr(pipeline, "PARALLEL_MIN_LINKS", 0)
    parallel, parts = cluster_links(con, ids, links, settings)
    assert (parallel == serial).all()
    assert (parts.merges, parts.refused, parts.ambiguous) == (
        one.merges,
        one.refused,
        one.ambiguous,
    )
    if one_per_source:  # the whole graph in one call, as FEBRL's linking runs it
        sources = dict(con.execute(f"SELECT record_id, source FROM {RECORDS_TABLE}").fetchall())
        whole = cluster_pairs(ids, {}, links["id_l"], links["id_r"], links["match_weight"], sources)
        assert whole.refused > 0
        assert serial.tolist() == [whole.cluster_of[r] for r in ids.tolist()]


def test_touched_search_equals_the_components_of_all_links() -> None:
    con = _conflicted_store()
    ids = _record_ids(con)
    rng = np.random.default_rng(4)
    gone = rng.integers(2**62, 2**63 - 1, 5)  # links to records no longer in the store
    ends = np.concatenate([ids, gone])
    id_l, id_r = rng.choice(ends, 180), rng.choice(ends, 180)
    new = rng.choice(ids, 6, replace=False)
    con.register("links_in", pa.table({"id_l": id_l, "id_r": id_r}))
    con.execute("CREATE TABLE person_links AS SELECT * FROM links_in")
    con.register("new_in", pa.table({"record_id": new}))
    con.execute(f"CREATE TEMP TABLE {NEW_TABLE} AS SELECT * FROM new_in")
    nodes = np.unique(ends)
    label = components(nodes, id_l, id_r)
    hit = np.isin(label, label[np.searchsorted(nodes, new)])
    expected = nodes[hit & np.isin(nodes, ids)]
    assert len(expected) > len(new)
    assert _touched(con).tolist() == expected.tolist()
