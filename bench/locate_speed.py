"""Locate speed: person-index build, single-lookup latency (warm store) and batch throughput.

    python bench/locate_speed.py --persons 8000 --seed 2 --root /tmp/w --batch 100000
    python bench/locate_speed.py --world /path/to/simulated/world --root /tmp/w

With `--world`, an existing simulated world is used; a store `ROOT/<world>_oracle.duckdb`
already ingested from it is reused. Resolution is the oracle (truth), so the numbers are
those of the locate engine alone. The batch repeats the world's accounts (as placed, then
thinned) up to `--batch` queries: results do not depend on batch composition. Lookups are
timed on a warm store: `Locator.warm()` first reads the key and packed tables once (what a
service does at start), then a 50-query batch warms the caches; the warm-up is timed and
reported, not counted. Latency is reported as wall time and as process CPU time (the
machine is shared: CPU time is what a lookup costs on an idle machine). Peak RSS and the
load average are reported.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import time
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent))

from locate_world import build_world, degrade, load_queries, prepare_store

from skiptrace.locate.locator import Locator


def _load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def _quantiles(values: list[float]) -> str:
    cuts = statistics.quantiles(values, n=100)
    return f"p50 {cuts[49]:.1f} ms, p95 {cuts[94]:.1f} ms, p99 {cuts[98]:.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=8000)
    parser.add_argument("--seed", type=int, default=2)
    parser.add_argument("--world", type=Path, help="an existing simulated world directory")
    parser.add_argument("--root", type=Path, default=Path("bench/.worlds"))
    parser.add_argument("--lookups", type=int, default=300)
    parser.add_argument("--batch", type=int, default=100_000)
    args = parser.parse_args()
    print(f"load average at start: {_load()}")
    world = args.world or build_world(args.root, args.persons, args.seed)
    start = time.perf_counter()
    store, mapping = prepare_store(world, args.root)
    print(f"oracle resolution + person index (if stale): {time.perf_counter() - start:.1f} s")
    con = duckdb.connect(str(store), read_only=True)
    sizes = {
        t: con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0]
        for t in ("observations", "contacts", "person_keys", "contact_evidence")
    }
    con.close()
    queries = load_queries(world)
    queries += degrade(queries, seed=7)
    print(f"world {world.name}: {len(mapping):,} persons, " +
          ", ".join(f"{k} {v:,}" for k, v in sizes.items()))  # fmt: skip
    start = time.perf_counter()
    with Locator(store) as locator:
        print(f"open (warm index): {(time.perf_counter() - start) * 1000:.0f} ms")
        start = time.perf_counter()
        locator.warm()  # the keys and packed rows single lookups probe, read once
        locator.locate_many(queries[:50])  # the batch path's caches
        print(f"warm-up (Locator.warm + a 50-query batch): {time.perf_counter() - start:.1f} s")
        wall, cpu = [], []
        for query in queries[: args.lookups]:
            w, c = time.perf_counter(), time.process_time()
            locator.lookup(query)
            wall.append((time.perf_counter() - w) * 1000)
            cpu.append((time.process_time() - c) * 1000)
        print(f"single lookup ({len(wall)} lookups): wall {_quantiles(wall)}; "
              f"CPU {_quantiles(cpu)}; load {_load()}")  # fmt: skip
        batch = (queries * (args.batch // len(queries) + 1))[: args.batch]
        w, c = time.perf_counter(), time.process_time()
        results = locator.locate_many(batch)
        seconds, cpu_seconds = time.perf_counter() - w, time.process_time() - c
    hits = sum(r.status == "hit" for r in results)
    print(f"batch: {len(batch):,} queries ({hits:,} hits) in {seconds:.1f} s wall = "
          f"{len(batch) / seconds:,.0f} /s; CPU {cpu_seconds:.1f} s = "
          f"{len(batch) / cpu_seconds:,.0f} /CPU-s; load {_load()}")  # fmt: skip
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS: {peak:,.0f} MiB")


if __name__ == "__main__":
    main()
