"""Benchmark `ingest_paths` on a simulated world's sources: wall time, rows/s, peak RSS.

Usage:
    python3 bench/ingest_bench.py WORLD_DIR [--store PATH] [--workers N] [--catalog DIR]

Ingests WORLD_DIR/sources into a fresh store (deleted first), then re-ingests it to time
the no-op path. Prints one JSON object. ``peak_rss_tree_mib`` is the largest sum of resident
set sizes over this process and its workers (sampled every 2 s; pages the forked workers
share are counted once per process), ``peak_pss_tree_mib`` the same with shared pages split
between their users (the honest total), ``peak_rss_largest_mib`` the largest single process;
``cpu_seconds`` the CPU time of that tree during the first ingest (wall time suffers when
other work shares the CPUs); ``normalize_cpu_seconds`` the part of it spent in the
normalizers and ``chunk_cpu_seconds`` in normalizing plus building the store tables (both
timed inside the workers, per chunk), so ``cpu_seconds - normalize_cpu_seconds`` is the rest
of ingest (reading, building tables, DuckDB inserts and commits, hashing, start-up); load
averages are sampled at the start and the end.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import sys
import threading
import time
from pathlib import Path

import duckdb

from skiptrace.ingest import ingest_paths

REPO = Path(__file__).resolve().parent.parent
SAMPLE_SECONDS = 2.0


def _tree(pid: int) -> list[int]:
    """``pid`` and its descendants (worker processes hang under the forkserver)."""
    found = [pid]
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            if ppid == pid:
                found += _tree(int(entry.name))
    return found


def _pss(pid: int) -> int:
    """Proportional set size in bytes (shared pages split between their users)."""
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1]) * 1024
    return 0


def _sample(pid: int) -> tuple[int, float, int, int]:
    """(RSS bytes, CPU seconds incl. reaped children, PSS bytes, largest RSS) over the tree."""
    rss, cpu, pss, largest = 0, 0.0, 0, 0
    for p in _tree(pid):
        try:
            own = int(Path(f"/proc/{p}/statm").read_text().split()[1]) * resource.getpagesize()
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            cpu += sum(int(f) for f in fields[11:15]) / os.sysconf("SC_CLK_TCK")
            pss += _pss(p)
        except OSError:
            continue
        rss += own
        largest = max(largest, own)
    return rss, cpu, pss, largest


def _sampler(samples: list[tuple[int, float, int, int]], stop: threading.Event) -> None:
    """Sample the process tree every ``SAMPLE_SECONDS`` (Linux /proc).

    A sample's CPU excludes this thread's own (reading ``smaps_rollup`` of large processes
    costs ~0.1 CPU-s a sample, which would otherwise count as ingest CPU).
    """
    while not stop.wait(SAMPLE_SECONDS):
        rss, cpu, pss, largest = _sample(os.getpid())
        samples.append((rss, cpu - time.thread_time(), pss, largest))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("world", type=Path)
    parser.add_argument("--store", type=Path, default=Path("/tmp/ingest_bench.duckdb"))
    parser.add_argument("--catalog", type=Path, default=REPO / "sources")
    parser.add_argument("--workers", type=int, default=None, help="default: auto")
    args = parser.parse_args()

    for suffix in ("", ".wal"):
        Path(f"{args.store}{suffix}").unlink(missing_ok=True)
    sources = args.world / "sources"
    size = sum(p.stat().st_size for p in sources.rglob("*") if p.is_file())
    samples: list[tuple[int, float, int, int]] = []
    load_start = os.getloadavg()
    stop = threading.Event()
    sampler = threading.Thread(target=_sampler, args=(samples, stop), daemon=True)
    sampler.start()
    start = time.perf_counter()
    summary = ingest_paths([sources], args.catalog, args.store, workers=args.workers)
    elapsed = time.perf_counter() - start
    cpu = max((s[1] for s in samples), default=0.0)
    load_end = os.getloadavg()
    again_start = time.perf_counter()
    again = ingest_paths([sources], args.catalog, args.store, workers=args.workers)
    again_elapsed = time.perf_counter() - again_start
    stop.set()
    rows = sum(f.rows_read for f in summary.files)
    con = duckdb.connect(str(args.store), read_only=True)
    obs = con.execute("SELECT count(*) FROM observations").fetchone()[0]
    contacts = con.execute("SELECT count(*) FROM contacts").fetchone()[0]
    con.close()
    result = {
        "world": str(args.world),
        "input_bytes": size,
        "files": len(summary.files),
        "errors": [f.error for f in summary.errors],
        "rows_read": rows,
        "rows_rejected": sum(f.rows_rejected for f in summary.files),
        "observations": obs,
        "contacts": contacts,
        "workers": args.workers or "auto",
        "seconds": round(elapsed, 1),
        "rows_per_second": round(rows / elapsed),
        "reingest_seconds": round(again_elapsed, 2),
        "reingest_unchanged": all(f.status == "unchanged" for f in again.files),
        "cpu_seconds": round(cpu),
        "normalize_cpu_seconds": round(sum(f.normalize_seconds for f in summary.files)),
        "chunk_cpu_seconds": round(sum(f.chunk_seconds for f in summary.files)),
        "peak_rss_main_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
        "peak_rss_tree_mib": max((s[0] for s in samples), default=0) // (1024 * 1024),
        "peak_pss_tree_mib": max((s[2] for s in samples), default=0) // (1024 * 1024),
        "peak_rss_largest_mib": max((s[3] for s in samples), default=0) // (1024 * 1024),
        "load_average_start": [round(x, 2) for x in load_start],
        "load_average_end": [round(x, 2) for x in load_end],
        "store_mib": args.store.stat().st_size // (1024 * 1024),
        "python": sys.version.split()[0],
        "duckdb": duckdb.__version__,
        "machine": platform.machine(),
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
