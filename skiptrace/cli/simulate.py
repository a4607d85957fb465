"""``skiptrace simulate``: write a synthetic world with ground truth."""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path

import click

from skiptrace.simulate import WorldConfig, simulate_world


@click.command()
@click.option("--persons", type=int, default=2000, show_default=True, help="Persons in the world.")
@click.option(
    "--accounts", type=int, default=None, help="Rows of accounts.csv [default: persons/4]."
)
@click.option(
    "--applications", type=int, default=None, help="Rows of applications.csv [default: persons/4]."
)
@click.option("--seed", type=int, default=7, show_default=True, help="Random seed.")
@click.option(
    "--out",
    "out",
    type=click.Path(path_type=Path),
    required=True,
    help="Output directory (created; must be empty or an earlier world).",
)
@click.option(
    "--as-of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default="2026-10-01",
    show_default=True,
    help="The world's 'today'.",
)
@click.option(
    "--noise-scale", type=float, default=1.0, show_default=True, help="Multiplies every noise rate."
)
@click.option(
    "--workers",
    type=int,
    default=None,
    help="Worker processes (default: CPU count, at most 2 for small worlds: 1).",
)
def simulate(
    persons: int,
    accounts: int | None,
    applications: int | None,
    seed: int,
    out: Path,
    as_of: dt.datetime,
    noise_scale: float,
    workers: int | None,
) -> None:
    """Generate a synthetic world: vendor-like source files, accounts, applications, truth/.

    Example:

        skiptrace simulate --persons 2000 --accounts 500 --applications 500 --seed 7 --out world
    """
    if workers is None:
        workers = 1 if persons <= 20_000 else min(2, os.cpu_count() or 1)
    config = WorldConfig(
        persons=persons,
        accounts=persons // 4 if accounts is None else accounts,
        applications=persons // 4 if applications is None else applications,
        seed=seed,
        as_of=as_of.date(),
        noise_scale=noise_scale,
        workers=workers,
    )
    bars: list = []

    def progress(done: int, total: int | None) -> None:
        if not bars:  # opened on first progress so argument errors print alone
            bars.append(click.progressbar(length=total, label="persons", file=sys.stderr))
            bars[0].__enter__()
        bars[0].update(done - bars[0].pos)

    try:
        summary = simulate_world(config, out, progress=progress)
    finally:
        if bars:
            bars[0].__exit__(None, None, None)
    click.echo(
        f"wrote {summary.persons:,} persons, {summary.total_source_rows:,} source rows in "
        f"{len(summary.source_rows)} sources, {summary.accounts:,} accounts, "
        f"{summary.applications:,} applications to {summary.out_dir}"
    )
