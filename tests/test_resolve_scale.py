"""The scale paths give what the reference implementations give: components, the
unconstrained-component shortcut of the clustering and the vectorised stable ids."""

from __future__ import annotations

import logging
import random

import duckdb
import numpy as np
import pyarrow as pa
import pytest
from test_resolve_store import observations, store_with

from skiptrace.resolve import blocking, pipeline
from skiptrace.resolve.blocking import PAIRS_TABLE, block_pairs
from skiptrace.resolve.clustering import cluster_pairs, conflicts, identity_of
from skiptrace.resolve.comparisons import tf_columns, vectors_select_sql
from skiptrace.resolve.pipeline import (
    Settings,
    cluster_links,
    components,
    flagged_links,
    identities,
    register_positions,
)
from skiptrace.resolve.records import RECORDS_TABLE, load_records
from skiptrace.resolve.resolve import NEW_TABLE, _touched, records_relation, resolve_store
from skiptrace.resolve.scoring import SCORES_TABLE, score_pairs
from skiptrace.resolve.stable_ids import assign_id_arrays, assign_ids
from skiptrace.resolve.term_frequencies import build_tf_tables
from skiptrace.resolve.training import train


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


def test_scores_spilled_to_parquet_equal_scores_kept_in_memory(tmp_path) -> None:  # type: ignore[no-untyped-def]
    con = duckdb.connect(str(tmp_path / "store.duckdb"))
    mem = store_with(observations(300, seed=7))
    con.register("obs_in", mem.table("observations").to_arrow_table())
    con.execute("CREATE TABLE observations AS SELECT * FROM obs_in")
    load_records(con, records_relation(con))
    settings = Settings()
    build_tf_tables(con, tf_columns(settings.comparisons))
    block_pairs(con, settings.rules)
    params = train(con, settings.comparisons, u_pairs=100_000)
    vectors = f"({vectors_select_sql(settings.comparisons, PAIRS_TABLE)})"

    def scores(**kw: int) -> pa.Table:
        n = score_pairs(con, settings.comparisons, params, vectors, min_probability=0.5, **kw)
        table = con.execute(f"SELECT * FROM {SCORES_TABLE}").to_arrow_table()
        assert table.num_rows == n
        return table

    kept = scores()
    spilled = scores(batch_rows=100, spill_rows=150)
    assert kept.num_rows > 500
    assert spilled.equals(kept)
    assert not list(tmp_path.glob("rs_scores_*"))  # the spill file is gone


def test_constrained_components_are_those_with_a_flag_or_a_conflicting_pair(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(pipeline, "FETCH_ROWS", 7)  # identities read in many fetches
    con = _conflicted_store()
    ids = _record_ids(con)
    links = flagged_links(con, "links", "positions")
    label = components(ids, links["id_l"], links["id_r"])
    con.register("comp_in", pa.table({"record_id": ids, "comp": label}))
    con.execute("CREATE TABLE comps AS SELECT * FROM comp_in")
    sizes = np.bincount(label)
    pair_comps = np.flatnonzero(sizes == 2)[:3].tolist()
    # only the first names conflict, only the birth years conflict, nothing conflicts
    settings = ((("JOHN", 1950), ("MARY", 1950)), (("JOHN", 1950), ("JOHN", 1953)))
    settings += ((("JOHN", 1950), ("JOHN", 1951)),)
    for c, pair in zip(pair_comps, settings, strict=True):
        for record, (first, year) in zip(ids[label == c].tolist(), pair, strict=True):
            con.execute(
                f"UPDATE {RECORDS_TABLE} SET ssn = NULL, ssn_last4 = NULL, dob_digits = NULL,"
                " suffix = NULL, row_key = NULL, first_name = ?, first_keys = [?],"
                " first_phonetic = ?, birth_year = ? WHERE record_id = ?",
                [first, first, first, year, record],
            )
    rows = con.execute(
        f"SELECT record_id, suffix, row_key FROM {RECORDS_TABLE} ORDER BY record_id"
    ).fetchall()
    ident = identities(con)
    members: dict[int, list[int]] = {}
    for r, c in zip(ids.tolist(), label.tolist(), strict=True):
        members.setdefault(c, []).append(r)
    flags = {r: (suffix, row) for r, suffix, row in rows}
    expected = set()
    for c, recs in members.items():
        row_keys = [flags[r][1] for r in recs if flags[r][1]]
        found = [identity_of(ident[r]._replace(row=None)) for r in recs if r in ident]
        if (
            any(flags[r][0] for r in recs)
            or len(row_keys) > len(set(row_keys))
            or any(conflicts(a, b) for k, a in enumerate(found) for b in found[k + 1 :])
        ):
            expected.add(c)
    got = set(pipeline._constrained(con, "comps", True, False).tolist())
    assert got == expected
    assert {pair_comps[0], pair_comps[1]} <= got and pair_comps[2] not in got
    assert len(expected) > 3 and len(members) > len(expected)  # some pass, some do not


def test_each_phase_logs_its_cpu_and_the_peak_memory(caplog) -> None:  # type: ignore[no-untyped-def]
    con = store_with(observations(60, seed=2))
    with caplog.at_level(logging.INFO, logger="skiptrace.resolve.resolve"):
        summary = resolve_store(con, full=True)
    lines = [r.getMessage() for r in caplog.records if r.getMessage().startswith("resolve ")]
    assert [line.split(":")[0][len("resolve ") :] for line in lines] == list(summary.timings)
    peaks = [float(line.rsplit("peak RSS ", 1)[1].split()[0]) for line in lines]
    assert peaks == sorted(peaks) and peaks[0] > 0  # a running peak


def test_pairs_deduplicated_in_parts_equal_one_group_by(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    con = store_with(observations(150, seed=9))
    load_records(con, records_relation(con))

    def pairs() -> tuple[set[tuple[int, int, int]], dict[str, int]]:
        report = block_pairs(con)
        rows = con.execute(f"SELECT id_l, id_r, rule FROM {PAIRS_TABLE}").fetchall()
        assert len(rows) == len(set(rows)) == report.pairs
        return set(rows), report.pairs_by_rule

    whole, counts = pairs()
    monkeypatch.setattr(blocking, "PART_RECORDS", 0)  # the parts path, in dozens of parts
    monkeypatch.setattr(blocking, "PART_ROWS", 40)
    assert pairs() == (whole, counts)
    assert len(whole) > 500 and len([n for n in counts.values() if n]) > 5
