"""Scale benchmark: skiptrace resolve vs Splink 5 (DuckDB) on one ingested simulated world.

Usage: ``python bench/resolve_scale.py STORE WORLD_DIR [--skip-splink] [--skip-skiptrace]``.
STORE is an ingested store of the world (it is copied first; the original is not touched).
Both tools get the same observations: skiptrace runs ``skiptrace resolve --store COPY
--full`` (a subprocess, so its peak RSS is its own); Splink gets the same normalised
values (names, DOB, SSN, address key, ZIP, phone, e-mail) from the store's
``observations``, configured as in its deduplication tutorial (name comparisons with
term-frequency adjustments, DOB comparison, random-sampling u, EM on two blocking rules,
prediction at match probability 0.5, then its connected-components clustering at 0.5).
Its blocking rules are the tight ones its blocking guide asks for: a first+surname rule
(60M+ pairs here, JOHN SMITH alone 28M) took Splink past 16 GB, so names block with ZIP.

Scored against ``truth/source_rows.csv`` over the observations about a simulated person
(deed parties who are nobody of the world are left out): pairwise precision / recall / F1
of the persons (record pairs put in one person), and for Splink also of its raw pairwise
predictions. "seconds" is wall time from the input to persons (skiptrace: the whole CLI
command; Splink: training, prediction and clustering, not the export of its input).
The last output line is one JSON object.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from febrl import count_metrics  # noqa: E402

from skiptrace.ingest import open_store  # noqa: E402

SPLINK_MEMORY = "8GB"

OBS_SQL = """
SELECT o.obs_id, o.source, f.path, o.row_number, o.party_index, o.first_name, o.last_name,
       CASE WHEN o.dob_precision = 'day' THEN strftime(o.dob, '%Y-%m-%d') END AS dob,
       o.ssn, o.addr_key, o.addr_zip5, o.phone, o.email_key
FROM observations o JOIN files f USING (file_id)
"""


def truth_of(world: Path, rows: list[tuple]) -> np.ndarray:
    """True person (an int, -1 for nobody of the world) of each observation row."""
    truth: dict[tuple[str, str, int, int], int] = {}
    codes: dict[str, int] = {}
    with open(world / "truth" / "source_rows.csv", newline="") as fh:
        for row in csv.DictReader(fh):
            if row["person_id"]:
                key = (
                    row["source"],
                    Path(row["file"]).name,
                    int(row["row_number"]),
                    int(row["party_index"]),
                )
                truth[key] = codes.setdefault(row["person_id"], len(codes))
    return np.array([truth.get((s, Path(p).name, n, k), -1) for s, p, n, k in rows], dtype=np.int64)


def _pairs(counts: np.ndarray) -> int:
    return int((counts * (counts - 1) // 2).sum())


def cluster_metrics(truth: np.ndarray, cluster: np.ndarray, seconds: float) -> dict:
    """Pairwise precision / recall / F1 of a clustering over the observations with a truth."""
    keep = truth >= 0
    t, c = truth[keep], cluster[keep]
    _, joint = np.unique(np.stack([t, c]), axis=1, return_counts=True)
    tp = _pairs(joint)
    pred = _pairs(np.unique(c, return_counts=True)[1])
    true = _pairs(np.unique(t, return_counts=True)[1])
    return count_metrics(tp, pred, true, seconds)


def pair_metrics(truth_l: np.ndarray, truth_r: np.ndarray, true_pairs: int, seconds: float):  # type: ignore[no-untyped-def]
    """Pairwise metrics of predicted pairs (given the true persons of both sides)."""
    keep = (truth_l >= 0) & (truth_r >= 0)
    tp = int((truth_l[keep] == truth_r[keep]).sum())
    return count_metrics(tp, int(keep.sum()), true_pairs, seconds)


def run_skiptrace(store: Path) -> tuple[dict, float]:
    """``skiptrace resolve --full`` on the store under ``/usr/bin/time -v``."""
    cmd = ["skiptrace", "resolve", "--store", str(store), "--full", "--json"]
    timed = ["/usr/bin/time", "-v", *cmd] if Path("/usr/bin/time").exists() else cmd
    start = time.perf_counter()
    done = subprocess.run(timed, capture_output=True, text=True, check=True)
    seconds = time.perf_counter() - start
    summary = json.loads(done.stdout.strip().splitlines()[-1])
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr)
    summary["peak_rss_mib"] = round(int(rss.group(1)) / 1024, 1) if rss else None
    return summary, seconds


def run_splink(frame, threads: int | None):  # type: ignore[no-untyped-def]
    """Splink 5 on DuckDB: (cluster per row, predicted pairs as unique-id arrays, seconds)."""
    import duckdb
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    con = duckdb.connect()
    con.execute(f"SET memory_limit = '{SPLINK_MEMORY}'")  # the machine is shared
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    start = time.perf_counter()
    settings = SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        blocking_rules_to_generate_predictions=[
            block_on("ssn"),
            block_on("first_name", "surname", "zip"),
            block_on("surname", "dob"),
            block_on("first_name", "dob"),
            block_on("phone"),
            block_on("email"),
            block_on("address_key"),
        ],
        comparisons=[
            cl.NameComparison("first_name").configure(term_frequency_adjustments=True),
            cl.NameComparison("surname").configure(term_frequency_adjustments=True),
            cl.DateOfBirthComparison("dob", input_is_string=True),
            cl.DamerauLevenshteinAtThresholds("ssn", [1, 2]),
            cl.ExactMatch("address_key").configure(term_frequency_adjustments=True),
            cl.ExactMatch("zip").configure(term_frequency_adjustments=True),
            cl.ExactMatch("phone"),
            cl.EmailComparison("email"),
        ],
        retain_intermediate_calculation_columns=False,
    )
    db_api = DuckDBAPI(connection=con)
    linker = Linker(db_api.register(frame), settings)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("ssn"), block_on("first_name", "surname", "dob")], recall=0.7
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=1e7, seed=2)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("dob"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("ssn"))
    pred = linker.inference.predict(threshold_match_probability=0.5)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(pred, 0.5)
    seconds = time.perf_counter() - start
    ids = pred.as_duckdbpyrelation().select("unique_id_l, unique_id_r").fetchnumpy()
    cl_of = clusters.as_duckdbpyrelation().select("unique_id, cluster_id").fetchnumpy()
    return cl_of, ids, seconds


def main() -> None:
    """Copy the store, run both tools, score them, print a table and one JSON line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("store")
    parser.add_argument("world")
    parser.add_argument("--workdir", default=None, help="where the store copy goes")
    parser.add_argument("--skip-splink", action="store_true")
    parser.add_argument("--skip-skiptrace", action="store_true")
    parser.add_argument("--threads", type=int, default=None, help="Splink's DuckDB threads")
    args = parser.parse_args()
    logging.getLogger("splink").setLevel(logging.ERROR)
    warnings.filterwarnings("ignore")
    work = Path(args.workdir or tempfile.mkdtemp(prefix="resolve_scale_"))
    work.mkdir(parents=True, exist_ok=True)
    copy = work / "scale.duckdb"
    shutil.copy(args.store, copy)
    con = open_store(copy, read_only=True)
    rows = con.execute(OBS_SQL + " ORDER BY o.obs_id").fetchall()
    con.close()
    obs = np.array([r[0] for r in rows], dtype=np.int64)
    truth = truth_of(Path(args.world), [r[1:5] for r in rows])
    true_pairs = _pairs(np.unique(truth[truth >= 0], return_counts=True)[1])
    out: dict = {
        "observations": len(obs),
        "observations_with_truth": int((truth >= 0).sum()),
        "true_pairs": true_pairs,
        "load_average": os.getloadavg(),
    }
    print(
        f"{len(obs):,} observations ({out['observations_with_truth']:,} about a simulated "
        f"person, {true_pairs:,} true pairs)",
        flush=True,
    )
    if not args.skip_skiptrace:
        summary, seconds = run_skiptrace(copy)
        con = open_store(copy, read_only=True)
        person = con.execute(
            "SELECT o.obs_id, p.person_id FROM observations o "
            "JOIN person_records p USING (obs_id) ORDER BY o.obs_id"
        ).fetchnumpy()
        con.close()
        assert np.array_equal(person["obs_id"], obs), "every observation has a person"
        out["skiptrace"] = cluster_metrics(truth, person["person_id"], seconds) | {
            "peak_rss_mib": summary["peak_rss_mib"],
            "candidate_pairs": summary["pairs"],
            "links": summary["links"],
            "persons": summary["persons"],
            "timings": summary.get("timings", {}),
        }
        _show("skiptrace", out["skiptrace"])
    if not args.skip_splink:
        import pandas as pd

        frame = pd.DataFrame(
            {
                "unique_id": obs,
                "first_name": [r[5] for r in rows],
                "surname": [r[6] for r in rows],
                "dob": [r[7] for r in rows],
                "ssn": [r[8] for r in rows],
                "address_key": [r[9] for r in rows],
                "zip": [r[10] for r in rows],
                "phone": [r[11] for r in rows],
                "email": [r[12] for r in rows],
            }
        )
        del rows
        clusters, pairs, seconds = run_splink(frame, args.threads)
        order = np.argsort(clusters["unique_id"])
        assert np.array_equal(clusters["unique_id"][order], obs)
        cluster = np.unique(clusters["cluster_id"][order].astype(str), return_inverse=True)[1]
        out["splink"] = cluster_metrics(truth, cluster, seconds)
        left = truth[np.searchsorted(obs, pairs["unique_id_l"])]
        right = truth[np.searchsorted(obs, pairs["unique_id_r"])]
        out["splink"]["pairwise"] = pair_metrics(left, right, true_pairs, seconds)
        _show("splink", out["splink"])
    if "skiptrace" in out and "splink" in out:
        out["time_ratio"] = round(out["skiptrace"]["seconds"] / out["splink"]["seconds"], 3)
    out["load_average_end"] = os.getloadavg()
    print(f"# {datetime.datetime.now(datetime.UTC).isoformat(timespec='seconds')}")
    print(json.dumps(out))


def _show(tool: str, m: dict) -> None:
    print(
        f"{tool:10} P={m['precision']:.5f} R={m['recall']:.5f} F1={m['f1']:.5f} "
        f"{m['seconds']:8.1f}s",
        flush=True,
    )


if __name__ == "__main__":
    main()
