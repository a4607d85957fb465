"""Simulate a world: run chunks (optionally on several processes) and stream them to disk."""

from __future__ import annotations

import dataclasses
import json
import multiprocessing as mp
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from skiptrace.errors import ConfigError
from skiptrace.simulate.chunk import generate_chunk
from skiptrace.simulate.config import SIMULATOR_VERSION, WorldConfig
from skiptrace.simulate.geography import load_geography
from skiptrace.simulate.writer import WorldWriter

Progress = Callable[[int, int | None], None]


@dataclass(frozen=True, slots=True)
class WorldSummary:
    """What was written: where, how many persons/accounts/applications, rows per source."""

    out_dir: Path
    persons: int
    accounts: int
    applications: int
    source_rows: dict[str, int]

    @property
    def total_source_rows(self) -> int:
        """All source rows over all sources."""
        return sum(self.source_rows.values())


def _prepare(out_dir: Path) -> None:
    if out_dir.exists() and not out_dir.is_dir():
        raise ConfigError(f"--out {out_dir} exists and is not a directory")
    if out_dir.is_dir() and any(out_dir.iterdir()) and not (out_dir / "world.json").exists():
        raise ConfigError(f"--out {out_dir} is a non-empty directory that is not a world")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(f"cannot create --out {out_dir}: {exc.strerror}") from exc


def _chunks(config: WorldConfig, workers: int):
    n = -(-config.persons // config.chunk_size)
    if workers <= 1 or n == 1:
        for k in range(n):
            yield generate_chunk(config, k)
        return
    load_geography()  # load once before forking so workers share it
    with mp.get_context("fork").Pool(workers) as pool:
        pending: deque = deque()
        for k in range(n):
            pending.append(pool.apply_async(generate_chunk, (config, k)))
            if len(pending) > workers:  # bounded: at most workers + 1 chunks in flight
                yield pending.popleft().get()
        while pending:
            yield pending.popleft().get()


def simulate_world(
    config: WorldConfig, out_dir: Path, progress: Progress | None = None
) -> WorldSummary:
    """Generate ``config``'s world into ``out_dir`` (see docs/architecture.md for the layout).

    Output is byte-identical for the same config, whatever the number of workers.
    """
    config.validate()
    out_dir = Path(out_dir)
    _prepare(out_dir)
    writer = WorldWriter(out_dir)
    done = 0
    try:
        for result in _chunks(config, config.workers):
            writer.write_chunk(result)
            done += len(result.truth["persons"])
            if progress is not None:
                progress(done, config.persons)
    finally:
        counts = writer.close()
    summary = WorldSummary(
        out_dir, done, writer.counts["accounts"], writer.counts["applications"], counts
    )
    _write_manifest(config, summary)
    return summary


def _write_manifest(config: WorldConfig, summary: WorldSummary) -> None:
    manifest = {
        "simulator_version": SIMULATOR_VERSION,
        "seed": config.seed,
        "as_of": config.as_of.isoformat(),
        "noise_scale": config.noise_scale,
        "chunk_size": config.chunk_size,
        "counts": {
            "persons": summary.persons,
            "accounts": summary.accounts,
            "applications": summary.applications,
            "source_rows": summary.source_rows,
        },
        "noise_rates": dataclasses.asdict(config.effective_noise),
        "coverage_rates": dataclasses.asdict(config.coverage),
    }
    text = json.dumps(manifest, indent=2, sort_keys=True) + "\n"
    (summary.out_dir / "world.json").write_text(text, encoding="utf-8")
