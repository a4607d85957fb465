"""``skiptrace ingest``: load source files into the store through the source catalog."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

import skiptrace
from skiptrace.errors import InputError

if TYPE_CHECKING:
    from skiptrace.ingest import IngestSummary


def default_catalog() -> Path:
    """./sources when present, else the repository's sources/ next to the package."""
    local = Path("sources")
    return local if local.is_dir() else Path(skiptrace.__file__).resolve().parent.parent / "sources"


class _Bar:
    """Adapts the library's (done, total) progress callback to a click progress bar."""

    def __init__(self) -> None:
        self.bar: Any = None
        self.shown = 0

    def __call__(self, done: int, total: int | None) -> None:
        stream = sys.stderr
        if not stream.isatty():
            return
        if self.bar is None:
            self.bar = click.progressbar(length=total or 0, label="ingesting", file=stream)
            self.bar.__enter__()
        self.bar.update(done - self.shown)
        self.shown = done

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)


def render(summary: IngestSummary) -> str:
    """Human summary: one block per source, then skipped files and errors."""
    lines = [f"store: {summary.store}"]
    for name, s in summary.by_source().items():
        lines.append(
            f"{name}: {s['files']} file(s), {s['rows_read']:,} rows read, "
            f"{s['observations']:,} observations, {s['contacts']:,} contacts, "
            f"{s['rows_rejected']:,} rejected"
        )
        lines.extend(f"    {n:,} {reason}" for reason, n in sorted(s["rejects"].items()))
    unchanged = sum(f.status == "unchanged" for f in summary.files)
    if unchanged:
        lines.append(f"{unchanged} file(s) already in the store, unchanged")
    lines.extend(f"skipped {f.path}: {f.error}" for f in summary.skipped)
    lines.extend(f"error {f.error}" for f in summary.errors)
    return "\n".join(lines)


@click.command("ingest")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--catalog",
    "catalog_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Source catalog directory (default ./sources, else the bundled sources/).",
)
@click.option(
    "--store",
    "store_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default="skiptrace.duckdb",
    show_default=True,
    help="DuckDB store to create or update.",
)
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=None,
    help="Processes normalizing in parallel [default: 2 for inputs over 64 MiB, else 1].",
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of text.")
def ingest(
    paths: tuple[Path, ...],
    catalog_dir: Path | None,
    store_path: Path,
    workers: int | None,
    as_json: bool,
) -> None:
    """Read source files (or directories of them) into the store.

    Unchanged files are skipped, changed files replace their earlier rows, and every
    unusable row is kept in the rejects table with its reason.

    Example: skiptrace ingest --store world.duckdb data/sample/sources
    """
    from skiptrace.ingest import ingest_paths  # deferred: keeps `skiptrace -h` fast

    bar = _Bar()
    try:
        summary = ingest_paths(
            list(paths), catalog_dir or default_catalog(), store_path, progress=bar, workers=workers
        )
    finally:
        bar.close()
    click.echo(json.dumps(summary.to_dict(), indent=2) if as_json else render(summary))
    if summary.errors:
        first = summary.errors[0]
        raise InputError(f"{len(summary.errors)} file(s) not ingested; first: {first.error}")
