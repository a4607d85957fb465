"""Locate speed: single-lookup latency (warm store) and batch throughput.

    python bench/locate_speed.py --persons 8000 --seed 2 --root /tmp/w --batch 100000

The batch repeats the world's accounts up to `--batch` queries (results do not depend on
batch composition, so repetition measures throughput honestly). Peak RSS is reported.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from locate_world import build_world, load_queries

from skiptrace.locate.locator import Locator


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=8000)
    parser.add_argument("--seed", type=int, default=2)
    parser.add_argument("--root", type=Path, default=Path("bench/.worlds"))
    parser.add_argument("--lookups", type=int, default=300)
    parser.add_argument("--batch", type=int, default=100_000)
    args = parser.parse_args()
    world = build_world(args.root, args.persons, args.seed)
    queries = load_queries(world)
    with Locator(world / "store.duckdb") as locator:
        locator.locate_many(queries[:50])  # warm the store and caches
        latencies = []
        for query in queries[: args.lookups]:
            start = time.perf_counter()
            locator.lookup(query)
            latencies.append((time.perf_counter() - start) * 1000)
        batch = (queries * (args.batch // len(queries) + 1))[: args.batch]
        start = time.perf_counter()
        locator.locate_many(batch)
        seconds = time.perf_counter() - start
    cuts = statistics.quantiles(latencies, n=100)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"world: {args.persons:,} persons (seed {args.seed}), {len(queries):,} accounts")
    print(f"single lookup: p50 {cuts[49]:.1f} ms, p99 {cuts[98]:.1f} ms ({len(latencies)} lookups)")
    print(f"batch: {len(batch):,} queries in {seconds:.1f} s = {len(batch) / seconds:,.0f} /s")
    print(f"peak RSS: {peak:,.0f} MiB")


if __name__ == "__main__":
    main()
