"""``skiptrace resolve`` and ``skiptrace explain``: persons from the store's observations."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import click

from skiptrace.ingest import open_store

STORE_OPTION = click.option(
    "--store",
    "store_path",
    type=click.Path(path_type=Path),
    default=Path("skiptrace.duckdb"),
    show_default=True,
    help="DuckDB store written by `skiptrace ingest`.",
)


@click.command("resolve")
@STORE_OPTION
@click.option("--full", is_flag=True, help="Retrain the model and rebuild every person.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
def resolve(store_path: Path, full: bool, as_json: bool) -> None:
    """Link the store's observations into persons (incremental unless --full).

    Example:

        skiptrace resolve --store skiptrace.duckdb
    """
    from skiptrace.resolve.resolve import resolve_store

    if not store_path.exists():
        raise click.ClickException(f"{store_path}: no store here; run `skiptrace ingest` first")
    con = open_store(store_path)
    try:
        summary = resolve_store(con, full=full)
    finally:
        con.close()
    for warning in summary.warnings:
        click.echo(f"warning: {warning}", err=True)
    if as_json:
        click.echo(json.dumps(asdict(summary)))
        return
    events = ", ".join(f"{n} {kind}" for kind, n in sorted(summary.events.items())) or "none"
    click.echo(
        f"{summary.mode} resolve: {summary.records:,} records ({summary.new_records:,} new), "
        f"{summary.pairs:,} candidate pairs, {summary.links:,} links, "
        f"{summary.persons:,} persons; events: {events}"
    )


@click.command("explain")
@click.argument("record_a", type=int)
@click.argument("record_b", type=int)
@STORE_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print the waterfall as JSON.")
def explain(record_a: int, record_b: int, store_path: Path, as_json: bool) -> None:
    """Show why two observations (obs_id) are or are not the same person.

    Example:

        skiptrace explain 4534607926082811186 4725393318294136599
    """
    from skiptrace.resolve.explain import render_text
    from skiptrace.resolve.resolve import explain_records

    if not store_path.exists():
        raise click.ClickException(f"{store_path}: no store here; run `skiptrace ingest` first")
    con = open_store(store_path, read_only=True)
    try:
        ex = explain_records(con, record_a, record_b)
    finally:
        con.close()
    click.echo(json.dumps(ex.to_dict()) if as_json else render_text(ex))
