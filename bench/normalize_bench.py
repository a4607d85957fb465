"""Throughput of each normalizer on columns with realistic repetition, cold and cached.

Value shapes come from the simulator's sample world (data/sample/sources) when present;
distinct values are multiplied by perturbing numbers (house numbers, phone lines, SSN
serials) so the distinct ratio per column matches a large world, then rows are drawn from
the distinct pool. Usage:

    python bench/normalize_bench.py [--rows 300000] [--sample data/sample] [--seed 7]

With ``--world DIR`` it instead times every distinct normalizer call that ingesting that
simulated world's sources makes (CPU time per kind, each distinct value once, reference
tables warm), which is what ingest pays per distinct value:

    python bench/normalize_bench.py --world /path/to/world [--catalog sources]
"""

from __future__ import annotations

import argparse
import csv
import gc
import json
import random
import resource
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from skiptrace.ingest.catalog import ADDRESS_FIELDS, DATE_FIELDS, FieldSpec, load_catalog
from skiptrace.ingest.ingest import find_files
from skiptrace.ingest.readers import read_chunks
from skiptrace.normalize import (
    addresses,
    dates,
    emails,
    employers,
    names,
    normalize_address,
    normalize_date,
    normalize_email,
    normalize_employer,
    normalize_name,
    normalize_name_parts,
    normalize_phones,
    normalize_ssn,
    phones,
    split_parties,
    ssns,
)
from skiptrace.normalize.address_fastpath import fast_tag
from skiptrace.normalize.address_parse import clean_line, parse_street_line
from skiptrace.normalize.address_reference import zip_table
from skiptrace.normalize.batch import normalize_column

# Distinct values per row in a ~10M-row world (names/addresses repeat across sources).
DISTINCT_RATIO = {"name": 0.25, "address": 0.3, "phone": 0.25, "date": 0.1, "ssn": 0.12,
                  "email": 0.2, "employer": 0.01}  # fmt: skip
CACHES = [names.normalize_name, addresses.normalize_address, addresses.zip5_locality,
          parse_street_line, phones.normalize_phone, phones._exchange_facts, dates._normalize_date,
          ssns.normalize_ssn, emails.normalize_email, employers.normalize_employer]  # fmt: skip


def _read(path: Path, delimiter: str = ",", encoding: str = "utf-8") -> list[dict[str, str]]:
    with path.open(newline="", encoding=encoding) as handle:
        return list(csv.DictReader(handle, delimiter=delimiter))


def seed_values(sample: Path) -> dict[str, list[str]]:
    """Raw values of each kind as the sample world's sources write them."""
    src = sample / "sources"
    credit = _read(src / "credit_header.csv")
    payroll = _read(src / "payroll_verifications.psv", "|")
    utility = _read(src / "utility_connects.csv")
    voters = _read(src / "voter_registration.tsv", "\t", "latin-1")
    with (src / "email_append.jsonl").open(encoding="utf-8") as handle:
        mails = [json.loads(line) for line in handle if line.strip()]
    return {
        "name": [r["CONSUMER_NAME"] for r in credit] + [r["ACCOUNT_HOLDER"] for r in utility]
        + [f"{r['EMP_FIRST']} {r['EMP_MI']} {r['EMP_LAST']} {r['EMP_SFX']}" for r in payroll],
        "address": [f"{r['ADDR1']} {r['ADDR2']}, {r['CITY']}, {r['ST']} {r['ZIP']}"
                    for r in credit] + [r["SVC_ADDRESS"] for r in utility]
        + [f"{m['address']}, {m['city']}, {m['state']} {m['zip5']}" for m in mails],
        "phone": [r["PHONE"] for r in credit if r["PHONE"]]
        + [r["CONTACT_PHONE"] for r in utility if r["CONTACT_PHONE"]],
        "date": [r["DOB"] for r in credit] + [r["EMP_DOB"] for r in payroll]
        + [r["CONNECT_DT"] for r in utility] + [r["REG_DATE"] for r in voters],
        "ssn": [r["SSN"] for r in credit] + [r["EMP_SSN"] for r in payroll],
        "email": [m["email"] for m in mails],
        "employer": [r["EMPLOYER_NAME"] for r in payroll],
    }  # fmt: skip


def _perturb(value: str, rng: random.Random) -> str:
    """A new distinct value of the same shape: the first digit run gets new digits."""
    out, done = [], False
    for ch in value:
        if ch.isdigit() and not done:
            out.append(str(rng.randint(1, 9)))
        else:
            done = done or (out and out[-1].isdigit() and not ch.isdigit())
            out.append(ch)
    return "".join(out)


def make_column(seeds: list[str], rows: int, ratio: float, rng: random.Random) -> list[str]:
    distinct = max(1, int(rows * ratio))
    pool = list(dict.fromkeys(seeds))
    while len(pool) < distinct:
        pool.append(_perturb(rng.choice(seeds), rng))
    pool = pool[:distinct]
    return [rng.choice(pool) for _ in range(rows)]


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


# How ingest calls each normalizer (see skiptrace/ingest/mapping.py), keyed by call kind.
WORLD_CALLS: dict[str, Callable[[Any], object]] = {
    "name": lambda a: normalize_name(a[0], a[1]),
    "parties": lambda a: split_parties(a, "multi_party"),
    "name_parts": lambda a: normalize_name_parts(**dict(zip(a[0], a[1], strict=True))),
    "address_one": normalize_address,
    "address_split": lambda a: normalize_address(**dict(zip(a[0], a[1], strict=True))),
    "phones": normalize_phones,
    "date": lambda a: normalize_date(a[0], formats=(a[1],) if a[1] else None),
    "ssn": normalize_ssn,
    "email": normalize_email,
    "employer": normalize_employer,
}
_SKIPPED = frozenset({"phone_type", "status", "case_type", "record_id", "birth_year"})


def world_calls(world: Path, catalog: Path) -> tuple[int, dict[str, list[Any]]]:
    """(rows, distinct normalizer arguments per call kind) of a world's sources."""
    sources = load_catalog(catalog)
    calls: dict[str, dict[Any, None]] = {kind: {} for kind in WORLD_CALLS}
    rows = 0

    def add(spec: FieldSpec, columns: dict[str, list[str | None]], date_format: str | None) -> None:
        name, parts = spec.name, tuple(p for p, _ in spec.parts)
        values = (
            zip(*(columns[c] for _, c in spec.parts), strict=True)
            if spec.parts
            else (v for c in (spec.column, *spec.columns) if c for v in columns[c])
        )
        if name == "name":
            kind = "name_parts" if parts else "parties" if spec.format == "multi_party" else "name"
        elif name in ADDRESS_FIELDS:
            kind = "address_split" if parts else "address_one"
        elif name in DATE_FIELDS:
            kind = "date"
        else:
            kind = "phones" if name == "phone" else name
        target = calls[kind]
        for value in values:
            key = (
                (parts, value)
                if parts
                else (value, spec.format)
                if kind == "name"
                else (value, spec.date_format or date_format)
                if kind == "date"
                else value
            )
            target[key] = None

    for path, relative in find_files([world / "sources"]):
        source = sources.match(relative)
        if source is None:
            continue
        specs = [f for p in source.parties for f in p.fields] + list(source.fields)
        specs = [f for f in specs if f.name not in _SKIPPED]
        for chunk in read_chunks(path, source.file, source.source_columns):
            rows += len(chunk.row_numbers)
            for spec in specs:
                add(spec, chunk.columns, source.file.date_format)
    return rows, {kind: list(found) for kind, found in calls.items()}


def world_main(world: Path, catalog: Path) -> None:
    """Time each call kind over its distinct arguments (CPU time, caches cold per kind)."""
    rows, calls = world_calls(world, catalog)
    zip_table()  # reference tables load once per process, as in ingest workers
    for kind, fn in WORLD_CALLS.items():  # load the nickname and phone metadata tables
        if calls[kind]:
            fn(calls[kind][0])
    print(f"{world}: {rows:,} rows; load average {Path('/proc/loadavg').read_text()[:14]}")
    print("| call kind | distinct | CPU s | us per distinct |")
    print("| --- | ---: | ---: | ---: |")
    total = 0.0
    for kind, fn in WORLD_CALLS.items():
        for cached in CACHES:
            cached.cache_clear()
        gc.collect()
        gc.disable()  # as ingest's map_distinct does
        start = time.process_time()
        for value in calls[kind]:
            fn(value)
        spent = time.process_time() - start
        gc.enable()
        total += spent
        count = max(1, len(calls[kind]))
        print(f"| {kind} | {len(calls[kind]):,} | {spent:.2f} | {spent / count * 1e6:.1f} |")
    print(f"all kinds: {total:.1f} CPU-s; load average {Path('/proc/loadavg').read_text()[:14]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=300_000)
    parser.add_argument("--sample", type=Path, default=Path("data/sample"))
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--world", type=Path, help="time a simulated world's distinct values")
    parser.add_argument("--catalog", type=Path, default=Path("sources"))
    args = parser.parse_args()
    if args.world:
        world_main(args.world, args.catalog)
        return
    rng = random.Random(args.seed)
    seeds = seed_values(args.sample)
    print(f"zip reference load: {timed(zip_table):.2f} s (once per process)")
    print(f"rows per column: {args.rows:,}")
    print("| kind | distinct | cold rows/s | cold distinct/s | cached rows/s |")
    print("| --- | ---: | ---: | ---: | ---: |")
    total_cold = 0.0
    for kind, ratio in DISTINCT_RATIO.items():
        column = make_column(seeds[kind], args.rows, ratio, rng)
        distinct = len(set(column))
        for cached in CACHES:
            cached.cache_clear()
        gc.collect()
        cold = timed(lambda c=column, k=kind: normalize_column(k, c))
        warm = timed(lambda c=column, k=kind: normalize_column(k, c))
        total_cold += cold
        print(f"| {kind} | {distinct:,} | {args.rows / cold:,.0f} | {distinct / cold:,.0f} "
              f"| {args.rows / warm:,.0f} |")  # fmt: skip
        if kind == "address":
            lines = {clean_line(addresses.split_one_line(v)[0]) for v in column}
            hits = sum(fast_tag(line) is not None for line in lines)
            print(f"|  address fast-path hit rate | {hits / len(lines):.1%} of distinct lines |||")
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"all kinds cold: {total_cold:.1f} s for {args.rows * len(DISTINCT_RATIO):,} values; "
          f"peak RSS {peak_mib:,.0f} MiB")  # fmt: skip


if __name__ == "__main__":
    main()
