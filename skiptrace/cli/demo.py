"""``skiptrace demo``: build the sample store, refresh the sample accounts, show accuracy."""

from __future__ import annotations

from pathlib import Path

import click

from skiptrace.cli.progress import RateBar


@click.command("demo")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default="skiptrace-demo",
    show_default=True,
    help="Directory for the store, the refreshed file, its manifest and the audit log.",
)
@click.option(
    "--sample",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="A world written by `skiptrace simulate` instead of data/sample.",
)
def demo(out_dir: Path, sample: Path | None) -> None:
    """Run the whole pipeline on data/sample and print accuracy against its truth.

    Ingest and resolve the sample sources, batch-refresh data/sample/accounts.csv as a
    demo operator (audited), and score the result.

    Example: skiptrace demo --out /tmp/skiptrace-demo
    """
    from skiptrace.demo import SAMPLE, run_demo  # deferred: keeps `skiptrace -h` fast

    bar = RateBar("refreshing", "accounts")
    try:
        report = run_demo(
            out_dir,
            sample=sample or SAMPLE,
            stage=lambda name: click.echo(f"{name}...", err=True),
            progress=bar,
        )
    finally:
        bar.close()
    click.echo(report.text())
