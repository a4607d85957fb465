"""The lines `batch` and `verify` print about a finished run."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from skiptrace.batch.protocol import BatchSummary


def echo_outputs(summary: BatchSummary) -> None:
    """Print the row count and status counts, then where the long file and manifest went."""
    counts = ", ".join(f"{k} {v:,}" for k, v in summary.manifest["counts"].items()) or "none"
    click.echo(f"{summary.input_rows:,} rows -> {summary.output_path} ({counts})")
    click.echo(f"long file {summary.long_path}; manifest {summary.manifest_path}")


def resumed_note(summary: BatchSummary) -> str:
    """'; N block(s) resumed' when the run continued an interrupted one, else ''."""
    return f"; {summary.resumed_blocks} block(s) resumed" if summary.resumed_blocks else ""
