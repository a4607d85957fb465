"""Resolve a simulated world and score the persons against its truth.

Usage: ``python bench/resolve_world.py [WORLD_DIR] [--store PATH]`` (default data/sample).
Ingests the world's sources into a fresh store, runs a full resolve, then reports pairwise
and cluster precision / recall against ``truth/source_rows.csv`` and the number of
hard-negative pairs (Jr/Sr, twins, spouses in ``truth/persons.csv``) merged into one person.
Then checks incremental == full: a copy of the store holding only the first half of the
sources (by name) is resolved with the full run's model, the other half is added and
resolved incrementally, and the persons are compared with the full run's.
The last output line is one JSON object.
"""

from __future__ import annotations

import argparse
import csv
import json
import resource
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from skiptrace.ingest import ingest_paths, open_store  # noqa: E402
from skiptrace.resolve.resolve import resolve_store, saved_params  # noqa: E402


def _pairs(groups: dict[str, list[str]] | dict[int, list[int]]) -> int:
    return sum(len(g) * (len(g) - 1) // 2 for g in groups.values())


def evaluate(con, world: Path) -> dict:  # type: ignore[no-untyped-def]
    """Pairwise / cluster metrics and hard-negative merges of the store's persons."""
    truth: dict[tuple[str, str, int, int], str] = {}
    with open(world / "truth" / "source_rows.csv", newline="") as fh:
        for row in csv.DictReader(fh):
            key = (
                row["source"],
                Path(row["file"]).name,
                int(row["row_number"]),
                int(row["party_index"]),
            )
            if row["person_id"]:  # rows about no simulated person are left out
                truth[key] = row["person_id"]
    rows = con.execute(
        "SELECT o.source, f.path, o.row_number, o.party_index, pr.person_id "
        "FROM observations o JOIN files f USING (file_id) "
        "JOIN person_records pr ON pr.obs_id = o.obs_id"
    ).fetchall()
    true_of, pred_of = {}, {}
    for i, (source, path, row_number, party, person) in enumerate(rows):
        key = (source, Path(path).name, row_number, party)
        if key in truth:
            true_of[i], pred_of[i] = truth[key], person
    both = Counter((true_of[i], pred_of[i]) for i in true_of)
    tp = sum(n * (n - 1) // 2 for n in both.values())
    pred_pairs = sum(n * (n - 1) // 2 for n in Counter(pred_of.values()).values())
    true_pairs = sum(n * (n - 1) // 2 for n in Counter(true_of.values()).values())
    members_true: dict[str, set] = {}
    members_pred: dict[int, set] = {}
    for i in true_of:
        members_true.setdefault(true_of[i], set()).add(i)
        members_pred.setdefault(pred_of[i], set()).add(i)
    exact_clusters = sum(1 for s in members_true.values() if s in members_pred.values())
    persons_of_truth: dict[str, set] = {}
    for t, p in both:
        persons_of_truth.setdefault(t, set()).add(p)
    hard_pairs: dict[frozenset[str], str] = {}
    with open(world / "truth" / "persons.csv", newline="") as fh:
        for row in csv.DictReader(fh):
            for kind in ("jr_sr_of", "twin_of", "spouse_of"):
                if row[kind]:
                    hard_pairs[frozenset((row["person_id"], row[kind]))] = kind
    hard: Counter[str] = Counter()
    merged: Counter[str] = Counter()
    for pair, kind in hard_pairs.items():
        a, b = (persons_of_truth.get(p) for p in pair)
        if a and b:  # both persons observed
            hard[kind] += 1
            merged[kind] += bool(a & b)
    return {
        "observations": len(true_of),
        "pairwise_precision": round(tp / pred_pairs, 5) if pred_pairs else 0.0,
        "pairwise_recall": round(tp / true_pairs, 5) if true_pairs else 0.0,
        "true_persons": len(members_true),
        "predicted_persons": len(members_pred),
        "cluster_exact_share": round(exact_clusters / len(members_true), 5),
        "hard_negative_pairs": dict(hard),
        "hard_negative_merged": dict(merged),
    }


def _partition(con) -> set[frozenset[int]]:  # type: ignore[no-untyped-def]
    groups: dict[int, set[int]] = {}
    for obs, person in con.execute("SELECT obs_id, person_id FROM person_records").fetchall():
        groups.setdefault(person, set()).add(obs)
    return {frozenset(g) for g in groups.values()}


def incremental_check(store: str, con) -> dict:  # type: ignore[no-untyped-def]
    """Split the store's sources in two batches; incremental persons vs the full run's."""
    full = _partition(con)
    params = saved_params(con)
    rows = con.execute("SELECT DISTINCT source FROM observations").fetchall()
    sources = sorted(s for (s,) in rows)
    later = sources[len(sources) // 2 :]
    copy = str(Path(store).with_suffix(".incremental.duckdb"))
    con.execute("CHECKPOINT")
    shutil.copy(store, copy)
    inc = open_store(copy)
    marks = ", ".join("?" for _ in later)
    inc.execute(f"CREATE TABLE held AS SELECT * FROM observations WHERE source IN ({marks})", later)
    inc.execute(f"DELETE FROM observations WHERE source IN ({marks})", later)
    for table in ("person_records", "persons", "person_events", "person_links"):
        inc.execute(f"DELETE FROM {table}")
    resolve_store(inc, full=True, params=params)
    inc.execute("INSERT INTO observations SELECT * FROM held")
    start = time.perf_counter()
    summary = resolve_store(inc)
    seconds = time.perf_counter() - start
    got = _partition(inc)
    same = sum(len(g) for g in got & full)
    total = sum(len(g) for g in full)
    return {
        "batches": [sources[: len(sources) // 2], later],
        "mode": summary.mode,
        "new_records": summary.new_records,
        "incremental_seconds": round(seconds, 2),
        "events": summary.events,
        "identical_persons": got == full,
        "records_in_identical_persons": round(same / total, 5),
    }


def main() -> None:
    """Ingest, resolve, evaluate, print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("world", nargs="?", default=str(ROOT / "data" / "sample"))
    parser.add_argument("--store", default=None)
    args = parser.parse_args()
    world = Path(args.world)
    store = args.store or str(Path(tempfile.mkdtemp()) / "world.duckdb")
    if not Path(store).exists():
        ingest_paths([world / "sources"], ROOT / "sources", store)
    con = open_store(store)
    start = time.perf_counter()
    summary = resolve_store(con, full=True)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    result = evaluate(con, world) | {
        "resolve_seconds": round(seconds, 2),
        "peak_rss_mib": round(peak / 2**20, 1),
        "pairs": summary.pairs,
        "pairs_by_rule": summary.pairs_by_rule,
        "links": summary.links,
        "persons_in_store": summary.persons,
        "incremental": incremental_check(store, con),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
