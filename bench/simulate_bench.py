"""Benchmark the world simulator and check the naive-engine baseline it is calibrated for.

    python bench/simulate_bench.py --persons 1000000            # time + peak RSS
    python bench/simulate_bench.py --persons 20000 --baseline   # naive top-1 address accuracy

The baseline is the engine the world is designed to defeat often: exact 9-digit SSN match
against the credit header, payroll and deceased files, then the most recently reported
address. It should land around 55-65% top-1 address accuracy.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _key(line1: str, zipc: str) -> tuple[str, str]:
    """Crude address identity: house number (or PO box number) and ZIP5."""
    m = re.match(r"\s*(?:P\.?\s*O\.?\s*BOX|POB|POST OFFICE BOX)?\s*(\d+)", line1.upper())
    return (m.group(1) if m else line1.upper(), zipc[:5])


def _iso(text: str, fmt: str) -> str:
    try:
        return dt.datetime.strptime(text, fmt).date().isoformat()
    except ValueError:
        return ""


def naive_baseline(world: Path) -> dict[str, float]:
    """Top-1 address accuracy of exact-SSN + most-recent-address over ``world``'s accounts."""
    best: dict[str, tuple[str, tuple[str, str]]] = {}

    def offer(ssn: str, seen: str, key: tuple[str, str]) -> None:
        ssn = ssn.replace("-", "")
        if len(ssn) == 9 and ssn.isdigit() and seen and (ssn not in best or seen > best[ssn][0]):
            best[ssn] = (seen, key)

    src = world / "sources"
    with open(src / "credit_header.csv", encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            offer(r["SSN"], _iso(r["LAST_RPT"], "%m/%d/%Y"), _key(r["ADDR1"], r["ZIP"]))
    with open(src / "payroll_verifications.psv", encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh, delimiter="|"):
            street, _, rest = r["HOME_ADDRESS"].partition(",")
            if rest:
                offer(r["EMP_SSN"], r["LAST_VERIFIED_DT"], _key(street, rest.split()[-1]))
    truth = {}
    with open(world / "truth" / "accounts.csv", encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            truth[r["account_id"]] = r
    hits = findable = n = 0
    with open(world / "accounts.csv", encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            t = truth[r["ACCOUNT_ID"]]
            n += 1
            findable += t["address_findable"] == "1"
            got = best.get(r["SSN"].replace("-", ""))
            if got and got[1] == _key(t["current_line1"], t["current_zip"]):
                hits += 1
    return {"accounts": n, "naive_top1": hits / n, "address_findable": findable / n}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--accounts", type=int, default=None)
    parser.add_argument("--applications", type=int, default=None)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--out", type=Path, default=None, help="keep the world here")
    parser.add_argument("--baseline", action="store_true", help="also run the naive engine")
    args = parser.parse_args()
    accounts = args.accounts if args.accounts is not None else min(100_000, args.persons // 4)
    apps = args.applications if args.applications is not None else min(100_000, args.persons // 4)
    with tempfile.TemporaryDirectory() as tmp:
        out = args.out or Path(tmp) / "world"
        cmd = [
            sys.executable,
            "-m",
            "skiptrace",
            "simulate",
            "--persons",
            str(args.persons),
            "--accounts",
            str(accounts),
            "--applications",
            str(apps),
            "--seed",
            str(args.seed),
            "--workers",
            str(args.workers),
            "--out",
            str(out),
        ]
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, stderr=subprocess.DEVNULL)
        wall = time.perf_counter() - t0
        peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        manifest = json.loads((out / "world.json").read_text())
        size = sum(f.stat().st_size for f in out.rglob("*") if f.is_file())
        result = {
            "command": " ".join(cmd[1:]),
            "persons": args.persons,
            "source_rows": sum(manifest["counts"]["source_rows"].values()),
            "wall_seconds": round(wall, 1),
            "peak_rss_mib_largest_process": round(peak_kb / 1024, 1),
            "output_mib": round(size / 2**20, 1),
        }
        if args.baseline:
            result |= naive_baseline(out)
        print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
